// SPDX-License-Identifier: MIT
#include "parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace schemaforge::gen::detail {

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) work(i);
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
  std::vector<std::jthread> helpers;  // joined when destroyed, before this function returns
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(worker);
  worker();
}

}  // namespace schemaforge::gen::detail
