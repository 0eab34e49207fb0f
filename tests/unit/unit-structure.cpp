// SPDX-License-Identifier: MIT
// The attempt loop against a scripted endpoint (no network): what it sends, when it repairs,
// reasks, falls back or gives up, and what the ledger records.
#include "structure/mode_memory.hpp"
#include "structure/structure_engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <deque>
#include <memory>

using nlohmann::json;
using namespace schemaforge;
using namespace schemaforge::detail;
namespace asio = boost::asio;

namespace {

const json person_schema = json::parse(R"({"title": "Person", "type": "object",
  "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}, "email": {"type": "string"}},
  "required": ["name", "age"]})");

std::string completion_with_content(const std::string& content, const std::string& finish = "stop") {
  return json{{"id", "c"}, {"model", "m"},
              {"choices", json::array({json{{"index", 0}, {"finish_reason", finish},
                                            {"message", json{{"role", "assistant"}, {"content", content}}}}})},
              {"usage", json{{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}}
      .dump();
}

std::string completion_with_tool_call(const std::string& arguments) {
  json call{{"id", "call_1"}, {"type", "function"}, {"function", json{{"name", "Person"}, {"arguments", arguments}}}};
  return json{{"choices", json::array({json{{"finish_reason", "tool_calls"},
                                            {"message", json{{"role", "assistant"}, {"content", nullptr},
                                                             {"tool_calls", json::array({call})}}}}})}}
      .dump();
}

// A scripted endpoint: answers in order, records every request body.
struct script {
  std::deque<transport_result> answers;
  std::vector<json> requests;

  void ok(std::string body) { answers.push_back({{}, 200, std::move(body), "req-" + std::to_string(answers.size())}); }
  void fail(int status, std::string body, errc code = errc::http_status) {
    answers.push_back({make_error_code(code), status, std::move(body), ""});
  }

  endpoint_io io(std::string base_url = "http://scripted/v1") {
    endpoint_io e;
    e.base_url = std::move(base_url);
    e.model = "test-model";
    e.send = [this](std::string body, attempt::kind kind, ledger& attempts) -> asio::awaitable<transport_result> {
      return answer(this, std::move(body), kind, attempts);
    };
    e.transport_failure = [](const transport_result& r, const ledger& attempts) {
      error x(r.ec, "transport failed with HTTP " + std::to_string(r.status));
      x.http_status = r.status;
      x.ledger = attempts;
      return x;
    };
    return e;
  }

  static asio::awaitable<transport_result> answer(script* self, std::string body, attempt::kind kind, ledger& attempts) {
    self->requests.push_back(json::parse(body));
    REQUIRE_FALSE(self->answers.empty());
    transport_result r = self->answers.front();
    self->answers.pop_front();
    attempt a;
    a.reason = kind;
    a.http_status = r.status;
    a.request_id = r.request_id;
    a.error = r.ec;
    attempts.push_back(a);
    co_return r;
  }
};

structure_result<json> run(script& s, structure_options options, input in = input("Ada, 36"),
                           std::string base_url = "http://scripted/v1") {
  asio::io_context context;
  auto future = asio::co_spawn(context, run_structure(s.io(std::move(base_url)), std::move(in), schema(person_schema), options),
                               asio::use_future);
  context.run();
  return future.get();
}

error run_failing(script& s, structure_options options) {
  try {
    run(s, options);
  } catch (const error& e) {
    return e;
  }
  FAIL("the call did not fail");
  return error(errc::protocol, "unreachable");
}

structure_options mode(structure_mode m) {
  structure_options o;
  o.mode = m;
  return o;
}

}  // namespace

TEST_CASE("structure attempt loop", "[structure]") {
  script s;

  SECTION("valid answer: one request, value, usage and ledger") {
    s.ok(completion_with_content(R"({"name": "Ada", "age": 36})"));
    auto r = run(s, mode(structure_mode::json_schema));
    CHECK(r.value == json{{"name", "Ada"}, {"age", 36}});
    CHECK(r.usage.total_tokens == 15);
    REQUIRE(r.ledger.size() == 1);
    CHECK(r.ledger[0].reason == attempt::kind::initial);
    CHECK_FALSE(r.ledger[0].error);
    CHECK(r.ledger[0].repairs.empty());
    CHECK(s.requests.at(0)["model"] == "test-model");
    CHECK(s.requests[0]["response_format"]["json_schema"]["strict"] == true);
  }
  SECTION("optional fields sent as null by strict mode come back absent") {
    s.ok(completion_with_content(R"({"name": "Ada", "age": 36, "email": null})"));
    auto r = run(s, mode(structure_mode::json_schema));
    CHECK(r.value == json{{"name", "Ada"}, {"age", 36}});
  }
  SECTION("fenced JSON is repaired locally without a reask") {
    s.ok(completion_with_content("Here it is:\n```json\n{\"name\": \"Ada\", \"age\": 36,}\n```"));
    auto r = run(s, mode(structure_mode::prompt));
    CHECK(r.value["name"] == "Ada");
    CHECK(s.requests.size() == 1);
    CHECK(r.ledger.at(0).repairs == std::vector<std::string>{"code_fence", "trailing_comma"});
  }
  SECTION("invalid answer → reask carrying JSON-pointer errors → valid") {
    s.ok(completion_with_content(R"({"name": "Ada", "age": "thirty-six"})"));
    s.ok(completion_with_content(R"({"name": "Ada", "age": 36})"));
    auto r = run(s, mode(structure_mode::json));
    CHECK(r.value["age"] == 36);
    REQUIRE(s.requests.size() == 2);
    const json& messages = s.requests[1]["messages"];
    REQUIRE(messages.size() == s.requests[0]["messages"].size() + 2);
    CHECK(messages[messages.size() - 2] == json{{"role", "assistant"}, {"content", R"({"name": "Ada", "age": "thirty-six"})"}});
    CHECK(messages.back()["role"] == "user");
    CHECK(messages.back()["content"].get<std::string>().find("- /age: ") != std::string::npos);
    REQUIRE(r.ledger.size() == 2);
    CHECK(r.ledger[0].error == errc::validation_failed);
    CHECK(r.ledger[0].message.find("/age") != std::string::npos);
    CHECK(r.ledger[1].reason == attempt::kind::reask);
    CHECK(r.usage.total_tokens == 30);
  }
  SECTION("not JSON at all → reask → valid") {
    s.ok(completion_with_content("I think her name is Ada."));
    s.ok(completion_with_content(R"({"name": "Ada", "age": 36})"));
    auto r = run(s, mode(structure_mode::prompt));
    CHECK(r.ledger.at(0).error == errc::invalid_output);
    CHECK(s.requests.at(1)["messages"].back()["content"].get<std::string>().find("not JSON") != std::string::npos);
  }
  SECTION("the model repeating the same errors stops the reasks early") {
    structure_options o = mode(structure_mode::json);
    o.max_reasks = 5;
    for (int i = 0; i < 3; ++i) s.ok(completion_with_content(R"({"name": "Ada"})"));
    auto e = run_failing(s, o);
    CHECK(e.code() == errc::validation_failed);
    CHECK(s.requests.size() == 2);  // the first answer and one reask that got the same errors
    CHECK(std::string(e.what()).find("repeated the same errors") != std::string::npos);
    CHECK(e.ledger.size() == 2);
  }
  SECTION("reask budget exhausted: validation_failed naming the pointers") {
    structure_options o = mode(structure_mode::json);
    o.max_reasks = 1;
    s.ok(completion_with_content(R"({"name": "Ada", "age": -1})"));
    s.ok(completion_with_content(R"({"name": 7, "age": 3})"));
    auto e = run_failing(s, o);
    CHECK(e.code() == errc::validation_failed);
    CHECK(s.requests.size() == 2);
    CHECK(std::string(e.what()).find("after 1 reask") != std::string::npos);
    CHECK(std::string(e.what()).find("/name") != std::string::npos);
  }
  SECTION("max_reasks 0 never reasks") {
    structure_options o = mode(structure_mode::json);
    o.max_reasks = 0;
    s.ok(completion_with_content("nope"));
    auto e = run_failing(s, o);
    CHECK(e.code() == errc::invalid_output);
    CHECK(s.requests.size() == 1);
  }
  SECTION("finish_reason length → length error naming max_tokens, no reask") {
    structure_options o = mode(structure_mode::json_schema);
    o.max_tokens = 5;
    s.ok(completion_with_content("{\"na", "length"));
    auto e = run_failing(s, o);
    CHECK(e.code() == errc::length);
    CHECK(std::string(e.what()).find("max_tokens (5)") != std::string::npos);
    CHECK(s.requests.size() == 1);
  }
  SECTION("refusal → refusal error with the model's text") {
    s.ok(R"({"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}]})");
    auto e = run_failing(s, mode(structure_mode::json_schema));
    CHECK(e.code() == errc::refusal);
    CHECK(e.provider_message == "I can't help with that.");
    CHECK(std::string(e.what()).find("I can't help with that.") != std::string::npos);
  }
  SECTION("tools mode: forced call, arguments are the answer, reask replays the call") {
    s.ok(completion_with_tool_call(R"({"name": "Ada"})"));
    s.ok(completion_with_tool_call(R"({"name": "Ada", "age": 36})"));
    auto r = run(s, mode(structure_mode::tools));
    CHECK(r.value["age"] == 36);
    CHECK(s.requests.at(0)["tool_choice"]["function"]["name"] == "Person");
    const json& messages = s.requests.at(1)["messages"];
    CHECK(messages[messages.size() - 2]["tool_calls"][0]["id"] == "call_1");
    CHECK(messages.back()["role"] == "tool");
  }
  SECTION("transport failure is passed through with the ledger") {
    s.fail(401, R"({"error":{"message":"bad key"}})");
    auto e = run_failing(s, mode(structure_mode::json_schema));
    CHECK(e.code() == errc::http_status);
    CHECK(e.http_status == 401);
    CHECK(e.ledger.size() == 1);
  }
  SECTION("a 2xx that is not a completion is a protocol error") {
    s.ok("<html>hello</html>");
    auto e = run_failing(s, mode(structure_mode::json_schema));
    CHECK(e.code() == errc::protocol);
  }
  SECTION("groq's tool_use_failed is reasked with the failed generation") {
    s.fail(400, R"({"error":{"message":"Tool call validation failed","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"{\"name\": \"Ada\"}"}})");
    s.ok(completion_with_tool_call(R"({"name": "Ada", "age": 36})"));
    auto r = run(s, mode(structure_mode::tools));
    CHECK(r.value["age"] == 36);
    CHECK(s.requests.at(1)["messages"][1] == json{{"role", "assistant"}, {"content", "{\"name\": \"Ada\"}"}});
  }
}

