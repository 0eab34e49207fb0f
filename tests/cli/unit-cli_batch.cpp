// SPDX-License-Identifier: MIT
// `schemaforge batch` against the fake server: the output lines, exit statuses, bad input lines,
// duplicate ids, and --resume after the process was killed mid-run.
#include "cli_process.hpp"
#include "fake_server.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::testing::fake_server;

namespace {

std::size_t count_lines(const std::string& path) {
  std::size_t n = 0;
  for (char c : slurp(path)) n += c == '\n';
  return n;
}

// Waits (event-driven, through inotify, at most `limit`) until `path` holds `lines` lines.
bool wait_for_lines(const std::string& directory, const std::string& path, std::size_t lines,
                    std::chrono::seconds limit) {
  const int fd = inotify_init1(IN_CLOEXEC);
  REQUIRE(fd >= 0);
  inotify_add_watch(fd, directory.c_str(), IN_MODIFY | IN_CREATE);
  const auto end = std::chrono::steady_clock::now() + limit;
  bool reached = false;
  while (!(reached = count_lines(path) >= lines)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) > 0) {
      char buffer[4096];
      (void)read(fd, buffer, sizeof buffer);
    }
  }
  close(fd);
  return reached;
}

const char* const counter_schema = R"({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})";

std::string counter_input(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += json{{"id", "item-" + std::to_string(i)}, {"text", json{{"n", i}}.dump()}}.dump() + "\n";
  return text;
}

}  // namespace

TEST_CASE("schemaforge batch", "[cli]") {
  scratch_dir dir;
  const std::string schema = dir.write("counter.schema.json", counter_schema);
  fake_server server;
  const std::vector<std::string> endpoint{"--base-url", server.base_url(), "--model", "fake-model",
                                          "--max-retries", "0", "--mode", "json_schema"};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.begin(), "batch");
    a.insert(a.end(), endpoint.begin(), endpoint.end());
    return a;
  };
  const std::string out = dir.path("out.jsonl");

  SECTION("one line per id: ok lines carry value, attempts and usage; ids from the input or the line number") {
    dir.write("in.jsonl", R"({"id": "a", "text": "{\"n\": 1}"})"
                          "\n"
                          R"({"id": 7, "text": "{\"n\": 2}"})"
                          "\n\n"
                          R"({"text": "{\"n\": 3}"})"
                          "\n");
    auto r = run(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"), "--output", out}));
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    std::map<std::string, json> by_id;
    for (const auto& line : lines_of(slurp(out))) {
      const json j = json::parse(line);
      by_id[j["id"].dump()] = j;
    }
    REQUIRE(by_id.size() == 3);
    CHECK(by_id["\"a\""]["ok"] == true);
    CHECK(by_id["\"a\""]["value"] == json{{"n", 1}});
    CHECK(by_id["\"a\""]["attempts"] == 1);
    CHECK(by_id["\"a\""]["usage"].contains("total_tokens"));
    CHECK(by_id["7"]["value"] == json{{"n", 2}});
    CHECK(by_id["4"]["value"] == json{{"n", 3}});  // no id: its line number
    CHECK(server.request_count() == 3);
  }
  SECTION("a failed item, a line that is not JSON and a line without text: exit 1, every id still has its line") {
    server.push(json{{"status", 401}, {"error", {{"message", "bad key"}}}});
    dir.write("in.jsonl", R"({"id": "bad", "text": "{\"n\": 1}"})"
                          "\n"
                          "{not json\n"
                          R"({"id": "notext"})"
                          "\n"
                          R"({"id": "good", "text": "{\"n\": 2}"})"
                          "\n");
    auto r = run(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"), "--output", out,
                            "--concurrency", "1"}));
    CHECK(r.status == 1);
    CHECK(r.err.find("3 of 4 items failed") != std::string::npos);
    std::map<std::string, json> by_id;
    for (const auto& line : lines_of(slurp(out))) {
      const json j = json::parse(line);
      by_id[j["id"].dump()] = j;
    }
    REQUIRE(by_id.size() == 4);
    CHECK(by_id["\"bad\""]["ok"] == false);
    CHECK(by_id["\"bad\""]["error"]["type"] == "http_status");
    CHECK(by_id["2"]["error"]["type"] == "invalid_input");
    CHECK(by_id["2"]["error"]["message"].get<std::string>().find("line 2") != std::string::npos);
    CHECK(by_id["\"notext\""]["error"]["message"].get<std::string>().find("\"text\"") != std::string::npos);
    CHECK(by_id["\"good\""]["ok"] == true);
  }
  SECTION("duplicate ids are bad input, naming both lines") {
    dir.write("in.jsonl", R"({"id": 1, "text": "a"})"
                          "\n"
                          R"({"id": 1, "text": "b"})"
                          "\n");
    auto r = run(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"), "--output", out}));
    CHECK(r.status == 2);
    CHECK(r.err.find("line 1 and on line 2") != std::string::npos);
    CHECK(server.request_count() == 0);
  }
  SECTION("--progress writes plain lines when stderr is not a terminal") {
    dir.write("in.jsonl", counter_input(5));
    auto r = run(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"), "--output", out,
                            "--progress"}));
    CHECK(r.status == 0);
    CHECK(r.err.find("progress: 5/5 ok 5 failed 0") != std::string::npos);
  }
  SECTION("--resume after a killed run keeps the finished lines and runs only the rest") {
    constexpr int count = 200;
    dir.write("in.jsonl", counter_input(count));
    server.set_default(json{{"delay_ms", 20}});
    const pid_t pid = spawn(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"),
                                       "--output", out, "--concurrency", "2"}));
    const bool reached = wait_for_lines(dir.path(""), out, 20, std::chrono::seconds(60));
    kill(pid, SIGKILL);
    wait_for(dir, pid);
    REQUIRE(reached);
    // A crash in the middle of a write leaves a torn last line: --resume must not trust it.
    { std::ofstream(out, std::ios::app | std::ios::binary) << R"({"id": "item-199", "ok": tr)"; }
    std::set<std::string> finished;
    for (const auto& line : lines_of(slurp(out))) {
      const json j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("ok", false)) finished.insert(j["id"].get<std::string>());
    }
    REQUIRE(finished.size() >= 20);
    REQUIRE(finished.size() < count);
    const std::size_t before = server.request_count();
    server.set_default(json::object());

    auto r = run(dir, args({"--schema", schema, "--input", dir.path("in.jsonl"), "--output", out,
                            "--resume"}));
    CHECK(r.status == 0);
    std::map<std::string, json> by_id;
    const auto lines = lines_of(slurp(out));
    for (const auto& line : lines) {
      const json j = json::parse(line);
      CHECK(j["ok"] == true);
      by_id[j["id"].get<std::string>()] = j;
    }
    CHECK(lines.size() == count);
    REQUIRE(by_id.size() == count);
    for (int i = 0; i < count; ++i) CHECK(by_id["item-" + std::to_string(i)]["value"] == json{{"n", i}});
    // The resumed run asked only for the unfinished items.
    const auto requests = server.requests();
    CHECK(requests.size() - before == count - finished.size());
    for (std::size_t k = before; k < requests.size(); ++k) {
      const json sent = json::parse(requests[k].json()["messages"].back()["content"].get<std::string>());
      CHECK(finished.count("item-" + std::to_string(sent["n"].get<int>())) == 0);
    }
  }
}
