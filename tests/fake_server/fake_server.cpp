// SPDX-License-Identifier: MIT
#include "fake_server.hpp"
#include "http2_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

namespace schemaforge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using json = nlohmann::json;

std::string_view recorded_request::header(std::string_view lower_name) const noexcept {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

json recorded_request::json() const { return nlohmann::json::parse(body, nullptr, false); }

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The echo used when an entry names no content: the last message's text, so that tests can
// choose the "model's" answer through their input.
std::string echo_content(const json& request) {
  if (request.is_object()) {
    auto messages = request.find("messages");
    if (messages != request.end() && messages->is_array() && !messages->empty()) {
      const auto& content = messages->back().value("content", json());
      if (content.is_string()) return content.get<std::string>();
      if (!content.is_null()) return content.dump();
    }
  }
  return "{}";
}

json usage_of(const json& entry) {
  if (entry.contains("usage")) return entry["usage"];
  return {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}};
}

json chat_completion(const json& entry, const json& request, std::size_t n) {
  json message = {{"role", "assistant"}, {"refusal", nullptr}};
  std::string finish = "stop";
  if (entry.contains("tool_arguments")) {
    message["content"] = nullptr;
    message["tool_calls"] = json::array({{{"id", "call_fake_" + std::to_string(n)},
                                          {"type", "function"},
                                          {"function",
                                           {{"name", entry.value("tool_name", std::string("extract"))},
                                            {"arguments", entry["tool_arguments"]}}}}});
    finish = "tool_calls";
  } else if (entry.contains("refusal")) {
    message["content"] = nullptr;
    message["refusal"] = entry["refusal"];
  } else if (entry.contains("content")) {
    message["content"] = entry["content"];
  } else {
    message["content"] = echo_content(request);
  }
  if (entry.contains("finish_reason")) finish = entry["finish_reason"].get<std::string>();
  const std::string model = entry.value("model", request.is_object() ? request.value("model", std::string("fake-model"))
                                                                      : std::string("fake-model"));
  return {{"id", "chatcmpl-fake-" + std::to_string(n)},
          {"object", "chat.completion"},
          {"created", 1700000000},
          {"model", model},
          {"choices", json::array({{{"index", 0}, {"message", message}, {"logprobs", nullptr},
                                    {"finish_reason", finish}}})},
          {"usage", usage_of(entry)}};
}

// SSE events for an entry: explicit "stream", else deltas of "stream_content" or of the content.
std::vector<std::pair<std::string, int>> stream_events(const json& entry, const json& request, std::size_t n) {
  std::vector<std::pair<std::string, int>> events;
  if (entry.contains("stream")) {
    for (const auto& item : entry["stream"]) {
      if (item.is_string()) {
        events.emplace_back(item.get<std::string>(), 0);
      } else {
        const auto& data = item.value("data", json());
        events.emplace_back(data.is_string() ? data.get<std::string>() : data.dump(), item.value("delay_ms", 0));
      }
    }
    return events;
  }
  std::vector<std::string> pieces;
  const bool tool_call = entry.contains("tool_arguments") && !entry.contains("stream_content");
  if (tool_call) {
    const std::string arguments = entry["tool_arguments"].get<std::string>();
    const std::size_t step = std::max<std::size_t>(1, (arguments.size() + 2) / 3);
    for (std::size_t at = 0; at < arguments.size(); at += step) pieces.push_back(arguments.substr(at, step));
  } else if (entry.contains("stream_content")) {
    for (const auto& p : entry["stream_content"]) pieces.push_back(p.get<std::string>());
  } else {
    const std::string content = entry.contains("content") && entry["content"].is_string()
                                    ? entry["content"].get<std::string>()
                                    : echo_content(request);
    const std::size_t step = std::max<std::size_t>(1, (content.size() + 2) / 3);
    for (std::size_t at = 0; at < content.size(); at += step) pieces.push_back(content.substr(at, step));
  }
  const std::string model = request.is_object() ? request.value("model", std::string("fake-model")) : "fake-model";
  auto chunk = [&](json delta, json finish) {
    return json{{"id", "chatcmpl-fake-" + std::to_string(n)},
                {"object", "chat.completion.chunk"},
                {"created", 1700000000},
                {"model", model},
                {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
  };
  const int delay = entry.value("chunk_delay_ms", 0);
  if (tool_call) {
    const json call = {{"index", 0}, {"id", "call_fake_" + std::to_string(n)}, {"type", "function"},
                       {"function", {{"name", entry.value("tool_name", std::string("extract"))}, {"arguments", ""}}}};
    events.emplace_back(chunk({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}}, nullptr).dump(), 0);
    for (const auto& piece : pieces)
      events.emplace_back(
          chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", piece}}}}})}}, nullptr).dump(), delay);
  } else {
    events.emplace_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr).dump(), 0);
    for (const auto& piece : pieces) events.emplace_back(chunk({{"content", piece}}, nullptr).dump(), delay);
  }
  events.emplace_back(
      chunk(json::object(), entry.value("finish_reason", std::string(tool_call ? "tool_calls" : "stop"))).dump(), 0);
  const bool include_usage = request.is_object() && request.contains("stream_options") &&
                             request["stream_options"].value("include_usage", false);
  if (include_usage) {
    json last = chunk(json::object(), nullptr);
    last["choices"] = json::array();
    last["usage"] = usage_of(entry);
    events.emplace_back(last.dump(), 0);
  }
  return events;
}

