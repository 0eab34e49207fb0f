// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/schema_ir.hpp>

#include <string>

namespace schemaforge::gen {

// The output stem of a schema file: its name without directories, without ".json" and without a
// trailing ".schema" ("a/invoice.schema.json" -> "invoice").
std::string schema_stem(const std::string& path);

// Loads one schema file into the IR: resolves $ref (into $defs, definitions, any local JSON
// pointer, $anchor), merges allOf, picks variant discriminators, names every type and lays out
// the definition order. Unsupported keywords add warnings to `warnings`. Throws input_error
// (file + JSON pointer) for an unreadable file, invalid JSON or an invalid schema.
ir::module load_schema_file(const std::string& path, diagnostics& warnings);

// The same for a schema already in memory; `file` names it in diagnostics and the header
// comment, `stem` names the root type when the schema has no title.
ir::module load_schema(const nlohmann::ordered_json& schema, const std::string& file, const std::string& stem,
                       diagnostics& warnings);

}  // namespace schemaforge::gen
