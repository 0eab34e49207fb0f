// SPDX-License-Identifier: MIT
#include <schemaforge/errors.hpp>
#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <future>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::schema;
using schemaforge::validation_error;

namespace {

// "pointer: message" lines, easy to compare and to read in a failure.
std::vector<std::string> lines(const std::vector<validation_error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.pointer + ": " + e.message);
  return out;
}

bool has_error_at(const std::vector<validation_error>& errors, const std::string& pointer) {
  return std::any_of(errors.begin(), errors.end(), [&](const validation_error& e) { return e.pointer == pointer; });
}

std::string construction_error(const json& document) {
  try {
    schema{document};
  } catch (const schemaforge::error& e) {
    CHECK(e.code() == schemaforge::errc::invalid_argument);
    return e.what();
  }
  return "";
}

const json person = json::parse(R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1},
    "age": {"type": "integer", "minimum": 0},
    "tags": {"type": "array", "items": {"type": "string"}},
    "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
  },
  "required": ["name"],
  "additionalProperties": false
})");

}  // namespace

TEST_CASE("schema validates instances with JSON pointers into the instance") {
  const schema s(person);

  SECTION("a valid instance has no errors") {
    CHECK(s.validate(json{{"name", "Ada"}, {"age", 36}}).empty());
    CHECK(s.is_valid(json{{"name", "Ada"}, {"age", 36}}));
  }
  SECTION("a missing required property is reported at its object") {
    CHECK(lines(s.validate(json::object())) == std::vector<std::string>{": missing required property 'name'"});
    CHECK_FALSE(s.is_valid(json::object()));
  }
  SECTION("a wrong type names the pointer and the type found") {
    CHECK(lines(s.validate(json{{"name", 5}})) == std::vector<std::string>{"/name: expected string, got integer"});
  }
  SECTION("type errors name the expected types through $ref, anyOf and integer") {
    const schema typed(json::parse(R"({"$defs": {"n": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
      "properties": {"a": {"$ref": "#/$defs/n"}, "b": {"type": "integer"}, "c": {"type": ["boolean", "array"]}},
      "patternProperties": {"^x": {"type": "string"}}})"));
    CHECK(lines(typed.validate(json{{"a", 1}})) ==
          std::vector<std::string>{"/a: expected string or null, got integer", "/a: matches none of the anyOf schemas"});
    CHECK(lines(typed.validate(json{{"b", "1"}})) == std::vector<std::string>{"/b: expected integer, got string"});
    CHECK(lines(typed.validate(json{{"c", 1.5}})) == std::vector<std::string>{"/c: expected boolean or array, got number"});
    // Where the expected type is not found cheaply, the message still names what was found.
    CHECK(lines(typed.validate(json{{"x1", 1}})) == std::vector<std::string>{"/x1: type integer is not allowed here"});
  }
  SECTION("array items are addressed by index, nested objects by key") {
    auto errors = s.validate(json::parse(R"({"name": "x", "tags": ["a", 2, "c", false], "address": {}})"));
    CHECK(has_error_at(errors, "/tags/1"));
    CHECK(has_error_at(errors, "/tags/3"));
    CHECK(has_error_at(errors, "/address"));
    CHECK(errors.size() == 3);  // parents' "an item failed" summaries are not repeated
  }
  SECTION("an unexpected property is reported at the property") {
    CHECK(lines(s.validate(json{{"name", "x"}, {"extra", 1}})) ==
          std::vector<std::string>{"/extra: property is not allowed here"});
  }
  SECTION("keys that look like indices or need escaping stay keys") {
    const schema map_schema(json::parse(R"({"additionalProperties": {"type": "string"}})"));
    auto errors = map_schema.validate(json::parse(R"({"0": 1, "a/b~c": 2})"));
    CHECK(lines(errors) == std::vector<std::string>{"/0: expected string, got integer",
                                                    "/a~1b~0c: expected string, got integer"});
  }
  SECTION("bounds read as plain numbers") {
    CHECK(lines(s.validate(json{{"name", "x"}, {"age", -1}})) ==
          std::vector<std::string>{"/age: expected number greater than or equal to 0"});
  }
  SECTION("max_errors limits the list") {
    auto all = s.validate(json::parse(R"({"tags": [1, 2, 3]})"));
    CHECK(all.size() == 4);
    CHECK(s.validate(json::parse(R"({"tags": [1, 2, 3]})"), 2).size() == 2);
  }
  SECTION("messages are one line") {
    for (const auto& e : s.validate(json::parse(R"({"name": "", "age": 1.5, "tags": {}, "zz": null})"))) {
      CHECK(e.message.find('\n') == std::string::npos);
      CHECK_FALSE(e.message.empty());
    }
  }
}

