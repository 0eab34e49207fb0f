// SPDX-License-Identifier: MIT
#include "http/retry_policy.hpp"

#include <schemaforge/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <random>
#include <string>

namespace schemaforge::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  // std::from_chars for double is in libstdc++ 11+; strtod would depend on the locale.
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

bool is_insufficient_quota(const http_response& response) {
  if (response.status < 400 || response.body.find("insufficient_quota") == std::string::npos) return false;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return false;
  const auto it = body.find("error");
  if (it == body.end() || !it->is_object()) return false;
  for (const char* key : {"code", "type"}) {
    const auto field = it->find(key);
    if (field != it->end() && field->is_string() && field->get_ref<const std::string&>() == "insufficient_quota")
      return true;
  }
  return false;
}

attempt_outcome classify_attempt(std::error_code transport_error, const http_response& response) {
  if (transport_error) {
    // Unlike openai-python, a certificate that failed verification is not retried: the next
    // handshake would meet the same certificate.
    const bool retryable = (transport_error == errc::connection && !response.tls_verification_failed) ||
                           transport_error == errc::timeout;
    return {transport_error, retryable};
  }
  const int status = response.status;
  if (status >= 200 && status < 300) return {};
  if (is_insufficient_quota(response)) return {make_error_code(errc::quota), false};
  const std::error_code error = make_error_code(status == 429 ? errc::rate_limited : errc::http_status);
  const std::string_view should_retry = response.header("x-should-retry");
  if (iequals(should_retry, "true")) return {error, true};
  if (iequals(should_retry, "false")) return {error, false};
  const bool retryable = status == 408 || status == 409 || status == 429 || status >= 500;
  return {error, retryable};
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  const std::string s(text);
  // IMF-fixdate, RFC 850, asctime (RFC 9110 section 5.6.7).
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = ::strptime(s.c_str(), format, &tm);
    if (!end || *end != '\0') continue;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    return std::chrono::system_clock::from_time_t(t);
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> requested_retry_wait(const http_response& response,
                                                              std::chrono::system_clock::time_point now) {
  std::optional<double> ms;
  if (auto v = response.header("retry-after-ms"); !v.empty()) ms = parse_number(v);
  if (!ms) {
    if (auto v = response.header("retry-after"); !v.empty()) {
      if (auto seconds = parse_number(v)) {
        ms = *seconds * 1000.0;
      } else if (auto date = parse_http_date(v)) {
        ms = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(*date - now).count());
      }
    }
  }
  if (!ms || !(*ms > 0) || *ms > static_cast<double>(max_retry_after.count())) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(*ms)));
}

std::chrono::milliseconds backoff_wait(int retry_index, double unit_random, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max) noexcept {
  const double ms = std::min(static_cast<double>(initial.count()) * std::pow(2.0, std::min(retry_index, 30)),
                             static_cast<double>(max.count()));
  const double jitter = 1.0 - 0.25 * std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms * jitter));
}

std::chrono::milliseconds retry_wait(const http_response& response, int retry_index, const retry_settings& settings) {
  if (auto requested = requested_retry_wait(response, std::chrono::system_clock::now())) return *requested;
  thread_local std::minstd_rand random(std::random_device{}());
  return backoff_wait(retry_index, std::uniform_real_distribution<double>(0.0, 1.0)(random), settings.initial_backoff,
                      settings.max_backoff);
}

}  // namespace schemaforge::detail
