// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using schemaforge::gen::input_error;

TEST_CASE("parse_json_text reports where the JSON breaks") {
  SECTION("valid text parses") {
    CHECK(schemaforge::gen::parse_json_text(R"({"a": [1, 2]})", "x.json")["a"][1] == 2);
  }
  SECTION("invalid text names the origin, line and column") {
    try {
      schemaforge::gen::parse_json_text("{\n  \"a\": ,\n}", "broken.json");
      FAIL("no exception");
    } catch (const input_error& e) {
      std::string what = e.what();
      CHECK(what.find("broken.json") != std::string::npos);
      CHECK(what.find("line 2") != std::string::npos);
      CHECK(e.details().file == "broken.json");
    }
  }
}

TEST_CASE("read_json_file names a missing file") {
  CHECK_THROWS_WITH(schemaforge::gen::read_json_file("/nonexistent/file.json"),
                    Catch::Contains("cannot read file") && Catch::Contains("/nonexistent/file.json"));
}

TEST_CASE("diagnostic text puts the location in parentheses") {
  schemaforge::gen::diagnostic d{schemaforge::gen::diagnostic::severity::error, "bad type", "s.json", "/properties/a"};
  CHECK(d.to_string() == "bad type (s.json at /properties/a)");
  d.pointer.clear();
  CHECK(d.to_string() == "bad type (s.json)");
}
