// SPDX-License-Identifier: MIT
// `schemaforge structure`: one text in, one JSON instance of the schema out (see the contract).
#include "command_summaries.hpp"
#include "commands.hpp"
#include "exit_status.hpp"
#include "model_flags.hpp"
#include "stream_view.hpp"

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/stream_structure.hpp>
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
  model_flags model;
  bool stream = false;
};

// --stream: every request is streamed; on a terminal stderr shows the object as it grows. The
// value printed is the same validated value as without --stream.
structure_result<nlohmann::json> run_streamed(const client& endpoint, const std::string& text,
                                              const schemaforge::schema& target, const structure_options& options) {
  if (!stream_view::stderr_is_terminal()) return stream_structure(endpoint, input(text), target, options, {});
  stream_view view(std::cerr, stream_view::stderr_size());
  structure_stream_options so;
  so.on_event = [&view](const structure_stream_event& e) { view.on_event(e); };
  try {
    auto result = stream_structure(endpoint, input(text), target, options, std::move(so));
    view.clear();
    return result;
  } catch (...) {
    view.clear();  // the error line must not be drawn over
    throw;
  }
}

std::string read_input_text(const std::string& path) {
  if (path != "-") return gen::read_text_file(path);
  std::ostringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

void run_structure(const structure_cli_options& o) {
  if (o.text.has_value() == o.input_path.has_value())
    throw command_failure(exit_bad_input, "give the text with exactly one of --text T or --input FILE ('-' reads standard input) (structure)");

  const structure_options options = call_options_from(o.model);
  const schemaforge::schema target = load_schema(o.schema_path);
  const std::string text = o.text ? *o.text : read_input_text(*o.input_path);
  const client_options settings = client_options_from(o.model);

  boost::asio::io_context context;
  try {
    client endpoint(context.get_executor(), settings);
    auto result = o.stream ? run_streamed(endpoint, text, target, options) : structure(endpoint, input(text), target, options);
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
  CLI::App* command = app.add_subcommand("structure", structure_command_summary);
  command->add_option("--schema", o->schema_path, "The JSON Schema file")->required();
  auto* text = command->add_option("--text", o->text, "The text to structure");
  auto* in = command->add_option("--input", o->input_path, "A file holding the text ('-' reads standard input)");
  text->excludes(in);
  add_model_flags(*command, o->model, "Seconds for the whole call, all attempts and waits (default none)");
  command->add_flag("--stream", o->stream,
                    "Stream the answer; on a terminal, stderr shows the object as it grows (stdout is unchanged)");
  command->callback([o] { run_structure(*o); });
}

}  // namespace schemaforge::cli
