// SPDX-License-Identifier: MIT
#include "client_options_for.hpp"
#include "fake_server.hpp"
#include "limit/endpoint_limiter.hpp"

#include <schemaforge/stream.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::options_for;
namespace asio = boost::asio;
namespace sf = schemaforge;

namespace {

// Every event as one line: "text:Hel", "partial:{...}", "field:/a", "restart", ...
struct event_log {
  std::vector<std::string> lines;

  sf::stream_options options(bool follow_json = false) {
    sf::stream_options o;
    o.follow_json = follow_json;
    o.on_event = [this](const sf::stream_event& e) {
      switch (e.type) {
        case sf::stream_event::kind::text_delta: lines.push_back("text:" + std::string(e.text)); break;
        case sf::stream_event::kind::refusal_delta: lines.push_back("refusal:" + std::string(e.text)); break;
        case sf::stream_event::kind::tool_arguments_delta:
          lines.push_back("tool" + std::to_string(e.tool_call) + ":" + std::string(e.text));
          break;
        case sf::stream_event::kind::partial_object: lines.push_back("partial:" + e.value->dump()); break;
        case sf::stream_event::kind::field_complete:
          lines.push_back("field:" + std::string(e.pointer) + "=" + e.value->dump());
          break;
        case sf::stream_event::kind::restart: lines.push_back("restart"); break;
      }
    };
    return o;
  }
};

// One event of a fake server "stream" script: a chat.completion.chunk with this delta.
json chunk(json delta, json finish = nullptr) {
  return json{{"data", {{"id", "c1"}, {"object", "chat.completion.chunk"}, {"model", "fake-model"},
                        {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}}}};
}

// The same event, sent after a pause.
json slow(json event, int delay_ms) {
  event["delay_ms"] = delay_ms;
  return event;
}

// Runs one async_stream_chat to its end on `io`; returns the result or rethrows its error.
sf::chat_result run(asio::io_context& io, const sf::client& c, sf::stream_options so,
                    std::vector<sf::message> messages = {sf::user_message("Hi")}) {
  auto future = sf::async_stream_chat(c, std::move(messages), {}, std::move(so), asio::use_future);
  io.run();
  io.restart();
  return future.get();
}

}  // namespace