TEST_CASE("integers follow the JSON Schema rule, not the JSON parser's") {
  const schema s(json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "integer", "multipleOf": 2})"));
  SECTION("2.0 is an integer") { CHECK(s.is_valid(json::parse("4.0"))); }
  SECTION("a fraction is rejected with a clear message") {
    CHECK(lines(s.validate(json::parse("4.5"))) ==
          std::vector<std::string>{": expected an integer, got a number with a fraction",
                                   ": value should be a multiple of 2"});
  }
  SECTION("multipleOf with an integer divisor does not truncate") {
    const schema evens(json::parse(R"({"multipleOf": 2})"));
    CHECK_FALSE(evens.is_valid(json::parse("4.5")));
    CHECK(evens.is_valid(json::parse("6")));
  }
}

TEST_CASE("the $schema keyword picks the draft") {
  SECTION("without $schema, 2020-12: prefixItems is a tuple") {
    const schema s(json::parse(R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})"));
    CHECK(s.is_valid(json::parse(R"(["a", 1])")));
    CHECK(has_error_at(s.validate(json::parse(R"(["a", "b"])")), "/1"));
    CHECK_FALSE(s.is_valid(json::parse(R"(["a", 1, true])")));
  }
  SECTION("draft-07: items as an array is a tuple, additionalItems closes it") {
    const schema s(json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#",
      "items": [{"type": "string"}], "additionalItems": false})"));
    CHECK(s.is_valid(json::parse(R"(["a"])")));
    CHECK_FALSE(s.is_valid(json::parse(R"(["a", 1])")));
  }
  SECTION("2020-12 ignores additionalItems and rejects an items array") {
    const schema s(json::parse(R"({"items": {"type": "string"}, "additionalItems": false})"));
    CHECK(s.is_valid(json::parse(R"(["a", "b"])")));
    CHECK_THAT(construction_error(json::parse(R"({"items": [{"type": "string"}]})")),
               Catch::Contains("prefixItems") && Catch::Contains("(at /items)"));
  }
  SECTION("draft-07 $ref ignores its siblings, 2020-12 $ref applies with them") {
    const json old_style = json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#",
      "definitions": {"s": {"type": "string"}}, "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 2}}})");
    const json new_style = json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "$defs": {"s": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/s", "maxLength": 2}}})");
    CHECK(schema(old_style).is_valid(json{{"a", "long"}}));
    CHECK_FALSE(schema(new_style).is_valid(json{{"a", "long"}}));
    CHECK_FALSE(schema(new_style).is_valid(json{{"a", 1}}));
    CHECK(schema(new_style).is_valid(json{{"a", "ok"}}));
  }
  SECTION("an unknown $schema is an error at /$schema") {
    CHECK_THAT(construction_error(json{{"$schema", "http://example.com/my-draft"}}),
               Catch::Contains("unsupported $schema") && Catch::Contains("(at /$schema)"));
  }
  SECTION("draft-04 exclusiveMaximum is a boolean modifier") {
    const schema s(json::parse(R"({"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 3, "exclusiveMaximum": true})"));
    CHECK(s.is_valid(json(2)));
    CHECK_FALSE(s.is_valid(json(3)));
  }
}

