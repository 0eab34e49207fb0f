// SPDX-License-Identifier: MIT
#include "stream/sse_parser.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using schemaforge::detail::sse_event;
using schemaforge::detail::sse_parser;

namespace {

struct recorded {
  std::string type, data, id;
  bool operator==(const recorded& o) const { return std::tie(type, data, id) == std::tie(o.type, o.data, o.id); }
};

std::ostream& operator<<(std::ostream& os, const recorded& r) {
  return os << "{" << r.type << "|" << r.data << "|" << r.id << "}";
}

struct recorder {
  std::vector<recorded> events;
  sse_parser parser{[this](const sse_event& e) {
    events.push_back({std::string(e.type), std::string(e.data), std::string(e.id)});
  }};
};

std::vector<recorded> parse_whole(std::string_view body) {
  recorder r;
  r.parser.feed(body);
  r.parser.finish();
  return r.events;
}

std::vector<recorded> parse_split(std::string_view body, std::vector<std::size_t> cuts) {
  recorder r;
  std::size_t pos = 0;
  for (std::size_t cut : cuts) {
    r.parser.feed(body.substr(pos, cut - pos));
    pos = cut;
  }
  r.parser.feed(body.substr(pos));
  r.parser.finish();
  return r.events;
}

}  // namespace

TEST_CASE("sse parser: line endings and fields") {
  const std::vector<recorded> two = {{"message", "a", ""}, {"message", "b", ""}};

  SECTION("LF") { CHECK(parse_whole("data: a\n\ndata: b\n\n") == two); }
  SECTION("CRLF") { CHECK(parse_whole("data: a\r\n\r\ndata: b\r\n\r\n") == two); }
  SECTION("CR") { CHECK(parse_whole("data: a\r\rdata: b\r\r") == two); }
  SECTION("mixed endings") { CHECK(parse_whole("data: a\r\n\ndata: b\r\r\n") == two); }

  SECTION("multi-line data is joined with LF") {
    CHECK(parse_whole("data: line one\ndata: line two\ndata:\n\n") ==
          std::vector<recorded>{{"message", "line one\nline two\n", ""}});
  }

  SECTION("no space after the colon, and only one space is removed") {
    CHECK(parse_whole("data:x\n\ndata:  y\n\n") == std::vector<recorded>{{"message", "x", ""}, {"message", " y", ""}});
  }

  SECTION("a field name without a colon has an empty value") {
    CHECK(parse_whole("data\n\n") == std::vector<recorded>{{"message", "", ""}});
  }

  SECTION("event, id and retry fields") {
    recorder r;
    r.parser.feed("event: error\nid: 7\nretry: 1500\ndata: {}\n\ndata: next\n\nretry: 12x\nid\ndata: third\n\n");
    r.parser.finish();
    CHECK(r.events == std::vector<recorded>{{"error", "{}", "7"}, {"message", "next", "7"}, {"message", "third", ""}});
    REQUIRE(r.parser.retry_ms());
    CHECK(*r.parser.retry_ms() == 1500);  // "12x" is not a valid retry and is ignored
    CHECK(r.parser.events() == 3);
  }

  SECTION("unknown fields are ignored") {
    CHECK(parse_whole("foo: bar\ndata: a\nbaz\n\n") == std::vector<recorded>{{"message", "a", ""}});
  }

  SECTION("an event without data is not dispatched and its type does not leak") {
    CHECK(parse_whole("event: ping\n\ndata: a\n\n") == std::vector<recorded>{{"message", "a", ""}});
  }
}

TEST_CASE("sse parser: comments and keep-alive lines") {
  recorder r;
  r.parser.feed(": OPENROUTER PROCESSING\n\n:\n\n\n\n\r\ndata: a\n: inside an event\ndata: b\n\n");
  r.parser.finish();
  CHECK(r.events == std::vector<recorded>{{"message", "a\nb", ""}});
  CHECK(r.parser.comment_lines() == 3);
}

