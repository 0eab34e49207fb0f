// SPDX-License-Identifier: MIT
// async_infer_schema / infer_schema against the fake OpenAI server: the answer is held to the
// meta-schema, to an injected check and to the samples; reasks carry the errors; the report says
// what was wrong with every answer; the budget ends the call with a clear error.
#include "client_options_for.hpp"
#include "fake_server.hpp"
#include "infer/infer_engine.hpp"

#include <schemaforge/gen/check_schema.hpp>
#include <schemaforge/infer_schema.hpp>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::options_for;
namespace sf = schemaforge;

namespace {

json answer(const std::string& content, int prompt_tokens = 100, int completion_tokens = 40) {
  return json{{"content", content},
              {"usage", json{{"prompt_tokens", prompt_tokens},
                             {"completion_tokens", completion_tokens},
                             {"total_tokens", prompt_tokens + completion_tokens}}}};
}

std::string last_user_message(const sf::testing::recorded_request& r) {
  const json body = r.json();
  return body["messages"].back()["content"].get<std::string>();
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

json meta_schema_file() {
  std::ifstream in(SCHEMAFORGE_SOURCE_DIR "/schemas/meta/generator-subset.schema.json");
  REQUIRE(in);
  return json::parse(in);
}

const std::vector<sf::schema_sample> people = {
    {R"({"id": 1, "name": "Ada", "email": "ada@example.com"})", "a.json"},
    {R"({"id": 2, "name": "Bob"})", "b.json"},
};

// Not a schema in the subset: "int" is no type name, patternProperties is not supported.
const char* const invalid_schema =
    R"({"type": "object", "properties": {"id": {"type": "int"}, "name": {"type": "string"}},
        "patternProperties": {"^x-": {"type": "string"}}})";
// A valid schema that rejects b.json: email is required.
const char* const too_strict_schema =
    R"({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
        "email": {"type": "string", "format": "email"}}, "required": ["id", "name", "email"],
        "additionalProperties": false})";
const char* const good_schema =
    R"({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
        "email": {"type": "string", "format": "email"}}, "required": ["id", "name"],
        "additionalProperties": false})";

}  // namespace

TEST_CASE("infer_schema: invalid schema, then one that rejects a sample, then a good one", "[infer][llm]") {
  fake_server server(json::array({answer(invalid_schema), answer(too_strict_schema), answer(good_schema, 300, 60)}));
  boost::asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));

  sf::infer_result result = sf::infer_schema(c, people, "Person", "people of a club");

  SECTION("exactly three requests, the good schema returned with the requested title") {
    REQUIRE(server.request_count() == 3);
    json expected = json::parse(good_schema);
    expected["title"] = "Person";
    expected["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    CHECK(result.schema == expected);
    // The file text keeps the model's key order, after $schema and title.
    CHECK(result.schema_text.rfind("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"title\": \"Person\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"id\"", 0) == 0);
    CHECK(json::parse(result.schema_text) == expected);
    CHECK(result.schema_text.back() == '\n');
  }
  SECTION("the report lists what was wrong with each answer") {
    REQUIRE(result.rounds.size() == 3);
    CHECK(mentions(result.rounds[0].problems, "schema at /properties/id/type"));
    CHECK(mentions(result.rounds[0].problems, "patternProperties"));
    CHECK_FALSE(mentions(result.rounds[0].problems, "sample"));  // a broken schema is not run on samples
    REQUIRE(result.rounds[1].problems.size() == 1);
    CHECK(mentions(result.rounds[1].problems, "sample 2 (b.json) is rejected at (root)"));
    CHECK(mentions(result.rounds[1].problems, "email"));
    CHECK(result.rounds[2].problems.empty());
    CHECK(result.usage.prompt_tokens == 500);
    CHECK(result.usage.completion_tokens == 140);
    REQUIRE(result.ledger.size() == 3);
    CHECK(result.ledger[0].reason == sf::attempt::kind::initial);
    CHECK(result.ledger[1].reason == sf::attempt::kind::reask);
    CHECK(result.ledger[0].error == sf::make_error_code(sf::errc::validation_failed));
    CHECK(result.ledger[2].message.empty());
  }
  SECTION("response_format carries the meta-schema of schemas/meta/, not strict") {
    const auto requests = server.requests();
    for (const auto& r : requests) {
      const json format = r.json()["response_format"];
      CHECK(format["type"] == "json_schema");
      CHECK(format["json_schema"]["strict"] == false);
      CHECK(format["json_schema"]["schema"] == meta_schema_file());
      CHECK(r.json()["model"] == "fake-model");
    }
    CHECK(sf::inference_meta_schema() == meta_schema_file());
  }
  SECTION("the first request quotes the samples, each reask carries the concrete errors") {
    const auto requests = server.requests();
    const json first = requests[0].json();
    REQUIRE(first["messages"].size() == 2);
    CHECK(first["messages"][0]["role"] == "system");
    const std::string prompt = last_user_message(requests[0]);
    CHECK(prompt.find("Title of the schema: Person") != std::string::npos);
    CHECK(prompt.find("people of a club") != std::string::npos);
    CHECK(prompt.find("sample 2 (b.json):\n{\"id\": 2, \"name\": \"Bob\"}") != std::string::npos);

    const json second = requests[1].json();
    REQUIRE(second["messages"].size() == 4);
    CHECK(second["messages"][2]["role"] == "assistant");
    CHECK(second["messages"][2]["content"] == invalid_schema);
    const std::string reask1 = last_user_message(requests[1]);
    CHECK(reask1.find("- schema at /properties/id/type:") != std::string::npos);
    CHECK(reask1.find("patternProperties") != std::string::npos);

    const std::string reask2 = last_user_message(requests[2]);
    CHECK(reask2.find("- sample 2 (b.json) is rejected at (root):") != std::string::npos);
    CHECK(reask2.find("email") != std::string::npos);
    CHECK(reask2.find("schema at") == std::string::npos);
  }
}

