// SPDX-License-Identifier: MIT
#include "commands.hpp"
#include "exit_status.hpp"

#include <schemaforge/gen/generate.hpp>

#include <CLI/CLI.hpp>

#include <malloc.h>

#include <exception>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace schemaforge::cli {
namespace {

struct generate_options {
  std::vector<std::string> schemas;
  std::string output_dir;
  gen::render_options render;
};

// Generating a header allocates and frees a few megabytes; glibc's defaults hand that memory back
// to the kernel after each schema and fault it in again for the next (a tenth of the time of a
// 100-schema call). A short-lived command keeps it until it exits.
void keep_freed_memory() {
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

// Every schema must succeed before an existing header is replaced: one bad schema leaves DIR as
// it was (headers the run created are removed again). Schemas are generated on every core; what
// is reported reads as if they ran one by one: the warnings of each schema up to the first that
// fails, then its error.
void check_outcomes(const generate_options& o, const std::vector<gen::header_outcome>& outcomes) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].error) std::rethrow_exception(outcomes[i].error);
    const gen::generated_header& header = outcomes[i].header;
    for (const auto& w : header.warnings) std::cerr << "schemaforge: warning: " << w.to_string() << '\n';
    if (!names.insert(header.file_name).second)
      throw command_failure(exit_bad_input, "two schemas would both write " + header.file_name + " (" + o.schemas[i] +
                                                "); rename one of them or generate them into different directories");
  }
}

void run_generate(const generate_options& o) {
  keep_freed_memory();
  gen::headers_into_directory result = gen::generate_headers_into(o.output_dir, o.schemas, o.render);
  try {
    check_outcomes(o, result.outcomes);
  } catch (...) {
    gen::undo_new_headers(result);
    throw;
  }
  std::vector<gen::generated_header> headers;
  for (auto& outcome : result.outcomes) headers.push_back(std::move(outcome.header));
  gen::write_headers(o.output_dir, headers);
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto options = std::make_shared<generate_options>();
  auto* cmd = app.add_subcommand("generate", "Generate one C++17 header per JSON Schema (DIR/<stem>.hpp)");
  cmd->add_option("schemas", options->schemas, "JSON Schema files")->required();
  cmd->add_option("-o,--output", options->output_dir, "Output directory (created when missing)")->required();
  cmd->add_option("--namespace", options->render.cpp_namespace, "C++ namespace, e.g. app::models")
      ->default_str("schemaforge_generated");
  cmd->add_option("--templates", options->render.template_dir,
                  "Directory whose *.mustache files replace the built-in templates of the same name");
  cmd->callback([options] { run_generate(*options); });
}

}  // namespace schemaforge::cli
