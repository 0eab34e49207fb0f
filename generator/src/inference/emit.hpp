// SPDX-License-Identifier: MIT
#pragma once

#include "shape.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace schemaforge::gen::detail {

// Turns what was observed at `root` into the keywords of a schema. When `notes` is not null, one
// line per decision is appended to it (the --explain report).
nlohmann::ordered_json emit_schema(const shape& root, const infer_options& options, std::vector<std::string>* notes);

}  // namespace schemaforge::gen::detail
