// SPDX-License-Identifier: MIT
#pragma once

#include "model_flags.hpp"

#include <string>
#include <vector>

namespace schemaforge::cli {

// How `infer --llm` reads its samples and reports.
struct infer_llm_request {
  std::vector<std::string> sample_paths;  // '-' reads standard input
  bool text = false;                      // each file is one free-text sample
  bool jsonl = false;                     // each non-blank line is one JSON sample
  bool split_arrays = false;              // a top-level array holds one JSON sample per element
  bool explain = false;                   // every problem of every answer on stderr, not only a summary
  std::string title;
  std::string description;
  model_flags model;
};

// Asks the configured model for the schema, checked against the meta-schema, the code generator
// and the samples, with reasks; reports the rounds on stderr and returns the schema file's text.
// Exit 2 for unreadable or invalid samples and bad flags, 1 when the model never gave an
// acceptable schema or the endpoint failed.
std::string infer_with_model(const infer_llm_request& request);

}  // namespace schemaforge::cli
