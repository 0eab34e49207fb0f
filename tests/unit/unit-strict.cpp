// SPDX-License-Identifier: MIT
#include "structure/strict_schema.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::detail::make_strict;
using schemaforge::detail::map_null_to_absent;
using schemaforge::detail::shared_strict_form;

namespace {

const json person = json::parse(R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Person",
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 80},
    "age": {"type": "integer", "minimum": 0, "default": 0},
    "email": {"type": "string", "format": "email"},
    "website": {"type": "string", "format": "uri"},
    "nickname": {"type": ["string", "null"]},
    "role": {"enum": ["admin", "user"], "type": "string"},
    "address": {"$ref": "#/$defs/address"},
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 5},
    "pet": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"]}]}
  },
  "required": ["name"],
  "$defs": {
    "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}, "required": ["city"]}
  }
})");

}  // namespace

TEST_CASE("strict-mode adaptation", "[strict]") {
  auto adapted = make_strict(person);
  const json& s = adapted.schema;
  CHECK(adapted.strict);

  SECTION("every object closed and every property required") {
    CHECK(s["additionalProperties"] == false);
    CHECK(s["required"].size() == s["properties"].size());
    CHECK(s["$defs"]["address"]["additionalProperties"] == false);
    CHECK(s["$defs"]["address"]["required"] == json::array({"city", "zip"}));
    CHECK(s["properties"]["pet"]["anyOf"][1]["additionalProperties"] == false);
  }
  SECTION("optional properties become nullable; required ones do not") {
    CHECK(s["properties"]["name"]["type"] == "string");
    CHECK(s["properties"]["age"]["type"] == json::array({"integer", "null"}));
    CHECK(s["properties"]["nickname"]["type"] == json::array({"string", "null"}));  // already nullable: unchanged
    CHECK(s["properties"]["role"]["enum"] == json::array({"admin", "user", nullptr}));
    CHECK(s["properties"]["address"] == json::parse(R"({"anyOf": [{"$ref": "#/$defs/address"}, {"type": "null"}]})"));
    CHECK(s["$defs"]["address"]["properties"]["zip"]["type"] == json::array({"string", "null"}));
  }
  SECTION("unsupported keywords removed, supported ones and refs kept") {
    CHECK_FALSE(s.contains("$schema"));
    CHECK_FALSE(s["properties"]["name"].contains("minLength"));
    CHECK_FALSE(s["properties"]["age"].contains("default"));
    CHECK(s["properties"]["age"]["minimum"] == 0);
    CHECK(s["properties"]["email"]["format"] == "email");
    CHECK_FALSE(s["properties"]["website"].contains("format"));
    CHECK_FALSE(s["properties"]["tags"].contains("uniqueItems"));
    CHECK(s["properties"]["tags"]["maxItems"] == 5);
    CHECK(s["properties"]["pet"].contains("anyOf"));
    CHECK_FALSE(s["properties"]["pet"].contains("oneOf"));
  }
  SECTION("the original schema is not modified") {
    CHECK(person["required"] == json::array({"name"}));
    CHECK(person["properties"]["name"].contains("minLength"));
  }
  SECTION("maps and non-object roots cannot be strict: sent as written, strict off") {
    auto map = make_strict(json::parse(R"({"type":"object","additionalProperties":{"type":"number"}})"));
    CHECK_FALSE(map.strict);
    CHECK(map.schema["additionalProperties"] == json{{"type", "number"}});
    auto array_root = make_strict(json::parse(R"({"type":"array","items":{"type":"string"}})"));
    CHECK_FALSE(array_root.strict);
  }
}

TEST_CASE("null mapped back to absent for optional fields", "[strict]") {
  SECTION("optional non-nullable nulls are removed, required and nullable ones kept") {
    json answer = json::parse(R"({"name": "Ada", "age": null, "nickname": null, "email": null, "role": null,
                                  "address": {"city": "Paris", "zip": null}, "tags": null, "pet": {"kind": "cat"}})");
    map_null_to_absent(answer, person);
    CHECK(answer == json::parse(R"({"name": "Ada", "nickname": null, "address": {"city": "Paris"}, "pet": {"kind": "cat"}})"));
  }
  SECTION("inside arrays of objects") {
    json schema = json::parse(R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
                                  "properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"]}}},"required":["items"]})");
    json answer = json::parse(R"({"items": [{"a": "x", "b": null}, {"a": "y", "b": 2}]})");
    map_null_to_absent(answer, schema);
    CHECK(answer == json::parse(R"({"items": [{"a": "x"}, {"a": "y", "b": 2}]})"));
  }
  SECTION("a required property's null is left for validation to reject") {
    json answer = json::parse(R"({"name": null})");
    map_null_to_absent(answer, person);
    CHECK(answer == json::parse(R"({"name": null})"));
  }
}

TEST_CASE("the strict form is computed once per schema document", "[strict]") {
  json doc = json::parse(R"({"type": "object", "properties": {"a": {"type": "integer"}}})");
  auto first = shared_strict_form(doc);
  SECTION("the same document gets the same shared form") {
    CHECK(shared_strict_form(doc) == first);
    CHECK(first->schema == make_strict(doc).schema);
  }
  SECTION("a changed document at the same address gets its own form") {
    doc["properties"]["b"] = json{{"type", "string"}};
    auto second = shared_strict_form(doc);
    CHECK(second != first);
    CHECK(second->schema == make_strict(doc).schema);
    CHECK(second->schema["properties"].contains("b"));
  }
}
