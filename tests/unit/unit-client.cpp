// SPDX-License-Identifier: MIT
// The public client: options, the environment, the API-key rule, completion tokens, and the
// errors built from failed calls.
#include "transport_test_support.hpp"

#include <schemaforge/errors.hpp>

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

using namespace schemaforge;
using namespace schemaforge::test_support;
using schemaforge::testing::fake_server;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// Sets environment variables for one scope and restores them after.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("client options come from the environment", "[client]") {
  scoped_env url("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
  scoped_env key("OPENAI_API_KEY", "sk-env");
  scoped_env model("SCHEMAFORGE_MODEL", "env-model");
  scoped_env org("OPENAI_ORG_ID", "org-1");
  scoped_env project("OPENAI_PROJECT_ID", "");
  const auto options = client_options::from_environment();
  CHECK(options.base_url == "http://127.0.0.1:9/v1");
  CHECK(options.api_key == "sk-env");
  CHECK(options.model == "env-model");
  CHECK(options.organization == "org-1");
  CHECK(options.project.empty());
  CHECK(options.max_retries == 2);
  CHECK(options.request_timeout == milliseconds(600'000));
  CHECK_FALSE(options.total_timeout);

  SECTION("without OPENAI_BASE_URL the default is OpenAI's") {
    scoped_env none("OPENAI_BASE_URL", nullptr);
    boost::asio::io_context io;
    client c(io.get_executor(), client_options::from_environment());
    CHECK(c.options().base_url == "https://api.openai.com/v1");
  }
}

TEST_CASE("an API key is required only for OpenAI's endpoint", "[client]") {
  scoped_env url("OPENAI_BASE_URL", nullptr);
  boost::asio::io_context io;
  SECTION("missing for the default URL: one clear line") {
    client_options options;
    try {
      client c(io.get_executor(), options);
      FAIL("no error");
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_argument);
      const std::string what = e.what();
      CHECK(what.find("OPENAI_API_KEY") != std::string::npos);
      // A library caller is told the option field, not a command-line flag.
      CHECK(what.find("client_options::api_key") != std::string::npos);
      CHECK(what.find("--") == std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  }
  SECTION("missing for api.openai.com given explicitly") {
    client_options options;
    options.base_url = "https://api.openai.com/v1/";
    CHECK_THROWS_AS(client(io.get_executor(), options), error);
  }
  SECTION("not needed for a local server, and then no Authorization header is sent") {
    fake_server server;
    client_options options;
    options.base_url = server.base_url() + "/";  // a trailing slash is dropped
    client c(io.get_executor(), options);
    CHECK(c.options().base_url == server.base_url());
    bool ok = false;
    detail::async_post(detail::state_of(c), chat_request(), milliseconds(5000),
                       [&](std::error_code ec, detail::http_response r) { ok = !ec && r.status == 200; });
    io.run();
    CHECK(ok);
    REQUIRE(server.request_count() == 1);
    CHECK(server.requests()[0].header("authorization").empty());
    CHECK(server.requests()[0].target == "/v1/chat/completions");
  }
}

TEST_CASE("organization, project and extra headers go with every request", "[client]") {
  fake_server server;
  auto options = options_for(server);
  options.organization = "org-42";
  options.project = "proj-7";
  options.extra_headers = {{"X-Tenant", "blue"}};
  auto request = chat_request();
  request.headers = {{"X-Only-Here", "1"}};
  auto r = run_send(server, fast_retries(0), std::move(request), options);
  REQUIRE_FALSE(r.ec);
  auto r2 = run_send(server, fast_retries(0), chat_request(), options);
  REQUIRE_FALSE(r2.ec);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  for (const auto& q : requests) {
    CHECK(q.header("openai-organization") == "org-42");
    CHECK(q.header("openai-project") == "proj-7");
    CHECK(q.header("x-tenant") == "blue");
    CHECK(q.header("authorization") == std::string("Bearer ") + test_api_key);
  }
  CHECK(requests[0].header("x-only-here") == "1");
  CHECK(requests[1].header("x-only-here").empty());
}

TEST_CASE("async_send works with every completion token", "[client][tokens]") {
  fake_server server(json::array({{{"status", 500}, {"headers", {{"retry-after-ms", "1"}}}}}));
  boost::asio::io_context io;
  client c(io.get_executor(), options_for(server));
  ledger attempts;

  SECTION("callback") {
    int status = 0;
    detail::async_send(detail::state_of(c), chat_request(), fast_retries(2), attempts,
                       [&](std::error_code ec, detail::http_response r) { status = ec ? -1 : r.status; });
    io.run();
    CHECK(status == 200);
    CHECK(attempts.size() == 2);
  }
  SECTION("use_future, with the io_context on another thread") {
    auto work = boost::asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    // std::error_code is not Boost's: the future carries it instead of throwing.
    std::future<std::tuple<std::error_code, detail::http_response>> future =
        detail::async_send(detail::state_of(c), chat_request(), fast_retries(2), attempts, boost::asio::use_future);
    const auto [ec, r] = future.get();
    work.reset();
    runner.join();
    CHECK_FALSE(ec);
    CHECK(r.status == 200);
    CHECK(attempts.size() == 2);
  }
  SECTION("use_future reports a failure as schemaforge's error code") {
    auto work = boost::asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    auto future = detail::async_send(detail::state_of(c), chat_request(), fast_retries(0), attempts,
                                     boost::asio::use_future);
    const auto [ec, r] = future.get();
    work.reset();
    runner.join();
    CHECK(ec == errc::http_status);
    CHECK(r.status == 500);
  }
  SECTION("use_awaitable in a coroutine") {
    int status = 0;
    std::error_code caught;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          // std::error_code is not Boost's: co_await gives (error_code, response) instead of throwing.
          auto [ec, r] = co_await detail::async_send(detail::state_of(c), chat_request(), fast_retries(2), attempts,
                                                     boost::asio::use_awaitable);
          status = ec ? -1 : r.status;
          server.push({{"status", 404}});
          auto [ec2, r2] = co_await detail::async_send(detail::state_of(c), chat_request(), fast_retries(0), attempts,
                                                       boost::asio::use_awaitable);
          caught = ec2;
          CHECK(r2.status == 404);
        },
        boost::asio::detached);
    io.run();
    CHECK(status == 200);
    CHECK(caught == errc::http_status);
    CHECK(attempts.size() == 3);
  }
  SECTION("deferred, launched later") {
    auto op = detail::async_send(detail::state_of(c), chat_request(), fast_retries(2), attempts, boost::asio::deferred);
    CHECK(server.request_count() == 0);  // nothing happens until the deferred operation is launched
    int status = 0;
    std::move(op)([&](std::error_code ec, detail::http_response r) { status = ec ? -1 : r.status; });
    io.run();
    CHECK(status == 200);
  }
  SECTION("async_post with use_awaitable") {
    int status = 0;
    server.push({{"content", "x"}});
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto [ec, r] = co_await detail::async_post(detail::state_of(c), chat_request(), milliseconds(5000),
                                                     boost::asio::use_awaitable);
          status = ec ? -1 : r.status;
        },
        boost::asio::detached);
    io.run();
    CHECK(status == 500);  // the first scripted answer; async_post does not retry
  }
}

