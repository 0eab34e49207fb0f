// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string_view>

namespace valijson {
class ConstraintBuilder;
}

namespace schemaforge::detail {

// The keyword the translation writes for an asserted `format` (see draft_translation.hpp).
inline constexpr const char* asserted_format_keyword = "x-schemaforge-format";

// True for the formats this validator asserts: date, time, date-time.
bool is_asserted_format(std::string_view format);

// RFC 3339 full-date, full-time and date-time (with real month lengths and leap years), checked
// by hand: valijson 1.0 builds a std::regex for every string it checks, which cost ~100 µs per value.
bool matches_format(std::string_view text, std::string_view format);

// Builds the valijson constraint for `asserted_format_keyword`; the parser takes ownership.
std::unique_ptr<valijson::ConstraintBuilder> make_format_constraint_builder();

}  // namespace schemaforge::detail
