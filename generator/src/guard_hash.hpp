// SPDX-License-Identifier: MIT
#pragma once

#include "mustache/view_value.hpp"

#include <string>

namespace schemaforge::gen {

// 16 hex digits naming everything that shapes a type's generated code: a hash of its view less
// its doc comments (at every level) and its root_adl flag. Two headers in one namespace that
// define a type identically get the same guard and define it once. The same on every machine.
std::string guard_hash_hex(const mustache::view_value& type_view);

}  // namespace schemaforge::gen
