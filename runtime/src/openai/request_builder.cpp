// SPDX-License-Identifier: MIT
#include "openai/request_builder.hpp"

#include "structure/strict_schema.hpp"

#include <cctype>
#include <memory>
#include <mutex>
#include <vector>

namespace schemaforge::detail {

using nlohmann::json;

std::string schema_instruction(const json& schema) {
  return "Answer with one JSON value that is valid against the following JSON Schema, and nothing else: "
         "no prose, no code fences.\nJSON Schema:\n" +
         schema.dump();
}

json wire_messages(const std::vector<message>& messages) {
  json out = json::array();
  for (const auto& m : messages) out.push_back(json{{"role", to_string(m.role)}, {"content", m.content}});
  return out;
}

json wire_messages(const input& in, structure_mode mode, const json& schema) {
  std::string system = in.instructions;
  if (mode == structure_mode::json || mode == structure_mode::prompt) {
    if (!system.empty()) system += "\n\n";
    system += schema_instruction(schema);
  }
  json out = json::array();
  if (!system.empty()) out.push_back(json{{"role", "system"}, {"content", std::move(system)}});
  for (const auto& m : in.messages) out.push_back(json{{"role", to_string(m.role)}, {"content", m.content}});
  return out;
}

json chat_body(const call_options& options, const std::string& model, json messages) {
  json body{{"model", model}, {"messages", std::move(messages)}};
  if (options.temperature) body["temperature"] = *options.temperature;
  if (options.max_tokens) body["max_tokens"] = *options.max_tokens;
  return body;
}

namespace {

// The members of a structure request that depend on the schema and mode alone.
void add_schema_members(json& body, const structure_request_spec& spec) {
  const json& schema = *spec.schema;
  switch (spec.mode) {
    case structure_mode::json_schema: {
      auto strict = shared_strict_form(schema);
      body["response_format"] = json{{"type", "json_schema"},
                                     {"json_schema", json{{"name", spec.schema_name},
                                                          {"strict", strict->strict},
                                                          {"schema", strict->schema}}}};
      break;
    }
    case structure_mode::tools: {
      auto strict = shared_strict_form(schema);
      json function{{"name", spec.schema_name},
                    {"description", "Record the structured answer. Call it exactly once with every field."},
                    {"parameters", strict->schema}};
      if (strict->strict) function["strict"] = true;
      body["tools"] = json::array({json{{"type", "function"}, {"function", std::move(function)}}});
      body["tool_choice"] = json{{"type", "function"}, {"function", json{{"name", spec.schema_name}}}};
      break;
    }
    case structure_mode::json:
      body["response_format"] = json{{"type", "json_object"}};
      break;
    case structure_mode::prompt:
    case structure_mode::automatic:
      break;
  }
}

// add_schema_members() as text without the braces ("" when there are none), serialized once per
// schema form, mode and name. Entries hold the strict form they were made from, so its address
// cannot be reused by another schema while the entry lives.
std::string schema_members_text(const structure_request_spec& spec) {
  struct entry {
    std::shared_ptr<const strict_schema> strict;
    structure_mode mode;
    std::string name;
    std::string text;
  };
  static std::mutex mutex;
  static std::vector<entry> entries;
  constexpr std::size_t capacity = 16;
  auto strict = shared_strict_form(*spec.schema);
  {
    std::lock_guard lock(mutex);
    for (const auto& e : entries)
      if (e.strict == strict && e.mode == spec.mode && e.name == spec.schema_name) return e.text;
  }
  json members = json::object();
  add_schema_members(members, spec);
  std::string text = members.dump();
  text = text.substr(1, text.size() - 2);
  std::lock_guard lock(mutex);
  if (entries.size() == capacity) entries.erase(entries.begin());
  entries.push_back({std::move(strict), spec.mode, spec.schema_name, text});
  return text;
}

}  // namespace

json structure_body(const structure_request_spec& spec, const call_options& options, const std::string& model,
                    json messages) {
  json body = chat_body(options, model, std::move(messages));
  add_schema_members(body, spec);
  return body;
}

std::string structure_body_text(const structure_request_spec& spec, const call_options& options,
                                const std::string& model, const json& messages) {
  json head = chat_body(options, model, json());
  head.erase("messages");
  std::string text = head.dump();
  text.pop_back();  // reopen the object: {"model":"m"  ...
  text += ",\"messages\":";
  text += messages.dump();
  if (std::string members = schema_members_text(spec); !members.empty()) {
    text += ',';
    text += members;
  }
  text += '}';
  return text;
}

std::string schema_name_for(const std::string& preferred, const json& schema) {
  std::string source = preferred;
  if (source.empty() && schema.is_object()) {
    if (auto t = schema.find("title"); t != schema.end() && t->is_string()) source = t->get<std::string>();
  }
  std::string name;
  for (char c : source) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') name += c;
    else if (c == ' ' || c == '.') name += '_';
    if (name.size() == 64) break;
  }
  return name.empty() ? "response" : name;
}

}  // namespace schemaforge::detail
