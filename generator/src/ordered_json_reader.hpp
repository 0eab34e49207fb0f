// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace schemaforge::gen::detail {

// The same document as nlohmann::ordered_json::parse(text), throwing the same parse_error, but
// built bottom-up: each object's members are collected first and stored into a vector reserved
// to their number. nlohmann's own builder fills an object in place, and every time the object's
// vector grows it copies (not moves: the key is const) every member with its whole subtree, which
// made a schema's parse several times the work of reading it. Duplicate keys behave as in
// nlohmann: the first position, the last value.
nlohmann::ordered_json parse_ordered_json(const std::string& text);

}  // namespace schemaforge::gen::detail
