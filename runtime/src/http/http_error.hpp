// SPDX-License-Identifier: MIT
#pragma once

#include "http/http_types.hpp"

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace schemaforge::detail {

// The provider's own explanation from an error body: error.message (OpenAI), or a top-level
// message/detail/error string (vLLM, llama.cpp, FastAPI servers); one line, at most 300 bytes.
std::string provider_message(const http_response& response);

// `text` with every occurrence of `secret` replaced by "[redacted]" (nothing when secret is empty).
std::string redact(std::string text, std::string_view secret);

// One line for the ledger describing a failed attempt, e.g. "HTTP 503: overloaded".
std::string describe_attempt(std::error_code ec, const http_response& response);

// The exception for a call that failed in the transport: code, HTTP status, request id, provider
// message and ledger filled in, and a one-line message that names the cause and what to do.
// Neither the message nor the provider message can contain options.api_key.
error make_transport_error(std::error_code ec, const http_response& last_response, const ledger& attempts,
                           const client_options& options);

}  // namespace schemaforge::detail
