// SPDX-License-Identifier: MIT
#include "client_options_for.hpp"
#include "fake_server.hpp"
#include "structure_test_types.hpp"

#include <schemaforge/stream_structure.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::options_for;
namespace asio = boost::asio;
namespace sf = schemaforge;
using kind = sf::structure_stream_event::kind;

namespace {

const json person_schema = json::parse(structure_test::Person::json_schema());

sf::structure_options mode(sf::structure_mode m, int max_reasks = 2) {
  sf::structure_options o;
  o.mode = m;
  o.max_reasks = max_reasks;
  return o;
}

std::string reason_name(sf::attempt::kind k) {
  switch (k) {
    case sf::attempt::kind::initial: return "initial";
    case sf::attempt::kind::retry: return "retry";
    case sf::attempt::kind::reask: return "reask";
  }
  return "?";
}

// Every event as one line: "text:Hel", "partial:{...}", "field:/a=1", "restart:reask", "value:{...}".
struct event_log {
  std::vector<std::string> lines;

  sf::structure_stream_options options() {
    sf::structure_stream_options o;
    o.on_event = [this](const sf::structure_stream_event& e) { lines.push_back(line(e)); };
    return o;
  }

  static std::string line(const sf::structure_stream_event& e) {
    switch (e.type) {
      case kind::text_delta: return "text:" + std::string(e.text);
      case kind::refusal_delta: return "refusal:" + std::string(e.text);
      case kind::tool_arguments_delta: return "tool" + std::to_string(e.tool_call) + ":" + std::string(e.text);
      case kind::partial_object: return "partial:" + e.value->dump();
      case kind::field_complete: return "field:" + std::string(e.pointer) + "=" + e.value->dump();
      case kind::restart: return "restart:" + reason_name(e.reason);
      case kind::value: return "value:" + e.value->dump();
    }
    return "?";
  }

  std::size_t count(const std::string& prefix) const {
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
  }
};

// One event of a fake server "stream" script: a chat.completion.chunk with this delta.
json chunk(json delta, json finish = nullptr) {
  return json{{"data", {{"id", "c1"}, {"object", "chat.completion.chunk"}, {"model", "fake-model"},
                        {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}}}};
}

json slow(json event, int delay_ms) {
  event["delay_ms"] = delay_ms;
  return event;
}

sf::structure_result<json> run(asio::io_context& io, const sf::client& c, sf::structure_options o,
                               sf::structure_stream_options so, const std::string& text = "x") {
  auto future = sf::async_stream_structure(c, text, person_schema, std::move(o), std::move(so), asio::use_future);
  io.run();
  io.restart();
  return future.get();
}

sf::errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const sf::error& e) {
    return static_cast<sf::errc>(e.code().value());
  }
  FAIL("no schemaforge::error was thrown");
  return sf::errc::invalid_argument;
}

}  // namespace

TEST_CASE("stream structure: every event kind, json_schema mode", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"stream_content", json::array({"{\"name\": \"Ad", "a\", \"age\": 3", "6}"})},
                   {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 4}, {"total_tokens", 7}}}});
  const auto r = run(io, c, mode(sf::structure_mode::json_schema), log.options());

  CHECK(r.value == json{{"name", "Ada"}, {"age", 36}});
  CHECK(r.mode == sf::structure_mode::json_schema);
  CHECK(r.usage.total_tokens == 7);
  REQUIRE(r.ledger.size() == 1);
  CHECK_FALSE(r.ledger[0].error);
  // A partial object after each delta, a field as soon as it can no longer change (a number
  // only when the character after it arrives), the validated value last.
  CHECK(log.lines == std::vector<std::string>{
                         "text:{\"name\": \"Ad", "partial:{\"name\":\"Ad\"}",
                         "text:a\", \"age\": 3", "field:/name=\"Ada\"", "partial:{\"name\":\"Ada\"}",
                         "text:6}", "field:/age=36", "field:={\"age\":36,\"name\":\"Ada\"}", "partial:{\"age\":36,\"name\":\"Ada\"}",
                         "value:{\"age\":36,\"name\":\"Ada\"}"});

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const json body = requests[0].json();
  CHECK(body["stream"] == true);
  CHECK(body["stream_options"]["include_usage"] == true);
  CHECK(body["response_format"]["type"] == "json_schema");
  CHECK(requests[0].header("accept") == "text/event-stream");
}