TEST_CASE("auto mode falls back and remembers the working mode per endpoint", "[structure]") {
  forget_remembered_modes();
  script s;
  s.fail(400, R"({"error":{"message":"response_format json_schema is not supported","param":"response_format"}})");
  s.fail(400, R"({"error":{"message":"tools are not supported by this model"}})");
  s.ok(completion_with_content(R"({"name": "Ada", "age": 36})"));
  auto r = run(s, mode(structure_mode::automatic), input("Ada"), "http://old-server/v1");
  CHECK(r.mode == structure_mode::json);
  REQUIRE(s.requests.size() == 3);
  CHECK(s.requests[0]["response_format"]["type"] == "json_schema");
  CHECK(s.requests[1].contains("tools"));
  CHECK(s.requests[2]["response_format"]["type"] == "json_object");
  CHECK(r.ledger.at(0).message.find("falling back to tools") != std::string::npos);

  // The next call to the same endpoint starts with json; another endpoint still starts at json_schema.
  script again;
  again.ok(completion_with_content(R"({"name": "Bo", "age": 5})"));
  run(again, mode(structure_mode::automatic), input("Bo"), "http://old-server/v1");
  CHECK(again.requests.at(0)["response_format"]["type"] == "json_object");
  script other;
  other.ok(completion_with_content(R"({"name": "Bo", "age": 5})"));
  run(other, mode(structure_mode::automatic), input("Bo"), "http://new-server/v1");
  CHECK(other.requests.at(0)["response_format"]["type"] == "json_schema");

  // An explicit mode never falls back.
  script fixed;
  fixed.fail(400, R"({"error":{"message":"response_format json_schema is not supported"}})");
  CHECK_THROWS_AS(run(fixed, mode(structure_mode::json_schema), input("x"), "http://fixed/v1"), error);
  CHECK(fixed.requests.size() == 1);
  forget_remembered_modes();
}

