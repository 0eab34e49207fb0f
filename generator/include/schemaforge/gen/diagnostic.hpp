// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace schemaforge::gen {

// A problem found in an input file, located by file path and JSON pointer.
struct diagnostic {
  enum class severity { warning, error };
  severity level = severity::error;
  std::string message;  // what is wrong and what to do, one line
  std::string file;     // may be empty for in-memory input
  std::string pointer;  // RFC 6901 JSON pointer; empty for the document root

  // "<message> (<file> at <pointer>)", the form the CLI prints after "schemaforge: error: ".
  std::string to_string() const;
};

// Thrown for bad input (unreadable file, invalid JSON, invalid schema): the CLI maps it to exit 2.
class input_error : public std::runtime_error {
 public:
  explicit input_error(diagnostic d);
  const gen::diagnostic& details() const noexcept { return diagnostic_; }

 private:
  gen::diagnostic diagnostic_;
};

// Collects warnings while a generator stage runs; the library never prints them itself.
using diagnostics = std::vector<diagnostic>;

}  // namespace schemaforge::gen
