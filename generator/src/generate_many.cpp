// SPDX-License-Identifier: MIT
#include <schemaforge/gen/generate.hpp>

#include "parallel_for.hpp"

#include <filesystem>

namespace schemaforge::gen {

// Schemas are independent; the workers share only the compiled templates, which are read-only.
std::vector<header_outcome> generate_headers(const std::vector<std::string>& schema_paths, const render_options& options,
                                             unsigned threads) {
  std::vector<header_outcome> outcomes(schema_paths.size());
  detail::parallel_for(schema_paths.size(), threads, [&](std::size_t i) {
    try {
      outcomes[i].header = generate_header(schema_paths[i], options);
    } catch (...) {
      outcomes[i].error = std::current_exception();
    }
  });
  return outcomes;
}

void write_headers(const std::string& output_dir, const std::vector<generated_header>& headers, unsigned threads) {
  std::vector<std::exception_ptr> errors(headers.size());
  detail::parallel_for(headers.size(), threads, [&](std::size_t i) {
    try {
      write_file_if_changed((std::filesystem::path(output_dir) / headers[i].file_name).string(), headers[i].text);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  });
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace schemaforge::gen
