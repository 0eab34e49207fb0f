// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/client.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace schemaforge::cli {

// The flags `structure` and `batch` share: which endpoint and model, and how each call is made.
struct model_flags {
  std::string model, base_url, api_key;
  std::vector<std::string> base_urls;  // commands that spread work over several endpoints (batch)
  std::string mode = "auto";
  std::optional<int> max_retries;
  int max_reasks = 2;
  std::optional<double> timeout_seconds;
  std::optional<double> deadline_seconds;
};

// Registers --model --base-url --api-key --mode --max-retries --max-reasks --timeout --deadline.
// With `several_base_urls`, --base-url takes one or more URLs (into flags.base_urls).
void add_model_flags(CLI::App& command, model_flags& flags, const char* deadline_help, bool several_base_urls = false);

// The per-call options (mode, reasks); exit 2 naming the flag when one is out of range.
structure_options call_options_from(const model_flags& flags);

// OPENAI_* / SCHEMAFORGE_MODEL overridden by the flags; --deadline lands in total_timeout.
// Exit 2 for a bad --timeout/--deadline or when no model is named anywhere.
client_options client_options_from(const model_flags& flags);

// One client_options per --base-url of flags.base_urls (the environment's URL when none).
std::vector<client_options> endpoint_options_from(const model_flags& flags);

// One client per endpoint on `ex`; a client that cannot be made (no key for OpenAI's URL) is bad
// input naming its URL.
std::vector<client> make_clients(const client::executor_type& ex, const std::vector<client_options>& endpoints);

// Reads and compiles the schema file; exit 2 naming the file when it is not a valid schema.
schemaforge::schema load_schema(const std::string& path);

}  // namespace schemaforge::cli
