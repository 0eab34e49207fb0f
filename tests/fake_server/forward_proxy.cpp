// SPDX-License-Identifier: MIT
#include "forward_proxy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace schemaforge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "host:port" of a loopback origin; anything else is refused, so that no test can ever reach
// out of the machine through the proxy.
tcp::endpoint loopback_endpoint(std::string_view authority) {
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) throw std::runtime_error("proxy: no port in " + std::string(authority));
  std::string host(authority.substr(0, colon));
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto address = asio::ip::make_address(host);
  if (!address.is_loopback()) throw std::runtime_error("proxy: refusing a non-loopback origin");
  return {address, static_cast<unsigned short>(std::stoi(std::string(authority.substr(colon + 1))))};
}

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
  std::array<char, 16384> buffer;
  try {
    for (;;) {
      const std::size_t n = co_await from.async_read_some(asio::buffer(buffer), asio::use_awaitable);
      co_await asio::async_write(to, asio::buffer(buffer.data(), n), asio::use_awaitable);
    }
  } catch (const std::exception&) {
    // One side closed: pass the end on.
  }
  beast::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

struct forward_proxy::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  unsigned short port = 0;
  mutable std::mutex mutex;
  std::vector<passage> passages;

  void record(const http::request<http::string_body>& req) {
    passage p;
    p.method = std::string(req.method_string());
    p.target = std::string(req.target());
    for (const auto& field : req) p.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    std::lock_guard lock(mutex);
    passages.push_back(std::move(p));
  }

  asio::awaitable<void> tunnel(beast::tcp_stream& client, beast::flat_buffer& buffered, const std::string& authority) {
    tcp::socket origin(io);
    co_await origin.async_connect(loopback_endpoint(authority), asio::use_awaitable);
    const std::string_view established = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await asio::async_write(client.socket(), asio::buffer(established), asio::use_awaitable);
    if (buffered.size() > 0)  // the client may already have sent its TLS hello
      co_await asio::async_write(origin, buffered.data(), asio::use_awaitable);
    co_await (pump(client.socket(), origin) && pump(origin, client.socket()));
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream client(std::move(socket));
    beast::flat_buffer buffer;
    try {
      for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64u << 20);
        co_await http::async_read(client, buffer, parser, asio::use_awaitable);
        http::request<http::string_body> req = parser.release();
        record(req);
        if (req.method() == http::verb::connect) {
          co_await tunnel(client, buffer, std::string(req.target()));
          co_return;
        }
        // Absolute form: http://host:port/path
        const std::string target(req.target());
        if (target.rfind("http://", 0) != 0) throw std::runtime_error("proxy: not an absolute-form request");
        const auto slash = target.find('/', 7);
        const std::string authority = target.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
        req.target(slash == std::string::npos ? "/" : target.substr(slash));
        req.erase("Proxy-Connection");
        req.erase(http::field::proxy_authorization);
        const bool keep_alive = req.keep_alive();

        beast::tcp_stream origin(io);
        co_await origin.async_connect(loopback_endpoint(authority), asio::use_awaitable);
        co_await http::async_write(origin, req, asio::use_awaitable);
        beast::flat_buffer origin_buffer;
        http::response_parser<http::string_body> response_parser;
        response_parser.body_limit(64u << 20);
        co_await http::async_read(origin, origin_buffer, response_parser, asio::use_awaitable);
        http::response<http::string_body> res = response_parser.release();
        res.keep_alive(keep_alive);
        co_await http::async_write(client, res, asio::use_awaitable);
        if (!keep_alive) break;
      }
    } catch (const std::exception&) {
      // Either side went away: end this client connection, as a proxy would.
    }
    beast::error_code ignored;
    client.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

forward_proxy::forward_proxy() : impl_(std::make_unique<impl>()) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), [](std::exception_ptr) {});
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

forward_proxy::~forward_proxy() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short forward_proxy::port() const noexcept { return impl_->port; }

std::string forward_proxy::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

std::vector<forward_proxy::passage> forward_proxy::passages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->passages;
}

}  // namespace schemaforge::testing
