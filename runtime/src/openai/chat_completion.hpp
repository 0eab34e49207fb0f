// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat_types.hpp>
#include <schemaforge/ledger.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

// One choice of a chat completion, normalised over providers' variations: content given as a
// string or as an array of parts, reasoning under several names, tool calls with empty ids.
struct completion_choice {
  int index = 0;
  std::optional<std::string> content;        // text parts joined; nullopt when the provider sent null/none
  std::string refusal;                       // empty when the model did not refuse
  std::string reasoning;                     // reasoning_content / reasoning / "thinking" parts
  std::vector<tool_call> tool_calls;
  std::optional<std::string> finish_reason;  // kept as sent: null stays nullopt, "" stays ""
};

// The provider's `error` object (HTTP error bodies, and some 200 bodies from compatible servers).
struct provider_error {
  std::string message;
  std::string type;
  std::string code;
  std::string param;              // the request field the error is about, when given
  std::string failed_generation;  // groq's tool_use_failed carries the model's rejected output
};

struct chat_completion {
  std::string id;
  std::string model;
  std::vector<completion_choice> choices;
  schemaforge::usage usage;
  std::optional<provider_error> error;
};

// Parses a non-streaming /chat/completions body. Throws schemaforge::error(errc::protocol) when
// the body is not JSON or is neither a completion nor an error object.
chat_completion parse_chat_completion(std::string_view body);

// The `error` object of an HTTP error body, when the body has one (nullopt for HTML pages etc.).
std::optional<provider_error> parse_provider_error(std::string_view body);

}  // namespace schemaforge::detail
