// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/ledger.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace schemaforge {

// Stable values: they are part of the documented API (README, "Error codes") and never renumbered.
enum class errc {
  connection = 1,         // could not connect, connection dropped, TLS failure
  timeout = 2,            // one attempt or the whole call ran past its time
  http_status = 3,        // the endpoint answered with a non-retryable HTTP status
  rate_limited = 4,       // 429 after every retry
  quota = 5,              // insufficient_quota: the account has no credit; never retried
  invalid_output = 6,     // the answer is not JSON even after local repair
  validation_failed = 7,  // the answer is JSON but still invalid against the schema after reasks
  length = 8,             // finish_reason "length": max_tokens cut the answer
  refusal = 9,            // the model refused to answer
  cancelled = 10,         // the caller cancelled the operation
  invalid_argument = 11,  // bad options, bad schema or missing configuration given by the caller
  protocol = 12,          // the endpoint's answer does not follow the chat-completions format
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

// The name used in JSON outputs (batch lines, CLI errors): "timeout", "rate_limited", ...
const char* to_string(errc e) noexcept;

// Thrown by the blocking functions and carried by the async ones. what() is one line naming the
// cause and what to do; it never contains the API key.
class error : public std::system_error {
 public:
  error(std::error_code code, std::string message) : std::system_error(code), message_(std::move(message)) {}

  // The message alone: std::system_error would append ": <code's message>", which repeats it.
  const char* what() const noexcept override { return message_.c_str(); }

  int http_status = 0;            // 0 when no HTTP answer was received
  std::string request_id;         // the provider's x-request-id, when it sent one
  std::string provider_message;   // error.message from the provider's JSON body, when present
  schemaforge::ledger ledger;     // every attempt made before the failure

 private:
  std::string message_;
};

}  // namespace schemaforge

template <>
struct std::is_error_code_enum<schemaforge::errc> : std::true_type {};