TEST_CASE("errors from failed calls say what to do and never show the key", "[client][errors]") {
  SECTION("401 whose body echoes the key") {
    fake_server server(json::array(
        {{{"status", 401}, {"error", {{"message", std::string("Incorrect API key provided: ") + test_api_key}}}}}));
    auto r = run_send(server, fast_retries(2));
    REQUIRE(r.ec == errc::http_status);
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options_for(server));
    const std::string what = e.what();
    CHECK(what.find(test_api_key) == std::string::npos);
    CHECK(what.find("[redacted]") != std::string::npos);
    CHECK(what.find("client_options::api_key / OPENAI_API_KEY") != std::string::npos);
    CHECK(what.find("--api-key") == std::string::npos);
    CHECK(what.find("req_fake_1") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
    CHECK(e.http_status == 401);
    CHECK(e.request_id == "req_fake_1");
    CHECK(e.provider_message == "Incorrect API key provided: [redacted]");
    REQUIRE(e.ledger.size() == 1);
    CHECK(e.ledger[0].message.find(test_api_key) == std::string::npos);
  }
  SECTION("429 after every retry") {
    fake_server server(json::array({{{"status", 429}, {"repeat", 3}, {"headers", {{"retry-after-ms", "1"}}},
                                     {"error", {{"message", "Rate limit reached"}}}}}));
    auto r = run_send(server, fast_retries(2));
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options_for(server));
    CHECK(e.code() == errc::rate_limited);
    CHECK(std::string(e.what()).find("after 3 attempts") != std::string::npos);
    CHECK(std::string(e.what()).find("Rate limit reached") != std::string::npos);
    CHECK(e.ledger.size() == 3);
  }
  SECTION("quota") {
    fake_server server(json::array({{{"status", 429},
                                     {"error", {{"message", "You exceeded your current quota"},
                                                {"code", "insufficient_quota"}}}}}));
    auto r = run_send(server, fast_retries(2));
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options_for(server));
    CHECK(e.code() == errc::quota);
    CHECK(std::string(e.what()).find("quota") != std::string::npos);
    CHECK(e.provider_message == "You exceeded your current quota");
  }
  SECTION("connection refused names the URL") {
    client_options options;
    {
      fake_server gone;
      options = options_for(gone);
    }
    fake_server unused;
    auto r = run_send(unused, fast_retries(0), chat_request(), options);
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options);
    CHECK(e.code() == errc::connection);
    CHECK(std::string(e.what()).find(options.base_url) != std::string::npos);
    CHECK(e.http_status == 0);
  }
  SECTION("a peer that never completes the TCP handshake runs into connect_timeout") {
    // A listener whose accept queue is full drops further SYNs, so the client's connect hangs
    // until connect_timeout ends it (loopback only). A backlog of 0 holds one connection: this one.
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    int filler = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 0) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    REQUIRE(::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    client_options options;
    options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1";
    options.api_key = test_api_key;
    options.connect_timeout = milliseconds(200);
    fake_server unused;
    auto r = run_send(unused, fast_retries(0), chat_request(), options);
    ::close(filler);
    ::close(listener);
    REQUIRE(r.completed);
    CHECK(r.ec == errc::timeout);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.response.transport_error.find("onnect") != std::string::npos);  // curl names the connect phase
  }
  SECTION("a plain-text error page") {
    fake_server server(json::array({{{"status", 404}, {"body", "no such\nroute"}}}));
    auto r = run_send(server, fast_retries(0));
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options_for(server));
    CHECK(e.provider_message == "no such route");
    const std::string what = e.what();
    CHECK(what.find("check client_options::base_url and the model (call_options::model or client_options::model)") !=
          std::string::npos);
    CHECK(what.find("--") == std::string::npos);
  }
}