TEST_CASE("infer_schema: free-text samples come with one extracted instance each", "[infer][llm]") {
  const std::vector<sf::schema_sample> texts = {{"Ada Lovelace, 36, writes from London.", "ada.txt"},
                                                {"Bob is 41 and has no town.", "bob.txt"}};
  const std::string schema_part =
      R"({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
          "town": {"type": "string"}}, "required": ["name", "age"]})";
  fake_server server(json::array({
      answer(R"({"schema": )" + schema_part + R"(, "instances": [{"name": "Ada", "age": 36, "town": "London"},
                                                               {"name": "Bob", "age": "41"}]})"),
      answer(R"({"schema": )" + schema_part + R"(, "instances": [{"name": "Ada", "age": 36}]})"),
      answer(R"({"schema": )" + schema_part + R"(, "instances": [{"name": "Ada", "age": 36, "town": "London"},
                                                               {"name": "Bob", "age": 41}]})"),
  }));
  boost::asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::infer_options options;
  options.kind = sf::sample_kind::text;

  sf::infer_result result = sf::infer_schema(c, texts, "Person", "", options);

  REQUIRE(server.request_count() == 3);
  CHECK(result.schema["properties"]["age"]["type"] == "integer");
  REQUIRE(result.instances.size() == 2);
  CHECK(result.instances[1] == json{{"name", "Bob"}, {"age", 41}});
  REQUIRE(result.rounds.size() == 3);
  CHECK(mentions(result.rounds[0].problems, "the instance extracted from sample 2 (bob.txt) is rejected at /age"));
  CHECK(mentions(result.rounds[1].problems, "\"instances\" has 1 values for 2 samples"));

  const auto requests = server.requests();
  const json format = requests[0].json()["response_format"]["json_schema"]["schema"];
  CHECK(format["required"] == json::array({"schema", "instances"}));
  CHECK(format["$defs"] == sf::inference_meta_schema()["$defs"]);
  CHECK(format["properties"]["schema"]["properties"] == sf::inference_meta_schema()["properties"]);
  // Free texts are all quoted, as text.
  const std::string prompt = last_user_message(requests[0]);
  CHECK(prompt.find("sample 1 (ada.txt):\nAda Lovelace, 36, writes from London.") != std::string::npos);
  CHECK(prompt.find("free-text") != std::string::npos);
  CHECK(last_user_message(requests[1]).find("/age") != std::string::npos);
}

