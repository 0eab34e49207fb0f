// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace schemaforge::gen {
namespace {

// nlohmann reports a byte offset; people want a line and a column.
std::string line_and_column(const std::string& text, std::size_t byte_offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string read_text_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error({diagnostic::severity::error,
                       std::string("cannot read file: ") + std::strerror(errno), path, ""});
  }
  std::ostringstream buffer;  // copied in blocks, not a character at a time
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

nlohmann::json parse_json_text(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // Keep nlohmann's explanation ("syntax error while parsing value - ...") without its id prefix.
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw input_error({diagnostic::severity::error,
                       "invalid JSON at " + line_and_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + what +
                           "; fix the file and run again",
                       origin, ""});
  }
}

nlohmann::json read_json_file(const std::string& path) {
  return parse_json_text(read_text_file(path), path == "-" ? "<stdin>" : path);
}

}  // namespace schemaforge::gen
