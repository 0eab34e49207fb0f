// SPDX-License-Identifier: MIT
// The loader's own JSON builder must give exactly what nlohmann::ordered_json::parse gives.
#include "ordered_json_reader.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ojson = nlohmann::ordered_json;
using schemaforge::gen::detail::parse_ordered_json;

namespace {

// Dumped with every type visible: 1 and 1.0 and true must not compare equal by accident.
std::string typed_dump(const ojson& j) {
  std::string out;
  switch (j.type()) {
    case ojson::value_t::object:
      out = "{";
      for (auto it = j.begin(); it != j.end(); ++it) out += ojson(it.key()).dump() + ":" + typed_dump(it.value()) + ",";
      return out + "}";
    case ojson::value_t::array:
      out = "[";
      for (const auto& v : j) out += typed_dump(v) + ",";
      return out + "]";
    default:
      return std::to_string(static_cast<int>(j.type())) + ":" + j.dump();
  }
}

std::string error_of(const std::string& text, ojson (*parse)(const std::string&)) {
  try {
    parse(text);
  } catch (const ojson::parse_error& e) {
    return std::to_string(e.id) + "@" + std::to_string(e.byte) + ": " + e.what();
  }
  return "no error";
}

ojson nlohmann_parse(const std::string& text) { return ojson::parse(text); }

}  // namespace

TEST_CASE("parse_ordered_json builds what ordered_json::parse builds", "[gen][json_reader]") {
  SECTION("documents, in member order, with every value type") {
    const std::vector<std::string> documents = {
        "{}", "[]", "null", "true", "-0", "12", "18446744073709551615", "-9223372036854775808", "1.5e300", "\"\\u00e9\\ud83d\\ude00\"",
        R"({"b": 1, "a": [1, 2.0, "x", null, false, {}, []], "c": {"z": {"y": {"x": [[[]]]}}}})",
        R"({"type": "object", "properties": {"p1": {"type": "string"}, "p2": {"type": "integer"}, "p3": {"type": "number"},
            "p4": {"type": "array", "items": {"type": "boolean"}}, "p5": {"$ref": "#/$defs/x"}}, "required": ["p1"]})",
        R"([{"a": 1}, {"a": 2, "b": [3, {"c": 4}]}, 5])",
    };
    for (const auto& text : documents) {
      INFO(text);
      CHECK(typed_dump(parse_ordered_json(text)) == typed_dump(ojson::parse(text)));
    }
  }
  SECTION("a duplicate key keeps its first position and its last value") {
    const std::string text = R"({"a": 1, "b": {"x": 1}, "a": {"deep": [1]}, "c": 3, "b": 2})";
    CHECK(typed_dump(parse_ordered_json(text)) == typed_dump(ojson::parse(text)));
    CHECK(parse_ordered_json(text).dump() == R"({"a":{"deep":[1]},"b":2,"c":3})");
  }
  SECTION("invalid text throws the same parse_error") {
    const std::vector<std::string> texts = {"", "{", "{\"a\": }", "[1, 2", "{\"a\": 1,}", "[1] 2", "nul", "{\"a\" 1}",
                                            "\"\\x\"", "01", "{\"a\": [1, {\"b\": tru}]}"};
    for (const auto& text : texts) {
      INFO(text);
      CHECK(error_of(text, parse_ordered_json) == error_of(text, nlohmann_parse));
      CHECK(error_of(text, parse_ordered_json) != "no error");
    }
  }
}
