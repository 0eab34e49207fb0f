// SPDX-License-Identifier: MIT
#include "client_options_for.hpp"
#include "fake_server.hpp"

#include <schemaforge/chat.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::options_for;
namespace asio = boost::asio;
namespace sf = schemaforge;

namespace {

}  // namespace

TEST_CASE("async_chat: one raw completion", "[chat]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));

  SECTION("coroutine: content, finish_reason, usage; options go into the body") {
    server.push(json{{"content", "Hello there"}, {"finish_reason", "length"}});
    std::optional<sf::chat_result> result;
    // Built outside the coroutine: GCC 12 rejects string literals inside a co_await expression.
    std::vector<sf::message> messages{sf::system_message("Be brief."), sf::user_message("Hi")};
    sf::chat_options o;
    o.temperature = 0.5;
    o.model = "other-model";
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      result = co_await sf::async_chat(c, messages, o, asio::use_awaitable);
    }, asio::detached);
    io.run();
    REQUIRE(result);
    CHECK(result->content == "Hello there");
    CHECK(result->finish_reason == "length");  // reported, not an error, for raw chat
    CHECK(result->usage.total_tokens == 15);
    CHECK(result->ledger.size() == 1);
    json body = server.requests().at(0).json();
    CHECK(body["model"] == "other-model");
    CHECK(body["temperature"] == 0.5);
    CHECK(body["messages"] == json::parse(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}])"));
  }
  SECTION("blocking: tool calls and refusals are returned as such") {
    server.push(json{{"tool_arguments", R"({"a": 1})"}, {"tool_name", "f"}});
    auto r = sf::chat(c, {sf::user_message("call f")});
    REQUIRE(r.tool_calls.size() == 1);
    CHECK(r.tool_calls[0].name == "f");
    CHECK(r.finish_reason == "tool_calls");
    server.push(json{{"refusal", "No."}});
    CHECK(sf::chat(c, {sf::user_message("x")}).refusal == "No.");
  }
  SECTION("HTTP errors are schemaforge::error with the status") {
    server.push(json{{"status", 404}, {"error", json{{"message", "model not found"}}}});
    try {
      sf::chat(c, {sf::user_message("x")});
      FAIL("no error");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::http_status);
      CHECK(e.http_status == 404);
      CHECK(e.provider_message == "model not found");
    }
  }
}
