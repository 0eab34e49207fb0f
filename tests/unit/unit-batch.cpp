// SPDX-License-Identifier: MIT
// async_batch_structure / async_map / the blocking twins against the fake server: 1,000+ items
// with seeded random 5xx and 429 faults, input order, stop_on_first_error, cancellation, and the
// endpoint's RPM limit measured from the server's own arrival timestamps.
#include "client_options_for.hpp"
#include "fake_server.hpp"
#include "structure_test_types.hpp"

#include <schemaforge/batch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::options_for;
namespace asio = boost::asio;
namespace sf = schemaforge;

namespace {

// The fake server echoes the last message, so an input that is JSON comes back as its own answer:
// every item's value names the item.
const json counter_schema = json::parse(R"({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})");

std::vector<sf::input> counter_inputs(int count) {
  std::vector<sf::input> inputs;
  for (int i = 0; i < count; ++i) inputs.emplace_back(json{{"n", i}}.dump());
  return inputs;
}

struct Counter {
  std::int64_t n = 0;
  static std::string_view json_schema() noexcept {
    return R"({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})";
  }
};
void from_json(const json& j, Counter& c) { j.at("n").get_to(c.n); }

}  // namespace

TEST_CASE("a batch of 1,200 items with random 5xx and 429 faults loses nothing and keeps input order") {
  fake_server server;
  std::mt19937 random(20261127);
  std::uniform_real_distribution<double> unit(0, 1);
  int faults = 0;
  for (int i = 0; i < 1500; ++i) {
    const double r = unit(random);
    if (r < 0.08) {
      server.push(json{{"status", 500}, {"headers", {{"retry-after-ms", "1"}}}, {"error", {{"message", "boom"}}}});
      ++faults;
    } else if (r < 0.14) {
      server.push(json{{"status", 429}, {"headers", {{"retry-after-ms", "1"}}}, {"error", {{"message", "slow down"}}}});
      ++faults;
    } else {
      server.push(json::object());
    }
  }
  constexpr int count = 1200;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.max_concurrency = 48;
  options.item_options.mode = sf::structure_mode::json_schema;
  options.item_options.max_retries = 10;
  std::vector<sf::batch_progress> seen;
  std::size_t streamed = 0;
  options.on_progress = [&](const sf::batch_progress& p) { seen.push_back(p); };
  options.on_item = [&](std::size_t, const sf::batch_item<json>&) { ++streamed; };

  SECTION("run-time schema, use_future") {
    auto future = sf::async_batch_structure(c, counter_inputs(count), sf::schema(counter_schema), options, asio::use_future);
    io.run();
    const auto items = future.get();
    REQUIRE(items.size() == count);
    for (int i = 0; i < count; ++i) {
      INFO("item " << i);
      REQUIRE(items[i].ok());
      CHECK(items[i].result->value == json{{"n", i}});
      CHECK(!items[i].result->ledger.empty());
    }
    CHECK(streamed == count);
    REQUIRE(seen.size() == count);
    CHECK(seen.back().done == count);
    CHECK(seen.back().ok == count);
    CHECK(seen.back().failed == 0);
    // Every fault cost one extra request and every item one answer: nothing more, nothing less.
    std::size_t retries = 0;
    for (const auto& item : items) retries += item.result->ledger.size() - 1;
    CHECK(server.request_count() == count + retries);
    CHECK(retries > 0);
  }
  SECTION("generated type, callback") {
    std::vector<sf::batch_item<Counter>> items;
    sf::async_batch_structure<Counter>(c, counter_inputs(count), options,
                                       [&](std::exception_ptr e, std::vector<sf::batch_item<Counter>> r) {
                                         REQUIRE(!e);
                                         items = std::move(r);
                                       });
    io.run();
    REQUIRE(items.size() == count);
    for (int i = 0; i < count; ++i) {
      REQUIRE(items[i].ok());
      CHECK(items[i].result->value.n == i);
    }
  }
}

TEST_CASE("batch items fail alone, and stop_on_first_error cancels the rest") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.max_concurrency = 1;  // one at a time: the failing request is the fourth item's
  options.item_options.mode = sf::structure_mode::json_schema;
  for (int i = 0; i < 3; ++i) server.push(json::object());
  server.push(json{{"status", 401}, {"error", {{"message", "bad key"}}}});

  SECTION("default: the others go on") {
    const auto items = sf::batch_structure(c, counter_inputs(8), sf::schema(counter_schema), options);
    REQUIRE(items.size() == 8);
    for (int i = 0; i < 8; ++i) CHECK(items[i].ok() == (i != 3));
    REQUIRE(items[3].failure);
    CHECK(items[3].failure->code() == sf::errc::http_status);
    CHECK(items[3].failure->ledger.size() == 1);
    CHECK(server.request_count() == 8);
  }
  SECTION("stop_on_first_error") {
    options.stop_on_first_error = true;
    const auto items = sf::batch_structure(c, counter_inputs(8), sf::schema(counter_schema), options);
    REQUIRE(items.size() == 8);
    for (int i = 0; i < 3; ++i) CHECK(items[i].ok());
    CHECK(items[3].failure->code() == sf::errc::http_status);
    for (int i = 4; i < 8; ++i) {
      REQUIRE(items[i].failure);
      CHECK(items[i].failure->code() == sf::errc::cancelled);
    }
    CHECK(server.request_count() == 4);
  }
}

