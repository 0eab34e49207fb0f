// SPDX-License-Identifier: MIT
#pragma once

#include "http/http_types.hpp"

#include <chrono>
#include <optional>
#include <system_error>

namespace schemaforge::detail {

// What one attempt's outcome means for the call. Mirrors openai-python's _should_retry:
// x-should-retry (true/false) first, then 408, 409, 429 and 5xx; connection errors and
// per-attempt timeouts are retried (but not a TLS certificate that failed verification);
// insufficient_quota never is, whatever the headers say.
struct attempt_outcome {
  std::error_code error;   // empty for a 2xx answer
  bool retryable = false;
};

attempt_outcome classify_attempt(std::error_code transport_error, const http_response& response);

// true when the JSON error body says insufficient_quota (OpenAI sends it with status 429).
bool is_insufficient_quota(const http_response& response);

// The longest server-requested wait that is honoured; longer (or non-positive) values fall back
// to the exponential backoff, as openai-python does.
inline constexpr std::chrono::milliseconds max_retry_after{60'000};

// The wait the server asked for: retry-after-ms first, then Retry-After as seconds or an HTTP
// date, when it lies in (0, max_retry_after].
std::optional<std::chrono::milliseconds> requested_retry_wait(const http_response& response,
                                                              std::chrono::system_clock::time_point now);

// min(initial * 2^retry_index, max) (by default min(0.5 s * 2^k, 8 s)), reduced by up to 25 % of
// jitter; retry_index counts from 0. `unit_random` is in [0, 1).
std::chrono::milliseconds backoff_wait(int retry_index, double unit_random,
                                       std::chrono::milliseconds initial = std::chrono::milliseconds(500),
                                       std::chrono::milliseconds max = std::chrono::milliseconds(8'000)) noexcept;

// The wait before retry number retry_index (0-based): requested_retry_wait, else backoff_wait
// with a random jitter.
std::chrono::milliseconds retry_wait(const http_response& response, int retry_index, const retry_settings& settings);

// Seconds since the epoch of an HTTP date (IMF-fixdate, RFC 850 or asctime form).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace schemaforge::detail
