// SPDX-License-Identifier: MIT
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <sys/wait.h>

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

struct run_result {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A scratch folder per test case, removed afterwards.
class scratch {
 public:
  scratch() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("schemaforge-infer-cli-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const fs::path& dir() const { return dir_; }

  // Runs `schemaforge <args>` (args already shell-quoted where needed) in this folder.
  run_result run(const std::string& args, const std::string& stdin_text = "") const {
    fs::path in = write(".stdin", stdin_text);
    std::string cmd = "cd '" + dir_.string() + "' && '" SCHEMAFORGE_CLI_PATH "' " + args + " < .stdin > .stdout 2> .stderr";
    int raw = std::system(cmd.c_str());
    run_result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir_ / ".stdout");
    r.err = slurp(dir_ / ".stderr");
    return r;
  }

 private:
  fs::path dir_;
};

}  // namespace

TEST_CASE("infer cli: files as samples") {
  scratch s;
  s.write("orders/001.json", R"({"id": 1, "total": 2.0, "note": "x"})");
  s.write("orders/002.json", R"({"id": 2, "total": 3.0})");
  SECTION("prints the schema on stdout, nothing on stderr, exit 0") {
    auto r = s.run("infer orders/001.json orders/002.json");
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    auto schema = ordered_json::parse(r.out);
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["title"] == "Orders");  // file names without letters: the folder's name
    CHECK(schema["required"] == ordered_json::array({"id", "total"}));
    CHECK(schema["properties"]["total"]["type"] == "number");
    CHECK(r.out.back() == '\n');
  }
  SECTION("--name sets the title; -o writes the file and leaves stdout empty") {
    auto r = s.run("infer --name Purchase -o out/schema.json orders/001.json orders/002.json");
    REQUIRE(r.status == 0);
    CHECK(r.out.empty());
    CHECK(ordered_json::parse(slurp(s.dir() / "out/schema.json"))["title"] == "Purchase");
  }
  SECTION("an output path that cannot be written: exit 1 naming it") {
    s.write("blocker", "a file, not a folder");
    auto r = s.run("infer -o blocker/schema.json orders/001.json");
    CHECK(r.status == 1);
    CHECK(r.err.rfind("schemaforge: error: cannot write the schema", 0) == 0);
    CHECK(r.err.find("blocker/schema.json") != std::string::npos);
  }
  SECTION("the output is byte-identical run after run") {
    CHECK(s.run("infer orders/001.json orders/002.json").out == s.run("infer orders/001.json orders/002.json").out);
  }
  SECTION("a title derived from a file name") {
    s.write("line-items.json", R"({"a": 1})");
    CHECK(ordered_json::parse(s.run("infer line-items.json").out)["title"] == "LineItems");
  }
  SECTION("--explain reports on stderr and keeps stdout the schema only") {
    auto r = s.run("infer --explain orders/001.json orders/002.json");
    REQUIRE(r.status == 0);
    CHECK_NOTHROW(ordered_json::parse(r.out));
    CHECK(r.err.find("explain: /note: in 1 of 2 objects -> optional") != std::string::npos);
    CHECK(r.err.find("explain: (samples): 2") != std::string::npos);
  }
}

TEST_CASE("infer cli: --jsonl and --split-arrays") {
  scratch s;
  SECTION("one sample per line, blank lines skipped") {
    s.write("events.jsonl", "{\"t\": \"a\", \"n\": 1}\n\n{\"t\": \"b\"}\r\n{\"t\": \"c\", \"n\": 2}\n");
    auto r = s.run("infer --jsonl events.jsonl");
    REQUIRE(r.status == 0);
    auto schema = ordered_json::parse(r.out);
    CHECK(schema["title"] == "Events");
    CHECK(schema["required"] == ordered_json::array({"t"}));
  }
  SECTION("standard input") {
    auto r = s.run("infer --jsonl -", "{\"a\": 1}\n{\"a\": null}\n");
    REQUIRE(r.status == 0);
    CHECK(ordered_json::parse(r.out)["properties"]["a"]["type"] == ordered_json::array({"integer", "null"}));
    CHECK(ordered_json::parse(r.out)["title"] == "Root");
  }
  SECTION("without --split-arrays a top-level array is one sample") {
    s.write("list.json", R"([{"a": 1}, {"b": 2}])");
    CHECK(ordered_json::parse(s.run("infer list.json").out)["type"] == "array");
  }
  SECTION("--split-arrays: each element is a sample; other files stay one sample") {
    s.write("list.json", R"([{"a": 1}, {"a": 2, "b": 2}])");
    s.write("single.json", R"({"a": 3})");
    auto r = s.run("infer --split-arrays list.json single.json");
    REQUIRE(r.status == 0);
    auto schema = ordered_json::parse(r.out);
    CHECK(schema["type"] == "object");
    CHECK(schema["required"] == ordered_json::array({"a"}));
  }
  SECTION("--split-arrays and --jsonl exclude each other") {
    s.write("x.jsonl", "{}\n");
    CHECK(s.run("infer --jsonl --split-arrays x.jsonl").status == 2);
  }
}

TEST_CASE("infer cli: errors") {
  scratch s;
  SECTION("invalid JSON in a file: exit 2, one line naming file and line") {
    s.write("bad.json", "{\n  \"a\": 1,\n  \"b\": \n}\n");
    auto r = s.run("infer bad.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("schemaforge: error: invalid JSON at line 4", 0) == 0);
    CHECK(r.err.find("(bad.json)") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  SECTION("invalid JSON on a line of a JSONL file names that line") {
    s.write("bad.jsonl", "{\"a\": 1}\n{\"a\": 2}\n{\"a\": }\n");
    auto r = s.run("infer --jsonl bad.jsonl");
    CHECK(r.status == 2);
    CHECK(r.err.find("invalid JSON at line 3, column 7") != std::string::npos);
    CHECK(r.err.find("(bad.jsonl)") != std::string::npos);
  }
  SECTION("invalid JSON inside a split array") {
    s.write("bad.json", "[\n{\"a\": 1},\n{\"a\" 2}\n]");
    auto r = s.run("infer --split-arrays bad.json");
    CHECK(r.status == 2);
    CHECK(r.err.find("invalid JSON at line 3") != std::string::npos);
  }
  SECTION("a missing file: exit 2 naming it") {
    auto r = s.run("infer missing.json");
    CHECK(r.status == 2);
    CHECK(r.err.find("cannot read file") != std::string::npos);
    CHECK(r.err.find("missing.json") != std::string::npos);
  }
  SECTION("no samples at all: exit 2") {
    s.write("empty.jsonl", "\n\n");
    auto r = s.run("infer --jsonl empty.jsonl");
    CHECK(r.status == 2);
    CHECK(r.err.find("no samples found") != std::string::npos);
  }
  SECTION("no sample argument, unknown flag: usage errors, exit 2") {
    CHECK(s.run("infer").status == 2);
    CHECK(s.run("infer --bogus x.json").status == 2);
  }
  SECTION("too deep a sample: exit 2 naming the file") {
    s.write("deep.jsonl", std::string(600, '[') + std::string(600, ']') + "\n");
    auto r = s.run("infer --jsonl deep.jsonl");
    CHECK(r.status == 2);
    CHECK(r.err.find("deeper than") != std::string::npos);
    CHECK(r.err.find("deep.jsonl") != std::string::npos);
  }
}
