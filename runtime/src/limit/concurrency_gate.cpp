// SPDX-License-Identifier: MIT
#include "limit/concurrency_gate.hpp"

#include <algorithm>

namespace schemaforge::detail {

void concurrency_gate::set_limit(std::size_t max_in_flight) {
  std::lock_guard lock(mutex_);
  limit_ = max_in_flight;
  grant_waiting();
}

std::size_t concurrency_gate::limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

bool concurrency_gate::acquire(const std::shared_ptr<waiter>& w) {
  std::lock_guard lock(mutex_);
  if (w->state_ != waiter::state::idle) return w->state_ == waiter::state::holding;
  // Someone already waiting goes first, even when a slot is free at this instant (it is about to
  // be handed over): first in, first out.
  if (queue_.empty() && (limit_ == 0 || in_use_ < limit_)) {
    ++in_use_;
    w->state_ = waiter::state::holding;
    return true;
  }
  w->state_ = waiter::state::queued;
  queue_.push_back(w);
  return false;
}

bool concurrency_gate::release(waiter& w) {
  std::shared_ptr<waiter> dropped;  // the queue's reference, let go of after the lock
  std::lock_guard lock(mutex_);
  switch (w.state_) {
    case waiter::state::idle:
      return false;
    case waiter::state::queued: {
      const auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& q) { return q.get() == &w; });
      w.state_ = waiter::state::idle;
      if (it != queue_.end()) {
        dropped = std::move(*it);
        queue_.erase(it);
      }
      return false;
    }
    case waiter::state::holding:
      w.state_ = waiter::state::idle;
      --in_use_;
      grant_waiting();
      return true;
  }
  return false;
}

void concurrency_gate::grant_waiting() {
  while (!queue_.empty() && (limit_ == 0 || in_use_ < limit_)) {
    std::shared_ptr<waiter> next = std::move(queue_.front());
    queue_.pop_front();
    ++in_use_;
    next->state_ = waiter::state::holding;
    next->on_granted();
  }
}

bool concurrency_gate::holds(const waiter& w) const {
  std::lock_guard lock(mutex_);
  return w.state_ == waiter::state::holding;
}

std::size_t concurrency_gate::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::size_t concurrency_gate::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace schemaforge::detail
