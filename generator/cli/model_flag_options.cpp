// SPDX-License-Identifier: MIT
// The registration of the model flags, apart from their use: `infer` registers them in both
// programs (see model_program.hpp), and this file needs nothing from the runtime, so the
// model-free program stays free of libcurl.
#include "model_flags.hpp"

#include <CLI/CLI.hpp>

namespace schemaforge::cli {

void add_model_flags(CLI::App& command, model_flags& flags, const char* deadline_help, bool several_base_urls) {
  command.add_option("--model", flags.model, "Model name (default: SCHEMAFORGE_MODEL)");
  if (several_base_urls)
    command.add_option("--base-url", flags.base_urls,
                       "Endpoint base URL; give several (--base-url A --base-url B) to spread the items over them "
                       "(default: OPENAI_BASE_URL, else https://api.openai.com/v1)");
  else
    command.add_option("--base-url", flags.base_url, "Endpoint base URL (default: OPENAI_BASE_URL, else https://api.openai.com/v1)");
  command.add_option("--api-key", flags.api_key, "API key (default: OPENAI_API_KEY)");
  command.add_option("--mode", flags.mode, "auto | json_schema | tools | json | prompt (default auto)");
  command.add_option("--max-retries", flags.max_retries, "Transport retries per request (default 2)");
  command.add_option("--max-reasks", flags.max_reasks, "Follow-up requests carrying validation errors (default 2)");
  command.add_option("--timeout", flags.timeout_seconds, "Seconds for one request attempt (default 600)");
  command.add_option("--deadline", flags.deadline_seconds, deadline_help);
}

}  // namespace schemaforge::cli
