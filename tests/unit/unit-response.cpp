// SPDX-License-Identifier: MIT
#include "openai/chat_completion.hpp"

#include <schemaforge/errors.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace {

using nlohmann::json;
using schemaforge::detail::parse_chat_completion;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string traffic_dir = std::string(SCHEMAFORGE_SHARED_DIR) + "/fixtures/provider-traffic/";

}  // namespace

TEST_CASE("every recorded provider body parses as its manifest expects", "[response]") {
  std::ifstream manifest_file(traffic_dir + "MANIFEST.json");
  REQUIRE(manifest_file.good());
  json manifest = json::parse(manifest_file);
  int checked = 0;
  for (const auto& entry : manifest) {
    std::string file = entry.at("file");
    if (file.rfind("nonstream/", 0) != 0) continue;
    const json& expect = entry.at("expect");
    INFO(file);
    auto completion = parse_chat_completion(slurp(traffic_dir + file));
    ++checked;

    CHECK(completion.error.has_value() == expect.at("error").get<bool>());
    REQUIRE(completion.choices.size() == expect.at("n_choices").get<std::size_t>());
    if (completion.choices.empty()) continue;
    const auto& choice = completion.choices.front();

    CHECK(!choice.tool_calls.empty() == expect.at("has_tool_calls").get<bool>());
    CHECK(!choice.refusal.empty() == expect.at("refusal").get<bool>());
    if (expect.at("finish_reason").is_null()) CHECK_FALSE(choice.finish_reason.has_value());
    else {
      REQUIRE(choice.finish_reason.has_value());
      CHECK(*choice.finish_reason == expect.at("finish_reason").get<std::string>());
    }
    bool all_json = true;
    for (const auto& c : completion.choices) {
      json value = c.content ? json::parse(*c.content, nullptr, false) : json(json::value_t::discarded);
      all_json = all_json && !value.is_discarded() && (value.is_object() || value.is_array());
    }
    CHECK(all_json == expect.at("content_json_valid").get<bool>());
    for (const auto& call : choice.tool_calls) {
      CHECK_FALSE(call.name.empty());
      CHECK_FALSE(json::parse(call.arguments, nullptr, false).is_discarded());
    }
  }
  CHECK(checked >= 32);
}

TEST_CASE("response parser normalises providers' variations", "[response]") {
  SECTION("content parts: text joined, thinking kept apart as reasoning") {
    auto c = parse_chat_completion(slurp(traffic_dir + "nonstream/mistral-reasoning-content-parts.json"));
    REQUIRE(c.choices.size() == 1);
    CHECK(*c.choices[0].content == "2 + 2 = 4");
    CHECK(c.choices[0].reasoning.find("basic arithmetic") != std::string::npos);
    CHECK(c.usage.total_tokens == 56);
  }
  SECTION("parallel tool calls keep their order, ids and arguments") {
    auto c = parse_chat_completion(slurp(traffic_dir + "nonstream/openai-tool-calls-parallel.json"));
    const auto& calls = c.choices.at(0).tool_calls;
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].name == "GetWeatherArgs");
    CHECK(calls[1].name == "get_stock_price");
    CHECK(calls[1].id == "call_h1DWI1POMJLb0KwIyQHWXD4p");
    CHECK(json::parse(calls[0].arguments)["city"] == "Edinburgh");
  }
  SECTION("an empty tool-call id is kept empty") {
    auto c = parse_chat_completion(slurp(traffic_dir + "nonstream/gemini-openai-compat-tool-call-empty-id.json"));
    REQUIRE(c.choices.at(0).tool_calls.size() == 1);
    CHECK(c.choices[0].tool_calls[0].id.empty());
    CHECK(c.choices[0].tool_calls[0].name == "get_current_time");
  }
  SECTION("refusal text and null content") {
    auto c = parse_chat_completion(slurp(traffic_dir + "nonstream/openai-json-schema-refusal.json"));
    CHECK_FALSE(c.choices.at(0).content.has_value());
    CHECK(c.choices[0].refusal == "I'm very sorry, but I can't assist with that.");
  }
  SECTION("provider error body: message, code and the failed generation") {
    auto c = parse_chat_completion(slurp(traffic_dir + "nonstream/groq-error-tool-use-failed.json"));
    REQUIRE(c.error.has_value());
    CHECK(c.error->code == "tool_use_failed");
    CHECK(c.error->type == "invalid_request_error");
    CHECK(c.error->failed_generation.find("get_something_by_name") != std::string::npos);
  }
  SECTION("reasoning under reasoning_content or reasoning") {
    auto deepseek = parse_chat_completion(slurp(traffic_dir + "nonstream/deepseek-json-object-reasoner.json"));
    CHECK_FALSE(deepseek.choices.at(0).reasoning.empty());
    auto groq = parse_chat_completion(slurp(traffic_dir + "nonstream/groq-json-object-reasoning.json"));
    CHECK_FALSE(groq.choices.at(0).reasoning.empty());
  }
  SECTION("arguments sent as an object instead of a string are kept as JSON text") {
    auto c = parse_chat_completion(
        R"({"choices":[{"message":{"tool_calls":[{"id":"1","function":{"name":"f","arguments":{"a":1}}}]},"finish_reason":"tool_calls"}]})");
    CHECK(json::parse(c.choices.at(0).tool_calls.at(0).arguments) == json{{"a", 1}});
  }
  SECTION("not JSON, or neither choices nor error, is a protocol error") {
    CHECK_THROWS_AS(parse_chat_completion("<html>502 Bad Gateway</html>"), schemaforge::error);
    try {
      parse_chat_completion(R"({"hello":1})");
      FAIL("no exception");
    } catch (const schemaforge::error& e) {
      CHECK(e.code() == schemaforge::errc::protocol);
    }
  }
  SECTION("provider error bodies in other servers' spellings") {
    using schemaforge::detail::parse_provider_error;
    auto openai = parse_provider_error(R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})");
    REQUIRE(openai);
    CHECK(openai->code == "insufficient_quota");
    auto vllm = parse_provider_error(R"({"object":"error","message":"bad response_format","type":"BadRequestError","code":400})");
    REQUIRE(vllm);
    CHECK(vllm->message == "bad response_format");
    CHECK(vllm->code == "400");
    CHECK_FALSE(parse_provider_error("<html></html>"));
  }
}
