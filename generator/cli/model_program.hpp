// SPDX-License-Identifier: MIT
#pragma once

namespace CLI {
class App;
}

namespace schemaforge::cli {

// The commands that talk to a model (structure, batch, infer --llm) are built into a second
// program, schemaforge-model, so that the model-free commands (generate, validate, infer) start
// without loading libcurl and its TLS libraries, which is most of a small run's time.
// `schemaforge` hands such a command line over to that program whole; its options, help and exit
// statuses are the same as if `schemaforge` ran it.

// True when argv names a command that needs a model: structure, batch, or infer with --llm.
bool needs_model_program(int argc, char** argv);

// Replaces this process with schemaforge-model on the same arguments. It looks beside this
// program (the build tree) and then in ../libexec/schemaforge/ (an installed tree). Returns only
// by throwing command_failure when the program cannot be started.
[[noreturn]] void run_model_program(char** argv);

// Lists the model commands in `schemaforge --help` of the program that does not contain them.
void add_model_command_summaries(CLI::App& app);

}  // namespace schemaforge::cli
