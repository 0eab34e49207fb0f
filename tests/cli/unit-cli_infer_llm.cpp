// SPDX-License-Identifier: MIT
// `schemaforge infer --llm [--text]` against the fake server: the schema on stdout or in -o FILE
// (which `schemaforge generate` takes as is), the report on stderr, exit statuses per the contract.
#include "cli_process.hpp"
#include "fake_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using nlohmann::json;
using schemaforge::testing::fake_server;

namespace {

json answer(const std::string& content) {
  return json{{"content", content},
              {"usage", json{{"prompt_tokens", 100}, {"completion_tokens", 20}, {"total_tokens", 120}}}};
}

const char* const invalid_schema = R"({"type": "object", "properties": {"id": {"type": "int"}}})";
const char* const too_strict_schema =
    R"({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
        "email": {"type": "string"}}, "required": ["id", "name", "email"]})";
const char* const good_schema =
    R"({"type": "object", "properties": {"id": {"type": "integer", "description": "Member number"},
        "name": {"type": "string"}, "email": {"type": "string", "format": "email"}}, "required": ["id", "name"]})";

}  // namespace

TEST_CASE("infer --llm: the schema after reasks, usable by generate", "[cli][infer][llm]") {
  scratch_dir dir;
  const std::string a = dir.write("a.json", R"({"id": 1, "name": "Ada", "email": "ada@example.com"})");
  const std::string b = dir.write("b.json", R"({"id": 2, "name": "Bob"})");
  fake_server server(json::array({answer(invalid_schema), answer(too_strict_schema), answer(good_schema)}));
  const std::string endpoint = " --base-url " + server.base_url() + " --model fake-model";

  SECTION("-o FILE: nothing on stdout, the report on stderr, the file feeds generate") {
    auto r = run_line(dir, "infer --llm '" + a + "' '" + b + "' --name 'club member' -o out/member.schema.json" + endpoint);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.empty());
    CHECK(server.request_count() == 3);
    CHECK(r.err.find("infer: answer 1 rejected") != std::string::npos);
    CHECK(r.err.find("schema at /properties/id/type") != std::string::npos);
    CHECK(r.err.find("infer: answer 2 rejected (1 problem)") != std::string::npos);
    CHECK(r.err.find("b.json) is rejected at (root)") != std::string::npos);
    CHECK(r.err.find("infer: answer 3 accepted") != std::string::npos);
    CHECK(r.err.find("infer: 3 requests, 300 prompt + 60 completion tokens") != std::string::npos);

    const json schema = json::parse(slurp(dir.path("out/member.schema.json")));
    CHECK(schema["title"] == "club member");
    CHECK(schema["required"] == json::array({"id", "name"}));

    auto g = run_line(dir, "generate out/member.schema.json -o gen");
    INFO(g.err);
    REQUIRE(g.status == 0);
    const std::string header = slurp(dir.path("gen/member.hpp"));
    CHECK(header.find("struct ClubMember") != std::string::npos);
    CHECK(header.find("std::optional<std::string> email") != std::string::npos);
    CHECK(header.find("Member number") != std::string::npos);
  }
  SECTION("without -o the schema is the only thing on stdout; the request carries the meta-schema") {
    auto r = run_line(dir, "infer --llm '" + a + "' '" + b + "'" + endpoint);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json schema = json::parse(r.out);
    CHECK(schema["title"] == "A");  // derived from the first sample's name, as without --llm
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    const json format = server.requests()[0].json()["response_format"]["json_schema"]["schema"];
    CHECK(format["title"] == "schemaforge generator subset");
  }
}

