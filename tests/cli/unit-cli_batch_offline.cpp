// SPDX-License-Identifier: MIT
// `schemaforge batch export` / `batch import` (OpenAI Batch API files) and `batch` over several
// --base-url values. The Batch API is simulated by answering each exported body the way the fake
// server does (the model's answer is the item's own text), so a round trip needs no network.
#include "cli_process.hpp"
#include "fake_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::testing::fake_server;

namespace {

const char* const counter_schema =
    R"({"title": "Counter", "type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})";

std::string counter_input(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += json{{"id", "item-" + std::to_string(i)}, {"text", json{{"n", i}}.dump()}}.dump() + "\n";
  return text;
}

std::map<std::string, json> lines_by(const std::string& path, const std::string& key) {
  std::map<std::string, json> by;
  for (const auto& line : lines_of(slurp(path))) {
    const json j = json::parse(line);
    by[j[key].is_string() ? j[key].get<std::string>() : j[key].dump()] = j;
  }
  return by;
}

// The text the "model" answers with: by default the last message's content, as the fake server.
using answer_fn = std::function<std::string(const std::string& custom_id, const json& body)>;

std::string echo(const std::string&, const json& body) { return body["messages"].back()["content"].get<std::string>(); }

// What OpenAI's Batch API (or vLLM's run_batch) writes for the exported requests: one output
// line per request, answered by `answer`; in tools mode the answer is the forced call's arguments.
std::string simulate_batch_api(const std::string& requests_path, const answer_fn& answer = echo) {
  std::string out;
  int n = 0;
  for (const auto& line : lines_of(slurp(requests_path))) {
    const json request = json::parse(line);
    const std::string id = request["custom_id"];
    const json& body = request["body"];
    const std::string text = answer(id, body);
    json message{{"role", "assistant"}, {"content", text}};
    if (body.contains("tools")) {
      message["content"] = nullptr;
      message["tool_calls"] = json::array({{{"id", "call_" + std::to_string(n)},
                                            {"type", "function"},
                                            {"function", {{"name", body["tool_choice"]["function"]["name"]}, {"arguments", text}}}}});
    }
    const json completion{{"id", "chatcmpl-" + std::to_string(n)},
                          {"object", "chat.completion"},
                          {"model", body["model"]},
                          {"choices", json::array({{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}})},
                          {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 4}, {"total_tokens", 24}}}};
    out += json{{"id", "batch_req_" + std::to_string(n)},
                {"custom_id", id},
                {"response", {{"status_code", 200}, {"request_id", "req_" + std::to_string(n)}, {"body", completion}}},
                {"error", nullptr}}
               .dump() +
           "\n";
    ++n;
  }
  return out;
}

