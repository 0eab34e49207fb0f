// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat_types.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/structure_options.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace schemaforge::detail {

// What a request for one structure attempt is made of, apart from the conversation.
struct structure_request_spec {
  structure_mode mode = structure_mode::json_schema;  // never automatic here: the caller picks
  const nlohmann::json* schema = nullptr;             // the ORIGINAL schema
  std::string schema_name;                            // already sanitised
};

// The conversation in wire form: instructions first as a system message, then the input's
// messages. In json and prompt modes the schema text is appended to the system message.
nlohmann::json wire_messages(const input& in, structure_mode mode, const nlohmann::json& schema);
nlohmann::json wire_messages(const std::vector<message>& messages);

// A /chat/completions body: model, messages and the sampling options that are set.
nlohmann::json chat_body(const call_options& options, const std::string& model, nlohmann::json messages);

// A /chat/completions body for one structure attempt in `spec.mode`.
nlohmann::json structure_body(const structure_request_spec& spec, const call_options& options, const std::string& model,
                              nlohmann::json messages);

// The same body as text, what is sent. The schema's members are serialized once per schema and
// spliced in: dumping and copying the schema for every request of a batch cost about a tenth of
// its CPU. json::parse(structure_body_text(...)) == structure_body(...).
std::string structure_body_text(const structure_request_spec& spec, const call_options& options,
                                const std::string& model, const nlohmann::json& messages);

// A name the API accepts for a json_schema or function: [A-Za-z0-9_-]{1,64}, from `preferred`,
// else the schema's title, else "response".
std::string schema_name_for(const std::string& preferred, const nlohmann::json& schema);

// The system-prompt text that carries the schema in json and prompt modes.
std::string schema_instruction(const nlohmann::json& schema);

}  // namespace schemaforge::detail
