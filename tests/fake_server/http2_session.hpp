// SPDX-License-Identifier: MIT
#pragma once
// The fake server's HTTP/2 side: one connection (after TLS with ALPN "h2") served by an nghttp2
// server session, with the same script as HTTP/1.1. Internal to the fake server.

#include "fake_server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace schemaforge::testing {

struct http2_answer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::size_t hold_until = 0;  // answer once the connection has carried this many requests
};

// Records one complete request and says how to answer it.
using http2_handler = std::function<http2_answer(recorded_request)>;

// Serves the connection until the client closes it or breaks the protocol.
boost::asio::awaitable<void> serve_http2(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream,
                                         std::size_t connection, http2_handler handler);

}  // namespace schemaforge::testing