TEST_CASE("redaction hides the key, and only the key", "[client][errors][redact]") {
  using detail::redact;
  SECTION("a very short key is not redacted inside ordinary words") {
    CHECK(redact("check your API key", "c") == "check your API key");
    CHECK(redact("the x-request-id header", "x") == "the x-request-id header");
    CHECK(redact("testing the test_suite", "test") == "testing the test_suite");
  }
  SECTION("a short key standing as a token is always redacted") {
    CHECK(redact("Incorrect API key provided: c", "c") == "Incorrect API key provided: [redacted]");
    CHECK(redact("key \"test\" rejected (test)", "test") == "key \"[redacted]\" rejected ([redacted])");
    CHECK(redact("Bearer abc. And abc", "abc") == "Bearer [redacted]. And [redacted]");
    CHECK(redact("x=abc", "=abc") == "x[redacted]");  // the key's own '=' is the boundary
  }
  SECTION("a key that occurs in the mark itself ends and is replaced once") {
    CHECK(redact("e", "e") == "[redacted]");
    CHECK(redact("see e here", "e") == "see [redacted] here");
    CHECK(redact("[redacted]", "redacted") == "[[redacted]]");
  }
  SECTION("a long key is redacted wherever it appears, even glued to other text") {
    const std::string key = "sk-test-0123456789";
    REQUIRE(key.size() >= detail::redact_anywhere_length);
    CHECK(redact("prefix" + key + "suffix, and " + key, key) == "prefix[redacted]suffix, and [redacted]");
    CHECK(redact("no key here", key) == "no key here");
  }
  SECTION("an empty key changes nothing") { CHECK(redact("anything", "") == "anything"); }
  SECTION("the ledger of a call that succeeds after a retry") {
    fake_server server(json::array(
        {{{"status", 503}, {"headers", {{"retry-after-ms", "1"}}},
          {"error", {{"message", std::string("overloaded; your key ") + test_api_key + " is fine"}}}},
         {{"content", "ok"}}}));
    auto r = run_send(server, fast_retries(2));
    CHECK_FALSE(r.ec);
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].message == "HTTP 503: overloaded; your key [redacted] is fine");
  }
  SECTION("through a failed call: a one-character key") {
    fake_server server(json::array(
        {{{"status", 401}, {"error", {{"message", "Incorrect API key provided: c. Check your key."}}}}}));
    client_options options = options_for(server);
    options.api_key = "c";
    auto r = run_send(server, fast_retries(0), chat_request(), options);
    const error e = detail::make_transport_error(r.ec, r.response, r.attempts, options);
    const std::string what = e.what();
    CHECK(e.provider_message == "Incorrect API key provided: [redacted]. Check your key.");
    CHECK(what.find("refused the credentials") != std::string::npos);
    CHECK(what.find("check client_options::api_key") != std::string::npos);
    CHECK(what.find(": c.") == std::string::npos);
    REQUIRE(e.ledger.size() == 1);
    CHECK(e.ledger[0].message.find("provided: [redacted].") != std::string::npos);
  }
}

