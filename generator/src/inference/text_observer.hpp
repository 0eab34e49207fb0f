// SPDX-License-Identifier: MIT
#pragma once

#include "shape.hpp"

#include <cstdint>
#include <istream>
#include <string>

namespace schemaforge::gen::detail {

// Invalid JSON text: where (a byte offset into the parsed input) and nlohmann's explanation.
struct text_error {
  std::size_t byte = 0;
  std::string message;
};

// Observes JSON text straight from nlohmann's SAX events, without building a DOM: keys keep the
// order of the text, numbers keep the integer / fraction distinction, memory stays bounded by the
// nesting depth. With `split_array`, a top-level array counts as one sample per element.
// Returns the number of samples observed, or sets `error` (and returns what was observed before).
std::uint64_t observe_text(shape& root, const std::string& text, const infer_options& options, bool split_array,
                           text_error& error);
std::uint64_t observe_text(shape& root, std::istream& text, const infer_options& options, bool split_array,
                           text_error& error);

}  // namespace schemaforge::gen::detail
