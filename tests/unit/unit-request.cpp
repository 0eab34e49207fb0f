// SPDX-License-Identifier: MIT
#include "openai/chat_completion.hpp"
#include "openai/request_builder.hpp"
#include "structure/mode_memory.hpp"
#include "structure/reask.hpp"

#include <catch2/catch.hpp>

#include <thread>

using nlohmann::json;
using namespace schemaforge;
using namespace schemaforge::detail;

namespace {

const json schema = json::parse(R"({"title": "Order line", "type": "object",
  "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}, "required": ["sku"]})");

json body_for(structure_mode mode, const input& in = input("two apples")) {
  structure_request_spec spec{mode, &schema, schema_name_for("", schema)};
  call_options options;
  options.temperature = 0.0;
  options.max_tokens = 256;
  return structure_body(spec, options, "gpt-test", wire_messages(in, mode, schema));
}

}  // namespace

TEST_CASE("the body text sent equals the body document in every mode", "[request]") {
  call_options options;
  options.temperature = 0.5;
  json messages = json::array({json{{"role", "user"}, {"content", "two \"apples\"\n"}}});
  for (auto mode : {structure_mode::json_schema, structure_mode::tools, structure_mode::json, structure_mode::prompt}) {
    CAPTURE(to_string(mode));
    structure_request_spec spec{mode, &schema, "Order_line"};
    json document = structure_body(spec, options, "gpt-test", messages);
    CHECK(json::parse(structure_body_text(spec, options, "gpt-test", messages)) == document);
    // A second request for the same schema reuses the serialized members and stays equal.
    CHECK(json::parse(structure_body_text(spec, options, "gpt-test", messages)) == document);
    structure_request_spec renamed{mode, &schema, "Other"};
    CHECK(json::parse(structure_body_text(renamed, options, "gpt-test", messages)) ==
          structure_body(renamed, options, "gpt-test", messages));
  }
}

TEST_CASE("request body per mode", "[request]") {
  SECTION("json_schema: strict response_format with the adapted schema") {
    json body = body_for(structure_mode::json_schema);
    CHECK(body["model"] == "gpt-test");
    CHECK(body["temperature"] == 0.0);
    CHECK(body["max_tokens"] == 256);
    const json& rf = body["response_format"];
    CHECK(rf["type"] == "json_schema");
    CHECK(rf["json_schema"]["name"] == "Order_line");
    CHECK(rf["json_schema"]["strict"] == true);
    CHECK(rf["json_schema"]["schema"]["required"] == json::array({"qty", "sku"}));
    CHECK(rf["json_schema"]["schema"]["properties"]["qty"]["type"] == json::array({"integer", "null"}));
    CHECK_FALSE(body.contains("tools"));
    CHECK(body["messages"] == json::parse(R"([{"role": "user", "content": "two apples"}])"));
  }
  SECTION("tools: one strict function and a forced tool_choice") {
    json body = body_for(structure_mode::tools);
    REQUIRE(body["tools"].size() == 1);
    CHECK(body["tools"][0]["type"] == "function");
    CHECK(body["tools"][0]["function"]["name"] == "Order_line");
    CHECK(body["tools"][0]["function"]["strict"] == true);
    CHECK(body["tools"][0]["function"]["parameters"]["additionalProperties"] == false);
    CHECK(body["tool_choice"] == json::parse(R"({"type": "function", "function": {"name": "Order_line"}})"));
    CHECK_FALSE(body.contains("response_format"));
  }
  SECTION("json: json_object and the original schema in the system prompt after the instructions") {
    json body = body_for(structure_mode::json, input("two apples", "You read orders."));
    CHECK(body["response_format"] == json{{"type", "json_object"}});
    const json& system = body["messages"][0];
    CHECK(system["role"] == "system");
    std::string text = system["content"];
    CHECK(text.rfind("You read orders.\n\n", 0) == 0);
    CHECK(text.find(schema.dump()) != std::string::npos);
    CHECK(text.find("JSON") != std::string::npos);  // OpenAI's json_object mode insists on the word
    CHECK(body["messages"][1]["content"] == "two apples");
  }
  SECTION("prompt: schema in the prompt only") {
    json body = body_for(structure_mode::prompt);
    CHECK_FALSE(body.contains("response_format"));
    CHECK_FALSE(body.contains("tools"));
    CHECK(body["messages"][0]["content"].get<std::string>().find(schema.dump()) != std::string::npos);
  }
  SECTION("a conversation keeps its roles and order, instructions first") {
    input in(std::vector<message>{system_message("s"), user_message("u"), assistant_message("a"), user_message("u2")});
    in.instructions = "first";
    json body = body_for(structure_mode::json_schema, in);
    REQUIRE(body["messages"].size() == 5);
    CHECK(body["messages"][0] == json{{"role", "system"}, {"content", "first"}});
    CHECK(body["messages"][3] == json{{"role", "assistant"}, {"content", "a"}});
  }
  SECTION("names the API accepts") {
    CHECK(schema_name_for("", json::object()) == "response");
    CHECK(schema_name_for("my name!", schema) == "my_name");
    CHECK(schema_name_for(std::string(100, 'x'), schema).size() == 64);
  }
}

