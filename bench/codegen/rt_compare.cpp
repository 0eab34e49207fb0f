// SPDX-License-Identifier: MIT
// Round-trip throughput of schemaforge's generated C++ against quicktype 26's, on the same JSON
// text in the same process (bench/codegen/run.sh builds and runs it; it is never part of ctest).
//
//   rt_compare DATA.json [ITERATIONS]        wall time of every path, best and median
//   rt_compare DATA.json 1 PATH              one path once (for valgrind --tool=callgrind)
//
// Both headers are generated from ../shared/bench-peers/codegen/rt/order_rt.json; DATA is a JSON
// array of orders. Paths:
//   qt.parse      nlohmann::json::parse(text).get<std::vector<rtqt::Order>>()   (quicktype's way)
//   sf.parse      the same through schemaforge's from_json
//   sf.direct     sf::parse_Order_array(text): text straight into the types, no DOM
//   qt.serialize  nlohmann::json(v).dump()
//   sf.serialize  nlohmann::json(v).dump() through schemaforge's to_json
//   sf.dump       sf::dump_Order_array(v): the types straight to text, no DOM (same bytes)
//   dom.parse     nlohmann::json::parse(text) alone (the floor of both DOM paths)
#include "order_qt.hpp"
#include "order_sf.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

std::string read_file(const char* name) {
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", name);
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Keeps results observable so the optimiser cannot drop the work.
volatile std::size_t sink = 0;

struct path_run {
  const char* name;
  std::function<void()> run;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA.json [ITERATIONS] [PATH]\n", argv[0]);
    return 2;
  }
  const std::string text = read_file(argv[1]);
  const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 10;
  const std::string only = argc > 3 ? argv[3] : "";

  // Inputs of the serialize paths, and a check that all parse paths agree.
  const auto qt_orders = nlohmann::json::parse(text).get<std::vector<rtqt::Order>>();
  const auto sf_orders = nlohmann::json::parse(text).get<std::vector<sf::Order>>();
  if (sf::parse_Order_array(text) != sf_orders) {
    std::fprintf(stderr, "sf.direct and sf.parse disagree\n");
    return 1;
  }
  if (sf::dump_Order_array(sf_orders) != nlohmann::json(sf_orders).dump()) {
    std::fprintf(stderr, "sf.dump and sf.serialize disagree\n");
    return 1;
  }
  if (nlohmann::json(sf_orders) != nlohmann::json::parse(text)) {
    std::fprintf(stderr, "sf does not round-trip the data\n");
    return 1;
  }

  std::vector<path_run> paths = {
      {"dom.parse", [&] { sink = sink + nlohmann::json::parse(text).size(); }},
      {"qt.parse", [&] { sink = sink + nlohmann::json::parse(text).get<std::vector<rtqt::Order>>().size(); }},
      {"sf.parse", [&] { sink = sink + nlohmann::json::parse(text).get<std::vector<sf::Order>>().size(); }},
      {"sf.direct", [&] { sink = sink + sf::parse_Order_array(text).size(); }},
      {"qt.serialize", [&] { sink = sink + nlohmann::json(qt_orders).dump().size(); }},
      {"sf.serialize", [&] { sink = sink + nlohmann::json(sf_orders).dump().size(); }},
      {"sf.dump", [&] { sink = sink + sf::dump_Order_array(sf_orders).size(); }},
  };

  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("input %.2f MB, %zu orders, %d iterations\n", mb, sf_orders.size(), iterations);
  for (const auto& p : paths) {
    if (!only.empty() && only != p.name) continue;
    std::vector<double> seconds;
    for (int i = 0; i < iterations; ++i) {
      auto start = clock_type::now();
      p.run();
      seconds.push_back(std::chrono::duration<double>(clock_type::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    double best = seconds.front(), median = seconds[seconds.size() / 2];
    std::printf("%-13s best %8.2f ms %7.1f MB/s   median %8.2f ms %7.1f MB/s\n", p.name, best * 1e3, mb / best, median * 1e3,
                mb / median);
  }
  return 0;
}
