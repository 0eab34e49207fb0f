// SPDX-License-Identifier: MIT
#include "validation/format_check.hpp"

#include <valijson/internal/adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/validation_results.hpp>

#include <cstddef>
#include <new>
#include <string>

namespace schemaforge::detail {
namespace {

// Reads exactly `count` digits at `at` into `value`.
bool digits(std::string_view text, std::size_t& at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  at += count;
  return true;
}

bool expect(std::string_view text, std::size_t& at, char wanted) {
  if (at >= text.size() || text[at] != wanted) return false;
  ++at;
  return true;
}

bool full_date(std::string_view text, std::size_t& at) {
  int year = 0, month = 0, day = 0;
  if (!digits(text, at, 4, year) || !expect(text, at, '-') || !digits(text, at, 2, month) || !expect(text, at, '-') ||
      !digits(text, at, 2, day)) {
    return false;
  }
  static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= month_days[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool full_time(std::string_view text, std::size_t& at) {
  int hour = 0, minute = 0, second = 0;
  if (!digits(text, at, 2, hour) || !expect(text, at, ':') || !digits(text, at, 2, minute) || !expect(text, at, ':') ||
      !digits(text, at, 2, second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;  // 60: a leap second
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start) return false;
  }
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
    return true;
  }
  if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return false;
  ++at;
  int offset_hour = 0, offset_minute = 0;
  return digits(text, at, 2, offset_hour) && expect(text, at, ':') && digits(text, at, 2, offset_minute) &&
         offset_hour <= 23 && offset_minute <= 59;
}

class format_constraint : public valijson::constraints::PolyConstraint {
 public:
  explicit format_constraint(std::string format) : format_(std::move(format)) {}

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;  // format only constrains strings
    if (matches_format(target.asString(), format_)) return true;
    if (results) results->pushError(context, "String should be a valid " + format_);
    return false;
  }

 private:
  valijson::constraints::Constraint* cloneInto(void* memory) const override { return new (memory) format_constraint(*this); }
  std::size_t sizeOf() const override { return sizeof(format_constraint); }

  std::string format_;
};

class format_constraint_builder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    return new format_constraint(value.asString());
  }
};

}  // namespace

bool is_asserted_format(std::string_view format) { return format == "date" || format == "time" || format == "date-time"; }

bool matches_format(std::string_view text, std::string_view format) {
  std::size_t at = 0;
  bool ok = false;
  if (format == "date") {
    ok = full_date(text, at);
  } else if (format == "time") {
    ok = full_time(text, at);
  } else if (format == "date-time") {
    ok = full_date(text, at) && at < text.size() && (text[at] == 'T' || text[at] == 't') && full_time(text, ++at);
  } else {
    return true;  // an annotation only
  }
  return ok && at == text.size();
}

std::unique_ptr<valijson::ConstraintBuilder> make_format_constraint_builder() {
  return std::make_unique<format_constraint_builder>();
}

}  // namespace schemaforge::detail
