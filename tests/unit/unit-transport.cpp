// SPDX-License-Identifier: MIT
// The transport: one attempt (async_post) and the retrying call (async_send) against the fake
// server, every retry rule, timeouts, the deadline and cancellation.
#include "transport_test_support.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

using namespace schemaforge;
using namespace schemaforge::test_support;
using schemaforge::testing::fake_server;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// Calls `action` once `ready()` holds, checking every millisecond on the io_context: the test
// reacts to an event instead of sleeping.
void when(boost::asio::io_context& io, std::function<bool()> ready, std::function<void()> action) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io);
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [timer, ready, action, poll] {
    if (ready()) {
      action();
      *poll = nullptr;  // break the cycle
      return;
    }
    timer->expires_after(milliseconds(1));
    timer->async_wait([poll](const boost::system::error_code&) {
      if (*poll) (*poll)();
    });
  };
  (*poll)();
}

}  // namespace

TEST_CASE("async_post sends one POST and returns the answer", "[transport]") {
  fake_server server(json::array({{{"content", "the answer"}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  std::error_code ec = make_error_code(errc::protocol);
  detail::http_response response;
  detail::async_post(detail::state_of(c), chat_request("hi"), milliseconds(5000),
                     [&](std::error_code e, detail::http_response r) {
                       ec = e;
                       response = std::move(r);
                     });
  io.run();
  REQUIRE_FALSE(ec);
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("x-request-id") == "req_fake_1");
  const auto body = json::parse(response.body);
  CHECK(body["choices"][0]["message"]["content"] == "the answer");

  SECTION("the server saw the path, headers and body") {
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].target == "/v1/chat/completions");
    CHECK(requests[0].header("authorization") == std::string("Bearer ") + test_api_key);
    CHECK(requests[0].header("content-type") == "application/json");
    CHECK_FALSE(requests[0].header("accept-encoding").empty());
    CHECK(requests[0].header("user-agent").substr(0, 12) == "schemaforge/");
    CHECK(requests[0].json()["messages"][0]["content"] == "hi");
  }
}

TEST_CASE("async_post reports any HTTP status without retrying", "[transport]") {
  fake_server server(json::array({{{"status", 503}, {"error", {{"message", "overloaded"}}}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  std::error_code ec = make_error_code(errc::protocol);
  int status = 0;
  detail::async_post(detail::state_of(c), chat_request(), milliseconds(5000),
                     [&](std::error_code e, detail::http_response r) {
                       ec = e;
                       status = r.status;
                     });
  io.run();
  CHECK_FALSE(ec);
  CHECK(status == 503);
  CHECK(server.request_count() == 1);
}

TEST_CASE("retryable statuses are retried, honouring the server's wait", "[transport][retry]") {
  SECTION("429 with retry-after-ms") {
    fake_server server(json::array({{{"status", 429}, {"headers", {{"retry-after-ms", "15"}}},
                                     {"error", {{"message", "slow down"}, {"type", "requests"}}}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].http_status == 429);
    CHECK(r.attempts[0].error == errc::rate_limited);
    CHECK(r.attempts[0].message == "HTTP 429: slow down");
    CHECK(r.attempts[0].request_id == "req_fake_1");
    CHECK(r.attempts[0].reason == attempt::kind::initial);
    CHECK(r.attempts[1].reason == attempt::kind::retry);
    CHECK(r.attempts[1].waited_before == milliseconds(15));
    CHECK(r.attempts[1].http_status == 200);
    CHECK_FALSE(r.attempts[1].error);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].arrived - requests[0].arrived >= milliseconds(15));
    CHECK(requests[1].body == requests[0].body);
  }
  SECTION("429 with Retry-After in seconds") {
    fake_server server(json::array({{{"status", 429}, {"headers", {{"retry-after", "0.02"}}}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[1].waited_before == milliseconds(20));
  }
  SECTION("retry-after-ms wins over Retry-After") {
    fake_server server(json::array({{{"status", 429}, {"headers", {{"retry-after", "30"}, {"retry-after-ms", "3"}}}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[1].waited_before == milliseconds(3));
  }
  SECTION("5xx with retry-after-ms, then success") {
    fake_server server(json::array({{{"status", 500}, {"headers", {{"retry-after-ms", "2"}}}},
                                    {{"status", 502}, {"headers", {{"retry-after-ms", "4"}}}},
                                    {{"content", "fine"}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 3);
    CHECK(r.attempts[0].error == errc::http_status);
    CHECK(r.attempts[1].http_status == 502);
    CHECK(r.attempts[1].waited_before == milliseconds(2));
    CHECK(r.attempts[2].waited_before == milliseconds(4));
    CHECK(json::parse(r.response.body)["choices"][0]["message"]["content"] == "fine");
  }
  SECTION("408 and 409 are retried") {
    fake_server server(json::array({{{"status", 408}}, {{"status", 409}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    CHECK(r.attempts.size() == 3);
    CHECK(server.request_count() == 3);
  }
  SECTION("without a server wait, the exponential backoff applies") {
    fake_server server(json::array({{{"status", 503}}, {{"status", 503}}}));
    auto settings = fast_retries(2);
    settings.initial_backoff = milliseconds(8);
    settings.max_backoff = milliseconds(12);
    auto r = run_send(server, settings);
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 3);
    CHECK(r.attempts[1].waited_before >= milliseconds(6));   // 8 ms minus at most 25 % jitter
    CHECK(r.attempts[1].waited_before <= milliseconds(8));
    CHECK(r.attempts[2].waited_before >= milliseconds(9));   // min(16, 12) minus jitter
    CHECK(r.attempts[2].waited_before <= milliseconds(12));
  }
}

TEST_CASE("client errors are never retried", "[transport][retry]") {
  for (int status : {400, 401, 403, 404, 422}) {
    DYNAMIC_SECTION("HTTP " << status) {
      fake_server server(json::array({{{"status", status}, {"error", {{"message", "no good"}}}}}));
      auto r = run_send(server, fast_retries(3));
      CHECK(r.ec == errc::http_status);
      CHECK(r.response.status == status);
      CHECK(r.attempts.size() == 1);
      CHECK(server.request_count() == 1);
    }
  }
}

TEST_CASE("insufficient_quota ends the call at once with quota", "[transport][retry]") {
  const json quota_error = {{"message", "You exceeded your current quota"}, {"type", "insufficient_quota"},
                            {"code", "insufficient_quota"}};
  SECTION("as OpenAI sends it, with 429") {
    fake_server server(json::array({{{"status", 429}, {"error", quota_error}}}));
    auto r = run_send(server, fast_retries(3));
    CHECK(r.ec == errc::quota);
    CHECK(server.request_count() == 1);
    CHECK(r.attempts.at(0).error == errc::quota);
  }
  SECTION("even when the server says x-should-retry: true") {
    fake_server server(json::array({{{"status", 429}, {"headers", {{"x-should-retry", "true"}}}, {"error", quota_error}}}));
    auto r = run_send(server, fast_retries(3));
    CHECK(r.ec == errc::quota);
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("x-should-retry overrides the status rules", "[transport][retry]") {
  SECTION("false on a 500") {
    fake_server server(json::array({{{"status", 500}, {"headers", {{"x-should-retry", "false"}}}}}));
    auto r = run_send(server, fast_retries(3));
    CHECK(r.ec == errc::http_status);
    CHECK(server.request_count() == 1);
  }
  SECTION("true on a 400") {
    fake_server server(json::array({{{"status", 400}, {"headers", {{"x-should-retry", "true"}, {"retry-after-ms", "1"}}}}}));
    auto r = run_send(server, fast_retries(3));
    CHECK_FALSE(r.ec);
    CHECK(server.request_count() == 2);
  }
}

TEST_CASE("max_retries bounds the number of requests", "[transport][retry]") {
  for (int max_retries : {0, 1, 3}) {
    DYNAMIC_SECTION("max_retries " << max_retries) {
      fake_server server(json::array({{{"status", 500}, {"repeat", 10}, {"headers", {{"retry-after-ms", "1"}}}}}));
      auto r = run_send(server, fast_retries(max_retries));
      CHECK(r.ec == errc::http_status);
      CHECK(r.response.status == 500);
      CHECK(server.request_count() == static_cast<std::size_t>(max_retries + 1));
      CHECK(r.attempts.size() == static_cast<std::size_t>(max_retries + 1));
    }
  }
  SECTION("429 every time ends with rate_limited") {
    fake_server server(json::array({{{"status", 429}, {"repeat", 10}, {"headers", {{"retry-after-ms", "1"}}}}}));
    auto r = run_send(server, fast_retries(2));
    CHECK(r.ec == errc::rate_limited);
    CHECK(server.request_count() == 3);
  }
}

TEST_CASE("dropped and broken connections are retried", "[transport][retry]") {
  SECTION("closed without an answer") {
    fake_server server(json::array({{{"drop", true}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].error == errc::connection);
    CHECK(r.attempts[0].http_status == 0);
    CHECK(r.attempts[0].message.rfind("connection failed", 0) == 0);
    CHECK(server.request_count() == 2);
  }
  SECTION("closed in the middle of the body") {
    fake_server server(json::array({{{"truncate_body", true}, {"content", std::string(2000, 'x')}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].error == errc::connection);
  }
  SECTION("every attempt dropped") {
    fake_server server(json::array({{{"drop", true}, {"repeat", 5}}}));
    auto r = run_send(server, fast_retries(1));
    CHECK(r.ec == errc::connection);
    CHECK(r.attempts.size() == 2);
  }
  SECTION("nobody listening") {
    client_options options;
    {
      fake_server gone;  // take a free port, then close it
      options = options_for(gone);
    }
    fake_server unused;
    auto r = run_send(unused, fast_retries(1), chat_request(), options);
    CHECK(r.ec == errc::connection);
    CHECK(r.attempts.size() == 2);
    CHECK(unused.request_count() == 0);
  }
}

TEST_CASE("timeouts: one attempt and the whole call", "[transport][timeout]") {
  SECTION("an attempt past request_timeout is retried, then fails with timeout") {
    fake_server server(json::array({{{"delay_ms", 400}, {"repeat", 2}}}));
    auto settings = fast_retries(1);
    settings.request_timeout = milliseconds(50);
    auto r = run_send(server, settings);
    CHECK(r.ec == errc::timeout);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].error == errc::timeout);
    CHECK(r.attempts[0].message == "the attempt ran past its timeout of 50 ms");
    CHECK(server.request_count() == 2);
  }
  SECTION("a slow first attempt, then a quick answer") {
    fake_server server(json::array({{{"delay_ms", 5000}}, {{"content", "quick"}}}));
    auto settings = fast_retries(1);
    settings.request_timeout = milliseconds(500);  // room for the quick answer on a busy machine
    auto r = run_send(server, settings);
    REQUIRE_FALSE(r.ec);
    CHECK(r.attempts.size() == 2);
  }
  SECTION("the deadline cuts an attempt short and is not retried") {
    fake_server server(json::array({{{"delay_ms", 10'000}, {"repeat", 3}}}));
    auto settings = fast_retries(2);
    settings.deadline = std::chrono::steady_clock::now() + milliseconds(400);
    auto r = run_send(server, settings);
    CHECK(r.ec == errc::timeout);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].message == "the call's deadline passed during the attempt");
  }
  SECTION("a wait that would pass the deadline ends the call with timeout") {
    fake_server server(json::array({{{"status", 503}, {"repeat", 5}, {"headers", {{"retry-after-ms", "5000"}}}}}));
    auto settings = fast_retries(4);
    settings.deadline = std::chrono::steady_clock::now() + milliseconds(2000);
    auto r = run_send(server, settings);
    CHECK(r.ec == errc::timeout);
    REQUIRE(r.attempts.size() == 1);
    CHECK(server.request_count() == 1);
    CHECK(r.attempts[0].message.find("would pass the call's deadline") != std::string::npos);
  }
  SECTION("a deadline already passed sends nothing") {
    fake_server server;
    auto settings = fast_retries(2);
    settings.deadline = std::chrono::steady_clock::now() - milliseconds(1);
    auto r = run_send(server, settings);
    CHECK(r.ec == errc::timeout);
    CHECK(server.request_count() == 0);
  }
}

TEST_CASE("cancellation ends the transfer or the wait", "[transport][cancel]") {
  SECTION("async_post during the transfer") {
    fake_server server(json::array({{{"delay_ms", 30'000}}}));
    boost::asio::io_context io;
    client c(io.get_executor(), options_for(server));
    boost::asio::cancellation_signal signal;
    std::error_code ec;
    detail::async_post(detail::state_of(c), chat_request(), milliseconds(60'000),
                       boost::asio::bind_cancellation_slot(signal.slot(), [&](std::error_code e, detail::http_response) {
                         ec = e;
                       }));
    when(io, [&] { return server.request_count() == 1; },
         [&] { signal.emit(boost::asio::cancellation_type::terminal); });
    io.run();
    CHECK(ec == errc::cancelled);
    CHECK(detail::state_of(c).in_flight() == 0);
  }
  SECTION("async_send during the transfer") {
    fake_server server(json::array({{{"delay_ms", 30'000}}}));
    boost::asio::io_context io;
    client c(io.get_executor(), options_for(server));
    boost::asio::cancellation_signal signal;
    std::error_code ec;
    ledger attempts;
    detail::async_send(detail::state_of(c), chat_request(), fast_retries(3), attempts,
                       boost::asio::bind_cancellation_slot(signal.slot(), [&](std::error_code e, detail::http_response) {
                         ec = e;
                       }));
    when(io, [&] { return server.request_count() == 1; },
         [&] { signal.emit(boost::asio::cancellation_type::terminal); });
    io.run();
    CHECK(ec == errc::cancelled);
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].error == errc::cancelled);
    CHECK(server.request_count() == 1);
  }
  SECTION("async_send during the wait before a retry") {
    fake_server server(json::array({{{"status", 503}, {"headers", {{"retry-after", "50"}}}}}));
    boost::asio::io_context io;
    client c(io.get_executor(), options_for(server));
    boost::asio::cancellation_signal signal;
    std::error_code ec;
    ledger attempts;
    detail::async_send(detail::state_of(c), chat_request(), fast_retries(3), attempts,
                       boost::asio::bind_cancellation_slot(signal.slot(), [&](std::error_code e, detail::http_response) {
                         ec = e;
                       }));
    when(io, [&] { return attempts.size() == 1; }, [&] { signal.emit(boost::asio::cancellation_type::terminal); });
    io.run();
    CHECK(ec == errc::cancelled);
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0].http_status == 503);
    CHECK(attempts[1].message == "cancelled while waiting to retry");
    CHECK(attempts[1].waited_before == milliseconds(50'000));
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("connections are kept alive and reused", "[transport]") {
  fake_server server;
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  int done = 0;
  std::function<void()> next = [&] {
    detail::async_post(detail::state_of(c), chat_request(std::to_string(done)), milliseconds(5000),
                       [&](std::error_code ec, detail::http_response r) {
                         REQUIRE_FALSE(ec);
                         REQUIRE(r.status == 200);
                         if (++done < 5) next();
                       });
  };
  next();
  io.run();
  CHECK(done == 5);
  CHECK(server.request_count() == 5);
  CHECK(server.connection_count() == 1);

  SECTION("and the next run of the io_context reuses the same connection") {
    bool ok = false;
    detail::async_post(detail::state_of(c), chat_request(), milliseconds(5000),
                       [&](std::error_code ec, detail::http_response r) { ok = !ec && r.status == 200; });
    io.restart();
    io.run();
    CHECK(ok);
    CHECK(server.connection_count() == 1);
  }
}

TEST_CASE("many concurrent requests on one io_context", "[transport]") {
  fake_server server(json::array({{{"delay_ms", 20}, {"repeat", 40}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  std::vector<std::string> answers(40);
  int failures = 0;
  for (int k = 0; k < 40; ++k)
    detail::async_post(detail::state_of(c), chat_request("item " + std::to_string(k)), milliseconds(10'000),
                       [&, k](std::error_code ec, detail::http_response r) {
                         if (ec || r.status != 200) ++failures;
                         else answers[static_cast<std::size_t>(k)] = json::parse(r.body)["choices"][0]["message"]["content"];
                       });
  io.run();
  CHECK(failures == 0);
  for (int k = 0; k < 40; ++k) CHECK(answers[static_cast<std::size_t>(k)] == "item " + std::to_string(k));
  CHECK(server.request_count() == 40);
  CHECK(server.connection_count() <= 40);
}

TEST_CASE("streaming bodies are handed over chunk by chunk", "[transport]") {
  fake_server server(json::array({{{"stream", json::array({"one", {{"data", "two"}, {"delay_ms", 5}}})}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  std::string received;
  int chunks = 0;
  auto request = chat_request();
  request.headers.emplace_back("Accept", "text/event-stream");
  request.on_body_chunk = [&](std::string_view chunk) {
    received.append(chunk);
    ++chunks;
  };
  detail::http_response response;
  std::error_code ec = make_error_code(errc::protocol);
  detail::async_post(detail::state_of(c), std::move(request), milliseconds(5000),
                     [&](std::error_code e, detail::http_response r) {
                       ec = e;
                       response = std::move(r);
                     });
  io.run();
  REQUIRE_FALSE(ec);
  CHECK(response.status == 200);
  CHECK(response.body.empty());
  CHECK(received == "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  CHECK(chunks >= 2);
  CHECK(server.requests().at(0).header("accept") == "text/event-stream");
  CHECK(server.requests().at(0).header("authorization") == std::string("Bearer ") + test_api_key);
}

TEST_CASE("a stream that breaks after chunks were handed over is retried as a new body", "[transport][retry]") {
  fake_server server(json::array({{{"stream", json::array({"one", "two"})}, {"truncate", true}},
                                  {{"stream", json::array({"three"})}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  ledger attempts;
  std::vector<std::pair<std::size_t, std::string>> chunks;  // (attempts ended before, bytes)
  auto request = chat_request();
  request.on_body_chunk = [&](std::string_view chunk) { chunks.emplace_back(attempts.size(), std::string(chunk)); };
  std::error_code ec = make_error_code(errc::protocol);
  std::size_t streamed = 0;
  detail::async_send(detail::state_of(c), std::move(request), fast_retries(3), attempts,
                     [&](std::error_code e, detail::http_response r) {
                       ec = e;
                       streamed = r.streamed_bytes;
                     });
  io.run();
  REQUIRE_FALSE(ec);
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0].error == errc::connection);
  CHECK(server.request_count() == 2);
  std::string first, second;
  for (const auto& [ended, bytes] : chunks) (ended == 0 ? first : second) += bytes;
  CHECK(first == "data: one\n\ndata: two\n\n");
  CHECK(second == "data: three\n\ndata: [DONE]\n\n");
  CHECK(streamed == second.size());
}
