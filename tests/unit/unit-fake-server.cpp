// SPDX-License-Identifier: MIT
// The fake server itself: the script's answer kinds as a client sees them, and the program that
// CLI tests start.
#include "transport_test_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace schemaforge;
using namespace schemaforge::test_support;
using schemaforge::testing::fake_server;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

json first_choice(const send_result& r) { return json::parse(r.response.body)["choices"][0]; }

}  // namespace

TEST_CASE("the fake server's answer kinds", "[fake_server]") {
  SECTION("the default answer echoes the last message") {
    fake_server server;
    auto r = run_send(server, fast_retries(0), chat_request("{\"a\": 1}"));
    REQUIRE_FALSE(r.ec);
    const auto body = json::parse(r.response.body);
    CHECK(body["object"] == "chat.completion");
    CHECK(body["model"] == "fake-model");
    CHECK(body["choices"][0]["message"]["content"] == "{\"a\": 1}");
    CHECK(body["choices"][0]["finish_reason"] == "stop");
    CHECK(body["usage"]["total_tokens"] == 15);
  }
  SECTION("tool-call arguments") {
    fake_server server(json::array({{{"tool_arguments", "{\"x\":2}"}, {"tool_name", "emit"}}}));
    auto r = run_send(server, fast_retries(0));
    const auto choice = first_choice(r);
    CHECK(choice["message"]["content"].is_null());
    CHECK(choice["message"]["tool_calls"][0]["function"]["name"] == "emit");
    CHECK(choice["message"]["tool_calls"][0]["function"]["arguments"] == "{\"x\":2}");
    CHECK(choice["finish_reason"] == "tool_calls");
  }
  SECTION("refusal and finish_reason") {
    fake_server server(json::array({{{"refusal", "I can't help with that."}}, {{"content", "{\"a\":"}, {"finish_reason", "length"}}}));
    auto refused = run_send(server, fast_retries(0));
    CHECK(first_choice(refused)["message"]["refusal"] == "I can't help with that.");
    CHECK(first_choice(refused)["message"]["content"].is_null());
    auto cut = run_send(server, fast_retries(0));
    CHECK(first_choice(cut)["finish_reason"] == "length");
    CHECK(first_choice(cut)["message"]["content"] == "{\"a\":");
  }
  SECTION("raw and JSON bodies, custom headers") {
    fake_server server(json::array({{{"body", "not json"}, {"headers", {{"x-custom", "1"}}}},
                                    {{"json", {{"anything", true}}}}}));
    auto raw = run_send(server, fast_retries(0));
    CHECK(raw.response.body == "not json");
    CHECK(raw.response.header("x-custom") == "1");
    auto j = run_send(server, fast_retries(0));
    CHECK(json::parse(j.response.body) == json{{"anything", true}});
  }
  SECTION("a streamed answer for a request with stream: true, and a truncated one") {
    fake_server server(json::array({{{"stream_content", json::array({"Hel", "lo"})}}, {{"truncate", true}, {"stream_content", json::array({"x"})}}}));
    auto request = chat_request();
    auto body = json::parse(request.body);
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    request.body = body.dump();
    auto r = run_send(server, fast_retries(0), request);
    REQUIRE_FALSE(r.ec);
    CHECK(r.response.header("content-type") == "text/event-stream");
    CHECK(r.response.body.find(R"("delta":{"content":"Hel"})") != std::string::npos);
    CHECK(r.response.body.find(R"("usage":)") != std::string::npos);
    CHECK(r.response.body.size() >= 14);
    CHECK(r.response.body.substr(r.response.body.size() - 14) == "data: [DONE]\n\n");
    auto cut = run_send(server, fast_retries(0), request);
    CHECK(cut.ec == errc::connection);  // the connection closed inside the chunked body
  }
  SECTION("repeat uses an entry several times, then the default") {
    fake_server server(json::array({{{"status", 500}, {"repeat", 2}}}));
    server.set_default({{"content", "after"}});
    CHECK(run_send(server, fast_retries(0)).response.status == 500);
    CHECK(run_send(server, fast_retries(0)).response.status == 500);
    auto r = run_send(server, fast_retries(0));
    CHECK(first_choice(r)["message"]["content"] == "after");
  }
}

TEST_CASE("the fake server program", "[fake_server]") {
  const std::string dir = std::string(SCHEMAFORGE_TEST_TMP) + "/fake_server_program";
  std::system(("mkdir -p '" + dir + "'").c_str());
  const std::string script = dir + "/script.json", record = dir + "/record.jsonl";
  std::ofstream(script) << R"([{"status": 503, "headers": {"retry-after-ms": "1"}}, {"content": "from the program"}])";
  std::remove(record.c_str());

  int out[2];
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args = {SCHEMAFORGE_FAKE_SERVER, "--port", "0", "--script", script, "--record", record,
                                   "--max-seconds", "60"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  REQUIRE(line.rfind("listening ", 0) == 0);
  const std::string port = line.substr(10);

  client_options options;
  options.base_url = "http://127.0.0.1:" + port + "/v1";
  options.api_key = test_api_key;
  fake_server unused;
  auto r = run_send(unused, fast_retries(2), chat_request("hi"), options);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE_FALSE(r.ec);
  CHECK(r.attempts.size() == 2);
  CHECK(json::parse(r.response.body)["choices"][0]["message"]["content"] == "from the program");
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  std::ifstream in(record);
  std::vector<json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(json::parse(l));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["method"] == "POST");
  CHECK(lines[0]["path"] == "/v1/chat/completions");
  CHECK(lines[0]["headers"]["authorization"] == std::string("Bearer ") + test_api_key);
  CHECK(json::parse(lines[1]["body"].get<std::string>())["messages"][0]["content"] == "hi");
}
