// SPDX-License-Identifier: MIT
#include "commands.hpp"
#include "exit_status.hpp"
#include "infer_llm.hpp"
#include "model_flags.hpp"

#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/infer.hpp>
#include <schemaforge/gen/infer_samples.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace schemaforge::cli {
namespace {

struct infer_settings {
  std::vector<std::string> samples;
  std::string name;
  std::string output;
  bool jsonl = false;
  bool split_arrays = false;
  bool explain = false;
  bool llm = false;
  bool text = false;
  std::string description;
  model_flags model;
  std::vector<CLI::Option*> model_only;  // flags that mean nothing without --llm
};

// "order-items_v2" -> "OrderItemsV2"; empty when the text has no letter.
std::string pascal_case(const std::string& text) {
  std::string out;
  bool upper = true, letter = false;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      letter = letter || std::isalpha(c);
      out += upper ? static_cast<char>(std::toupper(c)) : static_cast<char>(c);
      upper = false;
    } else {
      upper = true;
    }
  }
  return letter ? out : std::string();
}

// Title when --name is not given: the first sample file's name ("users.jsonl" -> "Users"), or
// its folder's when the file name has no letter ("orders/001.json" -> "Orders"), else "Root".
std::string derived_title(const std::string& first_sample) {
  if (first_sample == "-") return "Root";
  std::filesystem::path path(first_sample);
  if (auto title = pascal_case(path.stem().string()); !title.empty()) return title;
  if (auto title = pascal_case(std::filesystem::absolute(path).parent_path().filename().string()); !title.empty())
    return title;
  return "Root";
}

void write_schema(const infer_settings& settings, const std::string& text) {
  if (settings.output.empty() || settings.output == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::error_code ignored;  // a failure to create the folder shows up as a failure to open the file
  if (auto parent = std::filesystem::path(settings.output).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent, ignored);
  errno = 0;
  std::ofstream out(settings.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    throw command_failure(exit_work_failed, std::string("cannot write the schema: ") +
                                                (errno ? std::strerror(errno) : "write failed") + " (" +
                                                settings.output + ")");
  }
}

void run_infer_with_model(const infer_settings& settings) {
  infer_llm_request request;
  request.sample_paths = settings.samples;
  request.text = settings.text;
  request.jsonl = settings.jsonl;
  request.split_arrays = settings.split_arrays;
  request.explain = settings.explain;
  request.title = settings.name.empty() ? derived_title(settings.samples.front()) : settings.name;
  request.description = settings.description;
  request.model = settings.model;
  write_schema(settings, infer_with_model(request));
}

void run_infer(const infer_settings& settings) {
  if (settings.llm) {
    run_infer_with_model(settings);
    return;
  }
  for (const CLI::Option* flag : settings.model_only)
    if (flag->count() > 0)
      throw command_failure(exit_bad_input, flag->get_name() + " needs --llm (" + flag->get_name() + ")");
  gen::infer_options options;
  options.title = settings.name.empty() ? derived_title(settings.samples.front()) : settings.name;
  gen::schema_inferrer inferrer(options);
  gen::sample_layout layout = settings.jsonl          ? gen::sample_layout::lines
                              : settings.split_arrays ? gen::sample_layout::array
                                                      : gen::sample_layout::document;
  // The text path: no DOM, keys in the order of the files, bounded memory for any input size.
  for (const auto& path : settings.samples) gen::add_samples(inferrer, path, layout);
  if (inferrer.sample_count() == 0) {
    throw command_failure(exit_bad_input, "no samples found: the input files hold no JSON value (" +
                                              settings.samples.front() + ")");
  }
  std::string text = inferrer.schema().dump(2) + "\n";

  if (settings.explain) {
    for (const auto& line : inferrer.explain()) std::cerr << "explain: " << line << '\n';
  }
  write_schema(settings, text);
}

}  // namespace

void add_infer_command(CLI::App& app) {
  auto settings = std::make_shared<infer_settings>();
  CLI::App* cmd = app.add_subcommand(
      "infer", "Infer one JSON Schema (draft 2020-12) that every given JSON sample validates against");
  cmd->add_option("SAMPLE", settings->samples,
                  "Sample files: each one JSON document (see --jsonl, --split-arrays); '-' reads standard input")
      ->required();
  cmd->add_option("--name", settings->name, "Schema title (default: derived from the first sample's file name)");
  auto* jsonl = cmd->add_flag("--jsonl", settings->jsonl, "Each file holds one JSON sample per line (streamed)");
  auto* split_arrays = cmd->add_flag("--split-arrays", settings->split_arrays,
                "A file whose top-level value is an array holds one sample per element (streamed)")
      ->excludes(jsonl);
  cmd->add_option("-o,--output", settings->output, "Write the schema to this file instead of standard output");
  cmd->add_flag("--explain", settings->explain,
                "Report on standard error the evidence behind every decision (one 'explain:' line each); "
                "with --llm, every problem of every answer");
  cmd->add_flag("--llm", settings->llm,
                "Ask the configured model for the schema; it is checked (meta-schema, code generator, samples) "
                "and the model is asked again with the errors");
  auto* text = cmd->add_flag("--text", settings->text,
                             "With --llm: each file is one free-text sample; the model also extracts one instance "
                             "from each, and those are checked");
  text->excludes(jsonl);
  text->excludes(split_arrays);
  auto* description = cmd->add_option("--description", settings->description,
                                      "With --llm: what the samples are, in words, for the model");
  add_model_flags(*cmd, settings->model, "With --llm: seconds for the whole inference, all requests and waits");
  settings->model_only = {text, description};
  for (const char* flag : {"--model", "--base-url", "--api-key", "--mode", "--max-retries", "--max-reasks",
                           "--timeout", "--deadline"})
    settings->model_only.push_back(cmd->get_option(flag));
  cmd->callback([settings] { run_infer(*settings); });
}

}  // namespace schemaforge::cli
