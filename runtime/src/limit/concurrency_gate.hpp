// SPDX-License-Identifier: MIT
#pragma once

// The concurrency cap of one endpoint: at most `limit` requests in flight at once across every
// client, call, batch and stream of the process that talk to it. Requests that find no free slot
// wait in a first-in-first-out queue; a freed slot is handed straight to the first waiter, so a
// newcomer can never overtake the queue. Thread-safe: clients on different executors may share a
// gate. The gate never runs a waiter's code beyond its `on_granted` notification, which must only
// schedule work (post), because it is called with the gate's lock held.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

namespace schemaforge::detail {

class concurrency_gate {
 public:
  // One party that wants a slot. A waiter is idle, queued or holding; the gate alone changes that
  // state (under its lock), which is what makes a release happen exactly once.
  class waiter {
   public:
    virtual ~waiter() = default;

   protected:
    waiter() = default;
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;

   private:
    friend class concurrency_gate;
    // The waiter, queued until now, holds a slot. Called with the gate's lock held: schedule the
    // continuation, do nothing else (in particular, do not call back into the gate).
    virtual void on_granted() noexcept = 0;
    enum class state { idle, queued, holding } state_ = state::idle;
  };

  // At most `max_in_flight` slots held at once; 0 for no cap. Raising (or removing) the cap
  // hands the new slots to waiters at once; lowering it lets the holders finish and grants
  // nothing until fewer than the new cap hold a slot.
  void set_limit(std::size_t max_in_flight);
  std::size_t limit() const;

  // Asks for a slot for `w` (idle): true when `w` holds one now; false when it was queued and
  // w.on_granted() will be called once a slot is handed to it. A queued waiter is kept alive by
  // the gate until it is granted or released.
  bool acquire(const std::shared_ptr<waiter>& w);

  // Ends w's claim, whatever it is: a queued waiter leaves the queue, a holder frees its slot
  // (handed to the first waiter), an idle one changes nothing. Returns true when `w` held a slot
  // (including one granted whose notification has not run yet).
  bool release(waiter& w);

  bool holds(const waiter& w) const;
  std::size_t in_use() const;  // slots held (granted notifications not yet run included)
  std::size_t queued() const;

 private:
  void grant_waiting();  // with the lock held

  mutable std::mutex mutex_;
  std::size_t limit_ = 0;
  std::size_t in_use_ = 0;
  std::list<std::shared_ptr<waiter>> queue_;
};

}  // namespace schemaforge::detail
