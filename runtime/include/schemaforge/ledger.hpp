// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace schemaforge {

// Token usage as reported by the provider; summed over all attempts of one call.
struct usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;

  usage& operator+=(const usage& other) noexcept {
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    total_tokens += other.total_tokens;
    return *this;
  }
};

// One HTTP request made on behalf of a call: a first try, a transport retry or a reask.
struct attempt {
  enum class kind { initial, retry, reask };
  kind reason = kind::initial;
  int http_status = 0;                          // 0 when no HTTP answer was received
  std::chrono::milliseconds latency{0};         // from sending the request to the end of the answer
  std::chrono::milliseconds waited_before{0};   // backoff or Retry-After wait before this attempt
  schemaforge::usage usage;
  std::string request_id;
  int http_version = 0;                         // 11 for HTTP/1.1, 20 for HTTP/2; 0 when no answer
  std::vector<std::string> repairs;             // local repairs applied to the answer ("code_fence", ...)
  std::error_code error;                        // empty when the attempt produced the final value
  std::string message;                          // one line describing the error, empty on success
};

using ledger = std::vector<attempt>;

inline usage total_usage(const ledger& attempts) noexcept {
  usage sum;
  for (const auto& a : attempts) sum += a.usage;
  return sum;
}

}  // namespace schemaforge
