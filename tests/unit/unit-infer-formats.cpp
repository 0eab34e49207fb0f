// SPDX-License-Identifier: MIT
#include <schemaforge/gen/infer_formats.hpp>

#include <catch2/catch.hpp>

using schemaforge::gen::matches_format;
using schemaforge::gen::string_format;

TEST_CASE("infer formats: date-time") {
  SECTION("accepted") {
    CHECK(matches_format(string_format::date_time, "2024-05-01T10:20:30Z"));
    CHECK(matches_format(string_format::date_time, "2024-05-01t10:20:30.123456z"));
    CHECK(matches_format(string_format::date_time, "2024-02-29T23:59:59-12:30"));
  }
  SECTION("rejected") {
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01 10:20:30Z"));  // space separator
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01T10:20:30"));   // no offset
    CHECK_FALSE(matches_format(string_format::date_time, "2023-02-29T10:20:30Z"));  // not a leap year
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01T24:00:00Z"));
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01T10:20:60Z"));  // leap second left out
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01T10:20:30.Z"));
    CHECK_FALSE(matches_format(string_format::date_time, "2024-05-01T10:20:30+0200"));
  }
}

TEST_CASE("infer formats: date") {
  CHECK(matches_format(string_format::date, "2000-02-29"));
  CHECK_FALSE(matches_format(string_format::date, "1900-02-29"));
  CHECK_FALSE(matches_format(string_format::date, "2024-04-31"));
  CHECK_FALSE(matches_format(string_format::date, "2024-13-01"));
  CHECK_FALSE(matches_format(string_format::date, "2024-1-01"));
  CHECK_FALSE(matches_format(string_format::date, "2024-01-01T00:00:00Z"));
}

TEST_CASE("infer formats: email") {
  CHECK(matches_format(string_format::email, "user.name+tag@example.co.uk"));
  CHECK(matches_format(string_format::email, "a@b-c.example"));
  CHECK_FALSE(matches_format(string_format::email, "user@localhost"));
  CHECK_FALSE(matches_format(string_format::email, "user@@example.com"));
  CHECK_FALSE(matches_format(string_format::email, ".user@example.com"));
  CHECK_FALSE(matches_format(string_format::email, "us..er@example.com"));
  CHECK_FALSE(matches_format(string_format::email, "user@-example.com"));
  CHECK_FALSE(matches_format(string_format::email, "user name@example.com"));
  CHECK_FALSE(matches_format(string_format::email, "user@1.2"));
}

TEST_CASE("infer formats: uri") {
  CHECK(matches_format(string_format::uri, "https://example.com/a/b?c=d&e=%20#frag"));
  CHECK(matches_format(string_format::uri, "git+ssh://user@host:22/repo"));
  CHECK_FALSE(matches_format(string_format::uri, "example.com/path"));
  CHECK_FALSE(matches_format(string_format::uri, "mailto:a@example.com"));  // no authority: too weak
  CHECK_FALSE(matches_format(string_format::uri, "https:///path"));
  CHECK_FALSE(matches_format(string_format::uri, "https://exa mple.com"));
  CHECK_FALSE(matches_format(string_format::uri, "https://example.com/%zz"));
  CHECK_FALSE(matches_format(string_format::uri, "1http://example.com"));
}

TEST_CASE("infer formats: uuid") {
  CHECK(matches_format(string_format::uuid, "123e4567-e89b-12d3-a456-426614174000"));
  CHECK_FALSE(matches_format(string_format::uuid, "123e4567e89b12d3a456426614174000"));
  CHECK_FALSE(matches_format(string_format::uuid, "123e4567-e89b-12d3-a456-42661417400g"));
  CHECK(schemaforge::gen::format_name(string_format::uuid) == "uuid");
  CHECK(schemaforge::gen::format_name(string_format::date_time) == "date-time");
}
