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
// 4. The same goal end to end through streaming structure over loopback HTTP (json_schema mode:
//    the answer is content; tools mode: the forced call's arguments), read through the on_event
//    callback and through async_next in a coroutine. The clock starts when libcurl's write
//    callback gets the first content chunk (client_state's body observer) and stops when user code
//    has the first partial_object event; the time from the server's write() is printed too.
#include "http/client_state.hpp"
#include "stream/chat_stream_assembler.hpp"

#include <schemaforge/stream_structure.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
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

// A chat-completions server that streams one fixed JSON answer per request (as content, or as
// the forced tool call's arguments when the request has "tools"), with a pause before the first
// content chunk (as a model thinking), and records when that chunk is written.
class loopback_stream_server {
 public:
  loopback_stream_server() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~loopback_stream_server() {
    stop_ = true;
    // Closing the acceptor from here does not end a blocking accept() on Linux: a connection does,
    // and closing it at once ends the read loop too.
    boost::system::error_code ignored;
    {
      boost::asio::ip::tcp::socket wake(io_);
      wake.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ignored);
    }
    if (thread_.joinable()) thread_.join();
    acceptor_.close(ignored);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  clock_type::time_point first_content_written() const { return first_content_.load(); }

 private:
  static std::string chunk(const std::string& payload) {
    char size[32];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
    return std::string(size, static_cast<std::size_t>(n)) + payload + "\r\n";
  }
  static std::string event(const std::string& delta, const char* finish = "null") {
    return chunk("data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"model\":\"bench\",\"choices\":[{\"index\":0,"
                 "\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n");
  }
  // The delta carrying `piece` of the answer: content, or the arguments of tool call 0.
  static std::string piece_delta(const std::string& piece, bool tools) {
    const std::string quoted = nlohmann::json(piece).dump();
    return tools ? "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + quoted + "}}]}"
                 : "{\"content\":" + quoted + "}";
  }

  void serve() {
    namespace asio = boost::asio;
    while (!stop_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      socket.set_option(asio::ip::tcp::no_delay(true), ec);
      asio::streambuf buffer;
      for (;;) {
        const std::size_t head = asio::read_until(socket, buffer, "\r\n\r\n", ec);
        if (ec) break;
        std::string headers(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + head);
        buffer.consume(head);
        std::size_t length = 0;
        for (const char* name : {"Content-Length: ", "content-length: "})
          if (auto at = headers.find(name); at != std::string::npos) length = std::stoul(headers.substr(at + 16));
        if (buffer.size() < length) asio::read(socket, buffer, asio::transfer_exactly(length - buffer.size()), ec);
        if (ec) break;
        const std::string body(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + length);
        buffer.consume(length);
        const nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
        const bool tools = request.is_object() && request.contains("tools");
        std::string first_delta = "{\"role\":\"assistant\",\"content\":\"\"}";
        if (tools) {
          const std::string name = request["tools"][0]["function"].value("name", "extract");
          first_delta = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        "\"type\":\"function\",\"function\":{\"name\":" + nlohmann::json(name).dump() +
                        ",\"arguments\":\"\"}}]}";
        }
        std::string start = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            event(first_delta);
        asio::write(socket, asio::buffer(start), ec);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const std::string first = event(piece_delta("{\"name\": \"Ada", tools));
        first_content_ = clock_type::now();
        asio::write(socket, asio::buffer(first), ec);
        const std::string rest = event(piece_delta(" Lovelace\", \"age\": 36}", tools)) +
                                 event("{}", tools ? "\"tool_calls\"" : "\"stop\"") + chunk("data: [DONE]\n\n") +
                                 "0\r\n\r\n";
        asio::write(socket, asio::buffer(rest), ec);
        if (ec) break;
      }
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<clock_type::time_point> first_content_{};
};

struct percentiles {
  double median = 0, p99 = 0, max = 0;
};

percentiles summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  if (samples.empty()) return {};
  return {samples[samples.size() / 2], samples[samples.size() * 99 / 100], samples.back()};
}

// Time to the first partial object end to end through streaming structure over loopback HTTP.
// The clock starts when libcurl's write callback receives the first content chunk (the bytes are
// out of the socket: client_state's body observer sees them before the SSE parser does) and stops
// when user code has the first partial_object event: in its on_event callback, or when
// async_next completes with it in a coroutine. From the server's write() of that chunk (loopback
// kernel path and the epoll wake-up included) is printed too.
enum class delivery { callback, async_next };

void structure_stream_first_partial(schemaforge::structure_mode mode, delivery how) {
  namespace sf = schemaforge;
  namespace asio = boost::asio;
  loopback_stream_server server;
  asio::io_context io;
  sf::client_options options;
  options.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
  options.model = "bench";
  sf::client c(io.get_executor(), options);
  // The first piece of body with the answer's first content in it ("Ada" is in no earlier event).
  clock_type::time_point arrived{};
  state_of(c).set_body_observer([&](std::string_view bytes) {
    if (arrived == clock_type::time_point{} && bytes.find("Ada") != std::string_view::npos) arrived = clock_type::now();
  });
  const sf::schema schema(nlohmann::json::parse(
      R"({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]})"));
  sf::structure_options call;
  call.mode = mode;

  constexpr int warm_up = 20, calls = 1000;
  std::vector<double> from_socket, from_server;
  bool wrong = false;
  for (int i = 0; i < warm_up + calls && !wrong; ++i) {
    arrived = {};
    clock_type::time_point seen{};
    if (how == delivery::callback) {
      sf::structure_stream_options so;
      so.on_event = [&](const sf::structure_stream_event& e) {
        if (e.type == sf::structure_stream_event::kind::partial_object && seen == clock_type::time_point{})
          seen = clock_type::now();
      };
      const auto r = sf::stream_structure(c, "Ada Lovelace, 36", schema, call, so);
      wrong = r.value.value("age", 0) != 36;
    } else {
      auto stream = sf::open_stream_structure(c, "Ada Lovelace, 36", schema, call);
      asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (;;) {
          std::optional<sf::owned_structure_stream_event> e = co_await stream.async_next(asio::use_awaitable);
          if (!e) break;
          if (e->type == sf::structure_stream_event::kind::partial_object && seen == clock_type::time_point{})
            seen = clock_type::now();
        }
      }, asio::detached);
      io.run();
      io.restart();
      wrong = stream.result().value.value("age", 0) != 36;
    }
    if (wrong || seen == clock_type::time_point{} || arrived == clock_type::time_point{}) {
      std::printf("streaming structure gave no partial object, no observed chunk, or a wrong value\n");
      return;
    }
    if (i < warm_up) continue;
    from_socket.push_back(micros(seen - arrived));
    from_server.push_back(micros(seen - server.first_content_written()));
  }
  const percentiles s = summarize(from_socket), w = summarize(from_server);
  std::printf("streaming structure, mode %s, %s (%d calls over loopback HTTP/1.1):\n"
              "  first content chunk in curl's write callback -> first partial_object in user code: "
              "median %.1f us, p99 %.1f us, max %.1f us\n"
              "  (from the server's write of that chunk: median %.1f us, p99 %.1f us, max %.1f us)\n",
              sf::to_string(mode), how == delivery::callback ? "on_event callback" : "async_next in a coroutine", calls,
              s.median, s.p99, s.max, w.median, w.p99, w.max);
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
  for (const auto mode : {schemaforge::structure_mode::json_schema, schemaforge::structure_mode::tools})
    for (const auto how : {delivery::callback, delivery::async_next}) structure_stream_first_partial(mode, how);
  return 0;
}
