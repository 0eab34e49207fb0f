// SPDX-License-Identifier: MIT
// Asio's SSL implementation, compiled once for the fake server (the runtime compiles the rest of
// Asio once, in its own library, and never uses Asio's SSL: libcurl does its TLS).
#include <boost/asio/ssl/impl/src.hpp>
