// SPDX-License-Identifier: MIT
// async_structure / structure against the fake OpenAI server: every completion token, what the
// server received, repair, reasks, stop reasons, auto-mode fallback, cancellation, deadline.
#include "client_options_for.hpp"
#include "fake_server.hpp"
#include "structure/mode_memory.hpp"
#include "structure_test_types.hpp"

#include <schemaforge/structure.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <thread>

using nlohmann::json;
using schemaforge::testing::fake_server;
using structure_test::Person;
namespace asio = boost::asio;
namespace sf = schemaforge;

namespace {

const json person_schema = json::parse(Person::json_schema());

// The shared options, plus a key that must never be printed.
sf::client_options keyed_options_for(const fake_server& server) {
  sf::client_options o = sf::testing::options_for(server);
  o.api_key = "sk-test-never-printed";
  return o;
}

sf::structure_options in_mode(sf::structure_mode m) {
  sf::structure_options o;
  o.mode = m;
  return o;
}

// Runs a blocking call and returns its error (the call must fail).
sf::error failure_of(const fake_server& server, sf::structure_options options) {
  asio::io_context io;
  sf::client c(io.get_executor(), keyed_options_for(server));
  try {
    sf::structure<Person>(c, "Ada Lovelace, 36", options);
  } catch (const sf::error& e) {
    return e;
  }
  FAIL("the call did not fail");
  return sf::error(sf::errc::protocol, "unreachable");
}

json request_body(const fake_server& server, std::size_t i) { return server.requests().at(i).json(); }

}  // namespace

TEST_CASE("completion tokens", "[structure][client]") {
  fake_server server(json::array({json{{"content", R"({"name": "Ada", "age": 36})"}}}));
  asio::io_context io;
  sf::client c(io.get_executor(), keyed_options_for(server));

  SECTION("use_awaitable, typed") {
    std::optional<sf::structure_result<Person>> result;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      result = co_await sf::async_structure<Person>(c, "Ada Lovelace, 36", in_mode(sf::structure_mode::json_schema),
                                                    asio::use_awaitable);
    }, asio::detached);
    io.run();
    REQUIRE(result);
    CHECK(result->value.name == "Ada");
    CHECK(result->value.age == 36);
    CHECK(result->usage.total_tokens == 15);
    REQUIRE(result->ledger.size() == 1);
    CHECK(result->ledger[0].request_id == "req_fake_1");
    CHECK(server.request_count() == 1);
    json body = request_body(server, 0);
    CHECK(body["model"] == "fake-model");
    CHECK(body["response_format"]["json_schema"]["strict"] == true);
    CHECK(body["messages"].back() == json{{"role", "user"}, {"content", "Ada Lovelace, 36"}});
  }
  SECTION("use_future with the io_context run by another thread, run-time schema") {
    auto work = asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    auto future = sf::async_structure(c, "Ada", person_schema, {}, asio::use_future);
    auto result = future.get();
    work.reset();
    runner.join();
    CHECK(result.value == json{{"name", "Ada"}, {"age", 36}});
  }
  SECTION("deferred, launched later with a callback") {
    auto op = sf::async_structure(c, "Ada", sf::schema(person_schema), {}, asio::deferred);
    CHECK(server.request_count() == 0);  // nothing happens before launch
    json value;
    std::move(op)([&](std::exception_ptr e, sf::structure_result<json> r) {
      CHECK_FALSE(e);
      value = r.value;
    });
    io.run();
    CHECK(value["name"] == "Ada");
  }
  SECTION("plain callback, typed") {
    bool called = false;
    sf::async_structure<Person>(c, "Ada", [&](std::exception_ptr e, sf::structure_result<Person> r) {
      called = true;
      CHECK_FALSE(e);
      CHECK(r.value.age == 36);
    });
    io.run();
    CHECK(called);
  }
  SECTION("blocking twin, typed and with error_code") {
    auto r = sf::structure<Person>(c, "Ada");
    CHECK(r.value.name == "Ada");
    std::error_code ec;
    server.push(json{{"status", 401}, {"error", json{{"message", "bad key"}, {"type", "invalid_request_error"}}}});
    sf::error details(sf::errc::protocol, "");
    auto r2 = sf::structure(c, "Ada", sf::schema(person_schema), {}, ec, &details);
    CHECK(ec == sf::errc::http_status);
    CHECK(details.http_status == 401);
    CHECK(details.provider_message == "bad key");
    CHECK(std::string(details.what()).find("sk-test-never-printed") == std::string::npos);
  }
}

