// SPDX-License-Identifier: MIT
#pragma once

// Streaming structure: the same engine as structure.hpp (request per mode, repair, validation
// against the original schema, reasks), with every request streamed, so that the caller sees the
// object grow while the model writes it. The templates here are thin wrappers; the work is
// compiled once in the library (runtime/src/stream/stream_structure.cpp).

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace schemaforge {

// One thing that happened during a streamed structure call. Views and pointers are valid only
// during the callback.
struct structure_stream_event {
  enum class kind {
    text_delta,            // text: the next piece of the answer's content
    refusal_delta,         // text: the next piece of a refusal
    tool_arguments_delta,  // text, tool_call: the next piece of a tool call's arguments (tools mode)
    partial_object,        // value: the answer so far (content, or the tool call's arguments in
                           // tools mode) completed to valid JSON; as the model wrote it, not yet
                           // repaired or validated
    field_complete,        // pointer, value: a value of this request's answer that can no longer change
    restart,               // reason: a new request begins (a transport retry of a broken or
                           // truncated stream, or a reask): every earlier partial is void
    value,                 // value: the final value, validated against the schema; the last event
  };
  kind type = kind::text_delta;
  std::string_view text;
  std::size_t tool_call = 0;
  std::string_view pointer;  // RFC 6901; "" is the whole document
  const nlohmann::json* value = nullptr;
  attempt::kind reason = attempt::kind::initial;  // restart: retry or reask
};

struct structure_stream_options {
  // Called on the client's executor for every event, in order. An exception thrown here ends the
  // call with that exception once the current transfer is over.
  std::function<void(const structure_stream_event&)> on_event;
};

namespace detail {

// Starts the streaming engine on the client's executor; the handler gets the value or a
// schemaforge::error.
void start_stream_structure(const client& c, input in, schema target, structure_options options,
                            structure_stream_options stream, structure_handler handler);

template <typename T>
structure_result<T> decode_result(structure_result<nlohmann::json>&& generic) {
  structure_result<T> typed;
  try {
    typed.value = generic.value.template get<T>();
  } catch (const std::exception& e) {
    std::rethrow_exception(decode_failure(e, std::move(generic.ledger)));
  }
  typed.usage = generic.usage;
  typed.ledger = std::move(generic.ledger);
  typed.mode = generic.mode;
  return typed;
}

template <typename T>
class stream_structure_as_op {
 public:
  stream_structure_as_op(client c, input in, structure_options options, structure_stream_options stream)
      : client_(std::move(c)), input_(std::move(in)), options_(std::move(options)), stream_(std::move(stream)) {}

  template <typename Self>
  void operator()(Self& self) {
    // Moving `self` moves this object: take the arguments out first.
    client c = client_;
    input in = std::move(input_);
    structure_options options = std::move(options_);
    structure_stream_options stream = std::move(stream_);
    start_stream_structure(c, std::move(in), schema_of<T>(), std::move(options), std::move(stream),
                           structure_handler(std::move(self)));
  }

  template <typename Self>
  void operator()(Self& self, std::exception_ptr failure, structure_result<nlohmann::json> generic) {
    structure_result<T> typed;
    if (!failure) {
      try {
        typed = decode_result<T>(std::move(generic));
      } catch (...) {
        failure = std::current_exception();
      }
    }
    self.complete(failure, std::move(typed));
  }

 private:
  client client_;
  input input_;
  structure_options options_;
  structure_stream_options stream_;
};

}  // namespace detail

// Structures `in` into a value of `target` with streamed requests, calling stream.on_event as the
// answer arrives. Completion signature: void(std::exception_ptr, structure_result<nlohmann::json>),
// exactly as async_structure: the value went through the same repair, validation and reasks (a
// reask is streamed too, after a `restart` event). A stream that ends before [DONE] or a
// finish_reason is retried within max_retries, then fails with errc::connection; it never
// completes with a partial value. Cancellation (any type) through the token's slot ends the call.
template <typename CompletionToken>
auto async_stream_structure(const client& c, input in, schema target, structure_options options,
                            structure_stream_options stream, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::structure_signature>(
      [](auto handler, client c, input in, schema target, structure_options options, structure_stream_options stream) {
        detail::start_stream_structure(c, std::move(in), std::move(target), std::move(options), std::move(stream),
                                       detail::structure_handler(std::move(handler)));
      },
      token, c, std::move(in), std::move(target), std::move(options), std::move(stream));
}

template <typename CompletionToken>
auto async_stream_structure(const client& c, input in, const nlohmann::json& schema_document,
                            structure_options options, structure_stream_options stream, CompletionToken&& token) {
  return async_stream_structure(c, std::move(in), schema(schema_document), std::move(options), std::move(stream),
                                std::forward<CompletionToken>(token));
}

// For a generated type T (`static json_schema()` + from_json). Completion signature:
// void(std::exception_ptr, structure_result<T>). The `value` event carries the validated JSON;
// T is decoded from it when the call completes.
template <typename T, typename CompletionToken>
auto async_stream_structure(const client& c, input in, structure_options options, structure_stream_options stream,
                            CompletionToken&& token) {
  (void)detail::schema_of<T>();  // a broken json_schema() is the caller's bug: say so now
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, structure_result<T>)>(
      detail::stream_structure_as_op<T>(c, std::move(in), std::move(options), std::move(stream)), token,
      c.get_executor());
}

