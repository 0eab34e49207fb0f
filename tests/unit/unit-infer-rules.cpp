// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/infer.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using nlohmann::json;
using nlohmann::ordered_json;
using schemaforge::gen::infer_options;
using schemaforge::gen::infer_schema;
using schemaforge::gen::schema_inferrer;

namespace {

// Parses each text as one sample, keeping key order (and 1.0 as a float), as the CLI does.
ordered_json infer_texts(const std::vector<std::string>& texts, const infer_options& options = {}) {
  std::vector<ordered_json> samples;
  for (const auto& t : texts) samples.push_back(ordered_json::parse(t));
  return infer_schema(samples, options);
}

std::vector<std::string> explain_texts(const std::vector<std::string>& texts) {
  schema_inferrer inferrer;
  for (const auto& t : texts) inferrer.add(ordered_json::parse(t));
  return inferrer.explain();
}

bool any_line_contains(const std::vector<std::string>& lines, const std::string& a, const std::string& b) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("infer: root keywords") {
  SECTION("$schema is draft 2020-12 and title is the given name") {
    infer_options options;
    options.title = "Order";
    auto s = infer_texts({R"({"a": 1})"}, options);
    CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(s["title"] == "Order");
    CHECK(s.begin().key() == "$schema");
  }
  SECTION("no samples is a logic error, not an empty schema") {
    schema_inferrer inferrer;
    CHECK_THROWS_AS(inferrer.schema(), std::logic_error);
  }
  SECTION("a scalar root") {
    auto s = infer_texts({"1", "2"});
    CHECK(s["type"] == "integer");
  }
}

TEST_CASE("infer: required and optional") {
  SECTION("required lists exactly the keys present in every sample, in first-seen order") {
    auto s = infer_texts({R"({"b": 1, "a": "x", "c": true})", R"({"a": "y", "b": 2})", R"({"b": 3, "a": "z", "d": 1})"});
    CHECK(s["required"] == ordered_json::array({"b", "a"}));
    std::vector<std::string> keys;
    for (auto& [k, v] : s["properties"].items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"b", "a", "c", "d"});
  }
  SECTION("a key present everywhere but null somewhere stays required and becomes nullable") {
    auto s = infer_texts({R"({"a": "x"})", R"({"a": null})"});
    CHECK(s["required"] == ordered_json::array({"a"}));
    CHECK(s["properties"]["a"]["type"] == ordered_json::array({"string", "null"}));
  }
  SECTION("required is per object position: nested objects count their own instances") {
    auto s = infer_texts({R"({"o": {"x": 1, "y": 2}})", R"({"p": 1})", R"({"o": {"x": 3}})"});
    CHECK_FALSE(s.contains("required"));  // no key is in all three roots
    CHECK(s["properties"]["o"]["required"] == ordered_json::array({"x"}));
  }
  SECTION("explain reports how many objects had the key") {
    auto lines = explain_texts({R"({"a": 1, "b": 1})", R"({"a": 2})", R"({"a": 3})"});
    CHECK(any_line_contains(lines, "/b:", "in 1 of 3 objects -> optional"));
    CHECK(any_line_contains(lines, "/a:", "in 3 of 3 objects -> required"));
  }
}

TEST_CASE("infer: integer and number") {
  SECTION("integral values only: integer") {
    auto s = infer_texts({R"({"n": 1})", R"({"n": -7})", R"({"n": 18446744073709551615})"});
    CHECK(s["properties"]["n"]["type"] == "integer");
  }
  SECTION("a field written as 1.0 is a number even though the value is integral") {
    auto s = infer_texts({R"({"n": 1.0})", R"({"n": 2.0})", R"({"n": 3.0})"});
    CHECK(s["properties"]["n"]["type"] == "number");
  }
  SECTION("exponent notation is a number") {
    auto s = infer_texts({R"({"n": 1e3})"});
    CHECK(s["properties"]["n"]["type"] == "number");
  }
  SECTION("integers mixed with fractions: number, not anyOf") {
    auto s = infer_texts({R"({"n": 1})", R"({"n": 2.5})"});
    CHECK(s["properties"]["n"] == ordered_json{{"type", "number"}});
  }
}

