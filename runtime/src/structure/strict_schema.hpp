// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

namespace schemaforge::detail {

// A schema rewritten for OpenAI's strict structured outputs, and whether strict mode can carry it.
struct strict_schema {
  nlohmann::json schema;
  // false when the original needs something strict mode cannot express (a non-object root, a map
  // via additionalProperties: {schema}, patternProperties); the request then sends the cleaned
  // schema with strict:false and validation against the original still decides.
  bool strict = true;
};

// Strict-mode adaptation: additionalProperties:false on every object, every property required,
// originally optional properties made nullable, unsupported keywords removed, oneOf → anyOf,
// local $refs and their $defs kept. Validation always uses the ORIGINAL schema.
strict_schema make_strict(const nlohmann::json& original);

// make_strict(original), computed once per document and shared (thread-safe).
std::shared_ptr<const strict_schema> shared_strict_form(const nlohmann::json& original);

// Undoes the "optional → nullable" step on an answer: removes `null` members whose property is
// optional in `original` and does not itself allow null, so the answer validates against the
// original schema and decodes into std::optional members as "absent". Follows local $refs.
void map_null_to_absent(nlohmann::json& instance, const nlohmann::json& original);

}  // namespace schemaforge::detail