TEST_CASE("async_stream_chat: text deltas, request and result", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;

  SECTION("coroutine") {
    server.push(json{{"stream_content", json::array({"Hel", "lo", " world"})}, {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 4}, {"total_tokens", 7}}}});
    std::optional<sf::chat_result> result;
    std::vector<sf::message> messages{sf::user_message("Hi")};
    // Built outside the coroutine: GCC 12 mishandles temporaries inside a co_await expression.
    auto so = log.options();
    sf::chat_options co;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      result = co_await sf::async_stream_chat(c, messages, co, so, asio::use_awaitable);
    }, asio::detached);
    io.run();
    REQUIRE(result);
    CHECK(log.lines == std::vector<std::string>{"text:Hel", "text:lo", "text: world"});
    CHECK(result->content == "Hello world");
    CHECK(result->finish_reason == "stop");
    CHECK(result->model == "fake-model");
    CHECK(result->usage.total_tokens == 7);
    REQUIRE(result->ledger.size() == 1);
    CHECK_FALSE(result->ledger[0].error);

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const json body = requests[0].json();
    CHECK(body["stream"] == true);
    CHECK(body["stream_options"]["include_usage"] == true);
    CHECK(body["model"] == "fake-model");
    CHECK(requests[0].header("accept") == "text/event-stream");
  }
  SECTION("future, and a plain callback") {
    server.push(json{{"stream_content", json::array({"a", "b"})}});
    CHECK(run(io, c, log.options()).content == "ab");

    server.push(json{{"stream_content", json::array({"c"})}});
    std::optional<std::string> got;
    sf::async_stream_chat(c, {sf::user_message("x")}, {}, {}, [&](std::exception_ptr e, sf::chat_result r) {
      CHECK_FALSE(e);
      got = r.content;
    });
    io.run();
    CHECK(got == "c");
  }
  SECTION("deferred, and the blocking twin") {
    server.push(json{{"stream_content", json::array({"d"})}});
    auto op = sf::async_stream_chat(c, {sf::user_message("x")}, {}, log.options(), asio::deferred);
    CHECK(server.request_count() == 0);  // nothing is sent before the deferred operation is launched
    std::optional<std::string> got;
    std::move(op)([&](std::exception_ptr e, sf::chat_result r) {
      CHECK_FALSE(e);
      got = r.content;
    });
    io.run();
    io.restart();
    CHECK(got == "d");

    server.push(json{{"stream_content", json::array({"bl", "ocking"})}});
    log.lines.clear();
    CHECK(sf::stream_chat(c, {sf::user_message("x")}, {}, log.options()).content == "blocking");
    CHECK(log.lines == std::vector<std::string>{"text:bl", "text:ocking"});
  }
  SECTION("slow chunks arrive as separate events, in order") {
    json events = json::array();
    for (const char* piece : {"one ", "two ", "three"}) events.push_back(slow(chunk({{"content", piece}}), 20));
    events.push_back(chunk(json::object(), "stop"));
    server.push(json{{"stream", events}});
    CHECK(run(io, c, log.options()).content == "one two three");
    CHECK(log.lines == std::vector<std::string>{"text:one ", "text:two ", "text:three"});
  }
  SECTION("tool-call argument deltas and refusals") {
    server.push(json{{"stream", json::array({
                          chunk({{"role", "assistant"}, {"tool_calls", json::array({{{"index", 0}, {"id", "call_1"}, {"type", "function"}, {"function", {{"name", "extract"}, {"arguments", ""}}}}})}}),
                          chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "{\"a\":"}}}}})}}),
                          chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "1}"}}}}})}}),
                          chunk(json::object(), "tool_calls"),
                      })}});
    const auto r = run(io, c, log.options());
    CHECK(log.lines == std::vector<std::string>{"tool0:{\"a\":", "tool0:1}"});
    REQUIRE(r.tool_calls.size() == 1);
    CHECK(r.tool_calls[0].id == "call_1");
    CHECK(r.tool_calls[0].name == "extract");
    CHECK(r.tool_calls[0].arguments == "{\"a\":1}");
    CHECK(r.finish_reason == "tool_calls");

    log.lines.clear();
    server.push(json{{"stream", json::array({chunk({{"refusal", "I can't"}}), chunk({{"refusal", " help."}}, "stop")})}});
    CHECK(run(io, c, log.options()).refusal == "I can't help.");
    CHECK(log.lines == std::vector<std::string>{"refusal:I can't", "refusal: help."});
  }
}

TEST_CASE("async_stream_chat: partial objects and field complete events", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"stream_content", json::array({"```json\n{\"name\": \"Ad", "a\", \"tags\": [\"x\"", ", \"y\"]}", "\n```"})}});
  const auto r = run(io, c, log.options(true));
  CHECK(r.content == "```json\n{\"name\": \"Ada\", \"tags\": [\"x\", \"y\"]}\n```");
  const std::vector<std::string> expected = {
      "text:```json\n{\"name\": \"Ad",
      "partial:{\"name\":\"Ad\"}",
      "text:a\", \"tags\": [\"x\"",
      "field:/name=\"Ada\"",
      "field:/tags/0=\"x\"",
      "partial:{\"name\":\"Ada\",\"tags\":[\"x\"]}",
      "text:, \"y\"]}",
      "field:/tags/1=\"y\"",
      "field:/tags=[\"x\",\"y\"]",
      "field:={\"name\":\"Ada\",\"tags\":[\"x\",\"y\"]}",
      "partial:{\"name\":\"Ada\",\"tags\":[\"x\",\"y\"]}",
      "text:\n```",
  };
  CHECK(log.lines == expected);
}

