// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat_types.hpp>

#include <string>
#include <string_view>

namespace schemaforge {

// How the schema reaches the model.
enum class structure_mode {
  automatic,    // json_schema first; on a 400 about the feature, tools → json → prompt; remembered per base URL
  json_schema,  // response_format json_schema, strict (schema adapted for strict mode)
  tools,        // one forced function call whose parameters are the schema
  json,         // response_format json_object, schema in the system prompt
  prompt,       // schema in the system prompt only (any chat endpoint)
};

// "auto", "json_schema", "tools", "json", "prompt".
const char* to_string(structure_mode m) noexcept;
// Parses the names above; returns false for anything else.
bool from_string(std::string_view name, structure_mode& out) noexcept;

struct structure_options : call_options {
  structure_mode mode = structure_mode::automatic;
  int max_reasks = 2;        // follow-up requests carrying validation errors back to the model
  std::string schema_name;   // name of the json_schema / function; empty: from the schema's title, else "response"
};

// The value, and what it cost: usage summed over every attempt, and every attempt.
template <typename T>
struct structure_result {
  T value{};
  schemaforge::usage usage;
  schemaforge::ledger ledger;
  structure_mode mode = structure_mode::automatic;  // the mode that produced the value
};

}  // namespace schemaforge