TEST_CASE("2020-12 keywords are translated, not ignored") {
  SECTION("$defs and recursive references") {
    const schema s(json::parse(R"({"$ref": "#/$defs/node", "$defs": {"node": {"type": "object",
      "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
      "required": ["value"]}}})"));
    CHECK(s.is_valid(json::parse(R"({"value": 1, "children": [{"value": 2, "children": []}]})")));
    auto errors = s.validate(json::parse(R"({"value": 1, "children": [{"value": "x"}, {}]})"));
    CHECK(has_error_at(errors, "/children/0/value"));
    CHECK(has_error_at(errors, "/children/1"));
  }
  SECTION("$anchor references") {
    const schema s(json::parse(R"({"properties": {"a": {"$ref": "#positive"}},
      "$defs": {"p": {"$anchor": "positive", "type": "number", "exclusiveMinimum": 0}}})"));
    CHECK(s.is_valid(json{{"a", 1}}));
    CHECK_FALSE(s.is_valid(json{{"a", 0}}));
  }
  SECTION("$id bases and references relative to them") {
    const schema s(json::parse(R"({"$id": "https://example.com/root.json",
      "properties": {"a": {"$ref": "item.json"}, "b": {"$ref": "https://example.com/item.json"}},
      "$defs": {"item": {"$id": "item.json", "type": "integer", "minimum": 0}}})"));
    CHECK(s.is_valid(json{{"a", 3}, {"b", 4}}));
    CHECK_FALSE(s.is_valid(json{{"a", -3}}));
    CHECK_FALSE(s.is_valid(json{{"b", -3}}));
  }
  SECTION("dependentRequired and dependentSchemas") {
    const schema s(json::parse(R"({"dependentRequired": {"card": ["billing"]},
      "dependentSchemas": {"card": {"properties": {"cvv": {"type": "string"}}}, "gift": {"required": ["to"]}}})"));
    CHECK(s.is_valid(json{{"card", 1}, {"billing", 2}}));
    CHECK_FALSE(s.is_valid(json{{"card", 1}}));
    CHECK_FALSE(s.is_valid(json{{"card", 1}, {"billing", 2}, {"cvv", 3}}));
    CHECK_FALSE(s.is_valid(json{{"gift", 1}}));
    CHECK(s.is_valid(json{{"gift", 1}, {"to", "x"}}));
  }
  SECTION("references into translated keywords follow them") {
    const schema s(json::parse(R"({"prefixItems": [{"type": "string"}], "items": {"$ref": "#/prefixItems/0"}})"));
    CHECK(s.is_valid(json::parse(R"(["a", "b"])")));
    CHECK_FALSE(s.is_valid(json::parse(R"(["a", 2])")));
  }
  SECTION("unevaluatedProperties without applicators works like additionalProperties") {
    const schema s(json::parse(R"({"properties": {"a": {}}, "unevaluatedProperties": false})"));
    CHECK(s.is_valid(json{{"a", 1}}));
    CHECK(lines(s.validate(json{{"a", 1}, {"b", 2}})) == std::vector<std::string>{"/b: property is not allowed here"});
  }
  SECTION("unevaluatedProperties beside applicators is refused, not ignored") {
    CHECK_THAT(construction_error(json::parse(R"({"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": false})")),
               Catch::Contains("unevaluatedProperties") && Catch::Contains("(at /unevaluatedProperties)"));
  }
  SECTION("maxContains is refused, minContains 0 and 1 work") {
    CHECK_THAT(construction_error(json::parse(R"({"contains": {"type": "string"}, "maxContains": 2})")),
               Catch::Contains("maxContains"));
    CHECK(schema(json::parse(R"({"contains": {"type": "string"}, "minContains": 0})")).is_valid(json::array({1})));
    CHECK_FALSE(schema(json::parse(R"({"contains": {"type": "string"}, "minContains": 1})")).is_valid(json::array({1})));
  }
  SECTION("format date-time, date and time assert on strings only") {
    const schema s(json::parse(R"({"format": "date-time"})"));
    CHECK(s.is_valid(json("2024-02-29T10:00:00Z")));
    CHECK(lines(s.validate(json("yesterday"))) == std::vector<std::string>{": string should be a valid date-time"});
    CHECK(s.is_valid(json(42)));
    CHECK(schema(json::parse(R"({"format": "email"})")).is_valid(json("not an email")));  // an annotation
  }
  SECTION("formats follow RFC 3339: month lengths, leap years, offsets, fractions") {
    const schema date(json::parse(R"({"format": "date"})"));
    CHECK(date.is_valid(json("2024-02-29")));
    CHECK_FALSE(date.is_valid(json("2023-02-29")));
    CHECK(date.is_valid(json("2000-02-29")));
    CHECK_FALSE(date.is_valid(json("1900-02-29")));
    CHECK_FALSE(date.is_valid(json("2024-04-31")));
    CHECK_FALSE(date.is_valid(json("2024-13-01")));
    CHECK_FALSE(date.is_valid(json("2024-1-01")));
    CHECK_FALSE(date.is_valid(json("2024-01-01x")));
    const schema time(json::parse(R"({"format": "time"})"));
    CHECK(time.is_valid(json("23:59:60.123+05:30")));
    CHECK(time.is_valid(json("08:00:00z")));
    CHECK_FALSE(time.is_valid(json("08:00:00")));  // RFC 3339 requires the offset
    CHECK_FALSE(time.is_valid(json("24:00:00Z")));
    CHECK_FALSE(time.is_valid(json("08:00:00.Z")));
    CHECK_FALSE(time.is_valid(json("08:00:00+24:00")));
    const schema date_time(json::parse(R"({"type": "array", "items": {"format": "date-time"}})"));
    CHECK(date_time.is_valid(json::parse(R"(["2024-03-01T10:00:00Z", "2024-03-01t10:00:00.5-02:00", 7, null])")));
    CHECK(lines(date_time.validate(json::parse(R"(["2024-03-01 10:00:00Z", "2024-03-01T10:00Z"])"))) ==
          std::vector<std::string>{"/0: string should be a valid date-time", "/1: string should be a valid date-time"});
  }
  SECTION("the translation's own keywords cannot be written by a schema") {
    CHECK(schema(json::parse(R"({"x-schemaforge-format": "date"})")).is_valid(json("not a date")));
  }
}

TEST_CASE("invalid schemas are rejected with a schema pointer") {
  SECTION("a keyword with a wrong value") {
    CHECK_THAT(construction_error(json::parse(R"({"properties": {"a": {"type": "strnig"}}})")),
               Catch::Contains("(at /properties/a/type)"));
    CHECK_THAT(construction_error(json::parse(R"({"required": "a"})")), Catch::Contains("(at /required)"));
    CHECK_THAT(construction_error(json::parse(R"({"minLength": -1})")), Catch::Contains("(at /minLength)"));
  }
  SECTION("a schema that is not an object or boolean") {
    CHECK_THAT(construction_error(json::parse(R"({"items": 3})")), Catch::Contains("(at /items)"));
    CHECK_THAT(construction_error(json(3)), Catch::Contains("(at the schema root)"));
  }
  SECTION("a pattern std::regex cannot compile") {
    CHECK_THAT(construction_error(json::parse(R"({"properties": {"a": {"pattern": "(("}}})")),
               Catch::Contains("(at /properties/a/pattern)"));
  }
  SECTION("a dangling or remote $ref") {
    CHECK_THAT(construction_error(json::parse(R"({"$ref": "#/$defs/missing"})")), Catch::Contains("points to nothing"));
    CHECK_THAT(construction_error(json::parse(R"({"minimum": 1, "properties": {"a": {"$ref": "#/minimum"}}})")),
               Catch::Contains("not a schema") && Catch::Contains("(at /properties/a/$ref)"));
    CHECK_THAT(construction_error(json::parse(R"({"$ref": "https://example.com/other.json"})")),
               Catch::Contains("remote references are not supported") && Catch::Contains("(at /$ref)"));
  }
  SECTION("a $ref cycle that never reaches a schema") {
    CHECK_THAT(construction_error(json::parse(R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})")),
               Catch::Contains("cycle"));
  }
}

TEST_CASE("a schema is a cheap, shareable value") {
  const schema original(person);
  SECTION("copies share the compiled form and the document") {
    const schema copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
    CHECK(&copy.document() == &original.document());
    CHECK(copy.document() == person);
  }
  SECTION("concurrent validation from several threads gives the same answers") {
    const json bad = json::parse(R"({"name": 1, "tags": ["a", 2]})");
    const auto expected = lines(original.validate(bad));
    std::vector<std::future<bool>> results;
    for (int t = 0; t < 4; ++t) {
      results.push_back(std::async(std::launch::async, [&] {
        for (int i = 0; i < 200; ++i) {
          if (lines(original.validate(bad)) != expected || !original.is_valid(json{{"name", "x"}})) return false;
        }
        return true;
      }));
    }
    for (auto& r : results) CHECK(r.get());
  }
}
