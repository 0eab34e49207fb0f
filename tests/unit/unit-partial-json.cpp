// SPDX-License-Identifier: MIT
#include "stream/partial_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <utility>
#include <vector>

using nlohmann::json;
using schemaforge::detail::complete_json_prefix;
using schemaforge::detail::partial_json;

namespace {

json completion(std::string_view prefix) {
  auto v = complete_json_prefix(prefix);
  REQUIRE(v.has_value());
  return *v;
}

// The partial value never shows something the final document contradicts: objects hold a subset of
// the final keys, arrays a prefix of the final elements, strings a prefix of the final string,
// scalars their final value.
bool consistent_with(const json& partial, const json& final_value) {
  if (partial.is_object()) {
    if (!final_value.is_object()) return false;
    for (const auto& [key, value] : partial.items()) {
      if (!final_value.contains(key) || !consistent_with(value, final_value.at(key))) return false;
    }
    return true;
  }
  if (partial.is_array()) {
    if (!final_value.is_array() || partial.size() > final_value.size()) return false;
    for (std::size_t i = 0; i < partial.size(); ++i) {
      if (!consistent_with(partial[i], final_value[i])) return false;
    }
    return true;
  }
  if (partial.is_string()) {
    return final_value.is_string() &&
           final_value.get_ref<const std::string&>().compare(0, partial.get_ref<const std::string&>().size(),
                                                              partial.get_ref<const std::string&>()) == 0;
  }
  return partial == final_value;
}

std::size_t node_count(const json& v) {
  std::size_t n = 1;
  if (v.is_structured()) {
    for (const auto& child : v) n += node_count(child);
  }
  return n;
}

using field_events = std::vector<std::pair<std::string, json>>;

struct tracker {
  field_events fields;
  partial_json parser{partial_json::options{}, [this](std::string_view pointer, const json& value) {
                        fields.emplace_back(std::string(pointer), value);
                      }};
};

const std::vector<std::string> documents = {
    R"({"name":"Ada Lovelace","age":36,"tags":["math","poetry"],"alive":false,"spouse":null})",
    R"({ "a" : [ 1 , -2.5e+3 , 0 , 1E2, -0 ] , "b" : { "c" : { } , "d" : [ ] } , "e" : true })",
    R"({"text":"quote \" backslash \\ slash \/ \b\f\n\r\t tab","u":"\u00e9\u20AC\ud83d\ude00\u0041"})",
    "{\"utf8\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 end\",\"k\xC3\xA9y\":1}",
    R"([[[[[]]]],[{"x":[{"y":[1,[2,[3]]]}]}],"s",12345678901234567890,1.5])",
    R"({"a/b":{"m~n":1},"":"empty key"})",
    R"("just a string")",
    R"(  {"trailing whitespace":true}   )",
    R"({"big":123456789012345678901234567890,"neg":-9223372036854775808,"frac":0.000001})",
};

}  // namespace

