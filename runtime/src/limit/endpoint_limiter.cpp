// SPDX-License-Identifier: MIT
#include "limit/endpoint_limiter.hpp"

#include "http/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace schemaforge::detail {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

nanoseconds spacing(double per_minute, double amount) {
  return nanoseconds(static_cast<std::int64_t>(std::ceil(amount * 60e9 / per_minute)));
}

double lower_nonzero(double a, double b) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return std::min(a, b);
}

// The first integer after `"key":` (whitespace allowed), or -1.
std::int64_t integer_after(std::string_view text, std::string_view key, bool last) {
  const std::size_t at = last ? text.rfind(key) : text.find(key);
  if (at == std::string_view::npos) return -1;
  std::size_t i = at + key.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == ':' || text[i] == '\t' || text[i] == '\n')) ++i;
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  (void)end;
  return ec == std::errc() ? value : -1;
}

double number_of(std::string_view text) {
  double value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : -1;
}

}  // namespace

std::shared_ptr<endpoint_limiter> endpoint_limiter::for_endpoint(std::string base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<endpoint_limiter>> registry;
  std::lock_guard lock(registry_mutex);
  auto& slot = registry[base_url];
  if (auto existing = slot.lock()) return existing;
  auto created = std::make_shared<endpoint_limiter>();
  slot = created;
  return created;
}

void endpoint_limiter::set_limits(double requests_per_minute, double tokens_per_minute) {
  std::lock_guard lock(mutex_);
  if (requests_per_minute >= 0) rpm_ = requests_per_minute;
  if (tokens_per_minute >= 0) tpm_ = tokens_per_minute;
}

double endpoint_limiter::requests_per_minute() const {
  std::lock_guard lock(mutex_);
  return effective_rpm();
}

double endpoint_limiter::tokens_per_minute() const {
  std::lock_guard lock(mutex_);
  return effective_tpm();
}

double endpoint_limiter::effective_rpm() const {
  const double limit = lower_nonzero(rpm_, advertised_rpm_);
  return limit > 0 ? limit * slowdown_ : 0;
}

double endpoint_limiter::effective_tpm() const {
  const double limit = lower_nonzero(tpm_, advertised_tpm_);
  return limit > 0 ? limit * slowdown_ : 0;
}

endpoint_limiter::reservation endpoint_limiter::reserve(std::int64_t estimated_tokens, clock::time_point now) {
  std::lock_guard lock(mutex_);
  reservation r;
  r.tokens = std::max<std::int64_t>(0, estimated_tokens);
  r.start = std::max(now, paused_until_);
  const double rpm = effective_rpm(), tpm = effective_tpm();
  // Pure spacing (no burst allowance): in any window of W, at most 1 + W * rate requests start,
  // so a per-minute limit is never exceeded by more than one request.
  if (rpm > 0) {
    r.start = std::max(r.start, next_request_);
    next_request_ = r.start + spacing(rpm, 1);
  }
  if (tpm > 0) {
    r.start = std::max(r.start, next_tokens_);
    next_tokens_ = r.start + spacing(tpm, static_cast<double>(r.tokens));
  }
  return r;
}

void endpoint_limiter::observe(const reservation& charged, const http_response& response, std::int64_t actual_tokens,
                               clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (const double limit = number_of(response.header("x-ratelimit-limit-requests")); limit > 0) advertised_rpm_ = limit;
  if (const double limit = number_of(response.header("x-ratelimit-limit-tokens")); limit > 0) advertised_tpm_ = limit;

  // Correct the token charge with what the answer really cost (a refund when it was less).
  const double tpm = effective_tpm();
  if (tpm > 0 && actual_tokens >= 0 && actual_tokens != charged.tokens) {
    const double difference = static_cast<double>(actual_tokens - charged.tokens);
    const auto shift = nanoseconds(static_cast<std::int64_t>(difference * 60e9 / tpm));
    next_tokens_ = std::max(now, next_tokens_ + shift);
    if (difference < 0 && next_tokens_ < now) next_tokens_ = now;
  }

  // The endpoint's own view: nothing left in this window → nobody sends before its reset.
  const auto pause_for = [&](std::string_view remaining_header, std::string_view reset_header) {
    const double remaining = number_of(response.header(remaining_header));
    if (remaining != 0) return;
    const milliseconds reset = parse_reset_duration(response.header(reset_header));
    if (reset.count() > 0) paused_until_ = std::max(paused_until_, now + std::min(reset, max_retry_after));
  };
  pause_for("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests");
  pause_for("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

  if (response.status == 429 && !is_insufficient_quota(response)) {
    // Slow the whole endpoint: everyone waits what the server asked (else 1 s), and the known
    // rate drops by half until successes bring it back.
    const milliseconds wait = requested_retry_wait(response, std::chrono::system_clock::now()).value_or(milliseconds(1000));
    paused_until_ = std::max(paused_until_, now + wait);
    slowdown_ = std::max(1.0 / 16, slowdown_ / 2);
  } else if (response.status >= 200 && response.status < 300 && slowdown_ < 1) {
    slowdown_ = std::min(1.0, slowdown_ * 1.05);
  }
}

std::int64_t endpoint_limiter::estimate_tokens(std::string_view request_body) {
  std::int64_t estimate = static_cast<std::int64_t>(request_body.size() / 4);
  std::int64_t most = integer_after(request_body, "\"max_completion_tokens\"", false);
  if (most < 0) most = integer_after(request_body, "\"max_tokens\"", false);
  if (most > 0) estimate += most;
  return estimate;
}

std::int64_t endpoint_limiter::reported_tokens(std::string_view response_body) {
  return integer_after(response_body, "\"total_tokens\"", true);
}

std::chrono::milliseconds parse_reset_duration(std::string_view text) {
  if (text.empty()) return milliseconds(-1);
  if (const double plain = number_of(text); plain >= 0) return milliseconds(static_cast<std::int64_t>(std::ceil(plain * 1000)));
  double total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i) return milliseconds(-1);
    const double value = number_of(text.substr(i, j - i));
    if (value < 0) return milliseconds(-1);
    std::size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    const std::string_view unit = text.substr(j, k - j);
    if (unit == "ms") total_ms += value;
    else if (unit == "s") total_ms += value * 1000;
    else if (unit == "m") total_ms += value * 60'000;
    else if (unit == "h") total_ms += value * 3'600'000;
    else return milliseconds(-1);
    i = k;
  }
  return milliseconds(static_cast<std::int64_t>(std::ceil(total_ms)));
}

}  // namespace schemaforge::detail
