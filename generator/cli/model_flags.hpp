// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/client.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure_options.hpp>

#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace schemaforge::cli {

// The flags `structure` and `batch` share: which endpoint and model, and how each call is made.
struct model_flags {
  std::string model, base_url, api_key;
  std::string mode = "auto";
  std::optional<int> max_retries;
  int max_reasks = 2;
  std::optional<double> timeout_seconds;
  std::optional<double> deadline_seconds;
};

// Registers --model --base-url --api-key --mode --max-retries --max-reasks --timeout --deadline.
void add_model_flags(CLI::App& command, model_flags& flags, const char* deadline_help);

// The per-call options (mode, reasks); exit 2 naming the flag when one is out of range.
structure_options call_options_from(const model_flags& flags);

// OPENAI_* / SCHEMAFORGE_MODEL overridden by the flags; --deadline lands in total_timeout.
// Exit 2 for a bad --timeout/--deadline or when no model is named anywhere.
client_options client_options_from(const model_flags& flags);

// Reads and compiles the schema file; exit 2 naming the file when it is not a valid schema.
schemaforge::schema load_schema(const std::string& path);

}  // namespace schemaforge::cli