// The body as a gzip member (what a server sends with Content-Encoding: gzip).
std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("fake server: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (result != Z_STREAM_END) throw std::runtime_error("fake server: deflate failed");
  return out;
}

// ALPN on the server side: the client's first protocol that the server also speaks, in the
// server's order of preference.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void* arg) {
  const bool offer_http2 = arg != nullptr;
  static const unsigned char with_h2[] = "\x02h2\x08http/1.1";
  static const unsigned char without_h2[] = "\x08http/1.1";
  const unsigned char* ours = offer_http2 ? with_h2 : without_h2;
  const unsigned int ours_length = offer_http2 ? sizeof with_h2 - 1 : sizeof without_h2 - 1;
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, ours, ours_length, in, in_length) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

struct fake_server::impl {
  // Declared before `io`, so they outlive the coroutine frames that io's destruction ends.
  mutable std::mutex flight_mutex;
  std::size_t in_flight = 0, most_in_flight = 0;  // HTTP/1.1 requests read and not yet answered

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<asio::ssl::context> tls;
  std::thread thread;
  unsigned short port = 0;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  mutable std::mutex mutex;
  std::deque<json> script;
  json default_entry = json::object();
  std::vector<recorded_request> requests;
  std::size_t connections = 0;
  std::size_t answered = 0;
  // Counts one HTTP/1.1 request as in flight from when it was read until its answer was written
  // (or its connection ended).
  struct in_flight_guard {
    impl* server;
    explicit in_flight_guard(impl* s) : server(s) {
      std::lock_guard lock(server->flight_mutex);
      server->most_in_flight = std::max(server->most_in_flight, ++server->in_flight);
    }
    ~in_flight_guard() {
      std::lock_guard lock(server->flight_mutex);
      --server->in_flight;
    }
    in_flight_guard(const in_flight_guard&) = delete;
    in_flight_guard& operator=(const in_flight_guard&) = delete;
  };
  std::optional<std::ofstream> record_file;

  json next_entry() {
    std::lock_guard lock(mutex);
    while (!script.empty()) {
      json& front = script.front();
      if (!front.is_object()) {
        script.pop_front();
        continue;
      }
      int repeat = front.value("repeat", 1);
      if (repeat <= 1) {
        json entry = std::move(front);
        script.pop_front();
        return entry;
      }
      front["repeat"] = repeat - 1;
      return front;
    }
    return default_entry;
  }

