// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <string_view>

namespace schemaforge::gen {

// The string formats inference can detect, in the order they are preferred.
enum class string_format { date_time, date, email, uri, uuid };
inline constexpr std::array<string_format, 5> all_string_formats{
    string_format::date_time, string_format::date, string_format::email, string_format::uri, string_format::uuid};

// The JSON Schema `format` name ("date-time", "date", "email", "uri", "uuid").
std::string_view format_name(string_format f) noexcept;

// True when `s` is, strictly, a value of format `f`. The checks accept a subset of what the
// respective RFCs allow (RFC 3339 date-time/full-date with real calendar dates and seconds < 60,
// dot-atom e-mail addresses with a dotted domain, `scheme://` URIs made of RFC 3986 characters,
// 8-4-4-4-12 hex UUIDs), so a value detected here is accepted by any conforming validator.
bool matches_format(string_format f, std::string_view s) noexcept;

}  // namespace schemaforge::gen