TEST_CASE("infer: null and nullable") {
  SECTION("null with one kind: type array") {
    auto s = infer_texts({R"({"a": null})", R"({"a": {"x": 1}})"});
    CHECK(s["properties"]["a"]["type"] == ordered_json::array({"object", "null"}));
    CHECK(s["properties"]["a"]["properties"]["x"]["type"] == "integer");
  }
  SECTION("only null") {
    auto s = infer_texts({R"({"a": null})", R"({"a": null})"});
    CHECK(s["properties"]["a"] == ordered_json{{"type", "null"}});
  }
  SECTION("a nullable enum admits null") {
    std::vector<std::string> texts;
    for (int i = 0; i < 15; ++i) texts.push_back(i % 3 == 0 ? R"({"a": null})" : (i % 3 == 1 ? R"({"a": "x"})" : R"({"a": "y"})"));
    auto s = infer_texts(texts);
    CHECK(s["properties"]["a"]["enum"] == ordered_json::array({"x", "y", nullptr}));
  }
}

TEST_CASE("infer: arrays and nested objects") {
  SECTION("array elements of all samples merge into one items schema") {
    auto s = infer_texts({R"({"l": [{"a": 1}, {"a": 2, "b": "x"}]})", R"({"l": [{"a": 3.5}]})", R"({"l": []})"});
    auto items = s["properties"]["l"]["items"];
    CHECK(items["type"] == "object");
    CHECK(items["properties"]["a"]["type"] == "number");
    CHECK(items["required"] == ordered_json::array({"a"}));
  }
  SECTION("arrays that were always empty leave items open") {
    auto s = infer_texts({R"({"l": []})", R"({"l": []})"});
    CHECK(s["properties"]["l"] == ordered_json{{"type", "array"}});
  }
  SECTION("nested arrays") {
    auto s = infer_texts({R"([[1, 2], [3]])", R"([[4.5]])"});
    CHECK(s["items"]["items"]["type"] == "number");
  }
  SECTION("nested objects merge recursively") {
    auto s = infer_texts({R"({"o": {"p": {"q": 1}}})", R"({"o": {"p": {"q": 2, "r": true}}})"});
    auto p = s["properties"]["o"]["properties"]["p"];
    CHECK(p["required"] == ordered_json::array({"q"}));
    CHECK(p["properties"]["r"]["type"] == "boolean");
  }
}

TEST_CASE("infer: conflicting kinds") {
  SECTION("different kinds give anyOf with one branch per kind, null last") {
    auto s = infer_texts({R"({"v": 1})", R"({"v": "a"})", R"({"v": {"x": 1}})", R"({"v": {"y": 2}})",
                          R"({"v": [true]})", R"({"v": null})", R"({"v": false})"});
    auto any = s["properties"]["v"]["anyOf"];
    REQUIRE(any.size() == 6);
    CHECK(any[0]["type"] == "object");
    CHECK(any[0]["properties"].size() == 2);  // the two objects merged into one branch
    CHECK_FALSE(any[0].contains("required"));
    CHECK(any[1]["type"] == "array");
    CHECK(any[1]["items"]["type"] == "boolean");
    CHECK(any[2]["type"] == "string");
    CHECK(any[3]["type"] == "integer");
    CHECK(any[4]["type"] == "boolean");
    CHECK(any[5] == ordered_json{{"type", "null"}});
  }
}

