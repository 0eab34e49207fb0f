// SPDX-License-Identifier: MIT
// The loader's own JSON builder must give exactly what nlohmann::ordered_json::parse gives.
#include "ordered_json_reader.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using ojson = nlohmann::ordered_json;
using schemaforge::gen::detail::parse_ordered_json;
using schemaforge::gen::detail::parse_plain_json;

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

TEST_CASE("the plain reader reads plain JSON as nlohmann does and leaves the rest to it", "[gen][json_reader]") {
  SECTION("plain documents: read, to the same values and types") {
    const std::vector<std::string> documents = {
        "{}", " [ ] ", "\t\r\n{\"a\" : [ 1 , -1 , 0 , -0 , 1.5 , -0.0 , 2e3 , 2E-3 , 1.7976931348623157e308 , 4.9e-324 , 1e-400 ] }\n",
        "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "0.1", "[true, false, null]", R"("a\"b\\c\/d\be\ff\ng\rh\ti")",
        "\"\x7f\"", R"({"a": 1, "a": 2, "b": {"c": [], "c": {}}})",
        R"({"type": "object", "properties": {"x": {"type": "number", "minimum": 0.5, "maximum": 1e2}}, "required": ["x"]})",
    };
    for (const auto& text : documents) {
      INFO(text);
      auto plain = parse_plain_json(text);
      REQUIRE(plain.has_value());
      CHECK(typed_dump(*plain) == typed_dump(ojson::parse(text)));
    }
  }
  SECTION("anything else: not read, so nlohmann reads it") {
    const std::vector<std::string> texts = {
        "", "\xEF\xBB\xBF{}", "\"\u00e9\"", "\"\xC3\xA9\"", "\"a\x01\"", std::string("{}\0", 3), "1e400", "[1,]", "{\"a\":1,}", "01", "1.",
        "-", "tru", "[1 2]", "{\"a\" 1}", "{1: 2}", "\"\\x\"", std::string(300, '[') + std::string(300, ']')};
    for (const auto& text : texts) {
      INFO(text);
      CHECK_FALSE(parse_plain_json(text).has_value());
    }
    const std::string deep = std::string(300, '[') + std::string(300, ']');
    CHECK(typed_dump(parse_ordered_json(deep)) == typed_dump(ojson::parse(deep)));
    const std::string bom = "\xEF\xBB\xBF{\"a\": \"\u00e9\"}";
    CHECK(typed_dump(parse_ordered_json(bom)) == typed_dump(ojson::parse(bom)));
  }
  SECTION("damaged documents: the same document or the same error as nlohmann, every time") {
    const std::string seed_text =
        R"({"$defs": {"n": {"type": ["integer", "null"], "minimum": -1.5e3}}, "type": "object", "title": "T\tx",)"
        R"( "properties": {"a": {"$ref": "#/$defs/n"}, "b": {"enum": ["x", "y", true, null, 0, -0, 12.5e-1]}},)"
        R"( "required": ["a"], "additionalProperties": false})";
    const std::string alphabet = "{}[]:,\"\\ 0123456789-+.eEtrufalsn\t\n\x7f\x01\xC3\xA9/bu";
    std::mt19937 random(20261128);  // fixed: the same cases on every run
    for (int round = 0; round < 3000; ++round) {
      std::string text = seed_text;
      int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        std::size_t at = random() % text.size();
        switch (random() % 3) {
          case 0: text.erase(at, 1 + random() % 3); break;
          case 1: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
          default: text[at] = alphabet[random() % alphabet.size()]; break;
        }
      }
      INFO(text);
      std::string ours, theirs;
      try {
        ours = typed_dump(parse_ordered_json(text));
      } catch (const ojson::exception& e) {
        ours = std::string("error ") + e.what();
      }
      try {
        theirs = typed_dump(ojson::parse(text));
      } catch (const ojson::exception& e) {
        theirs = std::string("error ") + e.what();
      }
      REQUIRE(ours == theirs);
    }
  }
}
