// SPDX-License-Identifier: MIT
#pragma once

#include "http/client_state.hpp"

#include <schemaforge/errors.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <chrono>
#include <optional>
#include <system_error>
#include <utility>

namespace schemaforge::detail {

// One POST in flight: owns the caller's handler (and, for async_post, the request) until libcurl
// reports the end of the transfer, then hands the response to the handler on its executor.
template <class Handler>
class post_op final : public transfer_completion {
 public:
  using handler_executor = boost::asio::associated_executor_t<Handler, client_state::executor_type>;

  post_op(Handler&& handler, client_state& state, std::optional<http_request> owned)
      : handler_(std::move(handler)),
        work_(boost::asio::get_associated_executor(handler_, state.executor())),
        owned_(std::move(owned)) {}

  const http_request* owned_request() const noexcept { return owned_ ? &*owned_ : nullptr; }

  // Per-operation cancellation: any cancellation type ends the transfer (nothing was received
  // that the caller would lose).
  void connect_cancellation(client_state& state, transfer_handle handle) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (!slot.is_connected()) return;
    slot.assign([&state, handle](boost::asio::cancellation_type type) {
      if (type != boost::asio::cancellation_type::none) state.cancel(handle);
    });
  }

  void complete(std::error_code ec, http_response&& response) noexcept override {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.clear();
    Handler handler(std::move(handler_));
    auto work = std::move(work_);
    delete this;
    auto ex = work.get_executor();
    boost::asio::dispatch(ex, [handler = std::move(handler), work = std::move(work), ec,
                               response = std::move(response)]() mutable {
      std::move(handler)(ec, std::move(response));
    });
  }

  void discard() noexcept override {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.clear();
    delete this;
  }

 private:
  ~post_op() = default;
  Handler handler_;
  boost::asio::executor_work_guard<handler_executor> work_;
  std::optional<http_request> owned_;
};

template <class Handler>
void start_post(client_state& state, const http_request* request, std::optional<http_request> owned,
                std::chrono::milliseconds timeout, Handler&& handler) {
  auto* op = new post_op<std::decay_t<Handler>>(std::forward<Handler>(handler), state, std::move(owned));
  if (const http_request* mine = op->owned_request()) request = mine;
  transfer_handle handle = state.start(*request, timeout, op);
  op->connect_cancellation(state, handle);
}

// Runs the initiation on the client's executor, where all of libcurl's state lives (inline when
// the caller already runs there).
template <class Handler>
void initiate_post(client_state& state, const http_request* request, std::optional<http_request> owned,
                   std::chrono::milliseconds timeout, Handler&& handler) {
  boost::asio::dispatch(state.executor(), [&state, request, owned = std::move(owned), timeout,
                                           handler = std::forward<Handler>(handler)]() mutable {
    start_post(state, request, std::move(owned), timeout, std::move(handler));
  });
}

// One HTTP POST, one attempt, no retries: completes with {} whenever an HTTP answer arrived,
// whatever its status (status policy is async_send's), errc::timeout when `timeout` passed,
// errc::connection when no answer could be had, errc::cancelled on per-operation cancellation.
// Signature: void(std::error_code, http_response).
template <class Token>
auto async_post(client_state& state, http_request request, std::chrono::milliseconds timeout, Token&& token) {
  return boost::asio::async_initiate<Token, void(std::error_code, http_response)>(
      [&state, timeout](auto handler, http_request request) {
        initiate_post(state, nullptr, std::optional<http_request>(std::move(request)), timeout, std::move(handler));
      },
      token, std::move(request));
}

// As async_post, with a request owned by the caller that must outlive the operation (what
// async_send uses, so that retries do not copy the body).
template <class Token>
auto async_post_ref(client_state& state, const http_request& request, std::chrono::milliseconds timeout,
                    Token&& token) {
  return boost::asio::async_initiate<Token, void(std::error_code, http_response)>(
      [&state, &request, timeout](auto handler) {
        initiate_post(state, &request, std::nullopt, timeout, std::move(handler));
      },
      token);
}

}  // namespace schemaforge::detail