TEST_CASE("infer: string formats need strong evidence") {
  auto field = [](const std::vector<std::string>& values) {
    std::vector<std::string> texts;
    for (const auto& v : values) texts.push_back(v == "null" ? R"({"f": null})" : R"({"f": ")" + v + R"("})");
    return infer_texts(texts)["properties"]["f"];
  };
  SECTION("three matching values give the format") {
    CHECK(field({"a@example.com", "b@example.org", "c.d@mail.example.net"})["format"] == "email");
    CHECK(field({"2024-01-02", "2023-12-31", "2024-02-29"})["format"] == "date");
    CHECK(field({"2024-01-02T10:00:00Z", "2024-01-02T10:00:00.5+02:00", "2024-01-02t10:00:00z"})["format"] == "date-time");
    CHECK(field({"https://example.com/a", "http://x.org", "ftp://h.example/p?q=1#f"})["format"] == "uri");
    CHECK(field({"123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000",
                 "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"})["format"] == "uuid");
  }
  SECTION("two values are not enough") {
    CHECK_FALSE(field({"a@example.com", "b@example.org"}).contains("format"));
  }
  SECTION("one non-matching value drops the format") {
    CHECK_FALSE(field({"a@example.com", "b@example.org", "c@example.org", "not an email"}).contains("format"));
  }
  SECTION("nulls do not count as evidence and do not break it") {
    CHECK_FALSE(field({"a@example.com", "null", "b@example.org", "null"}).contains("format"));
    auto f = field({"a@example.com", "null", "b@example.org", "c@example.org"});
    // Nullable and formatted: anyOf, so that validators that apply format to null still accept null.
    CHECK(f == ordered_json{{"anyOf", {{{"type", "string"}, {"format", "email"}}, {{"type", "null"}}}}});
  }
  SECTION("explain names the format and the count") {
    auto lines = explain_texts({R"({"f": "a@example.com"})", R"({"f": "b@example.com"})", R"({"f": "c@example.com"})",
                                R"({"g": "2024-01-01"})", R"({"g": "x"})"});
    CHECK(any_line_contains(lines, "/f:", "format email: all 3 values match"));
    CHECK(any_line_contains(lines, "/g:", "no format: only some values match (date 1/2)"));
  }
}

TEST_CASE("infer: enums only from repeated observations") {
  auto field = [](const std::vector<std::string>& values) {
    std::vector<std::string> texts;
    for (const auto& v : values) texts.push_back(R"({"f": ")" + v + R"("})");
    return infer_texts(texts)["properties"]["f"];
  };
  SECTION("few values, each seen at least twice, enough values: enum sorted by value") {
    std::vector<std::string> v;
    for (int i = 0; i < 12; ++i) v.push_back(i % 3 == 0 ? "paid" : (i % 3 == 1 ? "open" : "closed"));
    CHECK(field(v)["enum"] == ordered_json::array({"closed", "open", "paid"}));
  }
  SECTION("a single observation never makes an enum") {
    CHECK_FALSE(field({"only"}).contains("enum"));
  }
  SECTION("one value repeated is not an enum either") {
    CHECK_FALSE(field(std::vector<std::string>(20, "SAVE10")).contains("enum"));
  }
  SECTION("a value seen once among repeated ones prevents the enum") {
    std::vector<std::string> v(12, "a");
    v[0] = "b";
    v[1] = "b";
    v[2] = "rare";
    CHECK_FALSE(field(v).contains("enum"));
  }
  SECTION("too few values in total") {
    CHECK_FALSE(field({"a", "a", "b", "b"}).contains("enum"));
  }
  SECTION("too many distinct values") {
    std::vector<std::string> v;
    for (int i = 0; i < 40; ++i) v.push_back(std::string("v") + std::to_string(i % 11));
    CHECK_FALSE(field(v).contains("enum"));
  }
}

