// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::testing {

// One request as the fake server received it.
struct recorded_request {
  std::string method;
  std::string target;                                        // e.g. "/v1/chat/completions"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point arrived;             // when its last byte was read
  std::size_t connection = 0;                                // 1-based number of its connection
  int http_version = 11;                                     // 11 for HTTP/1.1, 20 for HTTP/2

  std::string_view header(std::string_view lower_name) const noexcept;
  nlohmann::json json() const;  // the body parsed; a discarded value when it is not JSON
};

// An OpenAI-compatible chat-completions server on 127.0.0.1 (HTTP/1.1, keep-alive), on its own
// thread, for tests. It answers every POST from a script of entries consumed in order; when the
// script is empty it uses the default entry. Each entry is a JSON object (all keys optional):
//
//   "status": 429, "headers": {"retry-after-ms": "5"}     status line and extra headers
//   "repeat": 3                                           use this entry for 3 requests
//   "delay_ms": 200                                       wait before answering
//   "drop": true                                          close the connection without answering
//   "truncate_body": true                                 send half the body, then close
//   "gzip": true                                          send the body gzip-compressed
//                                                         (Content-Encoding: gzip)
//   "body": "raw text"  |  "json": {...}                  the body verbatim / as JSON
//   "error": {"message": "...", "type": "...", "code": "..."}   an OpenAI error body
//   otherwise a chat completion built from:
//   "content": "text" (default: the last message's content, echoed), "refusal": "text",
//   "tool_arguments": "{...}", "tool_name": "extract", "finish_reason": "length",
//   "usage": {...}, "model": "..."
//   streaming (also used automatically for requests with "stream": true):
//   "stream": ["raw data line", {"data": {...} or "...", "delay_ms": 5}, ...]   SSE events
//   "stream_content": ["Hel", "lo"]        chat.completion.chunk deltas built from these pieces
//   ("tool_arguments" without "stream_content": tool-call argument deltas, in three pieces)
//   "chunk_delay_ms": 20                   wait before each built content/argument delta
//   "done": false                          end cleanly without "data: [DONE]"
//   "truncate": true                       close the connection before the end of the stream
//
// With TLS settings the server speaks HTTPS only. When it offers HTTP/2 (ALPN "h2") and the client
// takes it, the connection is served by an HTTP/2 session with the same script; there, "drop",
// "truncate_body", "delay_ms" and streaming are not available, and one more key is:
//   "hold_until": 8      answer nothing on this connection until it has carried 8 requests
//                        (then all at once): proves that they were in flight together.
class fake_server {
 public:
  struct tls_settings {
    std::string cert_file;    // PEM server certificate (chain)
    std::string key_file;     // PEM private key
    bool offer_http2 = false; // ALPN offers "h2" before "http/1.1"
  };

  explicit fake_server(nlohmann::json script = nlohmann::json::array(), unsigned short port = 0);
  fake_server(nlohmann::json script, tls_settings tls, unsigned short port = 0);
  ~fake_server();
  fake_server(const fake_server&) = delete;
  fake_server& operator=(const fake_server&) = delete;

  unsigned short port() const noexcept;
  std::string base_url() const;  // "http://127.0.0.1:<port>/v1" ("https://..." with TLS)

  void push(nlohmann::json entry);         // appends to the script
  void set_default(nlohmann::json entry);  // the entry used once the script is consumed
  // Appends one JSON line per request (method, path, headers, body, ms since start) to `path`.
  void record_to(std::string path);

  std::vector<recorded_request> requests() const;
  std::size_t request_count() const;
  std::size_t connection_count() const;   // TCP connections accepted so far
  // The most HTTP/1.1 requests that were in flight at once (read, answer not yet written).
  std::size_t max_in_flight() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace schemaforge::testing
