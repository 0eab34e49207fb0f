// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/messages.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge {

// One thing that happened in a streamed answer (choice 0). Views and pointers are valid only
// during the callback.
struct stream_event {
  enum class kind {
    text_delta,            // text: the next piece of the answer's content
    refusal_delta,         // text: the next piece of a refusal
    tool_arguments_delta,  // text: the next piece of tool call number `tool_call`'s arguments
    partial_object,        // value: the content so far completed to valid JSON (follow_json)
    field_complete,        // pointer, value: a JSON value that can no longer change (follow_json)
    restart,               // the transport retried after a broken stream: discard what came before
  };
  kind type = kind::text_delta;
  std::string_view text;
  std::size_t tool_call = 0;
  std::string_view pointer;                 // RFC 6901; "" is the whole document
  const nlohmann::json* value = nullptr;
};

struct stream_options {
  // Called on the client's executor for every event, in order. An exception thrown here ends the
  // call with that exception once the transfer is over.
  std::function<void(const stream_event&)> on_event;
  // Read the content as JSON while it arrives (prose or a ```json fence before it is skipped):
  // partial_object and field_complete events.
  bool follow_json = false;
};

namespace detail {
using stream_chat_signature = void(std::exception_ptr, chat_result);
using stream_chat_handler = boost::asio::any_completion_handler<stream_chat_signature>;
void start_stream_chat(const client& c, std::vector<message> messages, chat_options options,
                       stream_options stream, stream_chat_handler handler);
}  // namespace detail

// A chat completion streamed with server-sent events ("stream": true, usage included): events as
// the answer arrives, then the whole answer as with async_chat. Transport retries apply to
// failures before and during the body (a `restart` event tells when deltas already delivered are
// void). A stream that ends before [DONE] or a finish_reason completes with a schemaforge::error
// (errc::connection), never with a partial answer; an error object inside the stream ends it with
// the provider's message. Completion signature: void(std::exception_ptr, chat_result).
template <typename CompletionToken>
auto async_stream_chat(const client& c, std::vector<message> messages, chat_options options, stream_options stream,
                       CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::stream_chat_signature>(
      [](auto handler, client c, std::vector<message> messages, chat_options options, stream_options stream) {
        detail::start_stream_chat(c, std::move(messages), std::move(options), std::move(stream),
                                  detail::stream_chat_handler(std::move(handler)));
      },
      token, c, std::move(messages), std::move(options), std::move(stream));
}

// An event that owns its data, for reading a stream as a sequence (chat_stream::async_next).
struct owned_stream_event {
  stream_event::kind type = stream_event::kind::text_delta;
  std::string text;
  std::size_t tool_call = 0;
  std::string pointer;
  nlohmann::json value;  // partial_object: the partial value; field_complete: the field's value
};

namespace detail {
struct chat_stream_state;
using next_event_signature = void(std::exception_ptr, std::optional<owned_stream_event>);
using next_event_handler = boost::asio::any_completion_handler<next_event_signature>;
void next_stream_event(const std::shared_ptr<chat_stream_state>& state, next_event_handler handler);
}  // namespace detail

// A streamed chat read as a sequence, e.g. from a coroutine:
//   auto s = schemaforge::open_stream_chat(client, messages);
//   while (auto e = co_await s.async_next(asio::use_awaitable)) { ... }
//   chat_result r = s.result();
// The call starts at once; events queue up until read. async_next completes with nullopt at the end
// of a whole answer, or with the call's error (a schemaforge::error: truncated stream, provider
// error, transport failure). One async_next at a time.
class chat_stream {
 public:
  explicit chat_stream(std::shared_ptr<detail::chat_stream_state> state) : state_(std::move(state)) {}

  template <typename CompletionToken>
  auto async_next(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, detail::next_event_signature>(
        [](auto handler, std::shared_ptr<detail::chat_stream_state> state) {
          detail::next_stream_event(state, detail::next_event_handler(std::move(handler)));
        },
        token, state_);
  }

  // The whole answer, once async_next has completed with nullopt; throws the call's error otherwise.
  chat_result result() const;

 private:
  std::shared_ptr<detail::chat_stream_state> state_;
};

chat_stream open_stream_chat(const client& c, std::vector<message> messages, chat_options options = {},
                             bool follow_json = false);

// Blocking twin: runs the client's io_context on the calling thread until the call ends (or, for
// another executor, waits for its threads); on_event is called from there. Throws schemaforge::error.
chat_result stream_chat(const client& c, std::vector<message> messages, chat_options options, stream_options stream);

}  // namespace schemaforge
