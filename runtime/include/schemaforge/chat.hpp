// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat_types.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>
#include <schemaforge/messages.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace schemaforge {

namespace detail {
using chat_signature = void(std::exception_ptr, chat_result);
using chat_handler = boost::asio::any_completion_handler<chat_signature>;
void start_chat(const client& c, std::vector<message> messages, chat_options options, chat_handler handler);
}  // namespace detail

// One raw chat completion: no schema, repair or validation; transport retries apply. Completion
// signature: void(std::exception_ptr, chat_result); the exception is a schemaforge::error.
// finish_reason and refusals are reported in the result, not as errors.
template <typename CompletionToken>
auto async_chat(const client& c, std::vector<message> messages, chat_options options, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::chat_signature>(
      [](auto handler, client c, std::vector<message> messages, chat_options options) {
        detail::start_chat(c, std::move(messages), std::move(options), detail::chat_handler(std::move(handler)));
      },
      token, c, std::move(messages), std::move(options));
}

// Blocking twin: runs the client's io_context on the calling thread until the call ends.
chat_result chat(const client& c, std::vector<message> messages, chat_options options = {});

}  // namespace schemaforge