TEST_CASE("partial json: completion of prefixes") {
  SECTION("objects, keys and strings") {
    CHECK(completion("{") == json::object());
    CHECK(completion("{\"") == json::object());
    CHECK(completion("{\"na") == json::object());
    CHECK(completion("{\"name\"") == json::object());
    CHECK(completion("{\"name\" :") == json::object());
    CHECK(completion("{\"name\": \"") == json{{"name", ""}});
    CHECK(completion("{\"name\": \"Al") == json{{"name", "Al"}});
    CHECK(completion("{\"name\": \"Ada\", \"ag") == json{{"name", "Ada"}});
  }
  SECTION("an escape sequence is never cut") {
    CHECK(completion(R"({"s": "Al\)") == json{{"s", "Al"}});
    CHECK(completion(R"({"s": "Al\u00)") == json{{"s", "Al"}});
    CHECK(completion(R"({"s": "Al\u00e9)") == json{{"s", "Al\xC3\xA9"}});
    CHECK(completion(R"({"s": "a\n)") == json{{"s", "a\n"}});
    CHECK(completion(R"(["\ud83d)") == json::array({""}));
    CHECK(completion(R"(["\ud83d\)") == json::array({""}));
    CHECK(completion(R"(["\ud83d\ude0)") == json::array({""}));
    CHECK(completion(R"(["\ud83d\ude00)") == json::array({"\xF0\x9F\x98\x80"}));
  }
  SECTION("a UTF-8 sequence is never cut") {
    CHECK(completion("[\"h\xC3") == json::array({"h"}));
    CHECK(completion("[\"h\xC3\xA9") == json::array({"h\xC3\xA9"}));
    CHECK(completion("[\"\xF0\x9F\x98") == json::array({""}));
  }
  SECTION("numbers and literals show only when complete") {
    CHECK(completion("{\"a\": 12") == json::object());
    CHECK(completion("{\"a\": 12,") == json{{"a", 12}});
    CHECK(completion("{\"a\": 12}") == json{{"a", 12}});
    CHECK(completion("{\"a\": -") == json::object());
    CHECK(completion("[1.") == json::array());
    CHECK(completion("[1.5e") == json::array());
    CHECK(completion("[1.5e3 ") == json::array({1500.0}));
    CHECK(completion("{\"a\": tr") == json::object());
    CHECK(completion("{\"a\": true") == json{{"a", true}});
    CHECK(completion("[nul") == json::array());
    CHECK(completion("[null") == json::array({nullptr}));
    CHECK(completion("[false, 1, 2") == json::array({false, 1}));
  }
  SECTION("open containers show closed") {
    CHECK(completion("[") == json::array());
    CHECK(completion("{\"a\": [1, {\"b\": [") == json::parse(R"({"a":[1,{"b":[]}]})"));
    CHECK(completion("{\"a\": {\"b\": {\"c\": \"d") == json::parse(R"({"a":{"b":{"c":"d"}}})"));
  }
  SECTION("nothing visible yet") {
    CHECK_FALSE(complete_json_prefix(""));
    CHECK_FALSE(complete_json_prefix("   \n"));
    CHECK_FALSE(complete_json_prefix("12"));
    CHECK_FALSE(complete_json_prefix("tru"));
  }
  SECTION("a root number is complete at finish") {
    partial_json p;
    p.feed("12");
    CHECK_FALSE(p.has_value());
    CHECK(p.finish());
    CHECK(p.value() == 12);
    CHECK(p.complete());
  }
}

TEST_CASE("partial json: text that is not a JSON prefix") {
  const std::vector<std::string> bad = {
      "{\"a\" 1",  "[1,]",           "{'a': 1}",    "{\"a\":1,}", "[\"\\x\"]",      "[\"a\tb\"]",
      "[\"\xC3(\"]", "[\"\xE0\x80\"]", "[\"\xF5\"]",  "[\"\\udc00\"]", "[\"\\ud83d x\"]", "[01]",
      "[1 2]",     "{\"a\":1]",      "[-]",         "Sure: {}",   "[truth]",
  };
  for (const std::string& text : bad) {
    INFO(text);
    partial_json p;
    p.feed(text);
    p.finish();
    CHECK(p.failed());
    CHECK_FALSE(p.error().empty());
    CHECK(p.error_offset() <= text.size());
    // nlohmann agrees that it is not JSON.
    CHECK(json::parse(text, nullptr, false).is_discarded());
  }
  SECTION("nothing changes after a failure") {
    partial_json p;
    p.feed("[1, }");
    CHECK(p.failed());
    CHECK_FALSE(p.feed("2]"));
    CHECK(p.value() == json::array({1}));
  }
}

TEST_CASE("partial json: leading prose and trailing text") {
  partial_json::options opts;
  opts.skip_leading_text = true;
  partial_json p(opts);
  p.feed("Sure! Here it is:\n```json\n{\"a\": [1, \"x\"]}\n```\n");
  CHECK(p.complete());
  CHECK(p.trailing_text());
  CHECK(p.value() == json::parse(R"({"a":[1,"x"]})"));

  partial_json strict;
  strict.feed("{\"a\": 1} \n");
  CHECK(strict.complete());
  CHECK_FALSE(strict.trailing_text());
}

TEST_CASE("partial json: field complete events") {
  tracker t;
  t.parser.feed(R"({"a":1,"b":[true,{"c":"x"}],"d/e~":null,"f":"s"})");
  const field_events expected = {
      {"/a", 1},
      {"/b/0", true},
      {"/b/1/c", "x"},
      {"/b/1", json{{"c", "x"}}},
      {"/b", json::parse(R"([true,{"c":"x"}])")},
      {"/d~1e~0", nullptr},
      {"/f", "s"},
      {"", json::parse(R"({"a":1,"b":[true,{"c":"x"}],"d/e~":null,"f":"s"})")},
  };
  CHECK(t.fields == expected);

  SECTION("a number completes when the next character arrives") {
    tracker n;
    n.parser.feed("[12");
    CHECK(n.fields.empty());
    n.parser.feed("3");
    CHECK(n.fields.empty());
    n.parser.feed("]");
    CHECK(n.fields == field_events{{"/0", 123}, {"", json::array({123})}});
  }
  SECTION("a string completes at its closing quote, not before") {
    tracker s;
    s.parser.feed(R"({"k":"val)");
    CHECK(s.fields.empty());
    s.parser.feed(R"(ue")");
    CHECK(s.fields == field_events{{"/k", "value"}});
  }
}

TEST_CASE("partial json: every prefix of every document") {
  for (const std::string& doc : documents) {
    INFO(doc);
    const json final_value = json::parse(doc);

    tracker t;
    for (std::size_t k = 0; k < doc.size(); ++k) {
      t.parser.feed(std::string_view(doc).substr(k, 1));
      REQUIRE_FALSE(t.parser.failed());
      const auto one_shot = complete_json_prefix(std::string_view(doc).substr(0, k + 1));
      // Feeding byte by byte and feeding the prefix at once agree.
      REQUIRE(t.parser.has_value() == one_shot.has_value());
      if (!one_shot) continue;
      REQUIRE(t.parser.value() == *one_shot);
      if (!consistent_with(t.parser.value(), final_value)) {
        FAIL("prefix " << k + 1 << " shows " << t.parser.value().dump() << ", not a prefix of the final value");
      }
    }
    t.parser.finish();
    CHECK(t.parser.complete());
    CHECK(t.parser.value() == final_value);

    // Each field is reported once, with its final value, children before their container.
    CHECK(t.fields.size() == node_count(final_value));
    for (const auto& [pointer, value] : t.fields) {
      INFO(pointer);
      const json::json_pointer ptr(pointer);
      REQUIRE(final_value.contains(ptr));
      CHECK(final_value.at(ptr) == value);
    }
    REQUIRE_FALSE(t.fields.empty());
    CHECK(t.fields.back().first.empty());
  }
}

TEST_CASE("partial json: random chunkings agree") {
  std::mt19937 rng(20261127);
  for (const std::string& doc : documents) {
    INFO(doc);
    tracker whole;
    whole.parser.feed(doc);
    whole.parser.finish();
    for (int round = 0; round < 20; ++round) {
      tracker t;
      std::size_t pos = 0;
      bool changed_any = false;
      while (pos < doc.size()) {
        const std::size_t len = std::uniform_int_distribution<std::size_t>(1, 7)(rng);
        changed_any |= t.parser.feed(std::string_view(doc).substr(pos, len));
        pos += len;
      }
      changed_any |= t.parser.finish();
      CHECK(changed_any);
      CHECK(t.parser.value() == whole.parser.value());
      CHECK(t.fields == whole.fields);
    }
  }
}

TEST_CASE("partial json: a duplicate key keeps the last value, as nlohmann does") {
  tracker t;
  t.parser.feed(R"({"k":1,"k":"two"})");
  CHECK(t.parser.value() == json::parse(R"({"k":1,"k":"two"})"));
  CHECK(t.fields == field_events{{"/k", 1}, {"/k", "two"}, {"", json{{"k", "two"}}}});
}

TEST_CASE("partial json: limits") {
  partial_json::options opts;
  opts.max_depth = 8;
  partial_json p(opts);
  p.feed(std::string(8, '['));
  CHECK_FALSE(p.failed());
  p.feed("[");
  CHECK(p.failed());
  CHECK(p.error() == "nesting deeper than 8 levels");

  partial_json n;
  n.feed("[" + std::string(2000, '1'));
  CHECK(n.failed());
}
