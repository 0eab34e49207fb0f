// SPDX-License-Identifier: MIT
#include <schemaforge/gen/infer_formats.hpp>

#include <cstddef>

namespace schemaforge::gen {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Reads `n` digits at `pos` as a number; -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

bool is_leap(int year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// RFC 3339 full-date at the start of `s`: YYYY-MM-DD with a day that exists in that month.
bool full_date_prefix(std::string_view s) noexcept {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int limit = days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= limit;
}

bool date_time(std::string_view s) noexcept {
  if (!full_date_prefix(s) || s.size() < 20 || (s[10] != 'T' && s[10] != 't')) return false;
  if (s[13] != ':' || s[16] != ':') return false;
  int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  // Seconds stop at 59: leap seconds are valid RFC 3339 but some validators reject them.
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  if (pos + 6 != s.size() || s[pos + 3] != ':') return false;
  int offset_hour = digits(s, pos + 1, 2), offset_minute = digits(s, pos + 4, 2);
  return offset_hour >= 0 && offset_hour <= 23 && offset_minute >= 0 && offset_minute <= 59;
}

bool date(std::string_view s) noexcept { return s.size() == 10 && full_date_prefix(s); }

bool atext(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

// Host name: dot-separated labels of letters, digits and inner hyphens, at least two labels, the
// last one starting with a letter (so "1.2" is not a domain).
bool domain(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253) return false;
  std::size_t labels = 0, start = 0;
  while (true) {
    std::size_t end = s.find('.', start);
    std::string_view label = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (label.empty() || label.size() > 63 || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    ++labels;
    if (end == std::string_view::npos) return labels >= 2 && is_alpha(label.front());
    start = end + 1;
  }
}

bool email(std::string_view s) noexcept {
  std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = s.substr(0, at);
  if (local.front() == '.' || local.back() == '.') return false;
  char previous = 0;
  for (char c : local) {
    if (c == '.' && previous == '.') return false;
    if (c != '.' && !atext(c)) return false;
    previous = c;
  }
  return domain(s.substr(at + 1));
}

// Characters RFC 3986 allows outside percent-escapes in a URI (unreserved + reserved).
bool uri_char(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case ':': case '/': case '?': case '#': case '[': case ']': case '@':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

// Only hierarchical URIs with an authority ("scheme://host...") count as strong evidence: a bare
// "word:rest" is too often not meant as a URI.
bool uri(std::string_view s) noexcept {
  std::size_t colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i)
    if (!is_alnum(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') return false;
  std::size_t rest = colon + 3;
  if (rest >= s.size() || s[rest] == '/' || s[rest] == '?' || s[rest] == '#') return false;  // empty authority
  for (std::size_t i = rest; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!uri_char(s[i])) {
      return false;
    }
  }
  return true;
}

bool uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view format_name(string_format f) noexcept {
  switch (f) {
    case string_format::date_time: return "date-time";
    case string_format::date: return "date";
    case string_format::email: return "email";
    case string_format::uri: return "uri";
    case string_format::uuid: return "uuid";
  }
  return "";
}

bool matches_format(string_format f, std::string_view s) noexcept {
  switch (f) {
    case string_format::date_time: return date_time(s);
    case string_format::date: return date(s);
    case string_format::email: return email(s);
    case string_format::uri: return uri(s);
    case string_format::uuid: return uuid(s);
  }
  return false;
}

}  // namespace schemaforge::gen
