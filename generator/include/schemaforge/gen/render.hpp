// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/schema_ir.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace schemaforge::gen {

struct render_options {
  // C++ namespace of the generated code; nested namespaces as "a::b".
  std::string cpp_namespace = "schemaforge_generated";
  // A directory whose *.mustache files replace the built-in templates of the same name
  // (header, detail, type_definition, io_declarations, io). Empty: built-in templates only.
  std::string template_dir;
};

// Throws input_error when the namespace is not a valid C++ namespace name ("a::b", no keywords).
void check_namespace(const std::string& cpp_namespace);

// The logic-free data the templates render: every decision (names, C++ spellings, includes,
// discriminators, literals) is made here, in C++.
nlohmann::json build_view_model(const ir::module& module, const render_options& options);

// The header text for one loaded schema: byte-identical for the same module and options.
// Throws input_error for an unreadable template directory file or a broken template.
std::string render_header(const ir::module& module, const render_options& options);

// The built-in template of that name ("header", "detail", ...), or "" when there is none.
std::string builtin_template(const std::string& name);

}  // namespace schemaforge::gen