TEST_CASE("the retry policy's rules, piece by piece", "[client][retry]") {
  using detail::http_response;
  auto response = [](int status, std::vector<std::pair<std::string, std::string>> headers = {},
                     std::string body = {}) {
    http_response r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
  };
  SECTION("classification") {
    CHECK(detail::classify_attempt({}, response(200)).error == std::error_code());
    for (int status : {408, 409, 429, 500, 502, 503, 504})
      CHECK(detail::classify_attempt({}, response(status)).retryable);
    for (int status : {400, 401, 403, 404, 422})
      CHECK_FALSE(detail::classify_attempt({}, response(status)).retryable);
    CHECK(detail::classify_attempt(make_error_code(errc::connection), response(0)).retryable);
    CHECK(detail::classify_attempt(make_error_code(errc::timeout), response(0)).retryable);
    CHECK_FALSE(detail::classify_attempt(make_error_code(errc::cancelled), response(0)).retryable);
    CHECK(detail::classify_attempt({}, response(429)).error == errc::rate_limited);
    CHECK(detail::classify_attempt({}, response(500)).error == errc::http_status);
    CHECK(detail::classify_attempt({}, response(503, {{"x-should-retry", "False"}})).retryable == false);
    const auto quota = response(429, {}, R"({"error":{"type":"insufficient_quota","message":"m"}})");
    CHECK(detail::classify_attempt({}, quota).error == errc::quota);
    CHECK_FALSE(detail::classify_attempt({}, quota).retryable);
    // The word in a message is not the code.
    CHECK_FALSE(detail::is_insufficient_quota(response(429, {}, R"({"error":{"message":"not insufficient_quota"}})")));
  }
  SECTION("server-requested waits") {
    const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after-ms", "250"}}), now) == milliseconds(250));
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after-ms", "0.5"}}), now) == milliseconds(1));
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after", "2"}}), now) == milliseconds(2000));
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after", "Sun, 06 Nov 1994 08:49:47 GMT"}}), now) ==
          milliseconds(10'000));
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after", "Sunday, 06-Nov-94 08:49:40 GMT"}}), now) ==
          milliseconds(3000));
    CHECK(detail::requested_retry_wait(response(429, {{"retry-after", "Sun Nov  6 08:49:42 1994"}}), now) ==
          milliseconds(5000));
    // Out of (0, 60 s]: ignored, the backoff applies.
    CHECK_FALSE(detail::requested_retry_wait(response(429, {{"retry-after", "61"}}), now));
    CHECK_FALSE(detail::requested_retry_wait(response(429, {{"retry-after", "0"}}), now));
    CHECK_FALSE(detail::requested_retry_wait(response(429, {{"retry-after", "Sun, 06 Nov 1994 08:49:30 GMT"}}), now));
    CHECK_FALSE(detail::requested_retry_wait(response(429, {{"retry-after", "soon"}}), now));
    CHECK_FALSE(detail::requested_retry_wait(response(429), now));
  }
  SECTION("exponential backoff with jitter") {
    CHECK(detail::backoff_wait(0, 0.0) == milliseconds(500));
    CHECK(detail::backoff_wait(1, 0.0) == milliseconds(1000));
    CHECK(detail::backoff_wait(3, 0.0) == milliseconds(4000));
    CHECK(detail::backoff_wait(4, 0.0) == milliseconds(8000));
    CHECK(detail::backoff_wait(20, 0.0) == milliseconds(8000));
    CHECK(detail::backoff_wait(0, 0.999) > milliseconds(374));
    CHECK(detail::backoff_wait(0, 0.999) < milliseconds(376));
  }
}
