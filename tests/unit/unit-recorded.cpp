// SPDX-License-Identifier: MIT
// recorded.hpp and the batch runner's recorded answers and several endpoints, against the fake
// server: the exported request is the one an online call sends, a recorded answer is judged like
// an online one (repair, validation, non-2xx statuses), invalid answers are reasked online from
// the conversation so far, and a batch over two endpoints uses both (and survives one being down).
#include "fake_server.hpp"
#include "http/client_state.hpp"

#include <schemaforge/batch.hpp>
#include <schemaforge/recorded.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::testing::fake_server;
namespace asio = boost::asio;
namespace sf = schemaforge;

namespace {

const json counter_schema = json::parse(
    R"({"title": "Counter", "type": "object", "properties": {"n": {"type": "integer"}, "note": {"type": "string"}}, "required": ["n"]})");

sf::client_options options_for(const std::string& base_url) {
  sf::client_options o;
  o.base_url = base_url;
  o.model = "fake-model";
  o.max_retries = 0;
  return o;
}

// A chat completion as OpenAI returns it, with `content` as the answer.
std::string completion_with(const std::string& content) {
  return json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"model", "fake-model"},
              {"choices", json::array({{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", "stop"}}})},
              {"usage", {{"prompt_tokens", 7}, {"completion_tokens", 3}, {"total_tokens", 10}}}}
      .dump();
}

sf::recorded_answer answer_with(const std::string& content) {
  sf::recorded_answer a;
  a.body = completion_with(content);
  a.request_id = "req-recorded";
  return a;
}

sf::structure_options in_mode(sf::structure_mode mode) {
  sf::structure_options o;
  o.mode = mode;
  return o;
}

}  // namespace

TEST_CASE("structure_request_body is the request an online call sends first") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server.base_url()));
  const sf::schema target(counter_schema);
  sf::input in(R"({"n": 4})", "Count things.");
  for (auto mode : {sf::structure_mode::json_schema, sf::structure_mode::tools, sf::structure_mode::json,
                    sf::structure_mode::prompt}) {
    INFO(sf::to_string(mode));
    if (mode == sf::structure_mode::tools) server.push(json{{"tool_arguments", R"({"n": 4})"}, {"tool_name", "Counter"}});
    const auto before = server.request_count();
    sf::structure_options options = in_mode(mode);
    options.max_tokens = 100;
    (void)sf::structure(c, in, target, options);
    REQUIRE(server.request_count() == before + 1);
    CHECK(server.requests().back().json() == sf::structure_request_body(in, target, options, "fake-model"));
  }
  SECTION("auto exports json_schema; the call's model wins over the default one; no model is an error") {
    sf::structure_options options;
    const json body = sf::structure_request_body(in, target, options, "fake-model");
    CHECK(body["response_format"]["type"] == "json_schema");
    CHECK(body["response_format"]["json_schema"]["name"] == "Counter");
    options.model = "other";
    CHECK(sf::structure_request_body(in, target, options, "fake-model")["model"] == "other");
    CHECK_THROWS_AS(sf::structure_request_body(in, target, sf::structure_options{}), sf::error);
  }
}

TEST_CASE("check_recorded_answer judges an answer like an online call, without any request") {
  const sf::schema target(counter_schema);
  const sf::structure_options options = in_mode(sf::structure_mode::json_schema);
  SECTION("valid: value, usage and a one-attempt ledger") {
    auto r = sf::check_recorded_answer("x", target, options, answer_with(R"({"n": 3})"));
    CHECK(r.value == json{{"n", 3}});
    CHECK(r.usage.total_tokens == 10);
    REQUIRE(r.ledger.size() == 1);
    CHECK(r.ledger[0].http_status == 200);
    CHECK(r.ledger[0].request_id == "req-recorded");
    CHECK(r.mode == sf::structure_mode::json_schema);
  }
  SECTION("fenced JSON is repaired locally") {
    auto r = sf::check_recorded_answer("x", target, options, answer_with("Sure:\n```json\n{\"n\": 5}\n```"));
    CHECK(r.value == json{{"n", 5}});
    CHECK(!r.ledger[0].repairs.empty());
  }
  SECTION("invalid against the schema: validation_failed naming the pointer") {
    try {
      (void)sf::check_recorded_answer("x", target, options, answer_with(R"({"n": "three"})"));
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::validation_failed);
      CHECK(std::string(e.what()).find("/n") != std::string::npos);
      CHECK(e.ledger.size() == 1);
    }
  }
  SECTION("not JSON: invalid_output") {
    try {
      (void)sf::check_recorded_answer("x", target, options, answer_with("I cannot count."));
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::invalid_output);
    }
  }
  SECTION("a non-2xx answer fails as the transport would report it") {
    sf::recorded_answer a;
    a.http_status = 429;
    a.body = R"({"error": {"message": "slow down", "type": "requests"}})";
    try {
      (void)sf::check_recorded_answer("x", target, options, a);
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::rate_limited);
      CHECK(e.http_status == 429);
      CHECK(e.provider_message == "slow down");
    }
  }
  SECTION("finish_reason length") {
    sf::recorded_answer a = answer_with(R"({"n": )");
    json body = json::parse(a.body);
    body["choices"][0]["finish_reason"] = "length";
    a.body = body.dump();
    CHECK_THROWS_AS(sf::check_recorded_answer("x", target, options, a), sf::error);
  }
  SECTION("tools mode reads the tool call") {
    json body = json::parse(completion_with(""));
    body["choices"][0]["message"]["content"] = nullptr;
    body["choices"][0]["message"]["tool_calls"] =
        json::array({{{"id", "call_1"}, {"type", "function"}, {"function", {{"name", "Counter"}, {"arguments", R"({"n": 9})"}}}}});
    sf::recorded_answer a;
    a.body = body.dump();
    CHECK(sf::check_recorded_answer("x", target, in_mode(sf::structure_mode::tools), a).value == json{{"n", 9}});
  }
}