TEST_CASE("auto mode: fallback order, rejection detection, memory", "[request]") {
  SECTION("fallback order json_schema → tools → json → prompt") {
    CHECK(fallback_after(structure_mode::json_schema) == structure_mode::tools);
    CHECK(fallback_after(structure_mode::tools) == structure_mode::json);
    CHECK(fallback_after(structure_mode::json) == structure_mode::prompt);
    CHECK_FALSE(fallback_after(structure_mode::prompt));
  }
  SECTION("a 400 naming the feature is a rejection; other errors are not") {
    provider_error rf{"response_format is not supported by this model", "invalid_request_error", "", "", ""};
    CHECK(rejects_mode_feature(400, &rf, structure_mode::json_schema));
    CHECK(rejects_mode_feature(400, &rf, structure_mode::json));
    CHECK_FALSE(rejects_mode_feature(500, &rf, structure_mode::json_schema));
    CHECK_FALSE(rejects_mode_feature(401, &rf, structure_mode::json_schema));
    provider_error tools{"This model does not support tools", "", "", "", ""};
    CHECK(rejects_mode_feature(400, &tools, structure_mode::tools));
    CHECK_FALSE(rejects_mode_feature(400, &tools, structure_mode::json_schema));
    provider_error failed{"Tool call validation failed", "invalid_request_error", "tool_use_failed", "", "{}"};
    CHECK_FALSE(rejects_mode_feature(400, &failed, structure_mode::tools));
    CHECK_FALSE(rejects_mode_feature(400, nullptr, structure_mode::json_schema));
  }
  SECTION("the working mode is remembered per base URL, from any thread") {
    forget_remembered_modes();
    CHECK(remembered_mode("http://a/v1") == structure_mode::json_schema);
    std::thread t([] { remember_mode("http://a/v1", structure_mode::json); });
    t.join();
    CHECK(remembered_mode("http://a/v1") == structure_mode::json);
    CHECK(remembered_mode("http://b/v1") == structure_mode::json_schema);
    forget_remembered_modes();
  }
}

TEST_CASE("reask messages", "[request]") {
  SECTION("problem list is short and bounded") {
    std::vector<std::string> problems;
    for (int i = 0; i < 12; ++i) problems.push_back("/items/" + std::to_string(i) + ": expected integer");
    std::string text = problem_list(problems, 10);
    CHECK(text.find("- /items/0: expected integer\n") == 0);
    CHECK(text.find("/items/10") == std::string::npos);
    CHECK(text.find("and 2 more") != std::string::npos);
  }
  SECTION("content answer: assistant text + user message with the errors") {
    completion_choice choice;
    choice.content = "{\"sku\": 1}";
    auto answer = extract_answer(choice, structure_mode::json);
    CHECK_FALSE(answer.from_tool_call);
    json messages = json::array();
    append_reask(messages, answer, problem_list({"/sku: expected string"}));
    REQUIRE(messages.size() == 2);
    CHECK(messages[0] == json{{"role", "assistant"}, {"content", "{\"sku\": 1}"}});
    CHECK(messages[1]["role"] == "user");
    CHECK(messages[1]["content"].get<std::string>().find("- /sku: expected string") != std::string::npos);
  }
  SECTION("tool-call answer: the call replayed and a tool message with its id") {
    completion_choice choice;
    choice.tool_calls.push_back({"call_1", "Order_line", "{\"qty\": 2}"});
    auto answer = extract_answer(choice, structure_mode::tools);
    CHECK(answer.from_tool_call);
    json messages = json::array();
    append_reask(messages, answer, problem_list({"(root): missing required property 'sku'"}));
    REQUIRE(messages.size() == 2);
    CHECK(messages[0]["tool_calls"][0]["id"] == "call_1");
    CHECK(messages[0]["tool_calls"][0]["function"]["arguments"] == "{\"qty\": 2}");
    CHECK(messages[1]["role"] == "tool");
    CHECK(messages[1]["tool_call_id"] == "call_1");
  }
  SECTION("tool call with an empty id is replayed as text") {
    completion_choice choice;
    choice.tool_calls.push_back({"", "Order_line", "{}"});
    auto answer = extract_answer(choice, structure_mode::tools);
    json messages = json::array();
    append_reask(messages, answer, "- x\n");
    CHECK(messages[0] == json{{"role", "assistant"}, {"content", "{}"}});
    CHECK(messages[1]["role"] == "user");
  }
}
