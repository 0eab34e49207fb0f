// SPDX-License-Identifier: MIT
#pragma once

namespace CLI {
class App;
}

namespace schemaforge::cli {

// Each command lives in its own command_<name>.cpp and registers itself as a subcommand of `app`.
// A command's callback reports failure by throwing command_failure, gen::input_error (exit 2) or
// schemaforge::error (exit 1, or 2 for errc::invalid_argument).

void add_structure_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_infer_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_batch_command(CLI::App& app);
// `batch export` / `batch import` (OpenAI Batch API files), subcommands of `batch`.
void add_batch_export_command(CLI::App& batch);
void add_batch_import_command(CLI::App& batch);

}  // namespace schemaforge::cli