TEST_CASE("infer: maps for objects whose keys vary") {
  SECTION("keys that look like identifiers make a map with the merged value schema") {
    auto s = infer_texts({R"({"m": {"2024-01-01": {"n": 1}, "2024-01-02": {"n": 2, "x": true}}})",
                          R"({"m": {"2024-02-01": {"n": 3}}})"});
    auto m = s["properties"]["m"];
    CHECK(m["type"] == "object");
    CHECK_FALSE(m.contains("properties"));
    CHECK(m["additionalProperties"]["required"] == ordered_json::array({"n"}));
    CHECK(m["additionalProperties"]["properties"]["x"]["type"] == "boolean");
  }
  SECTION("numeric keys") {
    auto s = infer_texts({R"({"1": "a", "2": "b", "17": "c"})"});
    CHECK(s["additionalProperties"]["type"] == "string");
  }
  SECTION("many distinct keys, each object holding few of them, values of one kind") {
    std::vector<std::string> texts;
    for (int i = 0; i < 10; ++i)
      texts.push_back(std::string(R"({"k)") + std::to_string(i) + R"(": 1, "k)" + std::to_string(i + 10) + R"(": 2})");
    auto s = infer_texts(texts);
    CHECK(s["additionalProperties"]["type"] == "integer");
  }
  SECTION("the same but with values of different kinds stays an object") {
    std::vector<std::string> texts;
    for (int i = 0; i < 10; ++i)
      texts.push_back(std::string(R"({"k)") + std::to_string(i) + R"(": 1, "k)" + std::to_string(i + 10) + R"(": "s"})");
    auto s = infer_texts(texts);
    CHECK(s.contains("properties"));
    CHECK_FALSE(s.contains("additionalProperties"));
  }
  SECTION("a record whose objects hold most keys stays an object") {
    std::vector<std::string> texts;
    for (int i = 0; i < 5; ++i)
      texts.push_back(R"({"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1})");
    CHECK(infer_texts(texts)["properties"].size() == 9);
  }
  SECTION("past the key limit, keys are no longer tracked: a map") {
    infer_options options;
    options.map_key_limit = 50;
    schema_inferrer inferrer(options);
    for (int i = 0; i < 200; ++i) inferrer.add(ordered_json{{std::string("name") + std::to_string(i), i}, {"x", "s"}});
    auto s = inferrer.schema();
    CHECK(s["additionalProperties"]["anyOf"].size() == 2);
    auto lines = inferrer.explain();
    CHECK(any_line_contains(lines, "(root)", "more than 50 distinct keys"));
  }
}

TEST_CASE("infer: deterministic output") {
  std::vector<std::string> texts = {R"({"id": 1, "s": "a", "t": "2024-01-01T00:00:00Z"})",
                                    R"({"id": 2.5, "s": "b", "extra": [1, "x"]})",
                                    R"({"id": 3, "s": "a", "t": "2024-01-02T00:00:00Z", "extra": null})",
                                    R"({"id": 4, "s": "b", "t": "2024-01-03T00:00:00Z"})"};
  for (int i = 0; i < 8; ++i) texts.push_back(texts[static_cast<std::size_t>(i % 4)]);
  SECTION("same samples, byte-identical output") {
    CHECK(infer_texts(texts).dump(2) == infer_texts(texts).dump(2));
  }
  SECTION("sample order changes nothing but property order") {
    auto reference = json::parse(infer_texts(texts).dump());  // json sorts keys: property order drops out
    std::mt19937 rng(12345);
    for (int round = 0; round < 10; ++round) {
      std::shuffle(texts.begin(), texts.end(), rng);
      CHECK(json::parse(infer_texts(texts).dump()) == reference);
    }
  }
  SECTION("the DOM and ordered overloads agree on content") {
    std::vector<json> dom;
    for (const auto& t : texts) dom.push_back(json::parse(t));
    CHECK(json::parse(infer_schema(dom).dump()) == json::parse(infer_texts(texts).dump()));
  }
}

TEST_CASE("infer: hostile input") {
  SECTION("nesting deeper than the limit is an input error") {
    std::string deep(2000, '[');
    deep += std::string(2000, ']');
    schema_inferrer inferrer;
    CHECK_THROWS_AS(inferrer.add(json::parse(deep)), schemaforge::gen::input_error);
  }
  SECTION("keys with / and ~ are escaped in explain paths") {
    auto lines = explain_texts({R"({"a/b~c": 1})"});
    CHECK(any_line_contains(lines, "/a~1b~0c:", "required"));
  }
}
