// SPDX-License-Identifier: MIT
#pragma once

#include "http/async_post.hpp"
#include "http/http_error.hpp"
#include "http/retry_policy.hpp"
#include "limit/endpoint_limiter.hpp"
#include "limit/slot_ticket.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace schemaforge::detail {

// The state of one call across its attempts; allocated once per call so that it does not move
// while the transfer or the timer refer to it.
struct send_state {
  http_request request;
  retry_settings settings;
  ledger* attempts;
  int retry_index = 0;                                   // retries done so far
  std::chrono::steady_clock::time_point attempt_started;
  std::chrono::milliseconds waited_before{0};
  bool attempt_cut_by_deadline = false;                  // this attempt's timeout is the deadline
  std::optional<boost::asio::steady_timer> timer;
  // The endpoint's gate: every attempt (first, retry) is admitted by it and reported back to it.
  std::shared_ptr<endpoint_limiter> limiter;
  endpoint_limiter::reservation charged;
  bool admitted = false;          // the current attempt holds a reservation
  bool waiting_for_limiter = false;
  // The call's claim on the endpoint's concurrency cap: held by each attempt from before its rate
  // reservation until its answer ended, given back before a wait to retry.
  std::shared_ptr<slot_ticket> slot;
  bool waiting_for_slot = false;
  std::chrono::steady_clock::time_point slot_wait_started;

  send_state() = default;
  send_state(const send_state&) = delete;
  send_state& operator=(const send_state&) = delete;
  // Whichever way the call ends (completion, cancellation, an io_context destroyed mid-call), its
  // place in the queue or its slot goes back: the gate makes a second release a no-op.
  ~send_state() {
    if (slot) limiter->concurrency().release(*slot);
  }
};

// The retrying operation behind async_send (see there).
class send_op {
 public:
  send_op(client_state& state, std::unique_ptr<send_state> data) : state_(&state), data_(std::move(data)) {}

  template <class Self>
  void operator()(Self& self) {
    // Whatever the caller's filter, any cancellation request ends the call.
    self.reset_cancellation_state(boost::asio::enable_total_cancellation());
    start_attempt(self);
  }

  // An attempt ended.
  template <class Self>
  void operator()(Self& self, std::error_code ec, http_response response) {
    send_state& d = *data_;
    attempt record;
    record.reason = d.retry_index == 0 ? d.settings.first_attempt_kind : attempt::kind::retry;
    record.http_status = response.status;
    record.http_version = response.http_version;
    record.latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                           d.attempt_started);
    record.waited_before = d.waited_before;
    record.request_id = std::string(response.header("x-request-id"));
    d.admitted = false;
    if (d.slot) d.limiter->concurrency().release(*d.slot);  // the next in the queue may go now
    if (d.limiter && response.status != 0) {
      const std::string& answer = response.streamed_bytes ? response.streamed_tail : response.body;
      d.limiter->observe(d.charged, response, response.status / 100 == 2 ? endpoint_limiter::reported_tokens(answer) : -1);
    }

    if (ec == errc::cancelled || (self.cancelled() != boost::asio::cancellation_type::none && ec)) {
      record.error = make_error_code(errc::cancelled);
      record.message = "cancelled";
      d.attempts->push_back(std::move(record));
      return self.complete(make_error_code(errc::cancelled), std::move(response));
    }
    const attempt_outcome outcome = classify_attempt(ec, response);
    record.error = outcome.error;
    if (outcome.error) {
      // Redacted here, not only in the call's error: a call that succeeds after a retry returns
      // this ledger too, and a provider may echo the key in an error body.
      record.message = redact(describe_attempt(outcome.error, response), state_->options().api_key);
      if (outcome.error == errc::timeout)
        record.message = d.attempt_cut_by_deadline ? "the call's deadline passed during the attempt"
                                                   : "the attempt ran past its timeout of " +
                                                         std::to_string(d.settings.request_timeout.count()) + " ms";
    }
    d.attempts->push_back(std::move(record));
    if (!outcome.error) return self.complete({}, std::move(response));

    const bool deadline_hit = outcome.error == errc::timeout && d.attempt_cut_by_deadline;
    if (!outcome.retryable || deadline_hit || d.retry_index >= d.settings.max_retries)
      return self.complete(outcome.error, std::move(response));

