// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/diagnostic.hpp>

#include <nlohmann/json.hpp>

namespace schemaforge::gen {

// What stops the generator from turning `schema` into a faithful header: the loader's error (an
// invalid schema, a dangling $ref, ...), its warnings (unsupported keywords, which would be
// dropped from the C++ type), and a rendering failure. Empty when the header generates cleanly.
// Used to check a schema proposed by a model before accepting it.
diagnostics generation_problems(const nlohmann::ordered_json& schema);

}  // namespace schemaforge::gen
