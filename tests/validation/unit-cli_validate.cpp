// SPDX-License-Identifier: MIT
// `schemaforge validate`: every exit status and the exact output formats of the contract.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct run_result {
  int status = -1;
  std::string out;
  std::string err;
};

class scratch_dir {
 public:
  scratch_dir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("schemaforge-cli-validate-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

run_result run(const scratch_dir& dir, const std::string& arguments, const std::string& input = "/dev/null") {
  const std::string out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  const std::string command = "cd '" + dir.path("") + "' && '" SCHEMAFORGE_CLI "' " + arguments + " >'" + out +
                              "' 2>'" + err + "' <'" + input + "'";
  const int raw = std::system(command.c_str());
  run_result result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

const char* const person_schema = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
  "required": ["name"],
  "additionalProperties": false
})";

}  // namespace

TEST_CASE("schemaforge validate") {
  scratch_dir dir;
  dir.write("person.schema.json", person_schema);
  dir.write("good.json", R"({"name": "Ada", "tags": ["x"]})");
  dir.write("bad.json", R"({"tags": ["x", 2], "extra": true})");

  SECTION("exit 0 and no output when every instance is valid") {
    auto r = run(dir, "validate --schema person.schema.json good.json good.json");
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
  }
  SECTION("exit 1 with one '<file>: <pointer>: <message>' line per error on stdout") {
    auto r = run(dir, "validate --schema person.schema.json good.json bad.json");
    CHECK(r.status == 1);
    CHECK(r.out ==
          "bad.json: : missing required property 'name'\n"
          "bad.json: /extra: property is not allowed here\n"
          "bad.json: /tags/1: expected string, got integer\n");
    CHECK(r.err == "schemaforge: error: 1 of 2 instance(s) are invalid (person.schema.json)\n");
  }
  SECTION("--max-errors limits the lines per instance") {
    auto r = run(dir, "validate --schema person.schema.json --max-errors 1 bad.json bad.json");
    CHECK(r.status == 1);
    CHECK(r.out == "bad.json: : missing required property 'name'\nbad.json: : missing required property 'name'\n");
  }
  SECTION("an instance on standard input is named <stdin>") {
    auto r = run(dir, "validate --schema person.schema.json -", dir.path("bad.json"));
    CHECK(r.status == 1);
    CHECK(r.out.rfind("<stdin>: : missing required property 'name'\n", 0) == 0);
  }
  SECTION("exit 2 for an unreadable instance, nothing on stdout") {
    auto r = run(dir, "validate --schema person.schema.json good.json missing.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: cannot read file") && Catch::Contains("(missing.json)"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  SECTION("exit 2 for an instance that is not JSON, naming line and column") {
    dir.write("broken.json", "{\"name\": \n");
    auto r = run(dir, "validate --schema person.schema.json broken.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid JSON at line 2") && Catch::Contains("(broken.json)"));
  }
  SECTION("exit 2 for a schema file that is not JSON or is missing") {
    dir.write("broken.schema.json", "{\"type\": }");
    auto r = run(dir, "validate --schema broken.schema.json good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid JSON") && Catch::Contains("(broken.schema.json)"));
    r = run(dir, "validate --schema nowhere.json good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot read file") && Catch::Contains("(nowhere.json)"));
  }
  SECTION("exit 2 for an invalid schema, naming file and schema pointer") {
    dir.write("wrong.schema.json", R"({"properties": {"name": {"type": "text"}}})");
    auto r = run(dir, "validate --schema wrong.schema.json good.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid schema: type must be one of") &&
                          Catch::Contains("(wrong.schema.json at /properties/name/type)"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  SECTION("exit 2 for bad usage") {
    auto r = run(dir, "validate good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("--schema is required"));
    r = run(dir, "validate --schema person.schema.json");
    CHECK(r.status == 2);
    r = run(dir, "validate --schema person.schema.json --no-such-flag good.json");
    CHECK(r.status == 2);
  }
  SECTION("--help describes the command") {
    auto r = run(dir, "validate --help");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("--schema") && Catch::Contains("--max-errors"));
  }
}
