// SPDX-License-Identifier: MIT
// recorded.hpp: export the engine's first request, and run the engine over an answer that came
// back through another channel. The engine itself is untouched: only its endpoint is replaced.
#include <schemaforge/recorded.hpp>

#include "http/http_error.hpp"
#include "http/retry_policy.hpp"
#include "structure/recorded_endpoint.hpp"
#include "structure/structure_engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>

namespace schemaforge {
namespace detail {
namespace {

namespace asio = boost::asio;

http_response as_response(const transport_result& r) {
  http_response response;
  response.status = r.status;
  response.body = r.body;
  if (!r.request_id.empty()) response.headers.emplace_back("x-request-id", r.request_id);
  return response;
}

asio::awaitable<transport_result> ready(transport_result r) { co_return r; }

}  // namespace

endpoint_io replaying(recorded_answer answer, endpoint_io online) {
  endpoint_io io;
  io.base_url = std::move(online.base_url);
  io.model = std::move(online.model);
  io.transport_failure = online.transport_failure ? std::move(online.transport_failure)
                                                  : [](const transport_result& r, const ledger& attempts) {
                                                      return make_transport_error(r.ec, as_response(r), attempts,
                                                                                  client_options{});
                                                    };
  auto pending = std::make_shared<std::optional<recorded_answer>>(std::move(answer));
  io.send = [pending, next = std::move(online.send)](std::string body, attempt::kind kind,
                                                     ledger& attempts) -> asio::awaitable<transport_result> {
    if (*pending) {
      recorded_answer recorded = std::move(**pending);
      pending->reset();
      transport_result r;
      r.status = recorded.http_status;
      r.body = std::move(recorded.body);
      r.request_id = std::move(recorded.request_id);
      const http_response response = as_response(r);
      r.ec = classify_attempt({}, response).error;
      attempt a;
      a.reason = kind;
      a.http_status = r.status;
      a.request_id = r.request_id;
      a.error = r.ec;
      if (r.ec) a.message = describe_attempt(r.ec, response);
      attempts.push_back(std::move(a));
      return ready(std::move(r));
    }
    if (!next)
      throw error(errc::invalid_argument, "the recorded answer was used; asking again needs an endpoint");
    return next(std::move(body), kind, attempts);
  };
  return io;
}

}  // namespace detail

structure_mode recorded_mode(structure_mode requested) noexcept {
  return requested == structure_mode::automatic ? structure_mode::json_schema : requested;
}

nlohmann::json structure_request_body(const input& in, const schema& target, const structure_options& options,
                                      const std::string& model) {
  const std::string& chosen = options.model.empty() ? model : options.model;
  if (chosen.empty())
    throw error(errc::invalid_argument, "no model given: set SCHEMAFORGE_MODEL or call_options::model");
  return detail::first_request_body(in, target, options, chosen, recorded_mode(options.mode));
}

structure_result<nlohmann::json> check_recorded_answer(const input& in, const schema& target,
                                                       const structure_options& options,
                                                       const recorded_answer& answer) {
  structure_options offline = options;
  offline.mode = recorded_mode(options.mode);
  offline.max_reasks = 0;
  detail::endpoint_io online;
  online.model = "recorded";  // never sent: the engine needs a model name to build its (unused) request
  detail::endpoint_io io = detail::replaying(answer, std::move(online));

  // The engine is a coroutine; a private io_context runs it to the end on this thread (it makes
  // no I/O, so this never blocks).
  boost::asio::io_context context;
  std::optional<structure_result<nlohmann::json>> value;
  std::exception_ptr failure;
  boost::asio::co_spawn(context, detail::run_structure(std::move(io), in, target, std::move(offline)),
                        [&](std::exception_ptr e, structure_result<nlohmann::json> r) {
                          failure = e;
                          if (!e) value = std::move(r);
                        });
  context.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

}  // namespace schemaforge
