// SPDX-License-Identifier: MIT
// Streaming core micro-benchmark (run by hand: build/bin/bench_stream_first_partial [fixture.sse]).
//
// 1. Time to the first partial object: from handing the first content chunk's bytes (one SSE
//    event, as the transport's on_body_chunk would) to the on_partial callback. Issue 6's goal is
//    1 ms. The assembler is created and the role-only first event fed before the clock starts,
//    as happens while waiting for the model.
// 2. Whole-stream assembly throughput over a recorded stream (events/s, MB/s).
// 3. Partial JSON: incremental feeding vs re-parsing the whole prefix on every chunk (what a naive
//    "complete and json::parse" approach costs), on a 14 KB document in 16-byte chunks.
#include "stream/chat_stream_assembler.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace schemaforge::detail;
using clock_type = std::chrono::steady_clock;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double micros(clock_type::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void first_partial(const std::string& body) {
  // Split the body into its events; find the first one that carries content.
  std::vector<std::string> events;
  for (std::size_t pos = 0; pos < body.size();) {
    std::size_t end = body.find("\n\n", pos);
    end = end == std::string::npos ? body.size() : end + 2;
    events.push_back(body.substr(pos, end - pos));
    pos = end;
  }
  // The event whose content makes the first partial object appear (earlier content may be
  // whitespace or a code fence).
  std::size_t first_content = events.size();
  {
    bool seen = false;
    chat_stream_handlers handlers;
    handlers.on_partial = [&](const nlohmann::json&) { seen = true; };
    chat_stream_options opts;
    opts.partial = partial_json_source::content;
    chat_stream_assembler a(std::move(handlers), opts);
    for (std::size_t e = 0; e < events.size() && !seen; ++e) {
      a.feed(events[e]);
      if (seen) first_content = e;
    }
  }
  if (first_content == events.size()) {
    std::printf("no partial object in the stream\n");
    return;
  }
  constexpr int iterations = 20000;
  std::vector<double> samples;
  samples.reserve(iterations);
  for (int i = 0; i < iterations; ++i) {
    clock_type::time_point seen{};
    chat_stream_handlers handlers;
    handlers.on_partial = [&](const nlohmann::json&) {
      if (seen == clock_type::time_point{}) seen = clock_type::now();
    };
    chat_stream_options opts;
    opts.partial = partial_json_source::content;
    chat_stream_assembler a(std::move(handlers), opts);
    for (std::size_t e = 0; e < first_content; ++e) a.feed(events[e]);
    const auto start = clock_type::now();
    a.feed(events[first_content]);
    if (seen == clock_type::time_point{}) {
      std::printf("the first content event produced no partial object\n");
      return;
    }
    samples.push_back(micros(seen - start));
  }
  std::sort(samples.begin(), samples.end());
  std::printf("time to first partial object (event %zu, %zu bytes, %d runs): median %.2f us, p99 %.2f us, max %.2f us\n",
              first_content, events[first_content].size(), iterations, samples[samples.size() / 2], samples[samples.size() * 99 / 100],
              samples.back());
}

void assembly_throughput(const std::string& body) {
  constexpr int rounds = 2000;
  std::size_t events = 0;
  const auto start = clock_type::now();
  for (int r = 0; r < rounds; ++r) {
    chat_stream_options opts;
    opts.partial = partial_json_source::content;
    chat_stream_assembler a({}, opts);
    for (std::size_t pos = 0; pos < body.size(); pos += 1400) a.feed(std::string_view(body).substr(pos, 1400));
    a.finish();
    events += a.data_events();
  }
  const double s = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("assembly + partial JSON of the whole stream: %.0f events/s, %.1f MB/s, %.1f us per stream of %zu bytes\n",
              events / s, body.size() * rounds / s / 1e6, s / rounds * 1e6, body.size());
}

void incremental_vs_reparse() {
  nlohmann::json doc = nlohmann::json::array();
  for (int i = 0; i < 200; ++i) {
    doc.push_back({{"id", i}, {"name", "item number " + std::to_string(i)}, {"tags", {"a", "b", "c"}}, {"price", i * 1.25}});
  }
  const std::string text = doc.dump();
  constexpr std::size_t chunk = 16;

  auto start = clock_type::now();
  partial_json p;
  for (std::size_t pos = 0; pos < text.size(); pos += chunk) p.feed(std::string_view(text).substr(pos, chunk));
  p.finish();
  const double incremental = std::chrono::duration<double>(clock_type::now() - start).count();

  // The naive way: complete the prefix from scratch at every chunk.
  start = clock_type::now();
  std::size_t visible = 0;
  for (std::size_t pos = chunk; pos < text.size() + chunk; pos += chunk) {
    if (auto v = complete_json_prefix(std::string_view(text).substr(0, std::min(pos, text.size())))) visible += v->size();
  }
  const double reparse = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("partial JSON over %zu bytes in %zu-byte chunks: incremental %.2f ms (%.0f MB/s), re-parse per chunk %.0f ms (%.0fx slower)%s\n",
              text.size(), chunk, incremental * 1e3, text.size() / incremental / 1e6, reparse * 1e3, reparse / incremental,
              visible == 0 ? " [nothing visible?]" : "");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string fixture = argc > 1 ? argv[1]
                                       : std::string(SCHEMAFORGE_SHARED_DIR) +
                                             "/fixtures/provider-traffic/stream/openai-json-schema.sse";
  const std::string body = read_file(fixture);
  if (body.empty()) {
    std::fprintf(stderr, "cannot read %s\n", fixture.c_str());
    return 1;
  }
  first_partial(body);
  assembly_throughput(body);
  incremental_vs_reparse();
  return 0;
}