TEST_CASE("async_structure_from reasks an invalid recorded answer online, continuing the conversation") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server.base_url()));
  const sf::schema target(counter_schema);
  sf::structure_options options = in_mode(sf::structure_mode::json_schema);
  SECTION("invalid: one reask, whose request carries the recorded answer and its errors") {
    server.push(json{{"content", R"({"n": 8})"}});
    auto future = sf::async_structure_from(c, "count eight", target, options, answer_with(R"({"n": "eight"})"),
                                           asio::use_future);
    io.run();
    const auto r = future.get();
    CHECK(r.value == json{{"n", 8}});
    REQUIRE(r.ledger.size() == 2);
    CHECK(r.ledger[0].reason == sf::attempt::kind::initial);
    CHECK(r.ledger[0].error == sf::errc::validation_failed);
    CHECK(r.ledger[1].reason == sf::attempt::kind::reask);
    CHECK(r.usage.total_tokens == 10 + 15);
    REQUIRE(server.request_count() == 1);
    const json sent = server.requests()[0].json();
    const json& messages = sent["messages"];
    REQUIRE(messages.size() == 3);
    CHECK(messages[0] == json{{"role", "user"}, {"content", "count eight"}});
    CHECK(messages[1] == json{{"role", "assistant"}, {"content", R"({"n": "eight"})"}});
    CHECK(messages[2]["content"].get<std::string>().find("/n") != std::string::npos);
    // Apart from the conversation, the reask is the exported request.
    json exported = sf::structure_request_body("count eight", target, options, "fake-model");
    json without = sent;
    without.erase("messages");
    exported.erase("messages");
    CHECK(without == exported);
  }
  SECTION("valid: no request at all") {
    auto future = sf::async_structure_from(c, "x", target, options, answer_with(R"({"n": 1})"), asio::use_future);
    io.run();
    CHECK(future.get().value == json{{"n", 1}});
    CHECK(server.request_count() == 0);
  }
  SECTION("still invalid after the reasks: validation_failed with every attempt") {
    // Different errors each time, so that the engine does not stop early for a repeated answer.
    server.push(json{{"content", R"({"n": "nine"})"}});
    server.push(json{{"content", R"({"note": "ten"})"}});
    options.max_reasks = 2;
    auto future = sf::async_structure_from(c, "x", target, options, answer_with(R"({"n": "eight", "note": 1})"),
                                           asio::use_future);
    io.run();
    try {
      (void)future.get();
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::validation_failed);
      CHECK(e.ledger.size() == 3);
    }
  }
}

TEST_CASE("a batch from recorded answers reasks only the invalid ones") {
  fake_server server;
  server.set_default(json{{"content", R"({"n": 100})"}});
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server.base_url()));
  std::vector<sf::input> inputs;
  std::vector<sf::recorded_answer> answers;
  for (int i = 0; i < 30; ++i) {
    inputs.emplace_back("item " + std::to_string(i));
    answers.push_back(answer_with(i % 3 == 0 ? R"({"n": "bad"})" : json{{"n", i}}.dump()));
  }
  sf::batch_options options;
  options.max_concurrency = 4;
  options.item_options.mode = sf::structure_mode::json_schema;
  auto future = sf::async_batch_structure_from({c}, inputs, answers, sf::schema(counter_schema), options,
                                               asio::use_future);
  io.run();
  const auto items = future.get();
  REQUIRE(items.size() == 30);
  for (int i = 0; i < 30; ++i) {
    INFO("item " << i);
    REQUIRE(items[i].ok());
    CHECK(items[i].result->value == json{{"n", i % 3 == 0 ? 100 : i}});
    CHECK(items[i].result->ledger.size() == (i % 3 == 0 ? 2u : 1u));
  }
  CHECK(server.request_count() == 10);
  CHECK_THROWS_AS(sf::async_batch_structure_from({c}, inputs, {}, sf::schema(counter_schema), options,
                                                 asio::use_future),
                  sf::error);
}

