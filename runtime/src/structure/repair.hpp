// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

struct repair_result {
  std::optional<nlohmann::json> value;  // nullopt when no repair gave JSON
  std::vector<std::string> repairs;     // what was done, in order: "think_block", "code_fence", "surrounding_prose", "trailing_comma"
  std::string parse_error;              // why the text is not JSON, when value is empty
};

// Turns a model's answer into JSON, fixing the usual wrappers locally so they cost no reask:
// <think> blocks, ```json fences, prose before/after the JSON, and trailing commas. Text that is
// already valid JSON is returned as parsed, untouched, with no repairs.
repair_result repair_json(std::string_view text);

}  // namespace schemaforge::detail
