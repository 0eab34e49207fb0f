// SPDX-License-Identifier: MIT
#pragma once

// Structuring text into a schema: a generated type (anything with `static json_schema()` and
// nlohmann from_json) or a schema known only at run time. The templates here are thin wrappers:
// the engine (request per mode, repair, validation, reasks) is compiled once in the library.

#include <schemaforge/chat.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <nlohmann/json.hpp>

#include <exception>
#include <string>
#include <system_error>
#include <utility>

namespace schemaforge {

namespace detail {

using structure_signature = void(std::exception_ptr, structure_result<nlohmann::json>);
using structure_handler = boost::asio::any_completion_handler<structure_signature>;

// Starts the engine on the client's executor; the handler gets the value or a schemaforge::error.
void start_structure(const client& c, input in, schema target, structure_options options, structure_handler handler);

// The compiled schema of a generated type, built once per type and shared by every call.
template <typename T>
const schema& schema_of() {
  static const schema compiled{nlohmann::json::parse(T::json_schema())};
  return compiled;
}

// The exception for a value that validated but did not decode into T (a generated type stricter
// than its schema, e.g. an integer out of range).
std::exception_ptr decode_failure(const std::exception& what, ledger attempts);

template <typename T>
class structure_as_op {
 public:
  structure_as_op(client c, input in, structure_options options)
      : client_(std::move(c)), input_(std::move(in)), options_(std::move(options)) {}

  template <typename Self>
  void operator()(Self& self) {
    // Moving `self` moves this object: take the arguments out first.
    client c = client_;
    input in = std::move(input_);
    structure_options options = std::move(options_);
    start_structure(c, std::move(in), schema_of<T>(), std::move(options), structure_handler(std::move(self)));
  }

  template <typename Self>
  void operator()(Self& self, std::exception_ptr failure, structure_result<nlohmann::json> generic) {
    structure_result<T> typed;
    if (!failure) {
      try {
        typed.value = generic.value.template get<T>();
        typed.usage = generic.usage;
        typed.ledger = std::move(generic.ledger);
        typed.mode = generic.mode;
      } catch (const std::exception& e) {
        failure = decode_failure(e, std::move(generic.ledger));
      }
    }
    self.complete(failure, std::move(typed));
  }

 private:
  client client_;
  input input_;
  structure_options options_;
};

}  // namespace detail

// Structures `in` into a value of `schema_document` / `target`. Completion signature:
// void(std::exception_ptr, structure_result<nlohmann::json>); the exception is a schemaforge::error
// (code, HTTP status, request id, provider message, ledger). With use_awaitable and use_future the
// error is thrown. Cancellation (any type) through the token's cancellation slot ends the call.
template <typename CompletionToken>
auto async_structure(const client& c, input in, schema target, structure_options options, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::structure_signature>(
      [](auto handler, client c, input in, schema target, structure_options options) {
        detail::start_structure(c, std::move(in), std::move(target), std::move(options),
                                detail::structure_handler(std::move(handler)));
      },
      token, c, std::move(in), std::move(target), std::move(options));
}

// As above, for a schema given as a JSON document; throws schemaforge::error(invalid_argument)
// at once when the document is not a valid schema.
template <typename CompletionToken>
auto async_structure(const client& c, input in, const nlohmann::json& schema_document, structure_options options,
                     CompletionToken&& token) {
  return async_structure(c, std::move(in), schema(schema_document), std::move(options),
                         std::forward<CompletionToken>(token));
}

// Structures `in` into a T (a generated type: `static json_schema()` + from_json). Completion
// signature: void(std::exception_ptr, structure_result<T>).
template <typename T, typename CompletionToken>
auto async_structure(const client& c, input in, structure_options options, CompletionToken&& token) {
  (void)detail::schema_of<T>();  // a broken json_schema() is the caller's bug: say so now
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, structure_result<T>)>(
      detail::structure_as_op<T>(c, std::move(in), std::move(options)), token, c.get_executor());
}

template <typename T, typename CompletionToken>
auto async_structure(const client& c, input in, CompletionToken&& token) {
  return async_structure<T>(c, std::move(in), structure_options{}, std::forward<CompletionToken>(token));
}

namespace detail {

// Runs the client's io_context on the calling thread until the call completes (see structure()).
structure_result<nlohmann::json> run_blocking(const client& c, input in, schema target, structure_options options);

}  // namespace detail

// Blocking twins, for simple programs: they run the client's io_context on the calling thread
// until the call ends, so no other thread may run that io_context meanwhile. Throw schemaforge::error.
structure_result<nlohmann::json> structure(const client& c, input in, const schema& target,
                                           structure_options options = {});
structure_result<nlohmann::json> structure(const client& c, input in, const nlohmann::json& schema_document,
                                           structure_options options = {});

template <typename T>
structure_result<T> structure(const client& c, input in, structure_options options = {}) {
  auto generic = detail::run_blocking(c, std::move(in), detail::schema_of<T>(), std::move(options));
  structure_result<T> typed;
  try {
    typed.value = generic.value.template get<T>();
  } catch (const std::exception& e) {
    std::rethrow_exception(detail::decode_failure(e, std::move(generic.ledger)));
  }
  typed.usage = generic.usage;
  typed.ledger = std::move(generic.ledger);
  typed.mode = generic.mode;
  return typed;
}

// error_code overloads: on failure `ec` is set and the ledger is in `failure` when given.
structure_result<nlohmann::json> structure(const client& c, input in, const schema& target, structure_options options,
                                           std::error_code& ec, error* failure = nullptr);

}  // namespace schemaforge