  std::size_t record(const http::request<http::string_body>& req, std::size_t connection) {
    recorded_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& field : req) r.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    r.body = req.body();
    r.connection = connection;
    return record(std::move(r));
  }

  std::size_t record(recorded_request r) {
    r.arrived = std::chrono::steady_clock::now();
    const std::size_t connection = r.connection;
    std::lock_guard lock(mutex);
    if (record_file) {
      json line = {{"method", r.method}, {"path", r.target}, {"headers", json::object()},
                   {"body", r.body}, {"connection", connection}, {"http_version", r.http_version},
                   {"ms", std::chrono::duration<double, std::milli>(r.arrived - started).count()}};
      for (const auto& [name, value] : r.headers) line["headers"][name] = value;
      *record_file << line.dump() << '\n' << std::flush;
    }
    requests.push_back(std::move(r));
    return ++answered;
  }

  // The status, headers and body an ordinary (not streamed) answer to request number n has.
  static void plan_answer(const json& entry, const json& request, std::size_t n, int& status,
                          std::vector<std::pair<std::string, std::string>>& headers, std::string& body) {
    status = entry.value("status", 200);
    headers.emplace_back("content-type", "application/json");
    headers.emplace_back("x-request-id", "req_fake_" + std::to_string(n));
    if (entry.contains("headers"))
      for (const auto& [name, value] : entry["headers"].items())
        headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    if (entry.contains("body")) body = entry["body"].get<std::string>();
    else if (entry.contains("json")) body = entry["json"].dump();
    else if (entry.contains("error")) body = json{{"error", entry["error"]}}.dump();
    else body = chat_completion(entry, request, n).dump();
    if (entry.value("gzip", false)) {
      body = gzip(body);
      headers.emplace_back("content-encoding", "gzip");
    }
  }

  // One HTTP/2 request: recorded, then answered from the script.
  http2_answer answer_http2(recorded_request r) {
    r.http_version = 20;
    const json request = json::parse(r.body, nullptr, false);
    const std::size_t n = record(std::move(r));
    const json entry = next_entry();
    http2_answer answer;
    plan_answer(entry, request, n, answer.status, answer.headers, answer.body);
    answer.hold_until = entry.value("hold_until", std::size_t{0});
    return answer;
  }

  asio::awaitable<void> pause(int delay_ms) {
    if (delay_ms <= 0) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(delay_ms));
    co_await timer.async_wait(asio::use_awaitable);
  }

  template <class Stream>
  static void close_now(Stream& stream) {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  template <class Stream>
  asio::awaitable<void> write_stream(Stream& stream, const json& entry, const json& request, std::size_t n) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                       "Transfer-Encoding: chunked\r\nx-request-id: req_fake_" + std::to_string(n) + "\r\n";
    if (entry.contains("headers"))
      for (const auto& [name, value] : entry["headers"].items())
        head += name + ": " + (value.is_string() ? value.template get<std::string>() : value.dump()) + "\r\n";
    head += "\r\n";
    co_await asio::async_write(stream, asio::buffer(head), asio::use_awaitable);
    auto send_chunk = [&](const std::string& payload) -> asio::awaitable<void> {
      char size[32];
      const int len = std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
      std::string framed(size, static_cast<std::size_t>(len));
      framed += payload;
      framed += "\r\n";
      co_await asio::async_write(stream, asio::buffer(framed), asio::use_awaitable);
    };
    for (const auto& [data, delay] : stream_events(entry, request, n)) {
      co_await pause(delay);
      co_await send_chunk("data: " + data + "\n\n");
    }
    if (entry.value("truncate", false)) {
      close_now(stream);
      co_return;
    }
    if (entry.value("done", true)) co_await send_chunk("data: [DONE]\n\n");
    co_await asio::async_write(stream, asio::buffer(std::string_view("0\r\n\r\n")), asio::use_awaitable);
  }

  asio::awaitable<void> session(tcp::socket socket, std::size_t connection) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve_http1(stream, connection);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    try {
      co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    } catch (const std::exception&) {
      co_return;  // e.g. the client rejected our certificate
    }
    const unsigned char* protocol = nullptr;
    unsigned int protocol_length = 0;
    SSL_get0_alpn_selected(stream.native_handle(), &protocol, &protocol_length);
    if (protocol_length == 2 && protocol[0] == 'h' && protocol[1] == '2') {
      co_await serve_http2(stream, connection, [this](recorded_request r) { return answer_http2(std::move(r)); });
      co_return;
    }
    co_await serve_http1(stream, connection);
  }

  template <class Stream>
  asio::awaitable<void> serve_http1(Stream& stream, std::size_t connection) {
    beast::flat_buffer buffer;
    try {
      for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64u << 20);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        http::request<http::string_body> req = parser.release();
        const std::size_t n = record(req, connection);
        const in_flight_guard counted(this);
        const json entry = next_entry();
        co_await pause(entry.value("delay_ms", 0));
        if (entry.value("drop", false)) {
          close_now(stream);
          co_return;
        }
        const json request = json::parse(req.body(), nullptr, false);
        const bool wants_stream = request.is_object() && request.value("stream", false);
        const int status = entry.value("status", 200);
        if (status == 200 && (entry.contains("stream") || entry.contains("stream_content") || wants_stream) &&
            !entry.contains("body") && !entry.contains("json") && !entry.contains("error")) {
          co_await write_stream(stream, entry, request, n);
          if (entry.value("truncate", false)) co_return;
          if (!req.keep_alive()) break;
          continue;
        }

        int planned_status = 200;
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
        plan_answer(entry, request, n, planned_status, headers, body);
        http::response<http::string_body> res{static_cast<http::status>(planned_status), req.version()};
        for (const auto& [name, value] : headers) res.set(name, value);
        res.body() = std::move(body);
        res.keep_alive(req.keep_alive());
        res.prepare_payload();

        if (entry.value("truncate_body", false)) {
          http::response_serializer<http::string_body> serializer(res);
          serializer.split(true);
          co_await http::async_write_header(stream, serializer, asio::use_awaitable);
          const std::string half = res.body().substr(0, res.body().size() / 2);
          co_await asio::async_write(stream, asio::buffer(half), asio::use_awaitable);
          close_now(stream);
          co_return;
        }
        co_await http::async_write(stream, res, asio::use_awaitable);
        if (!res.keep_alive()) break;
      }
    } catch (const std::exception&) {
      // The peer went away (or sent garbage): end this connection quietly, as a server would.
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      std::size_t connection;
      {
        std::lock_guard lock(mutex);
        connection = ++connections;
      }
      asio::co_spawn(io, session(std::move(socket), connection), asio::detached);
    }
  }
};

