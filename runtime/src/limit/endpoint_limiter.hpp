// SPDX-License-Identifier: MIT
#pragma once

// The request gate of one endpoint (base URL), shared by every call in the process: a cap on the
// requests in flight (concurrency_gate.hpp), RPM and TPM limits as spacing rules (GCRA), plus
// pauses learnt from x-ratelimit-* headers and from 429s. For rates it only computes WHEN an
// attempt may start; the caller waits with its own timer on its own executor, so there are no
// threads, no polling, and cancelling the caller's wait is enough.

#include "http/http_types.hpp"
#include "limit/concurrency_gate.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace schemaforge::detail {

class endpoint_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // The limiter of `base_url` (trailing slashes ignored), created on first use and kept while
  // any client or call holds it.
  static std::shared_ptr<endpoint_limiter> for_endpoint(std::string base_url);

  // Our own limits, 0 for none, negative to keep the current one; the lower of ours and the endpoint's advertised limit applies.
  void set_limits(double requests_per_minute, double tokens_per_minute);
  double requests_per_minute() const;
  double tokens_per_minute() const;

  // The cap on requests in flight to this endpoint (set_limit(0): none). An attempt holds a slot
  // from just before its rate reservation until its answer ends; waits before retries do not.
  concurrency_gate& concurrency() noexcept { return concurrency_; }

  // A slot granted for one attempt: when it may start and what it was charged.
  struct reservation {
    clock::time_point start{};
    std::int64_t tokens = 0;
  };

  // Charges one request of `estimated_tokens` and returns when it may start (now when nothing
  // limits). Later reservations queue behind this one, so callers are served in order.
  reservation reserve(std::int64_t estimated_tokens, clock::time_point now = clock::now());

  // What an attempt's answer says: usage corrects the token charge (actual_tokens < 0: unknown);
  // x-ratelimit-* headers and 429s slow the whole endpoint.
  void observe(const reservation& charged, const http_response& response, std::int64_t actual_tokens,
               clock::time_point now = clock::now());

  // Tokens an attempt is charged before it is sent: bytes / 4 of the request plus its max_tokens.
  static std::int64_t estimate_tokens(std::string_view request_body);
  // usage.total_tokens of a chat-completions answer or of the tail of its stream (the last
  // total_tokens in the text), or -1.
  static std::int64_t reported_tokens(std::string_view response_body);

 private:
  double effective_rpm() const;  // with the lock held
  double effective_tpm() const;

  concurrency_gate concurrency_;  // its own lock: a waiter never needs both
  mutable std::mutex mutex_;
  double rpm_ = 0, tpm_ = 0;                  // ours
  double advertised_rpm_ = 0, advertised_tpm_ = 0;  // x-ratelimit-limit-*
  double slowdown_ = 1;                       // < 1 after 429s; recovers with successes
  clock::time_point next_request_{};          // GCRA: earliest start of the next request
  clock::time_point next_tokens_{};           // GCRA on tokens
  clock::time_point paused_until_{};          // 429 / remaining = 0
};

// "6m0s", "1s", "20ms", "0.5s", "1h2m3.5s" (OpenAI's x-ratelimit-reset-* format); plain
// numbers are seconds. Negative when it cannot be read.
std::chrono::milliseconds parse_reset_duration(std::string_view text);

}  // namespace schemaforge::detail