TEST_CASE("infer --llm --text: free-text samples", "[cli][infer][llm]") {
  scratch_dir dir;
  const std::string ada = dir.write("ada.txt", "Ada Lovelace, 36, London.");
  const std::string bob = dir.write("bob.txt", "Bob, 41.");
  const std::string schema = R"({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]})";
  fake_server server(json::array({answer(R"({"schema": )" + schema +
                                         R"(, "instances": [{"name": "Ada", "age": 36}, {"name": "Bob", "age": 41}]})")}));
  auto r = run_line(dir, "infer --llm --text '" + ada + "' '" + bob + "' --name Person --base-url " + server.base_url() +
                        " --model fake-model");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(json::parse(r.out)["properties"]["age"]["type"] == "integer");
  const std::string prompt = server.requests()[0].json()["messages"][1]["content"];
  CHECK(prompt.find("Bob, 41.") != std::string::npos);
}

TEST_CASE("infer --llm: exit statuses", "[cli][infer][llm]") {
  scratch_dir dir;
  const std::string a = dir.write("a.json", R"({"id": 1, "name": "Ada", "email": "ada@example.com"})");
  const std::string b = dir.write("b.json", R"({"id": 2, "name": "Bob"})");

  SECTION("still wrong after the reasks: exit 1, one line naming the problem") {
    fake_server server(json::array({answer(invalid_schema), answer(too_strict_schema)}));
    auto r = run_line(dir, "infer --llm '" + a + "' '" + b + "' --max-reasks 1 --base-url " + server.base_url() +
                          " --model fake-model");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(one_line(r.err));
    CHECK(r.err.rfind("schemaforge: error: validation_failed: the model's schema is still not acceptable after 1 reask", 0) == 0);
    CHECK(r.err.find("b.json") != std::string::npos);
    CHECK(server.request_count() == 2);
  }
  SECTION("--explain lists every request's problems before the error") {
    fake_server server(json::array({answer(invalid_schema), answer(too_strict_schema)}));
    auto r = run_line(dir, "infer --llm --explain '" + a + "' '" + b + "' --max-reasks 1 --base-url " + server.base_url() +
                          " --model fake-model");
    CHECK(r.status == 1);
    CHECK(r.err.find("infer: request 1: schema at /properties/id/type") != std::string::npos);
    CHECK(r.err.find("infer: request 2: sample 2") != std::string::npos);
  }
  SECTION("a sample that is not JSON: exit 2 naming the file, nothing sent") {
    fake_server server;
    const std::string bad = dir.write("bad.json", "{\"id\": ");
    auto r = run_line(dir, "infer --llm '" + a + "' '" + bad + "' --base-url " + server.base_url() + " --model fake-model");
    CHECK(r.status == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find("bad.json") != std::string::npos);
    CHECK(server.request_count() == 0);
  }
  SECTION("model flags and --text need --llm; --mode tools is refused; a model is required") {
    auto text = run_line(dir, "infer --text '" + a + "'");
    CHECK(text.status == 2);
    CHECK(one_line(text.err));
    CHECK(text.err.find("--text needs --llm") != std::string::npos);
    CHECK(run_line(dir, "infer '" + a + "' --model m").status == 2);
    fake_server server;
    auto tools = run_line(dir, "infer --llm '" + a + "' --mode tools --model m --base-url " + server.base_url());
    CHECK(tools.status == 2);
    CHECK(tools.err.find("--mode") != std::string::npos);
    auto no_model = run_line(dir, "infer --llm '" + a + "' --base-url " + server.base_url());
    CHECK(no_model.status == 2);
    CHECK(no_model.err.find("--model") != std::string::npos);
    CHECK(server.request_count() == 0);
  }
  SECTION("the endpoint fails: exit 1 naming the base URL") {
    fake_server server(json::array({json{{"status", 401}, {"error", json{{"message", "bad key"}}}}}));
    auto r = run_line(dir, "infer --llm '" + a + "' --base-url " + server.base_url() + " --model fake-model --api-key sk-secret-1");
    CHECK(r.status == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find(server.base_url()) != std::string::npos);
    CHECK(r.err.find("sk-secret-1") == std::string::npos);
  }
}