TEST_CASE("sse parser: end of stream") {
  SECTION("a last event without its blank line is flushed by finish") {
    CHECK(parse_whole("data: a\n\ndata: last\n") == std::vector<recorded>{{"message", "a", ""}, {"message", "last", ""}});
  }
  SECTION("a last line without any line ending is flushed by finish") {
    CHECK(parse_whole("data: a\n\ndata: last") == std::vector<recorded>{{"message", "a", ""}, {"message", "last", ""}});
  }
  SECTION("nothing is dispatched before finish when the blank line is missing") {
    recorder r;
    r.parser.feed("data: pending\n");
    CHECK(r.events.empty());
    r.parser.finish();
    CHECK(r.events.size() == 1);
  }
  SECTION("[DONE] is an ordinary data event for the parser") {
    CHECK(parse_whole("data: {\"x\":1}\n\ndata: [DONE]\n\n") ==
          std::vector<recorded>{{"message", "{\"x\":1}", ""}, {"message", "[DONE]", ""}});
  }
  SECTION("the parser can be fed again after finish") {
    recorder r;
    r.parser.feed("data: one");
    r.parser.finish();
    r.parser.feed("data: two\n\n");
    r.parser.finish();
    CHECK(r.events == std::vector<recorded>{{"message", "one", ""}, {"message", "two", ""}});
  }
}

TEST_CASE("sse parser: byte order mark") {
  const std::string body = "\xEF\xBB\xBF" "data: a\n\n";
  CHECK(parse_whole(body) == std::vector<recorded>{{"message", "a", ""}});
  CHECK(parse_split(body, {1, 2}) == std::vector<recorded>{{"message", "a", ""}});
  // Only a leading BOM is removed; a partial one is ordinary bytes (here making an unknown field).
  CHECK(parse_whole("\xEF\xBB" "data: a\n\ndata: b\n\n") == std::vector<recorded>{{"message", "b", ""}});
}

TEST_CASE("sse parser: every split of the input gives the same events") {
  // Covers LF, CRLF, CR, comments, multi-line data, fields, UTF-8 (split inside sequences too).
  const std::string body =
      ": keep-alive\r\n\r\n"
      "event: delta\r\nid: 1\r\ndata: {\"content\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"}\r\n\r\n"
      "data:first\rdata: second\r\r"
      "\n\n"
      "data: [DONE]";
  const std::vector<recorded> expected = {
      {"delta", "{\"content\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"}", "1"},
      {"message", "first\nsecond", "1"},
      {"message", "[DONE]", "1"},
  };
  REQUIRE(parse_whole(body) == expected);

  SECTION("two pieces") {
    for (std::size_t i = 0; i <= body.size(); ++i) {
      INFO("cut at " << i);
      CHECK(parse_split(body, {i}) == expected);
    }
  }
  SECTION("three pieces") {
    for (std::size_t i = 0; i <= body.size(); ++i) {
      for (std::size_t j = i; j <= body.size(); ++j) {
        const auto got = parse_split(body, {i, j});
        if (got != expected) FAIL("cuts at " << i << " and " << j);
      }
    }
  }
  SECTION("one byte at a time") {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
    CHECK(parse_split(body, cuts) == expected);
  }
}

TEST_CASE("sse parser: one-line events inside a chunk are not copied") {
  const std::string chunk = "data: {\"a\":1}\n\ndata: two\ndata: lines\n\n";
  std::vector<bool> points_into_chunk;
  sse_parser parser([&](const sse_event& e) {
    points_into_chunk.push_back(e.data.data() >= chunk.data() && e.data.data() < chunk.data() + chunk.size());
  });
  parser.feed(chunk);
  CHECK(points_into_chunk == std::vector<bool>{true, false});
}

TEST_CASE("sse parser: size limit") {
  std::size_t events = 0;
  sse_parser parser([&](const sse_event&) { ++events; }, 64);
  CHECK(parser.feed("data: short\n\n"));
  CHECK(events == 1);
  SECTION("a line growing past the limit across chunks") {
    CHECK(parser.feed("data: " + std::string(40, 'x')));
    CHECK_FALSE(parser.feed(std::string(40, 'x')));
  }
  SECTION("an event of many lines") {
    CHECK_FALSE(parser.feed("data: " + std::string(30, 'x') + "\ndata: " + std::string(30, 'x') + "\ndata: " +
                            std::string(30, 'x') + "\n"));
  }
  CHECK(parser.failed());
  CHECK_FALSE(parser.feed("data: more\n\n"));
  CHECK(events == 1);
}