fake_server::fake_server(json script, tls_settings tls, unsigned short port) : fake_server(json(), port) {
  // The server thread already runs, but no client knows the port yet: set up TLS under the lock.
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  context.use_certificate_chain_file(tls.cert_file);
  context.use_private_key_file(tls.key_file, asio::ssl::context::pem);
  SSL_CTX_set_alpn_select_cb(context.native_handle(), &select_alpn,
                             tls.offer_http2 ? static_cast<void*>(this) : nullptr);
  std::lock_guard lock(impl_->mutex);
  impl_->tls.emplace(std::move(context));
  if (script.is_array())
    for (auto& entry : script) impl_->script.push_back(std::move(entry));
}

fake_server::fake_server(json script, unsigned short port) : impl_(std::make_unique<impl>()) {
  if (script.is_array())
    for (auto& entry : script) impl_->script.push_back(std::move(entry));
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), [](std::exception_ptr) {});
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

fake_server::~fake_server() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short fake_server::port() const noexcept { return impl_->port; }

std::string fake_server::base_url() const {
  return (impl_->tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(impl_->port) + "/v1";
}

void fake_server::push(json entry) {
  std::lock_guard lock(impl_->mutex);
  impl_->script.push_back(std::move(entry));
}

void fake_server::set_default(json entry) {
  std::lock_guard lock(impl_->mutex);
  impl_->default_entry = std::move(entry);
}

void fake_server::record_to(std::string path) {
  std::lock_guard lock(impl_->mutex);
  impl_->record_file.emplace(path, std::ios::app);
}

std::vector<recorded_request> fake_server::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t fake_server::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

std::size_t fake_server::max_in_flight() const {
  std::lock_guard lock(impl_->flight_mutex);
  return impl_->most_in_flight;
}

std::size_t fake_server::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

}  // namespace schemaforge::testing