    const std::chrono::milliseconds wait = retry_wait(response, d.retry_index, d.settings);
    if (d.settings.deadline && std::chrono::steady_clock::now() + wait >= *d.settings.deadline) {
      d.attempts->back().message += "; the wait before the next attempt would pass the call's deadline";
      return self.complete(make_error_code(errc::timeout), std::move(response));
    }
    ++d.retry_index;
    d.waited_before = wait;
    if (!d.timer) d.timer.emplace(state_->executor());
    d.timer->expires_after(wait);
    d.timer->async_wait(std::move(self));
  }

  // A wait ended: for a slot under the endpoint's concurrency cap, for the rate limit, or before
  // a retry.
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec) {
    if (data_->waiting_for_slot) return slot_wait_ended(self);
    if (ec || self.cancelled() != boost::asio::cancellation_type::none) {
      attempt record;
      record.reason = data_->retry_index == 0 ? data_->settings.first_attempt_kind : attempt::kind::retry;
      record.waited_before = data_->waited_before;
      record.error = make_error_code(errc::cancelled);
      record.message = data_->waiting_for_limiter ? "cancelled while waiting for the endpoint's rate limit"
                                                  : "cancelled while waiting to retry";
      data_->attempts->push_back(std::move(record));
      return self.complete(make_error_code(errc::cancelled), http_response{});
    }
    start_attempt(self);
  }

 private:
  template <class Self>
  void start_attempt(Self& self) {
    send_state& d = *data_;
    const auto now = std::chrono::steady_clock::now();
    std::chrono::milliseconds timeout = d.settings.request_timeout;
    d.attempt_cut_by_deadline = false;
    if (d.settings.deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*d.settings.deadline - now);
      if (left.count() <= 0) {
        attempt record;
        record.reason = d.retry_index == 0 ? d.settings.first_attempt_kind : attempt::kind::retry;
        record.waited_before = d.waited_before;
        record.error = make_error_code(errc::timeout);
        record.message = "the call's deadline passed before the attempt could start";
        d.attempts->push_back(std::move(record));
        return self.complete(make_error_code(errc::timeout), http_response{});
      }
      if (left <= timeout) {
        timeout = left;
        d.attempt_cut_by_deadline = true;
      }
    }
    if (d.limiter) {
      if (!d.slot) d.slot = std::make_shared<slot_ticket>(state_->executor());
      if (!d.limiter->concurrency().acquire(d.slot)) {
        // Queued behind the calls that came first; the wait ends when a slot is handed over (the
        // ticket cancels it), at the call's deadline, or when the call is cancelled.
        d.waiting_for_slot = true;
        d.slot_wait_started = now;
        d.slot->wake().expires_at(d.settings.deadline ? *d.settings.deadline
                                                      : std::chrono::steady_clock::time_point::max());
        return d.slot->wake().async_wait(std::move(self));
      }
    }
    if (d.limiter && !d.admitted) {
      d.admitted = true;
      d.charged = d.limiter->reserve(endpoint_limiter::estimate_tokens(d.request.body), now);
      if (d.charged.start > now) {
        if (d.settings.deadline && d.charged.start >= *d.settings.deadline) {
          attempt record;
          record.reason = d.retry_index == 0 ? d.settings.first_attempt_kind : attempt::kind::retry;
          record.waited_before = d.waited_before;
          record.error = make_error_code(errc::timeout);
          record.message = "the endpoint's rate limit would delay the attempt past the call's deadline";
          d.attempts->push_back(std::move(record));
          return self.complete(make_error_code(errc::timeout), http_response{});
        }
        // Wait for the slot on our own timer; the wait counts as waited_before of the attempt.
        d.waiting_for_limiter = true;
        d.waited_before += std::chrono::ceil<std::chrono::milliseconds>(d.charged.start - now);
        if (!d.timer) d.timer.emplace(state_->executor());
        d.timer->expires_at(d.charged.start);
        return d.timer->async_wait(std::move(self));
      }
    }
    d.waiting_for_limiter = false;
    d.attempt_started = now;
    async_post_ref(*state_, d.request, timeout, std::move(self));
  }

  template <class Self>
  void slot_wait_ended(Self& self) {
    send_state& d = *data_;
    d.waiting_for_slot = false;
    d.waited_before += std::chrono::ceil<std::chrono::milliseconds>(std::chrono::steady_clock::now() - d.slot_wait_started);
    const bool cancelled = self.cancelled() != boost::asio::cancellation_type::none;
    if (!cancelled && d.limiter->concurrency().holds(*d.slot)) return start_attempt(self);
    // Cancelled or out of time: leave the queue, or give back a slot handed over meanwhile.
    d.limiter->concurrency().release(*d.slot);
    const std::error_code code = make_error_code(cancelled ? errc::cancelled : errc::timeout);
    attempt record;
    record.reason = d.retry_index == 0 ? d.settings.first_attempt_kind : attempt::kind::retry;
    record.waited_before = d.waited_before;
    record.error = code;
    record.message = cancelled ? "cancelled while waiting for a free slot under the endpoint's concurrency cap"
                               : "the call's deadline passed while waiting for a free slot under the endpoint's "
                                 "concurrency cap";
    d.attempts->push_back(std::move(record));
    return self.complete(code, http_response{});
  }

  client_state* state_;
  std::unique_ptr<send_state> data_;
};

// Sends `request` with the transport's retry policy (retry_policy.hpp), appending one
// schemaforge::attempt per HTTP attempt to `attempts`, which must outlive the operation.
// Completes with {} and the response for a 2xx answer; otherwise with errc::connection, timeout,
// http_status, rate_limited (429 after every retry), quota or cancelled, and the last response
// (status 0 when none arrived). Per-operation cancellation (any type) ends the transfer in flight
// or the wait before a retry. Signature: void(std::error_code, http_response).
template <class Token>
auto async_send(client_state& state, http_request request, retry_settings settings, ledger& attempts,
                Token&& token) {
  auto data = std::make_unique<send_state>();
  data->request = std::move(request);
  data->settings = settings;
  data->attempts = &attempts;
  data->limiter = state.limiter();
  return boost::asio::async_compose<Token, void(std::error_code, http_response)>(
      send_op(state, std::move(data)), token, state.executor());
}

// The retry settings a client's options give for one call starting now.
inline retry_settings retry_settings_from(const client_options& options) {
  retry_settings settings;
  settings.max_retries = options.max_retries < 0 ? 0 : options.max_retries;
  settings.request_timeout = options.request_timeout;
  if (options.total_timeout) settings.deadline = std::chrono::steady_clock::now() + *options.total_timeout;
  return settings;
}

}  // namespace schemaforge::detail
