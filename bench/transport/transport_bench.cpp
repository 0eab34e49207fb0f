// SPDX-License-Identifier: MIT
// Transport throughput: N chat-completion POSTs at a fixed concurrency through one client
// (async_send, so the retry machinery is on the path), against any OpenAI-compatible server,
// e.g. ../shared/bench-peers/fast_server.js. Prints one JSON line:
// {"bench":"transport","n":..,"concurrency":..,"seconds":..,"requests_per_s":..,"ok":..,
//  "cpu_ms_per_request":..,"max_rss_mb":..}
// Usage: schemaforge_bench_transport --base-url URL [--n 20000] [--concurrency 64]
#include "http/async_send.hpp"

#include <schemaforge/client.hpp>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double max_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string base_url;
  long n = 20'000, concurrency = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--base-url") base_url = argv[i + 1];
    else if (arg == "--n") n = std::stol(argv[i + 1]);
    else if (arg == "--concurrency") concurrency = std::stol(argv[i + 1]);
  }
  if (base_url.empty()) {
    std::fprintf(stderr, "usage: schemaforge_bench_transport --base-url URL [--n N] [--concurrency C]\n");
    return 2;
  }
  boost::asio::io_context io(1);
  schemaforge::client_options options;
  options.base_url = base_url;
  options.model = "fake-model";
  schemaforge::client c(io.get_executor(), options);
  auto& state = schemaforge::detail::state_of(c);

  long started = 0, finished = 0, ok = 0;
  std::function<void()> launch = [&] {
    if (started >= n) return;
    const long item = started++;
    schemaforge::detail::http_request request;
    request.path = "/chat/completions";
    request.body = R"({"model":"fake-model","messages":[{"role":"user","content":"item )" + std::to_string(item) +
                   R"("}]})";
    auto attempts = std::make_shared<schemaforge::ledger>();
    schemaforge::detail::retry_settings settings;
    settings.max_retries = 2;
    settings.request_timeout = std::chrono::milliseconds(30'000);
    schemaforge::detail::async_send(state, std::move(request), settings, *attempts,
                                    [&, attempts](std::error_code ec, schemaforge::detail::http_response r) {
                                      ++finished;
                                      if (!ec && r.status == 200) ++ok;
                                      launch();
                                    });
  };
  const double cpu_before = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (long k = 0; k < concurrency; ++k) launch();
  io.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu_before;
  nlohmann::json line = {{"bench", "transport"},
                         {"n", n},
                         {"concurrency", concurrency},
                         {"seconds", seconds},
                         {"requests_per_s", static_cast<double>(finished) / seconds},
                         {"ok", ok},
                         {"cpu_ms_per_request", cpu * 1000.0 / static_cast<double>(finished)},
                         {"max_rss_mb", max_rss_mb()}};
  std::printf("%s\n", line.dump().c_str());
  return ok == n ? 0 : 1;
}