TEST_CASE("a batch over several endpoints spreads the items, each endpoint paced and capped on its own") {
  fake_server first, second;
  first.set_default(json{{"delay_ms", 5}});
  second.set_default(json{{"delay_ms", 5}});
  asio::io_context io;
  std::vector<sf::client> clients{sf::client(io.get_executor(), options_for(first.base_url())),
                                  sf::client(io.get_executor(), options_for(second.base_url()))};
  std::vector<sf::input> inputs;
  for (int i = 0; i < 60; ++i) inputs.emplace_back(json{{"n", i}}.dump());
  sf::batch_options options;
  options.max_concurrency = 8;
  options.item_options.mode = sf::structure_mode::json_schema;

  SECTION("both endpoints get items; every item its own answer") {
    const auto items = sf::batch_structure(clients, inputs, sf::schema(counter_schema), options);
    REQUIRE(items.size() == 60);
    for (int i = 0; i < 60; ++i) CHECK(items[i].result->value == json{{"n", i}});
    CHECK(first.request_count() + second.request_count() == 60);
    CHECK(first.request_count() >= 15);
    CHECK(second.request_count() >= 15);
  }
  SECTION("each endpoint has its own limiter, and the batch's rpm applies to each") {
    options.rpm = 6000;
    const auto items = sf::batch_structure(clients, inputs, sf::schema(counter_schema), options);
    for (const auto& item : items) REQUIRE(item.ok());
    const auto& a = sf::detail::state_of(clients[0]).limiter();
    const auto& b = sf::detail::state_of(clients[1]).limiter();
    CHECK(a != b);
    CHECK(a->requests_per_minute() == 6000);
    CHECK(b->requests_per_minute() == 6000);
  }
  SECTION("max_concurrency_per_endpoint caps each endpoint") {
    options.max_concurrency = 16;
    options.max_concurrency_per_endpoint = 2;
    std::size_t most = 0;
    // The in-flight count per endpoint is what the server sees at once: its connections.
    const auto items = sf::batch_structure(clients, inputs, sf::schema(counter_schema), options);
    for (const auto& item : items) REQUIRE(item.ok());
    most = std::max(first.connection_count(), second.connection_count());
    CHECK(most <= 2);
    CHECK(first.request_count() + second.request_count() == 60);
  }
  SECTION("an endpoint that is down: its items run on the other one") {
    clients[1] = sf::client(io.get_executor(), options_for("http://127.0.0.1:1/v1"));
    const auto items = sf::batch_structure(clients, inputs, sf::schema(counter_schema), options);
    for (int i = 0; i < 60; ++i) {
      INFO("item " << i);
      REQUIRE(items[i].ok());
      CHECK(items[i].result->value == json{{"n", i}});
    }
    CHECK(first.request_count() == 60);
    // An item that went to the dead endpoint first shows that attempt in its ledger.
    std::size_t moved = 0;
    for (const auto& item : items) moved += item.result->ledger.size() > 1;
    CHECK(moved > 0);
  }
  SECTION("every endpoint down: the items fail with connection, nothing is lost") {
    clients[0] = sf::client(io.get_executor(), options_for("http://127.0.0.1:1/v1"));
    clients[1] = sf::client(io.get_executor(), options_for("http://127.0.0.1:1/v2"));
    const auto items = sf::batch_structure(clients, std::vector<sf::input>(inputs.begin(), inputs.begin() + 5),
                                           sf::schema(counter_schema), options);
    REQUIRE(items.size() == 5);
    for (const auto& item : items) {
      REQUIRE(item.failure);
      CHECK(item.failure->code() == sf::errc::connection);
      CHECK(item.failure->ledger.size() == 2);
    }
  }
  SECTION("clients on different executors are refused") {
    asio::io_context other;
    // Its own vector, declared after `other`: a client must not outlive its io_context.
    std::vector<sf::client> mixed{clients[0], sf::client(other.get_executor(), options_for(second.base_url()))};
    CHECK_THROWS_AS(sf::batch_structure(mixed, inputs, sf::schema(counter_schema), options), sf::error);
  }
}
