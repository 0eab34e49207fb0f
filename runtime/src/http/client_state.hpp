// SPDX-License-Identifier: MIT
#pragma once

#include "http/http_types.hpp"
#include "limit/endpoint_limiter.hpp"

#include <schemaforge/client.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

namespace schemaforge::detail {

// Receives the end of one transfer. Implemented by the async operations; exactly one of the
// two functions is called, once.
class transfer_completion {
 public:
  virtual void complete(std::error_code ec, http_response&& response) noexcept = 0;
  // The client state is being destroyed with the transfer still in flight (its io_context is
  // going away): release everything without calling any handler.
  virtual void discard() noexcept = 0;

 protected:
  ~transfer_completion() = default;
};

// Identifies a started transfer for cancellation; stays safe to use after the transfer ended.
struct transfer_handle {
  void* slot = nullptr;
  std::uint64_t generation = 0;
};

// libcurl's multi-socket interface bridged to Asio, plus the endpoint configuration. Everything
// here runs on the client's executor. The curl types stay in the .cpp.
class client_state : public std::enable_shared_from_this<client_state> {
 public:
  using executor_type = client::executor_type;

  client_state(executor_type ex, client_options options);
  ~client_state();
  client_state(const client_state&) = delete;
  client_state& operator=(const client_state&) = delete;

  const executor_type& executor() const noexcept { return executor_; }
  const client_options& options() const noexcept { return options_; }
  // The request gate of this endpoint, shared with every other client of the same base URL.
  const std::shared_ptr<endpoint_limiter>& limiter() const noexcept { return limiter_; }

  // Starts one POST of `request` (which must outlive the transfer) with a limit of `timeout` for
  // the whole exchange. `done` is completed on the client's executor, never inline from here.
  // Must be called on the client's executor.
  transfer_handle start(const http_request& request, std::chrono::milliseconds timeout,
                        transfer_completion* done);

  // Ends a transfer still in flight: it is removed from libcurl and completes with errc::cancelled.
  // Does nothing when it already ended. Must be called on the client's executor.
  void cancel(transfer_handle handle) noexcept;

  // Transfers currently in flight (for tests and diagnostics).
  std::size_t in_flight() const noexcept;

  // Diagnostics (bench/stream_first_partial): called from libcurl's write callback with every
  // piece of a streamed 2xx body, just before the request's on_body_chunk sees it, i.e. as soon
  // as the bytes are out of the socket. Empty by default (one test per piece). Set it before
  // starting transfers, on the client's executor.
  void set_body_observer(std::function<void(std::string_view)> observer);

  struct impl;

 private:
  executor_type executor_;
  client_options options_;
  std::shared_ptr<endpoint_limiter> limiter_;
  std::unique_ptr<impl> impl_;
};

}  // namespace schemaforge::detail