TEST_CASE("auto mode: a rejected schema falls back for that call only", "[structure]") {
  forget_remembered_modes();
  script s;
  s.fail(400, R"({"error":{"message":"Invalid schema for response_format 'Person': 'format' uri is not permitted"}})");
  s.ok(completion_with_tool_call(R"({"name": "Ada", "age": 36})"));
  auto r = run(s, mode(structure_mode::automatic), input("Ada"), "http://strict-server/v1");
  CHECK(r.mode == structure_mode::tools);
  CHECK(remembered_mode("http://strict-server/v1") == structure_mode::json_schema);
  forget_remembered_modes();
}

TEST_CASE("two non-JSON answers in a row stop the reasks", "[structure]") {
  script s;
  s.ok(completion_with_content("Her name is Ada."));
  s.ok(completion_with_content("Ada is 36."));
  s.ok(completion_with_content(R"({"name": "Ada", "age": 36})"));
  structure_options o = mode(structure_mode::prompt);
  o.max_reasks = 4;
  try {
    run(s, o);
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_output);
    CHECK(e.ledger.size() == 2);
  }
}

TEST_CASE("raw chat completion", "[structure]") {
  script s;
  s.ok(completion_with_content("Hello!", "length"));
  asio::io_context context;
  auto future = asio::co_spawn(context, run_chat(s.io(), {user_message("Hi")}, chat_options{}), asio::use_future);
  context.run();
  auto r = future.get();
  CHECK(r.content == "Hello!");
  CHECK(r.finish_reason == "length");
  CHECK(r.usage.total_tokens == 15);
  CHECK(s.requests.at(0)["messages"] == json::parse(R"([{"role":"user","content":"Hi"}])"));
  CHECK_FALSE(s.requests[0].contains("response_format"));
}
