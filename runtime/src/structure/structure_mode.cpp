// SPDX-License-Identifier: MIT
#include <schemaforge/structure_options.hpp>

namespace schemaforge {

const char* to_string(structure_mode m) noexcept {
  switch (m) {
    case structure_mode::automatic: return "auto";
    case structure_mode::json_schema: return "json_schema";
    case structure_mode::tools: return "tools";
    case structure_mode::json: return "json";
    case structure_mode::prompt: return "prompt";
  }
  return "auto";
}

bool from_string(std::string_view name, structure_mode& out) noexcept {
  for (auto m : {structure_mode::automatic, structure_mode::json_schema, structure_mode::tools, structure_mode::json,
                 structure_mode::prompt}) {
    if (name == to_string(m)) {
      out = m;
      return true;
    }
  }
  return false;
}

}  // namespace schemaforge
