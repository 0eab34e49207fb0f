// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>

namespace schemaforge::gen {

std::string diagnostic::to_string() const {
  std::string where = file;
  if (!pointer.empty()) where += (where.empty() ? "" : " at ") + pointer;
  return where.empty() ? message : message + " (" + where + ")";
}

input_error::input_error(gen::diagnostic d) : std::runtime_error(d.to_string()), diagnostic_(std::move(d)) {}

}  // namespace schemaforge::gen