bool one_error_line(const std::string& err) {
  return err.rfind("schemaforge: error: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

}  // namespace

TEST_CASE("schemaforge batch export and import", "[cli]") {
  scratch_dir dir;
  const std::string schema = dir.write("counter.schema.json", counter_schema);
  const std::string in = dir.path("in.jsonl"), requests = dir.path("requests.jsonl"),
                    results = dir.path("results.jsonl"), out = dir.path("out.jsonl");

  SECTION("export writes one Batch API request per item: exactly the request `batch` sends online") {
    dir.write("in.jsonl", R"({"id": "a", "text": "{\"n\": 1}"})"
                          "\n"
                          R"({"id": 7, "text": "{\"n\": 2}"})"
                          "\n"
                          R"({"text": "{\"n\": 3}"})"
                          "\n");
    auto r = run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                       "fake-model", "--mode", "json_schema"});
    REQUIRE(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    const auto exported = lines_by(requests, "custom_id");
    REQUIRE(exported.size() == 3);
    for (const auto& [id, line] : exported) {
      CHECK(line["method"] == "POST");
      CHECK(line["url"] == "/v1/chat/completions");
      CHECK(line["body"]["model"] == "fake-model");
      CHECK(line["body"]["response_format"]["json_schema"]["name"] == "Counter");
    }
    CHECK(exported.count("a") == 1);
    CHECK(exported.count("7") == 1);
    CHECK(exported.count("3") == 1);  // no id: the line number, as `batch` names it
    CHECK(lines_of(slurp(requests)).front().rfind("{\"custom_id\":\"a\",", 0) == 0);

    fake_server server;
    auto online = run(dir, {"batch", "--schema", schema, "--input", in, "--output", out, "--base-url",
                            server.base_url(), "--model", "fake-model", "--mode", "json_schema"});
    REQUIRE(online.status == 0);
    std::map<std::string, json> sent;  // by the item's text
    for (const auto& request : server.requests())
      sent[request.json()["messages"].back()["content"].get<std::string>()] = request.json();
    REQUIRE(sent.size() == 3);
    CHECK(sent[R"({"n": 1})"] == exported.at("a")["body"]);
    CHECK(sent[R"({"n": 2})"] == exported.at("7")["body"]);
    CHECK(sent[R"({"n": 3})"] == exported.at("3")["body"]);
  }

  SECTION("round trip: export, the Batch API, import gives the usual output lines") {
    dir.write("in.jsonl", counter_input(25));
    for (const char* mode : {"json_schema", "tools", "json", "prompt"}) {
      INFO(mode);
      REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                        "fake-model", "--mode", mode})
                  .status == 0);
      dir.write("results.jsonl", simulate_batch_api(requests));
      // No endpoint and no model are needed to import.
      auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out,
                         "--mode", mode});
      CHECK(r.status == 0);
      CHECK(r.out.empty());
      CHECK(r.err.empty());
      const auto lines = lines_of(slurp(out));
      CHECK(lines.size() == 25);
      const auto by_id = lines_by(out, "id");
      REQUIRE(by_id.size() == 25);
      for (int i = 0; i < 25; ++i) {
        const json& line = by_id.at("item-" + std::to_string(i));
        CHECK(line["ok"] == true);
        CHECK(line["value"] == json{{"n", i}});
        CHECK(line["attempts"] == 1);
        CHECK(line["usage"]["total_tokens"] == 24);
      }
    }
  }

  SECTION("import --resume after an interrupted import keeps the finished ok lines and imports the rest") {
    dir.write("in.jsonl", counter_input(5));
    REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                      "fake-model"})
                .status == 0);
    dir.write("results.jsonl", simulate_batch_api(requests));
    // OUT as an import killed mid-write leaves it: item-0 finished (with a value the results would
    // not give, to tell a kept line from a re-imported one), item-1 failed, item-2 torn in the
    // middle of its line, item-3 and item-4 not written yet.
    const std::string finished = json{{"id", "item-0"}, {"ok", true}, {"value", {{"n", 100}}}, {"attempts", 1},
                                      {"usage", {{"total_tokens", 24}}}}
                                     .dump();
    const std::string failed = json{{"id", "item-1"}, {"ok", false},
                                    {"error", {{"type", "validation_failed"}, {"message", "earlier"}}}}
                                   .dump();
    const std::string torn = json{{"id", "item-2"}, {"ok", true}, {"value", {{"n", 2}}}, {"attempts", 1}}.dump();
    dir.write("out.jsonl", finished + "\n" + failed + "\n" + torn.substr(0, torn.size() / 2));

    auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out,
                       "--resume"});
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    const auto lines = lines_of(slurp(out));
    CHECK(lines.size() == 5);  // one line per id: the torn line is gone, nothing is doubled
    const auto by_id = lines_by(out, "id");  // every line is whole JSON
    REQUIRE(by_id.size() == 5);
    CHECK(by_id.at("item-0")["value"] == json{{"n", 100}});  // kept, not imported again
    for (int i = 1; i < 5; ++i) {
      const json& line = by_id.at("item-" + std::to_string(i));
      CHECK(line["ok"] == true);
      CHECK(line["value"] == json{{"n", i}});
    }

    SECTION("without --resume the import starts over") {
      REQUIRE(run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out})
                  .status == 0);
      CHECK(lines_by(out, "id").at("item-0")["value"] == json{{"n", 0}});
      CHECK(lines_of(slurp(out)).size() == 5);
    }
    SECTION("--resume on a complete output changes nothing") {
      const std::string before = slurp(out);
      REQUIRE(run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out,
                        "--resume"})
                  .status == 0);
      CHECK(lines_by(out, "id") == by_id);
      CHECK(slurp(out).size() == before.size());
    }
  }

  SECTION("answers split over several --results files (OpenAI's output and error files)") {
    dir.write("in.jsonl", counter_input(6));
    REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                      "fake-model"})
                .status == 0);
    const auto lines = lines_of(simulate_batch_api(requests));
    REQUIRE(lines.size() == 6);
    std::string a, b;
    for (std::size_t i = 0; i < lines.size(); ++i) (i % 2 ? a : b) += lines[i] + "\n";
    dir.write("a.jsonl", a);
    dir.write("b.jsonl", b);
    auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", dir.path("a.jsonl"),
                       "--results", dir.path("b.jsonl"), "--output", out});
    CHECK(r.status == 0);
    CHECK(lines_by(out, "id").size() == 6);
    // The same answer in both files is bad input naming the second place.
    dir.write("b.jsonl", b + lines[1] + "\n");
    r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", dir.path("a.jsonl"),
                  "--results", dir.path("b.jsonl"), "--output", out});
    CHECK(r.status == 2);
    CHECK(r.err.find("b.jsonl:4: /custom_id)") != std::string::npos);
  }

  SECTION("invalid answers fail without --reask-online and are reasked online with it") {
    dir.write("in.jsonl", counter_input(4));
    REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                      "fake-model", "--mode", "json_schema"})
                .status == 0);
    dir.write("results.jsonl", simulate_batch_api(requests, [](const std::string& id, const json& body) {
                if (id == "item-1") return std::string(R"({"n": "one"})");
                if (id == "item-2") return std::string("Here it is:\n```json\n{\"n\": 2}\n```");
                if (id == "item-3") return std::string("I would rather not count.");
                return echo(id, body);
              }));
    fake_server server;
    server.set_default(json{{"content", R"({"n": 42})"}});
    const std::vector<std::string> endpoint{"--base-url", server.base_url(), "--model", "fake-model",
                                            "--max-retries", "0", "--mode", "json_schema"};

    SECTION("offline: the fenced answer is repaired, the others fail with the engine's errors") {
      auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out,
                         "--mode", "json_schema"});
      CHECK(r.status == 1);
      CHECK(one_error_line(r.err));
      CHECK(r.err.find("2 of 4 items failed") != std::string::npos);
      const auto by_id = lines_by(out, "id");
      REQUIRE(by_id.size() == 4);
      CHECK(by_id.at("item-0")["value"] == json{{"n", 0}});
      CHECK(by_id.at("item-2")["value"] == json{{"n", 2}});
      CHECK(by_id.at("item-1")["error"]["type"] == "validation_failed");
      const std::string message = by_id.at("item-1")["error"]["message"];
      CHECK(message.find("/n") != std::string::npos);
      CHECK(message.find("--reask-online") != std::string::npos);
      CHECK(by_id.at("item-3")["error"]["type"] == "invalid_output");
      CHECK(server.request_count() == 0);
    }
    SECTION("--reask-online: only the invalid items go online, continuing their conversation") {
      std::vector<std::string> a{"batch", "import", "--schema", schema, "--input", in, "--results", results,
                                 "--output", out, "--reask-online", "--concurrency", "1"};
      a.insert(a.end(), endpoint.begin(), endpoint.end());
      auto r = run(dir, a);
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      const auto by_id = lines_by(out, "id");
      REQUIRE(by_id.size() == 4);
      CHECK(by_id.at("item-0")["attempts"] == 1);
      CHECK(by_id.at("item-2")["attempts"] == 1);
      CHECK(by_id.at("item-1")["value"] == json{{"n", 42}});
      CHECK(by_id.at("item-1")["attempts"] == 2);
      CHECK(by_id.at("item-3")["value"] == json{{"n", 42}});
      CHECK(by_id.at("item-3")["attempts"] == 2);
      // usage: the recorded answer's and the reask's
      CHECK(by_id.at("item-1")["usage"]["total_tokens"] == 24 + 15);
      const auto sent = server.requests();
      REQUIRE(sent.size() == 2);
      std::map<std::string, json> by_text;
      for (const auto& request : sent) {
        const json body = request.json();
        REQUIRE(body["messages"].size() == 3);
        by_text[body["messages"][0]["content"].get<std::string>()] = body;
        CHECK(body["response_format"]["type"] == "json_schema");
      }
      CHECK(by_text.at(R"({"n":1})")["messages"][1] == json{{"role", "assistant"}, {"content", R"({"n": "one"})"}});
      CHECK(by_text.at(R"({"n":1})")["messages"][2]["content"].get<std::string>().find("/n") != std::string::npos);
      CHECK(by_text.at(R"({"n":3})")["messages"][1]["content"] == "I would rather not count.");
    }
    SECTION("--reask-online with a server that keeps answering wrongly: exit 1 after the reasks") {
      server.set_default(json{{"content", R"({"n": "still wrong"})"}});
      std::vector<std::string> a{"batch", "import", "--schema", schema, "--input", in, "--results", results,
                                 "--output", out, "--reask-online", "--max-reasks", "1"};
      a.insert(a.end(), endpoint.begin(), endpoint.end());
      auto r = run(dir, a);
      CHECK(r.status == 1);
      const auto by_id = lines_by(out, "id");
      REQUIRE(by_id.size() == 4);
      CHECK(by_id.at("item-1")["error"]["type"] == "validation_failed");
      CHECK(server.request_count() == 2);
    }
  }

  SECTION("missing and errored items are reported, never dropped") {
    dir.write("in.jsonl", counter_input(5));
    REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                      "fake-model"})
                .status == 0);
    std::string text;
    for (const auto& line : lines_of(simulate_batch_api(requests))) {
      json j = json::parse(line);
      const std::string id = j["custom_id"];
      if (id == "item-1") continue;  // the Batch API's output has no line for it
      if (id == "item-2") {
        j["response"] = nullptr;
        j["error"] = {{"code", "batch_expired"}, {"message", "This request could not be executed before the completion window expired."}};
      }
      if (id == "item-3") {
        j["response"]["status_code"] = 500;
        j["response"]["body"] = {{"error", {{"message", "The server had an error"}, {"type", "server_error"}}}};
      }
      text += j.dump() + "\n";
    }
    dir.write("results.jsonl", text);
    auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out});
    CHECK(r.status == 1);
    CHECK(one_error_line(r.err));
    CHECK(r.err.find("3 of 5 items failed") != std::string::npos);
    CHECK(lines_of(slurp(out)).size() == 5);
    const auto by_id = lines_by(out, "id");
    REQUIRE(by_id.size() == 5);
    CHECK(by_id.at("item-0")["ok"] == true);
    CHECK(by_id.at("item-4")["ok"] == true);
    CHECK(by_id.at("item-1")["error"]["type"] == "missing_result");
    CHECK(by_id.at("item-1")["error"]["message"].get<std::string>().find("item-1") != std::string::npos);
    CHECK(by_id.at("item-2")["error"]["type"] == "timeout");
    CHECK(by_id.at("item-2")["error"]["message"].get<std::string>().find("batch_expired") != std::string::npos);
    CHECK(by_id.at("item-3")["error"]["type"] == "http_status");
    CHECK(by_id.at("item-3")["error"]["message"].get<std::string>().find("The server had an error") != std::string::npos);

    SECTION("`batch --resume` on the import's output runs only the failed items online") {
      fake_server server;
      auto again = run(dir, {"batch", "--schema", schema, "--input", in, "--output", out, "--resume", "--base-url",
                             server.base_url(), "--model", "fake-model", "--mode", "json_schema"});
      CHECK(again.status == 0);
      CHECK(server.request_count() == 3);
      for (const auto& [id, line] : lines_by(out, "id")) CHECK(line["ok"] == true);
    }
  }

  SECTION("bad input files: one line naming the file and the line or JSON pointer, exit 2") {
    dir.write("in.jsonl", counter_input(2));
    REQUIRE(run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests, "--model",
                      "fake-model"})
                .status == 0);
    const std::string good = simulate_batch_api(requests);
    const std::string first = lines_of(good)[0], second = lines_of(good)[1];
    struct bad_case {
      std::string results, expected;
    };
    json no_status = json::parse(second);
    no_status["response"].erase("status_code");
    json unknown = json::parse(second);
    unknown["custom_id"] = "item-99";
    json neither = json::parse(second);
    neither["response"] = nullptr;
    const std::vector<bad_case> cases{
        {first + "\n{not json\n", "results.jsonl:2)"},
        {first + "\n[1, 2]\n", "results.jsonl:2)"},
        {R"({"response": {}})" "\n", "results.jsonl:1: /custom_id)"},
        {first + "\n" + unknown.dump() + "\n", "results.jsonl:2: /custom_id)"},
        {first + "\n" + first + "\n", "results.jsonl:2: /custom_id)"},
        {first + "\n" + no_status.dump() + "\n", "results.jsonl:2: /response/status_code)"},
        {first + "\n" + neither.dump() + "\n", "results.jsonl:2: /response)"},
    };
    for (const auto& c : cases) {
      INFO(c.results);
      dir.write("results.jsonl", c.results);
      auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", results, "--output", out});
      CHECK(r.status == 2);
      CHECK(one_error_line(r.err));
      CHECK(r.err.find(c.expected) != std::string::npos);
    }
    SECTION("a missing results file") {
      auto r = run(dir, {"batch", "import", "--schema", schema, "--input", in, "--results", dir.path("none.jsonl"),
                         "--output", out});
      CHECK(r.status == 2);
      CHECK(r.err.find("none.jsonl") != std::string::npos);
    }
    SECTION("export: a line without text, ids that clash as custom_id, no model") {
      dir.write("bad.jsonl", R"({"id": 1, "text": "x"})" "\n" R"({"id": 2})" "\n");
      auto r = run(dir, {"batch", "export", "--schema", schema, "--input", dir.path("bad.jsonl"), "--output", requests,
                         "--model", "m"});
      CHECK(r.status == 2);
      CHECK(one_error_line(r.err));
      CHECK(r.err.find("bad.jsonl:2: /text)") != std::string::npos);
      dir.write("bad.jsonl", R"({"id": 7, "text": "x"})" "\n" R"({"id": "7", "text": "y"})" "\n");
      r = run(dir, {"batch", "export", "--schema", schema, "--input", dir.path("bad.jsonl"), "--output", requests,
                    "--model", "m"});
      CHECK(r.status == 2);
      CHECK(r.err.find("bad.jsonl:2: /id)") != std::string::npos);
      r = run(dir, {"batch", "export", "--schema", schema, "--input", in, "--output", requests});
      CHECK(r.status == 2);
      CHECK(r.err.find("--model") != std::string::npos);
    }
  }
}

