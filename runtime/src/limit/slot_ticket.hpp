// SPDX-License-Identifier: MIT
#pragma once

// One call's claim on its endpoint's concurrency cap, waited for on the call's own executor: a
// queued call waits on `wake()` (expiring at the call's deadline), and a slot handed to it cancels
// that wait from the call's executor. Shared, so that a notification still on its way to the
// executor keeps the timer alive after the call ended.

#include "limit/concurrency_gate.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace schemaforge::detail {

class slot_ticket final : public concurrency_gate::waiter, public std::enable_shared_from_this<slot_ticket> {
 public:
  explicit slot_ticket(const boost::asio::any_io_executor& ex) : wake_(ex) {}

  boost::asio::steady_timer& wake() noexcept { return wake_; }

 private:
  // Runs under the gate's lock, possibly on another client's thread: only post.
  void on_granted() noexcept override {
    boost::asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
  }

  boost::asio::steady_timer wake_;
};

}  // namespace schemaforge::detail
