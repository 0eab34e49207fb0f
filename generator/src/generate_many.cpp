// SPDX-License-Identifier: MIT
#include <schemaforge/gen/generate.hpp>

#include "parallel_for.hpp"

#include <filesystem>

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

std::vector<header_outcome> generate_headers_into(const std::string& output_dir, const std::vector<std::string>& schema_paths,
                                                  const render_options& options, unsigned threads) {
  return generate_each(schema_paths, options, threads, [&](generated_header& header) {
    if (!file_holds((std::filesystem::path(output_dir) / header.file_name).string(), header.text)) return;
    header.up_to_date = true;
    std::string().swap(header.text);  // frees it; clear() would keep the memory
  });
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
