// SPDX-License-Identifier: MIT
#include "commands.hpp"
#include "exit_status.hpp"
#include "flag_names.hpp"
#include "model_program.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/version.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

namespace {

int report(schemaforge::cli::exit_status status, const std::string& message) {
  // The library's hints name option fields; at the command line the flags are what to change.
  std::cerr << "schemaforge: error: " << schemaforge::cli::with_flag_names(message) << '\n';
  return status;
}

// `--version` after any command too ("schemaforge generate --version"), as `--help` already is.
void add_version_flags(CLI::App& app, const std::string& version_text) {
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    command->set_version_flag("--version", version_text);
    add_version_flags(*command, version_text);
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = schemaforge::cli;
  CLI::App app{"schemaforge: JSON Schema -> C++ types, and structured extraction with language models", "schemaforge"};
  const std::string version_text = std::string("schemaforge ") + schemaforge::version();
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);
  app.fallthrough(false);
#if SCHEMAFORGE_CLI_HAS_MODEL_COMMANDS
  cli::add_structure_command(app);
  cli::add_batch_command(app);
#else
  cli::add_model_command_summaries(app);
#endif
  cli::add_validate_command(app);
  cli::add_infer_command(app);
  cli::add_generate_command(app);
  add_version_flags(app, version_text);

  try {
#if !SCHEMAFORGE_CLI_HAS_MODEL_COMMANDS
    if (cli::needs_model_program(argc, argv)) cli::run_model_program(argv);
#endif
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints a usage block; the contract wants one line and exit 2.
    return report(cli::exit_bad_input, std::string(e.what()) + " (run 'schemaforge --help' for usage)");
  } catch (const cli::command_failure& e) {
    return report(e.status(), e.what());
  } catch (const schemaforge::gen::input_error& e) {
    return report(cli::exit_bad_input, e.what());
  } catch (const schemaforge::error& e) {
    bool caller_mistake = e.code() == schemaforge::errc::invalid_argument;
    return report(caller_mistake ? cli::exit_bad_input : cli::exit_work_failed, e.what());
  } catch (const std::exception& e) {
    return report(cli::exit_work_failed, e.what());
  }
  return cli::exit_ok;
}
