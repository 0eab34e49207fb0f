// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace schemaforge::gen {

class schema_inferrer;

// How a sample file holds its samples.
enum class sample_layout {
  document,  // the whole file is one sample
  lines,     // JSON Lines: one sample per non-blank line, read line by line
  array,     // a top-level array is a list of samples (one per element); any other value is one sample
};

// Where a sample came from, for messages.
struct sample_origin {
  std::string file;         // as given; "<stdin>" for "-"
  std::uint64_t line = 1;   // line of a JSON Lines sample; 1 for whole documents and array elements
  std::uint64_t index = 0;  // 0-based position of the sample within the file
};

// Samples are parsed as ordered_json so that keys keep the order of the text.
using sample_visitor = std::function<void(const nlohmann::ordered_json& sample, const sample_origin& origin)>;

// Streams the samples of one file ("-" is standard input) to `visit`, one at a time: `lines` and
// `array` files are never held in memory whole, so any size is read in memory bounded by the
// largest sample. Throws input_error naming the file and line on unreadable files and invalid
// JSON. Shared by the deterministic inference and any path that must re-check samples against a
// schema (e.g. a schema proposed by a model).
void for_each_sample(const std::string& path, sample_layout layout, const sample_visitor& visit);

// The fast path of `schemaforge infer`: adds every sample of `path` to `inferrer` straight from
// the text, through SAX events, without building a DOM (keys in text order, 1.0 a number, memory
// bounded by nesting depth, linear time). Same layouts and errors as for_each_sample; after an
// error the inferrer holds part of the bad sample, so discard it. Returns the samples added.
std::uint64_t add_samples(schema_inferrer& inferrer, const std::string& path, sample_layout layout);

}  // namespace schemaforge::gen
