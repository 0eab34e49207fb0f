// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace schemaforge::gen {

// Reads a whole file; throws input_error naming the file when it cannot be read.
std::string read_text_file(const std::string& path);

// Reads and parses one JSON document; throws input_error naming the file, line and column when
// the file cannot be read or is not valid JSON. "-" reads standard input.
nlohmann::json read_json_file(const std::string& path);

// Parses JSON text that came from `origin` (a file name, "<stdin>", ...), with the same errors.
nlohmann::json parse_json_text(const std::string& text, const std::string& origin);

}  // namespace schemaforge::gen