TEST_CASE("stream structure: tools mode streams the argument deltas", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"tool_arguments", "{\"name\":\"Bo\",\"age\":7,\"email\":null}"}});
  const auto r = run(io, c, mode(sf::structure_mode::tools), log.options());

  // Strict tools mode sends optional fields as nullable; the value maps null back to absent.
  CHECK(r.value == json{{"name", "Bo"}, {"age", 7}});
  CHECK(r.mode == sf::structure_mode::tools);
  CHECK(log.count("text:") == 0);
  CHECK(log.count("tool0:") == 3);
  CHECK(log.count("partial:") >= 2);
  CHECK(std::find(log.lines.begin(), log.lines.end(), "field:/name=\"Bo\"") != log.lines.end());
  CHECK(std::find(log.lines.begin(), log.lines.end(), "field:/email=null") != log.lines.end());
  CHECK(log.lines.back() == "value:{\"age\":7,\"name\":\"Bo\"}");
  const json body = server.requests().at(0).json();
  CHECK(body["stream"] == true);
  CHECK(body["tools"].size() == 1);
}

TEST_CASE("stream structure: json and prompt modes follow the content past prose", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"stream_content", json::array({"Here it is:\n```json\n{\"name\": \"Cy\",", " \"age\": 1}\n```"})}});
  const auto r = run(io, c, mode(sf::structure_mode::prompt), log.options());
  CHECK(r.value == json{{"name", "Cy"}, {"age", 1}});
  CHECK(log.count("partial:") == 2);
  CHECK(r.ledger.at(0).repairs.size() >= 1);  // the fence was repaired locally, as without streaming
  CHECK_FALSE(server.requests().at(0).json().contains("response_format"));
}

TEST_CASE("stream structure: slow chunks arrive as separate events, in order", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"stream_content", json::array({"{\"name\"", ": \"Di\"", ", \"age\"", ": 40", "}"})}, {"chunk_delay_ms", 15}});
  const auto r = run(io, c, mode(sf::structure_mode::json_schema), log.options());
  CHECK(r.value == json{{"name", "Di"}, {"age", 40}});
  CHECK(log.count("text:") == 5);
  // Each delta is followed by its own partial when the visible value changed.
  CHECK(log.lines[0] == "text:{\"name\"");
  CHECK(log.lines[1] == "partial:{}");
  CHECK(log.count("value:") == 1);
}