TEST_CASE("cancelling a batch cancels the items in flight and ends the rest as cancelled") {
  fake_server server;
  server.push(json::object());
  server.push(json::object());
  server.set_default(json{{"delay_ms", 20000}});  // everything after the first two hangs
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.max_concurrency = 4;
  options.item_options.mode = sf::structure_mode::json_schema;
  asio::cancellation_signal cancel;
  options.on_progress = [&](const sf::batch_progress& p) {
    if (p.done == 2) cancel.emit(asio::cancellation_type::terminal);
  };
  std::vector<sf::batch_item<json>> items;
  bool completed = false;
  sf::async_batch_structure(c, counter_inputs(50), sf::schema(counter_schema), options,
                            asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, std::vector<sf::batch_item<json>> r) {
                              REQUIRE(!e);
                              items = std::move(r);
                              completed = true;
                            }));
  io.run();
  REQUIRE(completed);
  REQUIRE(items.size() == 50);
  std::size_t ok = 0;
  for (const auto& item : items) {
    if (item.ok()) ++ok;
    else CHECK(item.failure->code() == sf::errc::cancelled);
  }
  CHECK(ok == 2);
  CHECK(server.request_count() <= 5);  // the first two, and at most the window's others
}

TEST_CASE("async_map fills the prompt template per item") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.item_options.mode = sf::structure_mode::json_schema;
  const std::vector<std::string> items{"1", "22", "333"};
  SECTION("async") {
    auto future = sf::async_map<Counter>(c, R"(Here: {"n": {item}})", items, options, asio::use_future);
    io.run();
    const auto results = future.get();
    REQUIRE(results.size() == 3);
    CHECK(results[0].result->value.n == 1);
    CHECK(results[1].result->value.n == 22);
    CHECK(results[2].result->value.n == 333);
    // "Here: " is prose around the JSON: the echo is repaired locally, without a reask.
    CHECK(server.request_count() == 3);
    CHECK(server.requests()[0].body.find(R"(Here: {\"n\": 1})") != std::string::npos);
  }
  SECTION("blocking") {
    const auto results = sf::map(c, R"({"n": {item}})", items, sf::schema(counter_schema), options);
    REQUIRE(results.size() == 3);
    CHECK(results[2].result->value == json{{"n", 333}});
  }
  CHECK(sf::detail::fill_template("{item}+{item}={item}!", "x") == "x+x=x!");
}

TEST_CASE("a batch's RPM limit holds in every window of the server's arrival times") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.max_concurrency = 16;
  options.rpm = 3000;  // 50 per second, i.e. one request every 20 ms
  options.item_options.mode = sf::structure_mode::json_schema;
  const auto items = sf::batch_structure(c, counter_inputs(60), sf::schema(counter_schema), options);
  for (const auto& item : items) REQUIRE(item.ok());
  auto requests = server.requests();
  REQUIRE(requests.size() == 60);
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  for (const auto& r : requests) arrivals.push_back(r.arrived);
  std::sort(arrivals.begin(), arrivals.end());
  // In any one-second window at most 50, +1 for the window's edge, +10 % for the jitter between
  // a slot's start and the server reading the request on a loaded machine. Without the limiter
  // all 60 arrive within a few milliseconds.
  std::size_t most = 0;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    const auto end = std::upper_bound(arrivals.begin(), arrivals.end(), arrivals[i] + std::chrono::seconds(1) -
                                                                            std::chrono::nanoseconds(1));
    most = std::max<std::size_t>(most, static_cast<std::size_t>(end - (arrivals.begin() + i)));
  }
  CHECK(most <= 56);
  CHECK(most >= 40);  // the limit paces, it does not starve
  // Ledgers show the waits the limiter imposed.
  std::chrono::milliseconds waited{0};
  for (const auto& item : items) waited += item.result->ledger.front().waited_before;
  CHECK(waited.count() > 0);
}

TEST_CASE("the endpoint's x-ratelimit-remaining 0 holds back the next requests until its reset") {
  fake_server server;
  server.push(json{{"headers", {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "1s"}}}});
  asio::io_context io;
  sf::client c(io.get_executor(), options_for(server));
  sf::batch_options options;
  options.max_concurrency = 1;
  options.item_options.mode = sf::structure_mode::json_schema;
  const auto items = sf::batch_structure(c, counter_inputs(3), sf::schema(counter_schema), options);
  for (const auto& item : items) REQUIRE(item.ok());
  CHECK(items[0].result->ledger.front().waited_before.count() == 0);
  // The second request was held by the limiter for (about) the reset the first answer named.
  CHECK(items[1].result->ledger.front().waited_before.count() >= 500);
  CHECK(items[2].result->ledger.front().waited_before.count() == 0);
}
