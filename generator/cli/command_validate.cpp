// SPDX-License-Identifier: MIT
// `schemaforge validate --schema F INSTANCE...`: checks JSON instances against a JSON Schema.
#include "commands.hpp"
#include "exit_status.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/schema.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace schemaforge::cli {
namespace {

struct validate_options {
  std::string schema_path;
  std::vector<std::string> instance_paths;
  std::size_t max_errors = 0;
};

// "(at <pointer>)" in the schema's error becomes "(<file> at <pointer>)".
std::string schema_error_line(const schemaforge::error& e, const std::string& file) {
  std::string what = e.what();
  if (auto at = what.rfind(" (at the schema root)"); at != std::string::npos && at + 21 == what.size()) {
    return what.substr(0, at) + " (" + file + ")";
  }
  if (auto at = what.rfind(" (at "); at != std::string::npos && what.back() == ')') {
    return what.substr(0, at) + " (" + file + " at " + what.substr(at + 5);
  }
  return what + " (" + file + ")";
}

void run_validate(const validate_options& options) {
  const nlohmann::json document = gen::read_json_file(options.schema_path);
  std::optional<schemaforge::schema> schema;
  try {
    schema.emplace(document);
  } catch (const schemaforge::error& e) {
    throw command_failure(exit_bad_input, "invalid schema: " + schema_error_line(e, options.schema_path) +
                                              "; fix the schema and run again");
  }

  // Every instance is read before any is judged, so bad input never leaves half a report on stdout.
  std::vector<nlohmann::json> instances;
  instances.reserve(options.instance_paths.size());
  for (const auto& path : options.instance_paths) instances.push_back(gen::read_json_file(path));

  std::size_t invalid = 0;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const auto errors = schema->validate(instances[i], options.max_errors);
    if (errors.empty()) continue;
    ++invalid;
    const std::string& name = options.instance_paths[i] == "-" ? std::string("<stdin>") : options.instance_paths[i];
    for (const auto& error : errors) std::cout << name << ": " << error.pointer << ": " << error.message << '\n';
  }
  std::cout.flush();
  if (invalid != 0) {
    throw command_failure(exit_work_failed, std::to_string(invalid) + " of " + std::to_string(instances.size()) +
                                                " instance(s) are invalid (" + options.schema_path + ")");
  }
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto options = std::make_shared<validate_options>();
  CLI::App* command = app.add_subcommand(
      "validate",
      "Check JSON instances against a JSON Schema (draft-07 or 2020-12 by its $schema; 2020-12 without one). "
      "Prints '<file>: <json-pointer>: <message>' per error; exit 0 all valid, 1 some invalid, 2 bad input.");
  command->add_option("--schema", options->schema_path, "The JSON Schema file")->required();
  command->add_option("instances", options->instance_paths, "JSON files to check ('-' reads standard input)")
      ->required();
  command->add_option("--max-errors", options->max_errors, "Report at most N errors per instance (0: all)");
  command->callback([options] { run_validate(*options); });
}

}  // namespace schemaforge::cli
