// SPDX-License-Identifier: MIT
#pragma once

#include "http/http_types.hpp"

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace schemaforge::detail {

// The provider's own explanation from an error body: error.message (OpenAI), or a top-level
// message/detail/error string (vLLM, llama.cpp, FastAPI servers); one line, at most 300 bytes.
std::string provider_message(const http_response& response);

// A key at least this long is redacted wherever it appears, even glued to other text: a string
// like that does not occur by chance.
inline constexpr std::size_t redact_anywhere_length = 12;

// `text` with `secret` replaced by "[redacted]" (nothing when secret is empty): every occurrence of
// a key of redact_anywhere_length or more; for a shorter key ("x", "test"), every occurrence that
// stands as a whole token, i.e. is not glued to letters, digits, '-' or '_' on either side. A short
// key inside an ordinary word ("check" for the key "c") is left alone: the word gives nothing away,
// and "che[redacted]k" would tell the reader a character of the key.
std::string redact(std::string text, std::string_view secret);

// One line for the ledger describing a failed attempt, e.g. "HTTP 503: overloaded".
std::string describe_attempt(std::error_code ec, const http_response& response);

// The exception for a call that failed in the transport: code, HTTP status, request id, provider
// message and ledger filled in, and a one-line message that names the cause and what to do.
// Neither the message nor the provider message can contain options.api_key.
error make_transport_error(std::error_code ec, const http_response& last_response, const ledger& attempts,
                           const client_options& options);

}  // namespace schemaforge::detail