TEST_CASE("infer_schema: failures", "[infer][llm]") {
  boost::asio::io_context io;

  SECTION("the budget of reasks is spent: a clear error with every request in the ledger") {
    fake_server server(json::array({answer(invalid_schema), answer(too_strict_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_options options;
    options.max_reasks = 1;
    try {
      (void)sf::infer_schema(c, people, "Person", "", options);
      FAIL("the call did not fail");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::validation_failed);
      const std::string what = e.what();
      CHECK(what.find("still not acceptable after 1 reask") != std::string::npos);
      CHECK(what.find("sample 2 (b.json)") != std::string::npos);
      CHECK(what.find("raise max_reasks") != std::string::npos);
      REQUIRE(e.ledger.size() == 2);
      CHECK(e.ledger[0].message.find("/properties/id/type") != std::string::npos);
    }
    CHECK(server.request_count() == 2);
  }
  SECTION("answers that are never JSON end as invalid_output") {
    fake_server server(json::array({answer("I think the schema is an object."), answer("Still prose.")}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_options options;
    options.max_reasks = 1;
    try {
      (void)sf::infer_schema(c, people, "Person", "", options);
      FAIL("the call did not fail");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::invalid_output);
    }
    CHECK(server.request_count() == 2);
  }
  SECTION("a JSON sample that is not JSON is the caller's mistake, and nothing is sent") {
    fake_server server;
    sf::client c(io.get_executor(), options_for(server));
    try {
      (void)sf::infer_schema(c, {{"{\"id\": 1}", "a.json"}, {"{oops", "b.json"}}, "Person", "");
      FAIL("the call did not fail");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::invalid_argument);
      CHECK(std::string(e.what()).find("sample 2 (b.json) is not JSON") != std::string::npos);
    }
    CHECK(server.request_count() == 0);
  }
  SECTION("no samples, and the tools mode, are refused") {
    fake_server server;
    sf::client c(io.get_executor(), options_for(server));
    CHECK_THROWS_AS(sf::infer_schema(c, {}, "Person", ""), sf::error);
    sf::infer_options tools;
    tools.mode = sf::structure_mode::tools;
    CHECK_THROWS_AS(sf::infer_schema(c, people, "Person", "", tools), sf::error);
    CHECK(server.request_count() == 0);
  }
  SECTION("a refusal, a cut-off answer and a content filter end the call, not reasked") {
    json refused = answer("");
    refused["refusal"] = "I cannot help with that.";
    json cut = answer(R"({"type": "obj)");
    cut["finish_reason"] = "length";
    json filtered = answer(good_schema);
    filtered["finish_reason"] = "content_filter";
    for (const auto& [reply, code, text] : {std::tuple{refused, sf::errc::refusal, "refused to answer"},
                                            std::tuple{cut, sf::errc::length, "the schema was cut off"},
                                            std::tuple{filtered, sf::errc::refusal, "content filter stopped the schema"}}) {
      fake_server server(json::array({reply, answer(good_schema)}));
      sf::client c(io.get_executor(), options_for(server));
      try {
        (void)sf::infer_schema(c, people, "Person", "");
        FAIL("the call did not fail");
      } catch (const sf::error& e) {
        CHECK(e.code() == code);
        CHECK_THAT(e.what(), Catch::Contains(text));
      }
      CHECK(server.request_count() == 1);
    }
  }
  SECTION("an HTTP error is reported as such, not reasked") {
    fake_server server(json::array({json{{"status", 400}, {"error", json{{"message", "bad model"}}}}}));
    sf::client c(io.get_executor(), options_for(server));
    try {
      (void)sf::infer_schema(c, people, "Person", "");
      FAIL("the call did not fail");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::http_status);
      CHECK(e.http_status == 400);
    }
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("infer_schema: checks beyond the meta-schema", "[infer][llm]") {
  boost::asio::io_context io;

  SECTION("an injected check's errors are reasked like the others") {
    fake_server server(json::array({answer(good_schema), answer(good_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_options options;
    int calls = 0;
    options.extra_check = [&calls](const json& schema) {
      std::vector<sf::validation_error> problems;
      if (calls++ == 0 && !schema.contains("description")) problems.push_back({"", "give the schema a description"});
      return problems;
    };
    sf::infer_result result = sf::infer_schema(c, people, "Person", "", options);
    CHECK(server.request_count() == 2);
    CHECK(calls == 2);
    CHECK(mentions(result.rounds[0].problems, "schema at (root): give the schema a description"));
    CHECK(last_user_message(server.requests()[1]).find("give the schema a description") != std::string::npos);
  }
  SECTION("a failing sample that was not quoted is quoted in the reask") {
    fake_server server(json::array({answer(too_strict_schema), answer(good_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_options options;
    options.max_prompt_samples = 1;
    (void)sf::infer_schema(c, people, "Person", "", options);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(last_user_message(requests[0]).find("b.json") == std::string::npos);
    CHECK(last_user_message(requests[0]).find("the first 1 are shown") != std::string::npos);
    CHECK(last_user_message(requests[1]).find("sample 2 (b.json):\n{\"id\": 2, \"name\": \"Bob\"}") != std::string::npos);
  }
  SECTION("json mode puts the meta-schema in the system prompt") {
    fake_server server(json::array({answer(good_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_options options;
    options.mode = sf::structure_mode::json;
    (void)sf::infer_schema(c, people, "", "", options);
    const json body = server.requests()[0].json();
    CHECK(body["response_format"] == json{{"type", "json_object"}});
    CHECK(body["messages"][0]["content"].get<std::string>().find("generator subset") != std::string::npos);
  }
  SECTION("mode auto falls back to json when the endpoint rejects json_schema") {
    fake_server server(json::array(
        {json{{"status", 400},
              {"error", json{{"message", "response_format json_schema is not supported by this server"},
                             {"param", "response_format"}}}},
         answer(good_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    sf::infer_result result = sf::infer_schema(c, people, "Person", "");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].json()["response_format"]["type"] == "json_schema");
    CHECK(requests[1].json()["response_format"] == json{{"type", "json_object"}});
    CHECK(requests[1].json()["messages"].size() == 2);
    CHECK(result.rounds.size() == 1);
    REQUIRE(result.ledger.size() == 2);
    CHECK(result.ledger[0].message.find("falling back to json") != std::string::npos);
    CHECK(result.ledger[1].reason == sf::attempt::kind::initial);
  }
  SECTION("the async form completes through a callback") {
    fake_server server(json::array({answer(good_schema)}));
    sf::client c(io.get_executor(), options_for(server));
    std::optional<sf::infer_result> got;
    sf::async_infer_schema(c, people, "Person", "", [&](std::exception_ptr e, sf::infer_result r) {
      CHECK_FALSE(e);
      got = std::move(r);
    });
    io.run();
    REQUIRE(got);
    CHECK(got->schema["title"] == "Person");
    CHECK(got->rounds.size() == 1);
  }
}

TEST_CASE("generation_problems: the code generator's verdict on a proposed schema", "[infer][llm]") {
  using nlohmann::ordered_json;
  CHECK(sf::gen::generation_problems(ordered_json::parse(good_schema)).empty());
  auto unsupported = sf::gen::generation_problems(ordered_json::parse(invalid_schema));
  REQUIRE_FALSE(unsupported.empty());
  CHECK(unsupported.front().pointer == "/properties/id/type");
  auto dangling = sf::gen::generation_problems(ordered_json::parse(R"({"$ref": "#/$defs/Missing"})"));
  REQUIRE(dangling.size() == 1);
  CHECK(dangling.front().level == sf::gen::diagnostic::severity::error);
  // Every schema the meta-schema accepts here also generates cleanly.
  const sf::schema meta(sf::inference_meta_schema());
  CHECK(meta.is_valid(json::parse(good_schema)));
  CHECK_FALSE(meta.is_valid(json::parse(invalid_schema)));
}