// Blocking twins: run the client's io_context on the calling thread until the call ends (on_event
// is called from there). Throw schemaforge::error.
structure_result<nlohmann::json> stream_structure(const client& c, input in, const schema& target,
                                                  structure_options options, structure_stream_options stream);

template <typename T>
structure_result<T> stream_structure(const client& c, input in, structure_options options,
                                     structure_stream_options stream) {
  return detail::decode_result<T>(stream_structure(c, std::move(in), detail::schema_of<T>(), std::move(options),
                                                   std::move(stream)));
}

// An event that owns its data, for reading a streamed structure call as a sequence.
struct owned_structure_stream_event {
  structure_stream_event::kind type = structure_stream_event::kind::text_delta;
  std::string text;
  std::size_t tool_call = 0;
  std::string pointer;
  nlohmann::json value;  // partial_object, field_complete, value
  attempt::kind reason = attempt::kind::initial;
};

namespace detail {
struct structure_stream_state;
using next_structure_event_signature = void(std::exception_ptr, std::optional<owned_structure_stream_event>);
using next_structure_event_handler = boost::asio::any_completion_handler<next_structure_event_signature>;
std::shared_ptr<structure_stream_state> open_structure_stream(const client& c, input in, schema target,
                                                              structure_options options);
void next_structure_event(const std::shared_ptr<structure_stream_state>& state,
                          next_structure_event_handler handler);
// The call's result once the sequence has ended; throws its error otherwise.
structure_result<nlohmann::json> structure_stream_result(const structure_stream_state& state);
}  // namespace detail

// A streamed structure call read as a sequence, e.g. from a coroutine:
//   auto s = schemaforge::open_stream_structure<Invoice>(client, text);
//   while (auto e = co_await s.async_next(asio::use_awaitable)) { ... }
//   structure_result<Invoice> r = s.result();
// The call starts at once; events queue up until read. async_next completes with nullopt after the
// `value` event, or with the call's error (a schemaforge::error). One async_next at a time.
template <typename T = nlohmann::json>
class structure_stream {
 public:
  explicit structure_stream(std::shared_ptr<detail::structure_stream_state> state) : state_(std::move(state)) {}

  template <typename CompletionToken>
  auto async_next(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, detail::next_structure_event_signature>(
        [](auto handler, std::shared_ptr<detail::structure_stream_state> state) {
          detail::next_structure_event(state, detail::next_structure_event_handler(std::move(handler)));
        },
        token, state_);
  }

  // The result, once async_next has completed with nullopt; throws the call's error otherwise.
  structure_result<T> result() const {
    if constexpr (std::is_same_v<T, nlohmann::json>) {
      return detail::structure_stream_result(*state_);
    } else {
      return detail::decode_result<T>(detail::structure_stream_result(*state_));
    }
  }

 private:
  std::shared_ptr<detail::structure_stream_state> state_;
};

inline structure_stream<nlohmann::json> open_stream_structure(const client& c, input in, schema target,
                                                              structure_options options = {}) {
  return structure_stream<nlohmann::json>(
      detail::open_structure_stream(c, std::move(in), std::move(target), std::move(options)));
}

template <typename T>
structure_stream<T> open_stream_structure(const client& c, input in, structure_options options = {}) {
  return structure_stream<T>(detail::open_structure_stream(c, std::move(in), detail::schema_of<T>(), std::move(options)));
}

}  // namespace schemaforge
