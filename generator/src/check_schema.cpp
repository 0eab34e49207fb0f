// SPDX-License-Identifier: MIT
#include <schemaforge/gen/check_schema.hpp>
#include <schemaforge/gen/render.hpp>
#include <schemaforge/gen/schema_loader.hpp>

#include <exception>

namespace schemaforge::gen {

diagnostics generation_problems(const nlohmann::ordered_json& schema) {
  diagnostics found;
  try {
    ir::module module = load_schema(schema, "", "root", found);
    (void)render_header(module, render_options{});
  } catch (const input_error& e) {
    found.push_back(e.details());
  } catch (const std::exception& e) {
    found.push_back({diagnostic::severity::error, e.what(), "", ""});
  }
  return found;
}

}  // namespace schemaforge::gen
