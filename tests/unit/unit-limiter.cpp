// SPDX-License-Identifier: MIT
// The endpoint limiter on a synthetic clock: RPM/TPM spacing, usage correction, pauses from
// x-ratelimit-* headers and 429s, token estimates, reset durations; the concurrency gate.
#include "limit/endpoint_limiter.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace std::chrono_literals;
using schemaforge::detail::endpoint_limiter;
using schemaforge::detail::http_response;
using schemaforge::detail::parse_reset_duration;

namespace {

http_response answer(int status, std::vector<std::pair<std::string, std::string>> headers = {}, std::string body = {}) {
  http_response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("endpoint limiter") {
  endpoint_limiter limiter;
  const auto t0 = endpoint_limiter::clock::time_point{} + 1000s;

  SECTION("no limits: every request may start now") {
    for (int i = 0; i < 100; ++i) CHECK(limiter.reserve(1000, t0).start == t0);
  }
  SECTION("RPM spaces requests evenly, never more than the limit per minute") {
    limiter.set_limits(600, -1);  // one every 100 ms
    for (int i = 0; i < 10; ++i) CHECK(limiter.reserve(1, t0).start == t0 + i * 100ms);
    limiter.set_limits(-1, 0);  // keeps the RPM
    CHECK(limiter.requests_per_minute() == 600);
  }
  SECTION("TPM charges the estimate and corrects it with the usage") {
    limiter.set_limits(0, 60'000);  // 1,000 tokens a second
    const auto first = limiter.reserve(500, t0);
    CHECK(first.start == t0);
    CHECK(limiter.reserve(100, t0).start == t0 + 500ms);
    // The first answer cost 100 tokens, not 500: the next slot moves 400 ms earlier.
    limiter.observe(first, answer(200), 100, t0);
    CHECK(limiter.reserve(1, t0).start == t0 + 200ms);
  }
  SECTION("remaining 0 pauses everyone until the reset") {
    limiter.observe({}, answer(200, {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "1.5s"}}), -1, t0);
    CHECK(limiter.reserve(1, t0).start == t0 + 1500ms);
  }
  SECTION("advertised limits apply when lower than ours") {
    limiter.set_limits(6000, -1);
    limiter.observe({}, answer(200, {{"x-ratelimit-limit-requests", "60"}}), -1, t0);
    CHECK(limiter.requests_per_minute() == 60);
  }
  SECTION("a 429 pauses the endpoint and halves the rate; successes bring it back") {
    limiter.set_limits(600, -1);
    limiter.observe({}, answer(429, {{"retry-after-ms", "250"}}), -1, t0);
    CHECK(limiter.requests_per_minute() == 300);
    CHECK(limiter.reserve(1, t0).start >= t0 + 250ms);
    for (int i = 0; i < 100; ++i) limiter.observe({}, answer(200), -1, t0);
    CHECK(limiter.requests_per_minute() == 600);
  }
  SECTION("insufficient_quota is not a rate limit") {
    limiter.observe({}, answer(429, {}, R"({"error": {"code": "insufficient_quota"}})"), -1, t0);
    CHECK(limiter.reserve(1, t0).start == t0);
  }
  SECTION("token estimates and reported usage") {
    const std::string body = R"({"messages": [], "max_tokens": 100})";
    CHECK(endpoint_limiter::estimate_tokens(body) == static_cast<std::int64_t>(body.size() / 4) + 100);
    CHECK(endpoint_limiter::estimate_tokens(std::string(400, 'x')) == 100);
    CHECK(endpoint_limiter::reported_tokens(R"({"usage": {"prompt_tokens": 3, "total_tokens": 17}})") == 17);
    CHECK(endpoint_limiter::reported_tokens("{}") == -1);
  }
  SECTION("reset durations") {
    CHECK(parse_reset_duration("1s") == 1000ms);
    CHECK(parse_reset_duration("6m0s") == 360'000ms);
    CHECK(parse_reset_duration("20ms") == 20ms);
    CHECK(parse_reset_duration("1h2m3.5s") == 3'723'500ms);
    CHECK(parse_reset_duration("2") == 2000ms);
    CHECK(parse_reset_duration("soon").count() < 0);
    CHECK(parse_reset_duration("").count() < 0);
  }
  SECTION("one limiter per endpoint, shared") {
    auto a = endpoint_limiter::for_endpoint("http://127.0.0.1:1/v1/");
    auto b = endpoint_limiter::for_endpoint("http://127.0.0.1:1/v1");
    CHECK(a == b);
    CHECK(a != endpoint_limiter::for_endpoint("http://127.0.0.1:2/v1"));
  }
}

namespace {

// A waiter that only notes, in order, that it was handed a slot.
struct noting_waiter final : schemaforge::detail::concurrency_gate::waiter {
  noting_waiter(std::vector<int>& log, int id) : log_(&log), id_(id) {}
  void on_granted() noexcept override { log_->push_back(id_); }
  std::vector<int>* log_;
  int id_;
};

}  // namespace

TEST_CASE("concurrency gate") {
  schemaforge::detail::concurrency_gate gate;
  std::vector<int> granted;
  std::vector<std::shared_ptr<noting_waiter>> w;
  for (int i = 0; i < 5; ++i) w.push_back(std::make_shared<noting_waiter>(granted, i));

  SECTION("no cap: every request holds a slot at once, and they are counted") {
    for (auto& x : w) CHECK(gate.acquire(x));
    CHECK(gate.in_use() == 5);
    for (auto& x : w) CHECK(gate.release(*x));
    CHECK(gate.in_use() == 0);
  }
  SECTION("over the cap, requests queue and get freed slots first in, first out") {
    gate.set_limit(2);
    CHECK(gate.acquire(w[0]));
    CHECK(gate.acquire(w[1]));
    CHECK_FALSE(gate.acquire(w[2]));
    CHECK_FALSE(gate.acquire(w[3]));
    CHECK_FALSE(gate.acquire(w[4]));
    CHECK(gate.queued() == 3);
    CHECK(gate.release(*w[1]));
    CHECK(granted == std::vector<int>{2});
    CHECK(gate.holds(*w[2]));
    CHECK(gate.release(*w[0]));
    CHECK(granted == std::vector<int>{2, 3});
    CHECK(gate.in_use() == 2);
    CHECK(gate.queued() == 1);
  }
  SECTION("a queued request that gives up leaves the queue without a slot; a release is counted once") {
    gate.set_limit(1);
    CHECK(gate.acquire(w[0]));
    CHECK_FALSE(gate.acquire(w[1]));
    CHECK_FALSE(gate.acquire(w[2]));
    CHECK_FALSE(gate.release(*w[1]));  // it held nothing
    CHECK_FALSE(gate.release(*w[1]));
    CHECK(gate.queued() == 1);
    CHECK(gate.release(*w[0]));
    CHECK_FALSE(gate.release(*w[0]));  // the second release changes nothing
    CHECK(granted == std::vector<int>{2});
    CHECK(gate.in_use() == 1);
    CHECK(gate.release(*w[2]));
    CHECK(gate.in_use() == 0);
  }
  SECTION("a newcomer does not overtake the queue") {
    gate.set_limit(1);
    CHECK(gate.acquire(w[0]));
    CHECK_FALSE(gate.acquire(w[1]));
    CHECK(gate.release(*w[0]));  // handed to w[1], not left free
    CHECK_FALSE(gate.acquire(w[2]));
    CHECK(granted == std::vector<int>{1});
  }
  SECTION("raising the cap hands out slots at once; lowering it lets holders finish") {
    gate.set_limit(1);
    CHECK(gate.acquire(w[0]));
    CHECK_FALSE(gate.acquire(w[1]));
    CHECK_FALSE(gate.acquire(w[2]));
    gate.set_limit(3);
    CHECK(granted == std::vector<int>{1, 2});
    gate.set_limit(1);
    CHECK_FALSE(gate.acquire(w[3]));
    CHECK(gate.release(*w[0]));
    CHECK(gate.release(*w[1]));
    CHECK(granted == std::vector<int>{1, 2});  // still two in flight: over the new cap
    CHECK(gate.release(*w[2]));
    CHECK(granted == std::vector<int>{1, 2, 3});
    gate.set_limit(0);  // no cap: everyone queued goes
    CHECK(gate.acquire(w[4]));
  }
}