TEST_CASE("async_stream_chat: broken streams are errors, never partial answers", "[stream]") {
  fake_server server;
  asio::io_context io;
  event_log log;

  SECTION("the body ends cleanly without [DONE] or a finish_reason") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"stream", json::array({chunk({{"content", "{\"a\": 1"}})})}, {"done", false}});
    try {
      run(io, c, log.options());
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::connection);
      CHECK(std::string(e.what()).find("before [DONE]") != std::string::npos);
      REQUIRE(e.ledger.size() == 1);
      CHECK(e.ledger[0].error == sf::errc::connection);
      CHECK(e.request_id == "req_fake_1");
    }
    CHECK(log.lines == std::vector<std::string>{"text:{\"a\": 1"});
  }
  SECTION("the connection is cut before the finish_reason") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"stream", json::array({chunk({{"content", "Hel"}})})}, {"truncate", true}});
    CHECK_THROWS_AS(run(io, c, log.options()), sf::error);
    CHECK(server.request_count() == 1);
  }
  SECTION("the connection is cut after the finish_reason: the answer is whole") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"stream", json::array({chunk({{"content", "Hello"}}), chunk(json::object(), "stop")})}, {"truncate", true}});
    const auto r = run(io, c, log.options());
    CHECK(r.content == "Hello");
    CHECK_FALSE(r.ledger.back().error);
  }
  SECTION("a cut stream is retried, and the caller is told to discard what it got") {
    sf::client c(io.get_executor(), options_for(server, 1));
    server.push(json{{"stream", json::array({chunk({{"content", "Hel"}})})}, {"truncate", true}});
    server.push(json{{"stream_content", json::array({"Hello"})}});
    const auto r = run(io, c, log.options());
    CHECK(r.content == "Hello");
    CHECK(log.lines == std::vector<std::string>{"text:Hel", "restart", "text:Hello"});
    CHECK(r.ledger.size() == 2);
    CHECK(server.request_count() == 2);
  }
  SECTION("a retry after an HTTP error before the body is silent") {
    sf::client c(io.get_executor(), options_for(server, 1));
    server.push(json{{"status", 503}, {"headers", {{"retry-after-ms", "1"}}}});
    server.push(json{{"stream_content", json::array({"ok"})}});
    const auto r = run(io, c, log.options());
    CHECK(r.content == "ok");
    CHECK(log.lines == std::vector<std::string>{"text:ok"});
    CHECK(r.ledger.size() == 2);
  }
  SECTION("an error object inside the stream") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"stream", json::array({chunk({{"content", "Hel"}}), json{{"data", {{"error", {{"message", "Tool call validation failed"}, {"code", "tool_use_failed"}, {"status_code", 400}}}}}}})}, {"done", false}});
    try {
      run(io, c, log.options());
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::http_status);
      CHECK(e.provider_message == "Tool call validation failed");
      CHECK(e.http_status == 400);
    }
  }
  SECTION("an HTTP error status is the transport's error") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"status", 401}, {"error", {{"message", "bad key"}, {"type", "invalid_request_error"}}}});
    try {
      run(io, c, log.options());
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.http_status == 401);
      CHECK(e.provider_message == "bad key");
    }
    CHECK(log.lines.empty());
  }
  SECTION("an exception from the callback ends the call with it") {
    sf::client c(io.get_executor(), options_for(server));
    server.push(json{{"stream_content", json::array({"a", "b"})}});
    sf::stream_options so;
    int calls = 0;
    so.on_event = [&](const sf::stream_event&) {
      ++calls;
      throw std::runtime_error("consumer gave up");
    };
    CHECK_THROWS_WITH(run(io, c, so), "consumer gave up");
    CHECK(calls == 1);
  }
}

TEST_CASE("async_stream_chat: cancellation ends the transfer in flight", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  // The answer's second half would come 10 s later: only cancellation ends the call early.
  server.push(json{{"stream", json::array({chunk({{"content", "first"}}), slow(chunk({{"content", "late"}}), 10000),
                                           chunk(json::object(), "stop")})}});
  asio::cancellation_signal signal;
  std::vector<std::string> seen;
  sf::stream_options so;
  so.on_event = [&](const sf::stream_event& e) {
    seen.emplace_back(e.text);
    // Not from inside the transfer's callback: cancel once it has returned.
    asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
  };
  std::exception_ptr failure;
  bool completed = false;
  sf::async_stream_chat(c, {sf::user_message("x")}, {}, so,
                        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, sf::chat_result) {
                          failure = e;
                          completed = true;
                        }));
  io.run();
  REQUIRE(completed);
  CHECK(seen == std::vector<std::string>{"first"});
  REQUIRE(failure);
  try {
    std::rethrow_exception(failure);
  } catch (const sf::error& e) {
    CHECK(e.code() == sf::errc::cancelled);
  }
}

