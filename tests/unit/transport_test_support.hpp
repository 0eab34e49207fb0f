// SPDX-License-Identifier: MIT
#pragma once
// Shared helpers of the transport and client tests: a client against the fake server, and
// running one async_send to its end on a private io_context.

#include "fake_server.hpp"
#include "http/async_send.hpp"

#include <schemaforge/client.hpp>

#include <boost/asio/io_context.hpp>

namespace schemaforge::test_support {

inline constexpr const char* test_api_key = "sk-test-DO-NOT-LEAK-0123456789";

inline client_options options_for(const testing::fake_server& server) {
  client_options options;
  options.base_url = server.base_url();
  options.api_key = test_api_key;
  options.model = "fake-model";
  return options;
}

// Tiny waits so that retry tests take milliseconds.
inline detail::retry_settings fast_retries(int max_retries) {
  detail::retry_settings settings;
  settings.max_retries = max_retries;
  settings.request_timeout = std::chrono::milliseconds(10'000);
  settings.initial_backoff = std::chrono::milliseconds(1);
  settings.max_backoff = std::chrono::milliseconds(4);
  return settings;
}

inline detail::http_request chat_request(std::string content = "hello") {
  detail::http_request request;
  request.path = "/chat/completions";
  request.body = nlohmann::json{{"model", "fake-model"},
                                {"messages", nlohmann::json::array({{{"role", "user"}, {"content", content}}})}}
                     .dump();
  return request;
}

struct send_result {
  std::error_code ec;
  detail::http_response response;
  ledger attempts;
  bool completed = false;
};

// Runs one async_send to completion; io_context::run() returning also proves that the client
// leaves no work pending once idle.
inline send_result run_send(const testing::fake_server& server, detail::retry_settings settings,
                            detail::http_request request = chat_request(),
                            client_options options = {}) {
  if (options.base_url.empty()) options = options_for(server);
  boost::asio::io_context io;
  client c(io.get_executor(), options);
  send_result result;
  detail::async_send(detail::state_of(c), std::move(request), settings, result.attempts,
                     [&](std::error_code ec, detail::http_response response) {
                       result.ec = ec;
                       result.response = std::move(response);
                       result.completed = true;
                     });
  io.run();
  return result;
}

}  // namespace schemaforge::test_support
