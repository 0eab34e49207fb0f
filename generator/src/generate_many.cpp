// SPDX-License-Identifier: MIT
#include <schemaforge/gen/generate.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

namespace schemaforge::gen {

std::vector<header_outcome> generate_headers(const std::vector<std::string>& schema_paths, const render_options& options,
                                             unsigned threads) {
  std::vector<header_outcome> outcomes(schema_paths.size());
  std::atomic<std::size_t> next{0};
  // Schemas are independent: each worker takes the next one until none is left. The template
  // cache is per thread, so workers share nothing else.
  auto work = [&] {
    for (std::size_t i = next++; i < schema_paths.size(); i = next++) {
      try {
        outcomes[i].header = generate_header(schema_paths[i], options);
      } catch (...) {
        outcomes[i].error = std::current_exception();
      }
    }
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, schema_paths.size()));
  {
    std::vector<std::jthread> helpers;  // joined at the end of this block
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  return outcomes;
}

}  // namespace schemaforge::gen
