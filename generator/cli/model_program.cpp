// SPDX-License-Identifier: MIT
#include "model_program.hpp"

#include "command_summaries.hpp"
#include "exit_status.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace schemaforge::cli {

bool needs_model_program(int argc, char** argv) {
  // The top level takes only --help and --version, so the first word that is not an option is
  // the command.
  int command = 1;
  while (command < argc && argv[command][0] == '-') ++command;
  if (command == argc) return false;
  std::string_view name = argv[command];
  if (name == "structure" || name == "batch") return true;
  if (name != "infer") return false;
  for (int i = command + 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--llm" || arg.rfind("--llm=", 0) == 0) return true;
  }
  return false;
}

void run_model_program(char** argv) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  fs::path self_dir = fs::read_symlink("/proc/self/exe", ignored).parent_path();
  fs::path program = self_dir / "schemaforge-model";
  if (!fs::exists(program, ignored)) program = self_dir.parent_path() / "libexec/schemaforge/schemaforge-model";
  ::execv(program.c_str(), argv);
  throw command_failure(exit_work_failed, "cannot start " + program.string() + ": " + std::strerror(errno) +
                                              " (it is installed with schemaforge; reinstall, or run it directly)");
}

void add_model_command_summaries(CLI::App& app) {
  app.add_subcommand("structure", structure_command_summary);
  app.add_subcommand("batch", batch_command_summary);
}

}  // namespace schemaforge::cli
