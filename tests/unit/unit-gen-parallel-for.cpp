// SPDX-License-Identifier: MIT
#include "parallel_for.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

using schemaforge::gen::detail::parallel_for;

TEST_CASE("parallel_for calls work once per index, on the threads asked for") {
  for (unsigned threads : {0u, 1u, 2u, 5u}) {
    std::vector<std::atomic<int>> calls(200);
    std::mutex mutex;
    std::set<std::thread::id> ids;
    parallel_for(calls.size(), threads, [&](std::size_t i) {
      ++calls[i];
      std::lock_guard lock(mutex);
      ids.insert(std::this_thread::get_id());
    });
    for (const auto& c : calls) CHECK(c == 1);
    if (threads > 0) CHECK(ids.size() <= threads);
  }
  parallel_for(0, 4, [](std::size_t) { FAIL("no index, no call"); });
}

#ifdef __linux__
TEST_CASE("parallel_for's threads start on another CPU but may then run on any the process may use") {
  cpu_set_t process_cpus;
  REQUIRE(sched_getaffinity(0, sizeof process_cpus, &process_cpus) == 0);
  std::mutex mutex;
  std::vector<cpu_set_t> seen;
  parallel_for(16, 4, [&](std::size_t) {
    cpu_set_t mine;
    REQUIRE(sched_getaffinity(0, sizeof mine, &mine) == 0);
    std::lock_guard lock(mutex);
    seen.push_back(mine);
  });
  REQUIRE(seen.size() == 16);
  for (const cpu_set_t& cpus : seen) CHECK(CPU_EQUAL(&cpus, &process_cpus));
}
#endif
