// SPDX-License-Identifier: MIT
#include "structure/repair.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::detail::repair_json;

TEST_CASE("local repair of model answers", "[repair]") {
  SECTION("valid JSON is returned untouched, with no repairs") {
    for (const char* text : {R"({"a": [1, 2, ",]"], "b": "```json"})", "[]", "  {\"x\":\"<think>\"}\n", "42", "\"text\""}) {
      auto r = repair_json(text);
      REQUIRE(r.value);
      CHECK(*r.value == json::parse(text));
      CHECK(r.repairs.empty());
    }
  }
  SECTION("code fence with a language tag") {
    auto r = repair_json("```json\n{\"name\": \"Ada\"}\n```");
    REQUIRE(r.value);
    CHECK((*r.value)["name"] == "Ada");
    CHECK(r.repairs == std::vector<std::string>{"code_fence"});
  }
  SECTION("code fence without a tag, with prose around it") {
    auto r = repair_json("Here you go:\n```\n[1, 2]\n```\nAnything else?");
    REQUIRE(r.value);
    CHECK(*r.value == json::array({1, 2}));
    CHECK(r.repairs == std::vector<std::string>{"code_fence"});
  }
  SECTION("prose before and after the JSON, braces inside strings") {
    auto r = repair_json("Sure! The record is {\"note\": \"a } and a {\", \"n\": 1}. Hope it helps.");
    REQUIRE(r.value);
    CHECK((*r.value)["note"] == "a } and a {");
    CHECK(r.repairs == std::vector<std::string>{"surrounding_prose"});
  }
  SECTION("trailing commas outside strings only") {
    auto r = repair_json("{\"a\": [1, 2,], \"s\": \"x,]\",\n}");
    REQUIRE(r.value);
    CHECK(*r.value == json{{"a", {1, 2}}, {"s", "x,]"}});
    CHECK(r.repairs == std::vector<std::string>{"trailing_comma"});
  }
  SECTION("repairs combine and are recorded in order") {
    auto r = repair_json("<think>the user wants {json}</think>\n```json\n{\"a\": 1,}\n```");
    REQUIRE(r.value);
    CHECK(*r.value == json{{"a", 1}});
    CHECK(r.repairs == std::vector<std::string>{"think_block", "code_fence", "trailing_comma"});
  }
  SECTION("text with no JSON in it fails with the parse error and no repairs") {
    auto r = repair_json("I cannot find any order in this text.");
    CHECK_FALSE(r.value);
    CHECK(r.repairs.empty());
    CHECK(r.parse_error.find("parse error") != std::string::npos);
  }
  SECTION("a cut-off object is not invented") {
    auto r = repair_json("{\"a\": 1, \"b\": [1, 2");
    CHECK_FALSE(r.value);
  }
}
