// SPDX-License-Identifier: MIT
// The public entry points of structure.hpp and chat.hpp: bind the engine to a client's HTTP
// layer, spawn it on the client's executor, and the blocking twins.
#include <schemaforge/chat.hpp>
#include <schemaforge/recorded.hpp>
#include <schemaforge/structure.hpp>

#include "http/async_send.hpp"
#include "http/http_error.hpp"
#include "structure/client_binding.hpp"
#include "structure/recorded_endpoint.hpp"
#include "structure/structure_engine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <future>
#include <optional>

namespace schemaforge {
namespace detail {
namespace {

namespace asio = boost::asio;

asio::awaitable<transport_result> send_once(client keep, retry_settings settings, std::string body,
                                            attempt::kind first_kind, ledger& attempts) {
  settings.first_attempt_kind = first_kind;
  http_request request;
  request.path = "/chat/completions";
  request.body = std::move(body);
  auto [ec, response] = co_await async_send(state_of(keep), std::move(request), settings, attempts,
                                            asio::as_tuple(asio::use_awaitable));
  transport_result out;
  out.ec = ec;
  out.status = response.status;
  out.request_id = std::string(response.header("x-request-id"));
  out.body = std::move(response.body);
  out.tls_verification_failed = response.tls_verification_failed;
  co_return out;
}

}  // namespace

retry_settings call_retry_settings(const client& c, const call_options& options) {
  retry_settings retry = retry_settings_from(c.options());
  if (options.max_retries) retry.max_retries = std::max(0, *options.max_retries);
  if (options.timeout) retry.request_timeout = *options.timeout;
  if (options.deadline) retry.deadline = std::chrono::steady_clock::now() + *options.deadline;
  return retry;
}

endpoint_io endpoint_of(const client& c, const call_options& options) {
  const client_options& settings = c.options();
  const retry_settings retry = call_retry_settings(c, options);

  endpoint_io io;
  io.base_url = settings.base_url;
  io.model = settings.model;
  // Copies of a client share its state: holding one keeps the connection pool alive for the call.
  io.send = [keep = c, retry](std::string body, attempt::kind kind, ledger& attempts) {
    return send_once(keep, retry, std::move(body), kind, attempts);
  };
  io.transport_failure = [settings](const transport_result& r, const ledger& attempts) {
    http_response last;
    last.status = r.status;
    last.body = r.body;
    if (!r.request_id.empty()) last.headers.emplace_back("x-request-id", r.request_id);
    last.tls_verification_failed = r.tls_verification_failed;
    return make_transport_error(r.ec, last, attempts, settings);
  };
  return io;
}

void start_structure(const client& c, input in, schema target, structure_options options, structure_handler handler) {
  endpoint_io io = endpoint_of(c, options);
  asio::co_spawn(c.get_executor(),
                 cancellable(run_structure(std::move(io), std::move(in), std::move(target), std::move(options))),
                 std::move(handler));
}

void start_structure_from(const client& c, input in, schema target, structure_options options, recorded_answer answer,
                          structure_handler handler) {
  options.mode = recorded_mode(options.mode);
  endpoint_io io = replaying(std::move(answer), endpoint_of(c, options));
  asio::co_spawn(c.get_executor(),
                 cancellable(run_structure(std::move(io), std::move(in), std::move(target), std::move(options))),
                 std::move(handler));
}

void start_chat(const client& c, std::vector<message> messages, chat_options options, chat_handler handler) {
  endpoint_io io = endpoint_of(c, options);
  asio::co_spawn(c.get_executor(), cancellable(run_chat(std::move(io), std::move(messages), std::move(options))),
                 std::move(handler));
}

std::exception_ptr decode_failure(const std::exception& what, ledger attempts) {
  error e(errc::validation_failed,
          std::string("the answer matches the schema but does not decode into the C++ type: ") + what.what());
  e.ledger = std::move(attempts);
  return std::make_exception_ptr(std::move(e));
}

structure_result<nlohmann::json> run_blocking(const client& c, input in, schema target, structure_options options) {
  return run_blocking_impl<structure_result<nlohmann::json>>(c, [&](auto handler) {
    start_structure(c, std::move(in), std::move(target), std::move(options), structure_handler(std::move(handler)));
  });
}

}  // namespace detail

structure_result<nlohmann::json> structure(const client& c, input in, const schema& target, structure_options options) {
  return detail::run_blocking(c, std::move(in), target, std::move(options));
}

structure_result<nlohmann::json> structure(const client& c, input in, const nlohmann::json& schema_document,
                                           structure_options options) {
  return detail::run_blocking(c, std::move(in), schema(schema_document), std::move(options));
}

structure_result<nlohmann::json> structure(const client& c, input in, const schema& target, structure_options options,
                                           std::error_code& ec, error* failure) {
  ec.clear();
  try {
    return detail::run_blocking(c, std::move(in), target, std::move(options));
  } catch (const error& e) {
    ec = e.code();
    if (failure) *failure = e;
  }
  return {};
}

chat_result chat(const client& c, std::vector<message> messages, chat_options options) {
  return detail::run_blocking_impl<chat_result>(c, [&](auto handler) {
    detail::start_chat(c, std::move(messages), std::move(options), detail::chat_handler(std::move(handler)));
  });
}

}  // namespace schemaforge