TEST_CASE("async_stream_chat: a server that ignores stream: true", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  const json completion = {{"id", "x"}, {"object", "chat.completion"}, {"model", "m"},
                           {"choices", json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", "plain answer"}}}, {"finish_reason", "stop"}}})},
                           {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 2}, {"total_tokens", 3}}}};
  server.push(json{{"body", completion.dump()}, {"headers", {{"content-type", "application/json"}}}});
  const auto r = run(io, c, log.options());
  CHECK(r.content == "plain answer");
  CHECK(r.usage.total_tokens == 3);
  CHECK(log.lines == std::vector<std::string>{"text:plain answer"});
}

TEST_CASE("open_stream_chat: events as an async sequence", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));

  SECTION("a whole answer, read from a coroutine") {
    server.push(json{{"stream_content", json::array({"{\"a\": 1", ", \"b\": 2}"})}});
    std::vector<std::string> lines;
    std::optional<sf::chat_result> result;
    auto stream = sf::open_stream_chat(c, {sf::user_message("x")}, {}, true);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      while (auto e = co_await stream.async_next(asio::use_awaitable)) {
        if (e->type == sf::stream_event::kind::text_delta) lines.push_back("text:" + e->text);
        if (e->type == sf::stream_event::kind::partial_object) lines.push_back("partial:" + e->value.dump());
        if (e->type == sf::stream_event::kind::field_complete) lines.push_back("field:" + e->pointer);
      }
      result = stream.result();
    }, asio::detached);
    io.run();
    REQUIRE(result);
    CHECK(result->content == "{\"a\": 1, \"b\": 2}");
    // Fields complete while a delta is read; the partial object follows the whole delta.
    CHECK(lines == std::vector<std::string>{"text:{\"a\": 1", "partial:{}", "text:, \"b\": 2}", "field:/a", "field:/b",
                                            "field:", "partial:{\"a\":1,\"b\":2}"});
  }
  SECTION("a truncated stream ends the sequence with the error") {
    server.push(json{{"stream", json::array({chunk({{"content", "Hel"}})})}, {"done", false}});
    std::vector<std::string> texts;
    std::exception_ptr failure;
    auto stream = sf::open_stream_chat(c, {sf::user_message("x")});
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      try {
        while (auto e = co_await stream.async_next(asio::use_awaitable)) texts.push_back(e->text);
      } catch (...) {
        failure = std::current_exception();
      }
    }, asio::detached);
    io.run();
    CHECK(texts == std::vector<std::string>{"Hel"});
    REQUIRE(failure);
    CHECK_THROWS_AS(std::rethrow_exception(failure), sf::error);
    CHECK_THROWS_AS(stream.result(), sf::error);
  }
}

TEST_CASE("async_stream_chat: the stream's usage corrects the endpoint's token charge", "[stream]") {
  fake_server server;
  asio::io_context io;
  sf::client_options o = options_for(server);
  o.tokens_per_minute = 60'000;  // 1,000 tokens a second
  sf::client c(io.get_executor(), o);
  server.push(json{{"stream_content", json::array({"a", "b"})},
                   {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 4}, {"total_tokens", 7}}}});
  sf::chat_options co;
  co.max_tokens = 100'000;  // charged 100 s of the budget before the request is sent
  auto future = sf::async_stream_chat(c, {sf::user_message("Hi")}, co, sf::stream_options{}, asio::use_future);
  io.run();
  REQUIRE(future.get().usage.total_tokens == 7);
  // Had the charge stayed at the estimate, the next request of one token would wait about 100 s;
  // corrected to the 7 tokens used, it may start within milliseconds of the first.
  auto limiter = sf::detail::endpoint_limiter::for_endpoint(server.base_url());
  const auto now = sf::detail::endpoint_limiter::clock::now();
  CHECK(limiter->reserve(1, now).start < now + std::chrono::seconds(10));
}