TEST_CASE("repair, reasks and stop reasons against the fake server", "[structure][client]") {
  fake_server server;

  SECTION("fenced JSON with prose is repaired without a reask") {
    server.push(json{{"content", "Sure:\n```json\n{\"name\": \"Ada\", \"age\": 36}\n```"}});
    asio::io_context io;
    sf::client c(io.get_executor(), keyed_options_for(server));
    auto r = sf::structure<Person>(c, "Ada", in_mode(sf::structure_mode::prompt));
    CHECK(r.value.name == "Ada");
    CHECK(server.request_count() == 1);
    CHECK(r.ledger.at(0).repairs == std::vector<std::string>{"code_fence"});
  }
  SECTION("invalid answer → reask with the error list → valid") {
    server.push(json{{"content", R"({"name": "Ada", "age": "36"})"}});
    server.push(json{{"content", R"({"name": "Ada", "age": 36})"}});
    asio::io_context io;
    sf::client c(io.get_executor(), keyed_options_for(server));
    auto r = sf::structure<Person>(c, "Ada", in_mode(sf::structure_mode::json));
    CHECK(r.value.age == 36);
    REQUIRE(server.request_count() == 2);
    json second = request_body(server, 1);
    CHECK(second["response_format"]["type"] == "json_object");
    const json& messages = second["messages"];
    CHECK(messages[messages.size() - 2]["content"] == R"({"name": "Ada", "age": "36"})");
    CHECK(messages.back()["content"].get<std::string>().find("- /age: ") != std::string::npos);
    CHECK(r.ledger.size() == 2);
    CHECK(r.ledger[1].reason == sf::attempt::kind::reask);
    CHECK(r.usage.total_tokens == 30);
  }
  SECTION("the same errors twice stop the reasks early") {
    for (int i = 0; i < 4; ++i) server.push(json{{"content", R"({"name": "Ada"})"}});
    auto options = in_mode(sf::structure_mode::json);
    options.max_reasks = 3;
    auto e = failure_of(server, options);
    CHECK(e.code() == sf::errc::validation_failed);
    CHECK(server.request_count() == 2);
    CHECK(e.ledger.size() == 2);
  }
  SECTION("tools mode: the forced call's arguments are the answer") {
    server.push(json{{"tool_arguments", R"({"name": "Ada", "age": 36, "email": null})"}, {"tool_name", "Person"}});
    asio::io_context io;
    sf::client c(io.get_executor(), keyed_options_for(server));
    auto r = sf::structure<Person>(c, "Ada", in_mode(sf::structure_mode::tools));
    CHECK_FALSE(r.value.email);
    json body = request_body(server, 0);
    CHECK(body["tools"][0]["function"]["name"] == "Person");
    CHECK(body["tool_choice"]["function"]["name"] == "Person");
  }
  SECTION("finish_reason length") {
    server.push(json{{"content", "{\"name\": \"A"}, {"finish_reason", "length"}});
    auto options = in_mode(sf::structure_mode::json_schema);
    options.max_tokens = 7;
    auto e = failure_of(server, options);
    CHECK(e.code() == sf::errc::length);
    CHECK(std::string(e.what()).find("max_tokens (7)") != std::string::npos);
    CHECK(request_body(server, 0)["max_tokens"] == 7);
    CHECK(server.request_count() == 1);
  }
  SECTION("refusal") {
    server.push(json{{"refusal", "I can't help with that."}});
    auto e = failure_of(server, in_mode(sf::structure_mode::json_schema));
    CHECK(e.code() == sf::errc::refusal);
    CHECK(std::string(e.what()).find("I can't help with that.") != std::string::npos);
  }
  SECTION("insufficient_quota is not retried") {
    server.push(json{{"status", 429},
                     {"error", json{{"message", "You exceeded your current quota"}, {"type", "insufficient_quota"},
                                    {"code", "insufficient_quota"}}}});
    asio::io_context io;
    auto o = keyed_options_for(server);
    o.max_retries = 3;
    sf::client c(io.get_executor(), o);
    try {
      sf::structure<Person>(c, "Ada");
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::quota);
      CHECK(e.http_status == 429);
    }
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("auto mode falls back and remembers per endpoint", "[structure][client]") {
  sf::detail::forget_remembered_modes();
  fake_server server;
  server.push(json{{"status", 400}, {"error", json{{"message", "Unrecognized request argument: response_format"},
                                                   {"type", "invalid_request_error"}}}});
  server.push(json{{"tool_arguments", R"({"name": "Ada", "age": 36})"}});
  server.push(json{{"tool_arguments", R"({"name": "Bo", "age": 5})"}});
  asio::io_context io;
  sf::client c(io.get_executor(), keyed_options_for(server));
  auto first = sf::structure<Person>(c, "Ada");
  CHECK(first.mode == sf::structure_mode::tools);
  REQUIRE(server.request_count() == 2);
  CHECK(request_body(server, 0).contains("response_format"));
  CHECK(request_body(server, 1).contains("tools"));
  CHECK_FALSE(request_body(server, 1).contains("response_format"));

  // A second client of the same endpoint starts with the remembered mode.
  sf::client again(io.get_executor(), keyed_options_for(server));
  auto second = sf::structure<Person>(again, "Bo");
  CHECK(second.value.name == "Bo");
  REQUIRE(server.request_count() == 3);
  CHECK(request_body(server, 2).contains("tools"));
  sf::detail::forget_remembered_modes();
}

TEST_CASE("cancellation and deadline", "[structure][client]") {
  fake_server server;
  server.set_default(json{{"delay_ms", 3000}, {"content", R"({"name": "Ada", "age": 36})"}});
  asio::io_context io;
  sf::client c(io.get_executor(), keyed_options_for(server));

  SECTION("a cancellation slot ends the call with errc::cancelled") {
    asio::cancellation_signal signal;
    std::exception_ptr failure;
    sf::async_structure<Person>(c, "Ada", {},
                                asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, auto) { failure = e; }));
    asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
    io.run();
    REQUIRE(failure);
    try {
      std::rethrow_exception(failure);
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::cancelled);
    }
  }
  SECTION("the deadline spans the call") {
    sf::structure_options o;
    o.deadline = std::chrono::milliseconds(150);
    try {
      sf::structure<Person>(c, "Ada", o);
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::timeout);
    }
  }
}
