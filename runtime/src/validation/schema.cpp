// SPDX-License-Identifier: MIT
#include <schemaforge/errors.hpp>
#include <schemaforge/schema.hpp>

// GCC 12 reports a false -Wrestrict inside valijson's JSON-pointer helper once it is inlined here
// (GCC bug 105329); the warning is about libstdc++'s std::string::replace, not this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "validation/draft_translation.hpp"
#include "validation/error_report.hpp"
#include "validation/format_check.hpp"

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

namespace schemaforge {

struct schema_impl {
  nlohmann::json document;
  nlohmann::json translated;  // what `compiled` was parsed from; error messages read it
  valijson::Schema compiled;

  // valijson's Validator caches compiled patterns in itself, so one must not be shared between
  // threads; a small pool keeps the cache warm without a lock held during validation.
  mutable std::mutex pool_mutex;
  mutable std::vector<std::unique_ptr<valijson::Validator>> pool;

  std::unique_ptr<valijson::Validator> borrow() const {
    {
      std::lock_guard lock(pool_mutex);
      if (!pool.empty()) {
        auto validator = std::move(pool.back());
        pool.pop_back();
        return validator;
      }
    }
    return std::make_unique<valijson::Validator>(valijson::Validator::kStrongTypes);
  }

  void give_back(std::unique_ptr<valijson::Validator> validator) const {
    std::lock_guard lock(pool_mutex);
    if (pool.size() < 64) pool.push_back(std::move(validator));
  }
};

namespace {

// Returns the validator to the pool however validation ends.
class borrowed_validator {
 public:
  explicit borrowed_validator(const schema_impl& owner) : owner_(owner), validator_(owner.borrow()) {}
  ~borrowed_validator() { owner_.give_back(std::move(validator_)); }
  borrowed_validator(const borrowed_validator&) = delete;
  borrowed_validator& operator=(const borrowed_validator&) = delete;
  valijson::Validator& operator*() { return *validator_; }

 private:
  const schema_impl& owner_;
  std::unique_ptr<valijson::Validator> validator_;
};

}  // namespace

schema::schema(const nlohmann::json& document) {
  auto impl = std::make_shared<schema_impl>();
  impl->document = document;
  detail::translated_schema translated = detail::translate_for_valijson(document);
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.addConstraintBuilder(detail::asserted_format_keyword, detail::make_format_constraint_builder().release());
    valijson::adapters::NlohmannJsonAdapter adapter(translated.document);
    parser.populateSchema(adapter, impl->compiled);
    impl->translated = std::move(translated.document);
  } catch (const std::exception& e) {
    // The translation checks keyword values with pointers; what valijson still rejects is reported as is.
    throw error(make_error_code(errc::invalid_argument),
                std::string("invalid schema: ") + e.what() + " " + detail::schema_location(""));
  }
  impl_ = std::move(impl);
}

const nlohmann::json& schema::document() const noexcept { return impl_->document; }

std::vector<validation_error> schema::validate(const nlohmann::json& instance, std::size_t max_errors) const {
  std::vector<validation_error> errors;
  valijson::ValidationResults results;
  bool valid = false;
  try {
    borrowed_validator validator(*impl_);
    valid = (*validator).validate(impl_->compiled, valijson::adapters::NlohmannJsonAdapter(instance), &results);
  } catch (const std::exception& e) {
    // A pattern too complex for std::regex on this input, for instance: the instance is not shown valid.
    errors.push_back({"", std::string("could not be checked: ") + e.what()});
    return errors;
  }
  if (valid) return errors;

  std::set<std::pair<std::string, std::string>> seen;  // anyOf branches often repeat one error
  std::string first_failure;                            // where to point when valijson says nothing more
  bool any_failure = false;
  valijson::ValidationResults::Error raw;
  while (results.popError(raw)) {
    auto described = detail::describe(impl_->translated, instance, raw.context, raw.description);
    if (!described) {
      if (!any_failure) first_failure = detail::instance_pointer(instance, raw.context);
      any_failure = true;
      continue;
    }
    if (!seen.emplace(described->pointer, described->message).second) continue;
    errors.push_back(std::move(*described));
  }
  // valijson's order depends on its constraint order; the instance's order is easier to read.
  std::stable_sort(errors.begin(), errors.end(), [](const validation_error& a, const validation_error& b) {
    return detail::pointer_less(a.pointer, b.pointer);
  });
  if (max_errors != 0 && errors.size() > max_errors) errors.resize(max_errors);
  if (errors.empty()) {
    // valijson reports some failures (propertyNames) without a description of their own.
    errors.push_back({first_failure, "does not match the schema"});
  }
  return errors;
}

bool schema::is_valid(const nlohmann::json& instance) const {
  try {
    borrowed_validator validator(*impl_);
    return (*validator).validate(impl_->compiled, valijson::adapters::NlohmannJsonAdapter(instance), nullptr);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace schemaforge
