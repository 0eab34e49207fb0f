// SPDX-License-Identifier: MIT
#include "infer_llm.hpp"

#include "exit_status.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/gen/check_schema.hpp>
#include <schemaforge/gen/infer_samples.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/infer_schema.hpp>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

namespace schemaforge::cli {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t problems_in_summary = 3;

std::string read_sample_file(const std::string& path) {
  if (path != "-") return gen::read_text_file(path);
  std::ostringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

std::string display_name(const std::string& path) { return path == "-" ? std::string("<stdin>") : path; }

// One sample per document, line or array element (gen::for_each_sample, as the model-free path
// reads them): bad JSON is reported with its file and line (exit 2) before any request is made.
std::vector<schema_sample> read_samples(const infer_llm_request& r) {
  std::vector<schema_sample> samples;
  const gen::sample_layout layout = r.jsonl          ? gen::sample_layout::lines
                                    : r.split_arrays ? gen::sample_layout::array
                                                     : gen::sample_layout::document;
  for (const auto& path : r.sample_paths) {
    if (r.text) {
      samples.push_back({read_sample_file(path), display_name(path)});
      continue;
    }
    gen::for_each_sample(path, layout, [&](const ordered_json& sample, const gen::sample_origin& origin) {
      std::string where = origin.file;
      if (layout == gen::sample_layout::lines) where += ":" + std::to_string(origin.line);
      else if (layout == gen::sample_layout::array) where += " #" + std::to_string(origin.index + 1);
      samples.push_back({sample.dump(), std::move(where)});
    });
  }
  if (samples.empty())
    throw command_failure(exit_bad_input, "no samples found: the input files hold no sample (" +
                                              display_name(r.sample_paths.front()) + ")");
  return samples;
}

// The code generator's verdict, in the runtime's terms: the runtime cannot link the generator, so
// the check is handed in (see docs/ARCHITECTURE.md, "Inference with a model").
std::vector<validation_error> generator_check(const nlohmann::json& schema) {
  std::vector<validation_error> problems;
  for (const auto& d : gen::generation_problems(ordered_json::parse(schema.dump())))
    problems.push_back({d.pointer, (d.level == gen::diagnostic::severity::warning ? "the code generator warns: "
                                                                                   : "the code generator rejects it: ") +
                                       d.message});
  return problems;
}

void report_rounds(const std::vector<infer_round>& rounds, bool explain) {
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    const auto& problems = rounds[i].problems;
    if (problems.empty()) {
      std::cerr << "infer: answer " << i + 1 << " accepted\n";
      continue;
    }
    std::cerr << "infer: answer " << i + 1 << " rejected (" << problems.size()
              << (problems.size() == 1 ? " problem" : " problems") << ")\n";
    const std::size_t shown = explain ? problems.size() : std::min(problems.size(), problems_in_summary);
    for (std::size_t k = 0; k < shown; ++k) std::cerr << "infer:   " << problems[k] << '\n';
    if (shown < problems.size()) std::cerr << "infer:   ... and " << problems.size() - shown << " more (--explain lists all)\n";
  }
}

void report_usage(const ledger& attempts) {
  const usage total = total_usage(attempts);
  std::cerr << "infer: " << attempts.size() << (attempts.size() == 1 ? " request" : " requests") << ", "
            << total.prompt_tokens << " prompt + " << total.completion_tokens << " completion tokens\n";
}

}  // namespace

std::string infer_with_model(const infer_llm_request& r) {
  const structure_options call = call_options_from(r.model);
  infer_options options;
  options.kind = r.text ? sample_kind::text : sample_kind::json;
  options.mode = call.mode;
  options.max_reasks = call.max_reasks;
  options.extra_check = generator_check;
  if (options.mode == structure_mode::tools)
    throw command_failure(exit_bad_input, "infer --llm takes --mode auto, json_schema, json or prompt, not tools (--mode)");
  std::vector<schema_sample> samples = read_samples(r);
  const client_options settings = client_options_from(r.model);

  boost::asio::io_context context;
  try {
    client endpoint(context.get_executor(), settings);
    infer_result result = infer_schema(endpoint, std::move(samples), r.title, r.description, std::move(options));
    report_rounds(result.rounds, r.explain);
    report_usage(result.ledger);
    return result.schema_text;
  } catch (const schemaforge::error& e) {
    if (r.explain) {
      for (std::size_t i = 0; i < e.ledger.size(); ++i)
        if (!e.ledger[i].message.empty()) std::cerr << "infer: request " << i + 1 << ": " << e.ledger[i].message << '\n';
    }
    const bool caller_mistake = e.code() == errc::invalid_argument;
    const bool about_answers = e.code() == errc::validation_failed || e.code() == errc::invalid_output;
    std::string where = about_answers ? display_name(r.sample_paths.front())
                        : settings.base_url.empty() ? std::string(default_base_url)
                                                    : settings.base_url;
    throw command_failure(caller_mistake ? exit_bad_input : exit_work_failed,
                          std::string(to_string(static_cast<errc>(e.code().value()))) + ": " + e.what() + " (" +
                              where + ")");
  }
}

}  // namespace schemaforge::cli
