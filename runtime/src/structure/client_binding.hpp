// SPDX-License-Identifier: MIT
#pragma once

// What every public call entry point needs to bind an engine to a client: the client's HTTP layer
// as an endpoint_io, caller cancellation, and the loop behind the blocking twins.

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>

#include "http/http_types.hpp"
#include "structure/structure_engine.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>
#include <future>
#include <optional>
#include <utility>

namespace schemaforge::detail {

// The transport's retry settings for one call of `c` with `options`; the deadline starts now.
retry_settings call_retry_settings(const client& c, const call_options& options);

// The engine's view of a client for one call; the deadline starts now.
endpoint_io endpoint_of(const client& c, const call_options& options);

// Any cancellation type requested through the caller's slot ends the call.
template <typename T>
boost::asio::awaitable<T> cancellable(boost::asio::awaitable<T> work) {
  co_await boost::asio::this_coro::reset_cancellation_state(boost::asio::enable_total_cancellation());
  co_return co_await std::move(work);
}

template <typename Result, typename Start>
Result run_blocking_impl(const client& c, Start start) {
  auto ex = c.get_executor();
  std::optional<Result> value;
  std::exception_ptr failure;
  if (const auto* io_ex = ex.target<boost::asio::io_context::executor_type>()) {
    if (io_ex->running_in_this_thread())
      throw error(errc::invalid_argument,
                  "a blocking call was made from a handler of the client's own io_context; use the async form there");
    auto& context = io_ex->context();
    bool done = false;
    start([&](std::exception_ptr e, Result r) {
      failure = e;
      if (!e) value = std::move(r);
      done = true;
    });
    if (context.stopped()) context.restart();
    while (!done) {
      if (context.run_one() == 0) break;  // no work left: the operation cannot complete
    }
    if (!done)
      throw error(errc::invalid_argument, "the client's io_context ran out of work before the call completed");
  } else {
    // Another executor (a thread pool, a strand run elsewhere): wait for its threads to finish the call.
    std::promise<Result> promise;
    auto future = promise.get_future();
    start([&promise](std::exception_ptr e, Result r) {
      if (e) promise.set_exception(e);
      else promise.set_value(std::move(r));
    });
    return future.get();
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

}  // namespace schemaforge::detail