TEST_CASE("schemaforge batch with several --base-url values spreads the items", "[cli]") {
  scratch_dir dir;
  const std::string schema = dir.write("counter.schema.json", counter_schema);
  const std::string in = dir.write("in.jsonl", counter_input(40)), out = dir.path("out.jsonl");
  fake_server first, second;
  first.set_default(json{{"delay_ms", 5}});
  second.set_default(json{{"delay_ms", 5}});
  std::vector<std::string> a{"batch", "--schema", schema, "--input", in, "--output", out, "--base-url",
                             first.base_url(), "--base-url", second.base_url(), "--model", "fake-model",
                             "--mode", "json_schema", "--concurrency", "8"};
  SECTION("both endpoints answer; every item is answered once") {}
  SECTION("--endpoint-concurrency caps each endpoint") {
    a.insert(a.end(), {"--endpoint-concurrency", "1"});
  }
  auto r = run(dir, a);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(first.request_count() > 0);
  CHECK(second.request_count() > 0);
  CHECK(first.request_count() + second.request_count() == 40);
  const auto by_id = lines_by(out, "id");
  REQUIRE(by_id.size() == 40);
  for (int i = 0; i < 40; ++i) CHECK(by_id.at("item-" + std::to_string(i))["value"] == json{{"n", i}});
}