TEST_CASE("stream structure: a truncated stream is retried, then an error, never a partial value", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  event_log log;
  const json cut = json{{"stream", json::array({chunk({{"role", "assistant"}, {"content", "{\"name\": \"Ed\", \"ag"}})})}, {"done", false}};

  SECTION("a clean end before [DONE] or finish_reason is retried with a restart event") {
    sf::client c(io.get_executor(), options_for(server, 1));
    server.push(cut);
    server.push(json{{"content", "{\"name\": \"Ed\", \"age\": 5}"}});
    const auto r = run(io, c, mode(sf::structure_mode::json_schema), log.options());
    CHECK(r.value == json{{"name", "Ed"}, {"age", 5}});
    REQUIRE(r.ledger.size() == 2);
    CHECK(r.ledger[0].error == sf::errc::connection);
    CHECK(r.ledger[1].reason == sf::attempt::kind::retry);
    CHECK_FALSE(r.ledger[1].error);
    CHECK(log.count("restart:retry") == 1);
    CHECK(log.lines.back() == "value:{\"age\":5,\"name\":\"Ed\"}");
  }
  SECTION("a connection cut mid-stream is retried by the transport") {
    sf::client c(io.get_executor(), options_for(server, 1));
    server.push(json{{"stream", json::array({chunk({{"content", "{\"name\": "}})})}, {"truncate", true}});
    server.push(json{{"content", "{\"name\": \"Fa\", \"age\": 6}"}});
    const auto r = run(io, c, mode(sf::structure_mode::json_schema), log.options());
    CHECK(r.value == json{{"name", "Fa"}, {"age", 6}});
    CHECK(r.ledger.size() == 2);
    CHECK(log.count("restart:retry") == 1);
  }
  SECTION("still truncated when the retries are used up: errc::connection") {
    sf::client c(io.get_executor(), options_for(server, 1));
    server.push(cut);
    server.push(cut);
    server.push(json{{"content", "{\"name\": \"never\", \"age\": 1}"}});
    std::optional<sf::error> failure;
    try {
      run(io, c, mode(sf::structure_mode::json_schema), log.options());
    } catch (const sf::error& e) {
      failure = e;
    }
    REQUIRE(failure);
    CHECK(failure->code() == sf::errc::connection);
    CHECK(std::string(failure->what()).find("[DONE]") != std::string::npos);
    CHECK(failure->ledger.size() == 2);
    CHECK(server.request_count() == 2);
    CHECK(log.count("value:") == 0);
  }
  SECTION("max_retries 0: the first truncation is the error") {
    sf::client c(io.get_executor(), options_for(server, 0));
    server.push(cut);
    CHECK(code_of([&] { run(io, c, mode(sf::structure_mode::json_schema), log.options()); }) == sf::errc::connection);
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("stream structure: a reask after an invalid streamed answer is streamed too", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  server.push(json{{"stream_content", json::array({"{\"name\": 5,", " \"age\": -1}"})}});
  server.push(json{{"stream_content", json::array({"{\"name\": \"Gil\",", " \"age\": 2}"})}});
  const auto r = run(io, c, mode(sf::structure_mode::json_schema), log.options());
  CHECK(r.value == json{{"name", "Gil"}, {"age", 2}});
  REQUIRE(r.ledger.size() == 2);
  CHECK(r.ledger[0].error == sf::errc::validation_failed);
  CHECK(r.ledger[1].reason == sf::attempt::kind::reask);
  CHECK(log.count("restart:reask") == 1);
  CHECK(log.count("value:") == 1);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  const json reask = requests[1].json();
  CHECK(reask["stream"] == true);
  const std::string last_message = reask["messages"].back()["content"].get<std::string>();
  CHECK(last_message.find("/name") != std::string::npos);
  CHECK(last_message.find("/age") != std::string::npos);

  SECTION("reasks used up: the validation error, not a value") {
    event_log second;
    server.push(json{{"stream_content", json::array({"{\"name\": 1, \"age\": 1}"})}});
    server.push(json{{"stream_content", json::array({"{\"name\": 2, \"age\": 1}"})}});
    CHECK(code_of([&] { run(io, c, mode(sf::structure_mode::json_schema, 1), second.options()); }) ==
          sf::errc::validation_failed);
    CHECK(second.count("value:") == 0);
  }
}

TEST_CASE("stream structure: refusals and length are errors as without streaming", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  event_log log;
  SECTION("refusal") {
    server.push(json{{"stream", json::array({chunk({{"refusal", "I can't"}}), chunk({{"refusal", " help."}}, "stop")})}});
    CHECK(code_of([&] { run(io, c, mode(sf::structure_mode::json_schema), log.options()); }) == sf::errc::refusal);
    CHECK(log.lines == std::vector<std::string>{"refusal:I can't", "refusal: help."});
  }
  SECTION("length") {
    server.push(json{{"stream_content", json::array({"{\"name\": \"H"})}, {"finish_reason", "length"}});
    CHECK(code_of([&] { run(io, c, mode(sf::structure_mode::json_schema), log.options()); }) == sf::errc::length);
  }
}

TEST_CASE("stream structure: cancellation ends the transfer in flight", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  // The answer's second half would come 10 s later: only cancellation ends the call early.
  server.push(json{{"stream", json::array({chunk({{"content", "{\"name\": \"I"}}), slow(chunk({{"content", "vy\", \"age\": 1}"}}), 10000),
                                           chunk(json::object(), "stop")})}});
  asio::cancellation_signal signal;
  std::vector<std::string> seen;
  sf::structure_stream_options so;
  so.on_event = [&](const sf::structure_stream_event& e) {
    seen.push_back(event_log::line(e));
    asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
  };
  std::exception_ptr failure;
  bool completed = false;
  sf::async_stream_structure(c, "x", person_schema, mode(sf::structure_mode::json_schema), so,
                             asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, sf::structure_result<json>) {
                               failure = e;
                               completed = true;
                             }));
  io.run();
  REQUIRE(completed);
  CHECK(seen == std::vector<std::string>{"text:{\"name\": \"I", "partial:{\"name\":\"I\"}"});
  REQUIRE(failure);
  CHECK(code_of([&] { std::rethrow_exception(failure); }) == sf::errc::cancelled);
}

