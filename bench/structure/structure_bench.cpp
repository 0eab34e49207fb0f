// SPDX-License-Identifier: MIT
// Structure throughput: N items at a fixed concurrency through the public async_structure
// (request per mode, transport, parse, repair, validation against the schema), against
// ../shared/bench-peers/fast_server.js, on the same work as the peers there (schema, system
// prompt and "item k" texts of common.js). An item counts only when its value has n == k.
// Prints one JSON line:
// {"bench":"structure","mode":..,"n":..,"concurrency":..,"seconds":..,"items_per_s":..,"ok":..,
//  "cpu_ms_per_item":..,"max_rss_mb":..}
// Usage: schemaforge_bench_structure --base-url URL [--n 20000] [--concurrency 64] [--mode json_schema]
#include <schemaforge/structure.hpp>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
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

const char* const item_schema = R"({"type": "object",
  "properties": {"n": {"type": "integer"}, "label": {"type": "string", "enum": ["even", "odd"]},
                 "tags": {"type": "array", "items": {"type": "string"}}},
  "required": ["n", "label", "tags"], "additionalProperties": false})";

}  // namespace

int main(int argc, char** argv) {
  std::string base_url, mode_name = "json_schema";
  long n = 20'000, concurrency = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--base-url") base_url = argv[i + 1];
    else if (arg == "--n") n = std::stol(argv[i + 1]);
    else if (arg == "--concurrency") concurrency = std::stol(argv[i + 1]);
    else if (arg == "--mode") mode_name = argv[i + 1];
  }
  schemaforge::structure_options options;
  if (base_url.empty() || !schemaforge::from_string(mode_name, options.mode)) {
    std::fprintf(stderr, "usage: schemaforge_bench_structure --base-url URL [--n N] [--concurrency C] [--mode M]\n");
    return 2;
  }
  options.schema_name = "item";

  boost::asio::io_context io;
  schemaforge::client_options settings;
  settings.base_url = base_url;
  settings.model = "gpt-4o-mini";
  schemaforge::client client(io.get_executor(), settings);
  const schemaforge::schema schema(nlohmann::json::parse(item_schema));

  long next = 0, ok = 0, failed = 0;
  std::string first_error;
  std::function<void()> start_one = [&] {
    if (next >= n) return;
    const long k = next++;
    schemaforge::input in("item " + std::to_string(k),
                          "Extract the item as JSON with fields n (integer), label (even or odd) and tags.");
    schemaforge::async_structure(client, std::move(in), schema, options,
                                 [&, k](std::exception_ptr e, schemaforge::structure_result<nlohmann::json> r) {
                                   if (!e && r.value.value("n", -1L) == k) {
                                     ++ok;
                                   } else {
                                     ++failed;
                                     if (first_error.empty() && e) {
                                       try {
                                         std::rethrow_exception(e);
                                       } catch (const std::exception& x) {
                                         first_error = x.what();
                                       }
                                     }
                                   }
                                   start_one();
                                 });
  };

  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < concurrency; ++i) start_one();
  io.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;

  nlohmann::json report{{"bench", "structure"},
                        {"mode", mode_name},
                        {"n", n},
                        {"concurrency", concurrency},
                        {"seconds", seconds},
                        {"items_per_s", seconds > 0 ? static_cast<double>(ok) / seconds : 0.0},
                        {"ok", ok},
                        {"cpu_ms_per_item", n > 0 ? cpu * 1000.0 / static_cast<double>(n) : 0.0},
                        {"max_rss_mb", max_rss_mb()}};
  if (!first_error.empty()) report["first_error"] = first_error;
  std::printf("%s\n", report.dump().c_str());
  return failed == 0 ? 0 : 1;
}
