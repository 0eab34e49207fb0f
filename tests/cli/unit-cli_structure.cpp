// SPDX-License-Identifier: MIT
// `schemaforge structure` against the fake server: stdout holds only the instance, errors are
// one line on stderr, exit statuses per the contract, and what the server received.
#include "cli_process.hpp"
#include "fake_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using nlohmann::json;
using schemaforge::testing::fake_server;

namespace {

const char* const person_schema = R"({"title": "Person", "type": "object",
  "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}, "email": {"type": "string"}},
  "required": ["name", "age"]})";

}  // namespace

TEST_CASE("schemaforge structure", "[cli]") {
  scratch_dir dir;
  dir.write("person.schema.json", person_schema);
  fake_server server;
  const std::string endpoint = " --base-url " + server.base_url() + " --model fake-model --max-retries 0";

  SECTION("prints exactly one valid instance and nothing else") {
    server.push(json{{"content", R"({"name": "Ada", "age": 36, "email": null})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text 'Ada Lovelace, 36'" + endpoint);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    REQUIRE(one_line(r.out));
    CHECK(json::parse(r.out) == json{{"name", "Ada"}, {"age", 36}});
    REQUIRE(server.request_count() == 1);
    json body = server.requests()[0].json();
    CHECK(body["model"] == "fake-model");
    CHECK(body["response_format"]["type"] == "json_schema");  // auto starts with json_schema
    CHECK(body["messages"].back()["content"] == "Ada Lovelace, 36");
  }
  SECTION("--input FILE and --input - read the text") {
    dir.write("note.txt", "Grace Hopper, 85\n");
    server.push(json{{"content", R"({"name": "Grace", "age": 85})"}});
    server.push(json{{"content", R"({"name": "Grace", "age": 85})"}});
    auto from_file = run_line(dir, "structure --schema person.schema.json --input note.txt" + endpoint);
    auto from_stdin = run_line(dir, "structure --schema person.schema.json --input -" + endpoint, dir.path("note.txt"));
    CHECK(from_file.status == 0);
    CHECK(from_stdin.status == 0);
    REQUIRE(server.request_count() == 2);
    CHECK(server.requests()[0].json()["messages"].back()["content"] == "Grace Hopper, 85\n");
    CHECK(server.requests()[1].json()["messages"].back()["content"] == "Grace Hopper, 85\n");
  }
  SECTION("fenced JSON is repaired without a reask") {
    server.push(json{{"content", "```json\n{\"name\": \"Ada\", \"age\": 36}\n```"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --mode prompt" + endpoint);
    CHECK(r.status == 0);
    CHECK(json::parse(r.out)["name"] == "Ada");
    CHECK(server.request_count() == 1);
    CHECK_FALSE(server.requests()[0].json().contains("response_format"));
  }
  SECTION("invalid answer → reask → valid; the reask carries the error pointer") {
    server.push(json{{"content", R"({"name": "Ada", "age": -3})"}});
    server.push(json{{"content", R"({"name": "Ada", "age": 3})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --mode json" + endpoint);
    CHECK(r.status == 0);
    CHECK(json::parse(r.out)["age"] == 3);
    REQUIRE(server.request_count() == 2);
    CHECK(server.requests()[1].json()["messages"].back()["content"].get<std::string>().find("/age") != std::string::npos);
  }
  SECTION("still invalid after the reasks: exit 1, one line, nothing on stdout") {
    server.push(json{{"content", R"({"name": "Ada", "age": -3})"}});
    server.push(json{{"content", R"({"name": 5, "age": 3})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --mode json --max-reasks 1" + endpoint);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(one_line(r.err));
    CHECK(r.err.rfind("schemaforge: error: validation_failed: ", 0) == 0);
    CHECK(r.err.find("/name") != std::string::npos);
    CHECK(r.err.find("(person.schema.json)\n") != std::string::npos);
    CHECK(server.request_count() == 2);
  }
  SECTION("tools mode sends a forced function call") {
    server.push(json{{"tool_arguments", R"({"name": "Ada", "age": 36})"}, {"tool_name", "Person"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --mode tools" + endpoint);
    CHECK(r.status == 0);
    CHECK(server.requests().at(0).json()["tool_choice"]["function"]["name"] == "Person");
  }
  SECTION("transport retries: --max-retries N means at most N+1 requests") {
    for (int i = 0; i < 3; ++i)
      server.push(json{{"status", 503}, {"headers", json{{"retry-after-ms", "1"}}}, {"error", json{{"message", "overloaded"}}}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --base-url " + server.base_url() +
                          " --model fake-model --max-retries 1");
    CHECK(r.status == 1);
    CHECK(one_line(r.err));
    CHECK(server.request_count() == 2);
    // The library's hint names the option field; the CLI names its flag instead.
    CHECK(r.err.find("raise --max-retries") != std::string::npos);
    CHECK(r.err.find("max_retries (") == std::string::npos);
  }
  SECTION("length and refusal end with a clear error") {
    server.push(json{{"content", "{\"na"}, {"finish_reason", "length"}});
    auto length = run_line(dir, "structure --schema person.schema.json --text Ada" + endpoint);
    CHECK(length.status == 1);
    CHECK(length.err.rfind("schemaforge: error: length: ", 0) == 0);
    CHECK(length.err.find("max_tokens") != std::string::npos);
    server.push(json{{"refusal", "I won't."}});
    auto refusal = run_line(dir, "structure --schema person.schema.json --text Ada" + endpoint);
    CHECK(refusal.status == 1);
    CHECK(refusal.err.find("I won't.") != std::string::npos);
  }
  SECTION("the API key never appears, even when the endpoint rejects it") {
    server.push(json{{"status", 401}, {"error", json{{"message", "Incorrect API key provided: sk-cli-secret-42"}}}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --api-key sk-cli-secret-42" + endpoint);
    CHECK(r.status == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find("sk-cli-secret-42") == std::string::npos);
    CHECK(r.err.find("check --api-key / OPENAI_API_KEY") != std::string::npos);
    CHECK(server.requests().at(0).header("authorization") == "Bearer sk-cli-secret-42");
  }
  SECTION("--timeout bounds one attempt") {
    server.push(json{{"delay_ms", 2000}, {"content", R"({"name": "Ada", "age": 36})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --timeout 0.2" + endpoint);
    CHECK(r.status == 1);
    CHECK(r.err.rfind("schemaforge: error: timeout: ", 0) == 0);
    const std::string where = " (" + server.base_url() + ")\n";
    CHECK(r.err.find(where) != std::string::npos);
    CHECK(r.err.find("raise --timeout (one attempt) or --deadline (the whole call)") != std::string::npos);
    CHECK(r.err.find("call_options") == std::string::npos);
  }
  SECTION("--deadline bounds the whole call, retries included") {
    for (int i = 0; i < 3; ++i) server.push(json{{"delay_ms", 2000}, {"content", R"({"name": "Ada", "age": 36})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --deadline 0.3 --base-url " + server.base_url() +
                          " --model fake-model --max-retries 2");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("schemaforge: error: timeout: ", 0) == 0);
    CHECK(server.request_count() == 1);
  }
  SECTION("bad usage and bad input: exit 2, one line, no request") {
    dir.write("broken.json", "{\"type\": ");
    dir.write("not-a-schema.json", R"({"type": "no-such-type"})");
    for (const std::string& args : {
             std::string("structure --schema person.schema.json") + endpoint,                           // no text
             std::string("structure --schema person.schema.json --text a --input note.txt") + endpoint,  // both
             std::string("structure --schema person.schema.json --text a --mode fancy") + endpoint,
             std::string("structure --schema missing.json --text a") + endpoint,
             std::string("structure --schema broken.json --text a") + endpoint,
             std::string("structure --schema not-a-schema.json --text a") + endpoint,
             std::string("structure --schema person.schema.json --input missing.txt") + endpoint,
             std::string("structure --schema person.schema.json --text a --max-reasks -1") + endpoint,
             std::string("structure --schema person.schema.json --text a --timeout 0") + endpoint,
             std::string("structure --schema person.schema.json --text a --no-such-flag") + endpoint,
             std::string("structure --schema person.schema.json --text a --base-url ") + server.base_url(),  // no model
         }) {
      INFO(args);
      auto r = run_line(dir, args);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(one_line(r.err));
      CHECK(r.err.rfind("schemaforge: error: ", 0) == 0);
    }
    CHECK(server.request_count() == 0);
  }
}

TEST_CASE("schemaforge structure --stream", "[cli][stream]") {
  scratch_dir dir;
  dir.write("person.schema.json", person_schema);
  fake_server server;
  const std::string endpoint = " --base-url " + server.base_url() + " --model fake-model --max-retries 0";
  const json answer = {{"stream_content", json::array({R"({"name": "Ada", )", R"("age": 36, )", R"("email": null})"})}};

  SECTION("stderr not a terminal: stdout is exactly the output without --stream, stderr stays empty") {
    server.push(json{{"content", R"({"name": "Ada", "age": 36, "email": null})"}});
    server.push(answer);
    auto plain = run_line(dir, "structure --schema person.schema.json --text 'Ada Lovelace, 36'" + endpoint);
    auto streamed = run_line(dir, "structure --schema person.schema.json --text 'Ada Lovelace, 36' --stream" + endpoint);
    CHECK(plain.status == 0);
    CHECK(streamed.status == 0);
    CHECK(streamed.out == plain.out);
    CHECK(json::parse(streamed.out) == json{{"name", "Ada"}, {"age", 36}});
    CHECK(streamed.err.empty());
    REQUIRE(server.request_count() == 2);
    CHECK_FALSE(server.requests()[0].json().contains("stream"));
    CHECK(server.requests()[1].json()["stream"] == true);
  }
  SECTION("tools mode streams the call's arguments") {
    server.push(json{{"tool_arguments", R"({"name": "Bo", "age": 7, "email": "bo@example.org"})"}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Bo --mode tools --stream" + endpoint);
    CHECK(r.status == 0);
    CHECK(json::parse(r.out) == json{{"name", "Bo"}, {"age", 7}, {"email", "bo@example.org"}});
    CHECK(server.requests().at(0).json()["tools"].size() == 1);
  }
  SECTION("a truncated stream with no retry left: exit 1, one line, nothing on stdout") {
    // The body ends cleanly, but before any finish_reason or [DONE].
    const json cut = {{"object", "chat.completion.chunk"}, {"model", "fake-model"},
                      {"choices", json::array({{{"index", 0}, {"delta", {{"content", R"({"name": "Ad)"}}}, {"finish_reason", nullptr}}})}};
    server.push(json{{"stream", json::array({cut.dump()})}, {"done", false}});
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --stream" + endpoint);
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(one_line(r.err));
    CHECK(r.err.rfind("schemaforge: error: connection: ", 0) == 0);
  }
  SECTION("an invalid streamed answer is reasked, streamed again") {
    server.push(json{{"stream_content", json::array({R"({"name": 1, )", R"("age": 2})"})}});
    server.push(answer);
    auto r = run_line(dir, "structure --schema person.schema.json --text Ada --stream" + endpoint);
    CHECK(r.status == 0);
    CHECK(json::parse(r.out) == json{{"name", "Ada"}, {"age", 36}});
    REQUIRE(server.request_count() == 2);
    CHECK(server.requests()[1].json()["stream"] == true);
  }
  SECTION("stderr a terminal: the partial object is redrawn there, then erased; stdout unchanged") {
    // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr to the terminal.
    if (std::system("script -qec true /dev/null >/dev/null 2>&1") != 0) {
      WARN("no pseudo-terminal available (script(1) failed): the terminal view is not tested here");
      return;
    }
    json slow = answer;
    slow["chunk_delay_ms"] = 120;
    server.push(slow);
    const std::string command = "env -u OPENAI_BASE_URL -u OPENAI_API_KEY -u SCHEMAFORGE_MODEL '" SCHEMAFORGE_CLI
                                "' structure --schema person.schema.json --text Ada --stream" + endpoint +
                                " >'" + dir.path("out.json") + "'";
    const std::string outer = "cd '" + dir.path("") + "' && script -qec \"" + command + "\" '" + dir.path("terminal.txt") +
                              "' >/dev/null 2>&1 </dev/null";
    const int raw = std::system(outer.c_str());
    CHECK(WIFEXITED(raw));
    CHECK(WEXITSTATUS(raw) == 0);
    CHECK(json::parse(slurp(dir.path("out.json"))) == json{{"name", "Ada"}, {"age", 36}});
    const std::string terminal = slurp(dir.path("terminal.txt"));
    INFO(terminal);
    std::size_t frames = 0;
    for (std::size_t at = terminal.find("schemaforge: streaming"); at != std::string::npos;
         at = terminal.find("schemaforge: streaming", at + 1))
      ++frames;
    CHECK(frames >= 2);
    CHECK(terminal.find("\"name\": \"Ada\"") != std::string::npos);
    CHECK(terminal.find("\x1b[J") != std::string::npos);  // frames are erased, not scrolled
    CHECK(terminal.find("{\"age\":36,") == std::string::npos);  // stdout went to the file, not the terminal
  }
}
