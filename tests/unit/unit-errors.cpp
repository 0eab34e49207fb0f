// SPDX-License-Identifier: MIT
#include <schemaforge/errors.hpp>

#include <catch2/catch.hpp>

TEST_CASE("error codes are stable and named") {
  using schemaforge::errc;
  SECTION("values are part of the API") {
    CHECK(static_cast<int>(errc::connection) == 1);
    CHECK(static_cast<int>(errc::cancelled) == 10);
  }
  SECTION("they convert to std::error_code in the schemaforge category") {
    std::error_code ec = errc::rate_limited;
    CHECK(ec.category().name() == std::string("schemaforge"));
    CHECK(ec.message() == "rate limited by the endpoint");
    CHECK(std::string(schemaforge::to_string(errc::validation_failed)) == "validation_failed");
  }
  SECTION("the exception carries the code") {
    schemaforge::error e(errc::quota, "quota exhausted; add credit");
    CHECK(e.code() == errc::quota);
    CHECK(std::string(e.what()).find("quota exhausted") != std::string::npos);
  }
}

TEST_CASE("total usage sums every attempt") {
  schemaforge::ledger attempts(2);
  attempts[0].usage = {10, 5, 15};
  attempts[1].usage = {12, 7, 19};
  auto sum = schemaforge::total_usage(attempts);
  CHECK(sum.prompt_tokens == 22);
  CHECK(sum.completion_tokens == 12);
  CHECK(sum.total_tokens == 34);
}
