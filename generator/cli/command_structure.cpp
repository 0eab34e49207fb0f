// SPDX-License-Identifier: MIT
// `schemaforge structure`: one text in, one JSON instance of the schema out (see the contract).
#include "commands.hpp"
#include "exit_status.hpp"

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure.hpp>

#include <boost/asio/io_context.hpp>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace schemaforge::cli {
namespace {

struct structure_cli_options {
  std::string schema_path;
  std::optional<std::string> text;
  std::optional<std::string> input_path;
  std::string model, base_url, api_key;
  std::string mode = "auto";
  std::optional<int> max_retries;
  int max_reasks = 2;
  std::optional<double> timeout_seconds;
  std::optional<double> deadline_seconds;
};

std::string read_input_text(const std::string& path) {
  if (path != "-") return gen::read_text_file(path);
  std::ostringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

std::chrono::milliseconds seconds_flag(double seconds, const char* flag) {
  if (!(seconds > 0) || !std::isfinite(seconds) || seconds > 1e9)
    throw command_failure(exit_bad_input, std::string(flag) + " must be a positive number of seconds (" + flag + ")");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

void run_structure(const structure_cli_options& o) {
  if (o.text.has_value() == o.input_path.has_value())
    throw command_failure(exit_bad_input, "give the text with exactly one of --text T or --input FILE ('-' reads standard input) (structure)");

  structure_options options;
  if (!from_string(o.mode, options.mode))
    throw command_failure(exit_bad_input, "unknown mode '" + o.mode + "'; use auto, json_schema, tools, json or prompt (--mode)");
  if (o.max_reasks < 0) throw command_failure(exit_bad_input, "--max-reasks must be 0 or more (--max-reasks)");
  if (o.max_retries && *o.max_retries < 0) throw command_failure(exit_bad_input, "--max-retries must be 0 or more (--max-retries)");
  options.max_reasks = o.max_reasks;

  const nlohmann::json document = gen::read_json_file(o.schema_path);
  std::optional<schemaforge::schema> target;
  try {
    target.emplace(document);
  } catch (const schemaforge::error& e) {
    throw command_failure(exit_bad_input, "invalid schema: " + std::string(e.what()) + " (" + o.schema_path + ")");
  }
  const std::string text = o.text ? *o.text : read_input_text(*o.input_path);

  client_options settings = client_options::from_environment();
  if (!o.base_url.empty()) settings.base_url = o.base_url;
  if (!o.api_key.empty()) settings.api_key = o.api_key;
  if (!o.model.empty()) settings.model = o.model;
  if (o.max_retries) settings.max_retries = *o.max_retries;
  if (o.timeout_seconds) settings.request_timeout = seconds_flag(*o.timeout_seconds, "--timeout");
  if (o.deadline_seconds) settings.total_timeout = seconds_flag(*o.deadline_seconds, "--deadline");
  if (settings.model.empty())
    throw command_failure(exit_bad_input, "no model given: pass --model or set SCHEMAFORGE_MODEL (--model)");

  boost::asio::io_context context;
  try {
    client endpoint(context.get_executor(), settings);
    auto result = structure(endpoint, input(text), *target, options);
    std::cout << result.value.dump() << '\n';
    std::cout.flush();
  } catch (const schemaforge::error& e) {
    bool caller_mistake = e.code() == errc::invalid_argument;
    // An answer that never fit is about the schema file; anything else is about the endpoint.
    bool about_schema = e.code() == errc::validation_failed || e.code() == errc::invalid_output;
    std::string where = about_schema ? o.schema_path
                        : settings.base_url.empty() ? std::string(default_base_url)
                                                    : settings.base_url;
    throw command_failure(caller_mistake ? exit_bad_input : exit_work_failed,
                          std::string(to_string(static_cast<errc>(e.code().value()))) + ": " + std::string(e.what()) + " (" + where + ")");
  }
}

}  // namespace

void add_structure_command(CLI::App& app) {
  auto o = std::make_shared<structure_cli_options>();
  CLI::App* command = app.add_subcommand(
      "structure",
      "Structure a text into one JSON instance of a schema with a language model; prints it on stdout. "
      "Exit 0 ok, 1 the call failed (API error after retries, still invalid after reasks), 2 bad input.");
  command->add_option("--schema", o->schema_path, "The JSON Schema file")->required();
  auto* text = command->add_option("--text", o->text, "The text to structure");
  auto* in = command->add_option("--input", o->input_path, "A file holding the text ('-' reads standard input)");
  text->excludes(in);
  command->add_option("--model", o->model, "Model name (default: SCHEMAFORGE_MODEL)");
  command->add_option("--base-url", o->base_url, "Endpoint base URL (default: OPENAI_BASE_URL, else https://api.openai.com/v1)");
  command->add_option("--api-key", o->api_key, "API key (default: OPENAI_API_KEY)");
  command->add_option("--mode", o->mode, "auto | json_schema | tools | json | prompt (default auto)");
  command->add_option("--max-retries", o->max_retries, "Transport retries per request (default 2)");
  command->add_option("--max-reasks", o->max_reasks, "Follow-up requests carrying validation errors (default 2)");
  command->add_option("--timeout", o->timeout_seconds, "Seconds for one request attempt (default 600)");
  command->add_option("--deadline", o->deadline_seconds, "Seconds for the whole call, all attempts and waits (default none)");
  command->callback([o] { run_structure(*o); });
}

}  // namespace schemaforge::cli