TEST_CASE("stream structure: generated types, coroutines, the blocking twin", "[stream][structure]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  server.set_default(json{{"stream_content", json::array({"{\"name\": \"Jo\", ", "\"age\": 3, \"email\": \"j@x.org\"}"})}});

  SECTION("async iteration from a coroutine") {
    std::vector<std::string> lines;
    std::optional<sf::structure_result<structure_test::Person>> result;
    auto stream = sf::open_stream_structure<structure_test::Person>(c, "x", mode(sf::structure_mode::json_schema));
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      while (auto e = co_await stream.async_next(asio::use_awaitable)) {
        if (e->type == kind::field_complete) lines.push_back("field:" + e->pointer);
        if (e->type == kind::value) lines.push_back("value:" + e->value.dump());
      }
      result = stream.result();
    }, asio::detached);
    io.run();
    REQUIRE(result);
    CHECK(result->value.name == "Jo");
    CHECK(result->value.age == 3);
    CHECK(result->value.email == "j@x.org");
    CHECK(lines == std::vector<std::string>{"field:/name", "field:/age", "field:/email", "field:",
                                            "value:{\"age\":3,\"email\":\"j@x.org\",\"name\":\"Jo\"}"});
  }
  SECTION("async iteration ends with the call's error") {
    server.push(json{{"stream", json::array({chunk({{"content", "{\"na"}})})}, {"done", false}});
    std::exception_ptr failure;
    auto stream = sf::open_stream_structure(c, "x", sf::schema(person_schema), mode(sf::structure_mode::json_schema));
    std::size_t events = 0;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      try {
        while (auto e = co_await stream.async_next(asio::use_awaitable)) ++events;
      } catch (...) {
        failure = std::current_exception();
      }
    }, asio::detached);
    io.run();
    CHECK(events >= 1);
    REQUIRE(failure);
    CHECK(code_of([&] { std::rethrow_exception(failure); }) == sf::errc::connection);
    CHECK(code_of([&] { (void)stream.result(); }) == sf::errc::connection);
  }
  SECTION("typed async form with use_future, tools mode") {
    event_log log;
    server.push(json{{"tool_arguments", "{\"name\":\"Kim\",\"age\":8,\"email\":null}"}});
    auto future = sf::async_stream_structure<structure_test::Person>(c, "x", mode(sf::structure_mode::tools),
                                                                     log.options(), asio::use_future);
    io.run();
    const auto r = future.get();
    CHECK(r.value.name == "Kim");
    CHECK_FALSE(r.value.email);
    CHECK(log.count("tool0:") == 3);
  }
  SECTION("blocking twin") {
    event_log log;
    const auto r = sf::stream_structure<structure_test::Person>(c, "x", mode(sf::structure_mode::json_schema), log.options());
    CHECK(r.value.name == "Jo");
    CHECK(log.count("text:") == 2);
    CHECK(log.lines.back().rfind("value:", 0) == 0);
  }
  SECTION("an exception from the callback ends the call with it") {
    sf::structure_stream_options so;
    so.on_event = [](const sf::structure_stream_event& e) {
      if (e.type == kind::partial_object) throw std::runtime_error("stop here");
    };
    CHECK_THROWS_WITH(sf::stream_structure(c, "x", sf::schema(person_schema), mode(sf::structure_mode::json_schema), so),
                      "stop here");
  }
}
