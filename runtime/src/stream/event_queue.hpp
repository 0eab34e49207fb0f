// SPDX-License-Identifier: MIT
#pragma once

// The queue between a running streamed call and the reader of its events (chat_stream and
// structure_stream's async_next): the call pushes owned events and finally its outcome; one
// async_next at a time waits for the next event, or for the end (nullopt, or the call's error).
// Everything runs on the client's executor.

#include <schemaforge/errors.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace schemaforge::detail {

template <typename Event, typename Result, typename Executor>
class event_queue {
 public:
  using handler_type = boost::asio::any_completion_handler<void(std::exception_ptr, std::optional<Event>)>;

  explicit event_queue(Executor ex) : executor_(std::move(ex)) {}

  // From the running call, for every event.
  void push(Event event) {
    queue_.push_back(std::move(event));
    wake();
  }

  // From the call's completion handler: the outcome, told to the reader after the last event.
  void finish(std::exception_ptr failure, std::optional<Result> result) {
    finished_ = true;
    failure_ = failure;
    if (!failure) result_ = std::move(result);
    wake();
  }

  // async_next: completes with the next event, or with nullopt / the call's error at the end.
  static void next(const std::shared_ptr<event_queue>& self, handler_type handler) {
    boost::asio::dispatch(self->executor_, [self, handler = std::move(handler)]() mutable {
      self->waiter_.emplace(std::move(handler));
      self->wake();
    });
  }

  // The outcome, once the reader saw the end; `what` names the reader's result() in the error
  // for a call made too early.
  Result result(const char* what) const {
    if (!finished_ || !queue_.empty())
      throw error(errc::invalid_argument, std::string(what) + " was called before async_next reported the end");
    if (failure_) std::rethrow_exception(failure_);
    return *result_;
  }

 private:
  // Completes a waiting async_next when there is something to tell it.
  void wake() {
    if (!waiter_ || (queue_.empty() && !finished_)) return;
    handler_type handler = std::move(*waiter_);
    waiter_.reset();
    std::optional<Event> event;
    std::exception_ptr error;
    if (!queue_.empty()) {
      event = std::move(queue_.front());
      queue_.pop_front();
    } else {
      error = failure_;
    }
    // Never inline: the reader may be resumed from inside the transfer's callback otherwise.
    boost::asio::post(executor_, [handler = std::move(handler), error, event = std::move(event)]() mutable {
      std::move(handler)(error, std::move(event));
    });
  }

  Executor executor_;
  std::deque<Event> queue_;
  std::optional<handler_type> waiter_;
  bool finished_ = false;
  std::exception_ptr failure_;
  std::optional<Result> result_;
};

}  // namespace schemaforge::detail
