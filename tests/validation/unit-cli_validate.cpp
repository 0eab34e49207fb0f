// SPDX-License-Identifier: MIT
// `schemaforge validate`: every exit status and the exact output formats of the contract.
// The CLI runs through cli_process.hpp (tests/cli), like the other CLI tests.
#include "cli_process.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

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
    auto r = run_line(dir, "validate --schema person.schema.json good.json good.json");
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
  }
  SECTION("exit 1 with one '<file>: <pointer>: <message>' line per error on stdout") {
    auto r = run_line(dir, "validate --schema person.schema.json good.json bad.json");
    CHECK(r.status == 1);
    CHECK(r.out ==
          "bad.json: : missing required property 'name'\n"
          "bad.json: /extra: property is not allowed here\n"
          "bad.json: /tags/1: expected string, got integer\n");
    CHECK(r.err == "schemaforge: error: 1 of 2 instance(s) are invalid (person.schema.json)\n");
  }
  SECTION("--max-errors limits the lines per instance") {
    auto r = run_line(dir, "validate --schema person.schema.json --max-errors 1 bad.json bad.json");
    CHECK(r.status == 1);
    CHECK(r.out == "bad.json: : missing required property 'name'\nbad.json: : missing required property 'name'\n");
  }
  SECTION("an instance on standard input is named <stdin>") {
    auto r = run_line(dir, "validate --schema person.schema.json -", dir.path("bad.json"));
    CHECK(r.status == 1);
    CHECK(r.out.rfind("<stdin>: : missing required property 'name'\n", 0) == 0);
  }
  SECTION("exit 2 for an unreadable instance, nothing on stdout") {
    auto r = run_line(dir, "validate --schema person.schema.json good.json missing.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: cannot read file") && Catch::Contains("(missing.json)"));
    CHECK(one_line(r.err));
  }
  SECTION("exit 2 for an instance that is not JSON, naming line and column") {
    dir.write("broken.json", "{\"name\": \n");
    auto r = run_line(dir, "validate --schema person.schema.json broken.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid JSON at line 2") && Catch::Contains("(broken.json)"));
  }
  SECTION("exit 2 for a schema file that is not JSON or is missing") {
    dir.write("broken.schema.json", "{\"type\": }");
    auto r = run_line(dir, "validate --schema broken.schema.json good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid JSON") && Catch::Contains("(broken.schema.json)"));
    r = run_line(dir, "validate --schema nowhere.json good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot read file") && Catch::Contains("(nowhere.json)"));
  }
  SECTION("exit 2 for an invalid schema, naming file and schema pointer") {
    dir.write("wrong.schema.json", R"({"properties": {"name": {"type": "text"}}})");
    auto r = run_line(dir, "validate --schema wrong.schema.json good.json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("schemaforge: error: invalid schema: type must be one of") &&
                          Catch::Contains("(wrong.schema.json at /properties/name/type)"));
    CHECK(one_line(r.err));
  }
  SECTION("exit 2 for bad usage") {
    auto r = run_line(dir, "validate good.json");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("--schema is required"));
    r = run_line(dir, "validate --schema person.schema.json");
    CHECK(r.status == 2);
    r = run_line(dir, "validate --schema person.schema.json --no-such-flag good.json");
    CHECK(r.status == 2);
  }
  SECTION("--help describes the command") {
    auto r = run_line(dir, "validate --help");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("--schema") && Catch::Contains("--max-errors"));
  }
}
