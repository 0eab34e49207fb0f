// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/ledger.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::detail {

// One POST to the endpoint. The body is sent as application/json.
struct http_request {
  std::string path;   // appended to the client's base URL, e.g. "/chat/completions"
  std::string body;
  // Optional, for streaming (SSE): the body of a 2xx answer is handed over chunk by chunk as it
  // arrives and not accumulated. Error answers (non-2xx) are still accumulated into `body`, so
  // that their JSON error can be read. Called on the client's executor. async_send retries a
  // stream that broke after some chunks like any other failed attempt: the chunks of the next
  // attempt start a new body (the ledger has grown by then; the streaming layer tells its caller
  // to discard what came before).
  std::function<void(std::string_view)> on_body_chunk;
  // Headers for this request only, on top of the client's (e.g. "Accept: text/event-stream").
  std::vector<std::pair<std::string, std::string>> headers;
};

struct http_response {
  int status = 0;                                              // 0 when no answer was received
  std::vector<std::pair<std::string, std::string>> headers;    // names in lower case, in order
  std::string body;
  std::string transport_error;  // libcurl's description when the transfer itself failed
  std::size_t streamed_bytes = 0;  // bytes of this attempt handed to on_body_chunk
  // The last few KB of a streamed body: an SSE stream reports its usage in its last chunk, which
  // the endpoint's token limit needs to correct its estimate.
  std::string streamed_tail;
  int http_version = 0;            // 10, 11 or 20 (HTTP/2) as negotiated; 0 when no answer
  // The transfer failed in a way another attempt cannot fix: the server's TLS certificate could
  // not be verified (unknown CA, wrong host name) or the CA file is unusable. Not retried.
  bool tls_verification_failed = false;

  // The first header with this (lower-case) name, or an empty view.
  std::string_view header(std::string_view lower_name) const noexcept {
    for (const auto& [name, value] : headers)
      if (name == lower_name) return value;
    return {};
  }
};

// How async_send retries one call.
struct retry_settings {
  int max_retries = 2;
  std::chrono::milliseconds request_timeout{600'000};                 // one attempt
  std::optional<std::chrono::steady_clock::time_point> deadline;      // all attempts and waits
  attempt::kind first_attempt_kind = attempt::kind::initial;          // the engine's reasks say so
  // Exponential backoff when the server names no wait: min(initial * 2^k, max) minus jitter.
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{8'000};
};

}  // namespace schemaforge::detail
