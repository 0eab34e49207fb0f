// SPDX-License-Identifier: MIT
#include <schemaforge/gen/generate.hpp>

#include "parallel_for.hpp"

#include <filesystem>
#include <system_error>

namespace schemaforge::gen {
namespace {

// generate_header for each schema on `threads` threads; `finish` runs in the worker on each header
// it made. Schemas are independent; the workers share only the compiled templates, which are
// read-only.
template <class Finish>
std::vector<header_outcome> generate_each(const std::vector<std::string>& schema_paths, const render_options& options, unsigned threads,
                                          const Finish& finish) {
  std::vector<header_outcome> outcomes(schema_paths.size());
  detail::parallel_for(schema_paths.size(), threads, [&](std::size_t i) {
    try {
      outcomes[i].header = generate_header(schema_paths[i], options);
      finish(outcomes[i].header);
    } catch (...) {
      outcomes[i].error = std::current_exception();
    }
  });
  return outcomes;
}

}  // namespace

std::vector<header_outcome> generate_headers(const std::vector<std::string>& schema_paths, const render_options& options,
                                             unsigned threads) {
  return generate_each(schema_paths, options, threads, [](generated_header&) {});
}

headers_into_directory generate_headers_into(const std::string& output_dir, const std::vector<std::string>& schema_paths,
                                             const render_options& options, unsigned threads) {
  headers_into_directory result{output_dir, {}, {}};
  std::filesystem::path dir = std::filesystem::path(output_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/" is "out"
  while (!dir.empty() && !std::filesystem::exists(dir)) {
    result.created_directories.insert(result.created_directories.begin(), dir.string());
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  if (ec) throw input_error({diagnostic::severity::error, "cannot create directory: " + ec.message(), output_dir, ""});
  result.outcomes = generate_each(schema_paths, options, threads, [&](generated_header& header) {
    const std::string path = (std::filesystem::path(output_dir) / header.file_name).string();
    std::error_code missing;
    if (!std::filesystem::exists(path, missing)) {
      write_file_if_changed(path, header.text);  // through a temporary file: never seen half written
      header.created = true;
    } else if (!file_holds(path, header.text)) {
      return;
    }
    header.up_to_date = true;
    std::string().swap(header.text);  // frees it; clear() would keep the memory
  });
  return result;
}

void undo_new_headers(const headers_into_directory& result) {
  std::error_code ignored;
  for (const header_outcome& outcome : result.outcomes)
    if (outcome.header.created) std::filesystem::remove(std::filesystem::path(result.output_dir) / outcome.header.file_name, ignored);
  for (auto dir = result.created_directories.rbegin(); dir != result.created_directories.rend(); ++dir)
    std::filesystem::remove(*dir, ignored);  // only if empty: what else is there is not ours
}

void write_headers(const std::string& output_dir, const std::vector<generated_header>& headers, unsigned threads) {
  std::vector<const generated_header*> to_write;  // no threads started when every header is up to date
  for (const generated_header& header : headers)
    if (!header.up_to_date) to_write.push_back(&header);
  std::vector<std::exception_ptr> errors(to_write.size());
  detail::parallel_for(to_write.size(), threads, [&](std::size_t i) {
    try {
      write_file_if_changed((std::filesystem::path(output_dir) / to_write[i]->file_name).string(), to_write[i]->text);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  });
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace schemaforge::gen
