// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace schemaforge::gen::detail {

// The same document as nlohmann::ordered_json::parse(text), throwing the same parse_error, but
// built bottom-up: each object's members are collected first and stored into a vector reserved
// to their number. nlohmann's own builder fills an object in place, and every time the object's
// vector grows it copies (not moves: the key is const) every member with its whole subtree, which
// made a schema's parse several times the work of reading it. Duplicate keys behave as in
// nlohmann: the first position, the last value.
// Plain documents (ASCII, no \u escapes, no byte order mark, not deeply nested) are read by a
// reader of its own, several times faster than nlohmann's lexer; the rest by nlohmann's parser.
nlohmann::ordered_json parse_ordered_json(const std::string& text);

// The fast reader alone: the document when the text is plain JSON, nothing when it is not plain
// (whether or not it is valid). Exposed for tests, which compare it with nlohmann.
std::optional<nlohmann::ordered_json> parse_plain_json(const std::string& text);

}  // namespace schemaforge::gen::detail
