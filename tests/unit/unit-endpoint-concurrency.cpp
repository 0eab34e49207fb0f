// SPDX-License-Identifier: MIT
// The endpoint's process-wide concurrency cap against the fake server: a batch, separate structure
// calls and a stream on two clients of one endpoint together never have more requests in flight
// than the cap (the server counts them), and a call cancelled or timed out while queued leaves the
// queue without taking or leaking a slot.
#include "fake_server.hpp"
#include "limit/endpoint_limiter.hpp"

#include <schemaforge/batch.hpp>
#include <schemaforge/stream.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

using nlohmann::json;
using schemaforge::testing::fake_server;
namespace asio = boost::asio;
namespace sf = schemaforge;
using schemaforge::detail::concurrency_gate;
using schemaforge::detail::endpoint_limiter;

namespace {

const json counter_schema = json::parse(R"({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})");

sf::client_options capped(const fake_server& server, std::size_t cap) {
  sf::client_options o;
  o.base_url = server.base_url();
  o.model = "fake-model";
  o.max_retries = 5;  // more than the faults below, so that every call ends well
  o.max_concurrent_requests = cap;
  return o;
}

sf::structure_options json_schema_mode() {
  sf::structure_options options;
  options.mode = sf::structure_mode::json_schema;
  return options;
}

// The test itself holding slots of the gate, so that calls queue behind it for as long as the
// test wants, without any timing.
struct test_holder final : concurrency_gate::waiter {
  int grants = 0;
  void on_granted() noexcept override { ++grants; }
};

struct structure_outcome {
  bool done = false;
  std::exception_ptr failure;
  std::optional<sf::structure_result<json>> result;
  auto handler() {
    return [this](std::exception_ptr e, sf::structure_result<json> r) {
      done = true;
      failure = e;
      if (!e) result = std::move(r);
    };
  }
  sf::error error() const {
    try {
      std::rethrow_exception(failure);
    } catch (const sf::error& e) {
      return e;
    } catch (...) {
    }
    FAIL("the call did not fail with a schemaforge::error");
    return sf::error(make_error_code(sf::errc::protocol), "unreachable");
  }
};

}  // namespace

TEST_CASE("the endpoint's concurrency cap holds across a batch, structure calls and a stream", "[limits]") {
  constexpr std::size_t cap = 3;
  fake_server server;
  // Answers take a while, so that without the cap the calls would pile up at the server; a few
  // 5xx and 429 answers make calls retry, which must give their slot back while they wait.
  server.set_default(json{{"delay_ms", 10}});
  for (int i = 0; i < 4; ++i) {
    server.push(json{{"delay_ms", 10}});
    server.push(json{{"status", i % 2 ? 429 : 503}, {"headers", {{"retry-after-ms", "1"}}}, {"error", {{"message", "busy"}}}});
  }
  asio::io_context io;
  // Two clients of the same endpoint: the cap belongs to the endpoint, not to a client.
  sf::client for_batch(io.get_executor(), capped(server, cap));
  sf::client for_calls(io.get_executor(), capped(server, 0));  // 0 keeps the endpoint's cap
  const auto limiter = endpoint_limiter::for_endpoint(server.base_url());
  CHECK(limiter->concurrency().limit() == cap);

  constexpr int batch_items = 12, calls = 8;
  std::vector<sf::input> inputs;
  for (int i = 0; i < batch_items; ++i) inputs.emplace_back(json{{"n", i}}.dump());
  sf::batch_options options;
  options.max_concurrency = 8;  // the batch alone would put 8 in flight
  options.item_options = json_schema_mode();
  std::optional<std::vector<sf::batch_item<json>>> batch;
  sf::async_batch_structure(for_batch, std::move(inputs), sf::schema(counter_schema), options,
                            [&](std::exception_ptr e, std::vector<sf::batch_item<json>> items) {
                              REQUIRE(!e);
                              batch = std::move(items);
                            });
  std::vector<structure_outcome> outcomes(calls);
  for (int i = 0; i < calls; ++i)
    sf::async_structure(for_calls, json{{"n", 100 + i}}.dump(), sf::schema(counter_schema), json_schema_mode(),
                        outcomes[i].handler());
  std::optional<std::string> streamed;
  sf::async_stream_chat(for_calls, {sf::user_message("streamed")}, {}, {}, [&](std::exception_ptr e, sf::chat_result r) {
    REQUIRE(!e);
    streamed = r.content;
  });
  io.run();

  REQUIRE(batch);
  for (int i = 0; i < batch_items; ++i) {
    INFO("batch item " << i);
    REQUIRE((*batch)[i].ok());
    CHECK((*batch)[i].result->value == json{{"n", i}});
  }
  for (int i = 0; i < calls; ++i) {
    INFO("call " << i);
    REQUIRE(outcomes[i].done);
    REQUIRE(outcomes[i].result);
    CHECK(outcomes[i].result->value == json{{"n", 100 + i}});
  }
  CHECK(streamed == "streamed");
  CHECK(server.request_count() == batch_items + calls + 1 + 4);  // every call once, plus four retries
  CHECK(server.max_in_flight() >= 1);
  CHECK(server.max_in_flight() <= cap);
  // Every slot came back exactly once and nobody is left waiting.
  CHECK(limiter->concurrency().in_use() == 0);
  CHECK(limiter->concurrency().queued() == 0);
}

TEST_CASE("a call waiting for a slot of the endpoint's cap", "[limits]") {
  fake_server server;
  asio::io_context io;
  sf::client c(io.get_executor(), capped(server, 1));
  concurrency_gate& gate = endpoint_limiter::for_endpoint(server.base_url())->concurrency();
  // The test takes the only slot first: every call below has to queue.
  auto holder = std::make_shared<test_holder>();
  REQUIRE(gate.acquire(holder));

  SECTION("cancelled while queued: leaves the queue, takes no slot, the next in line goes on") {
    asio::cancellation_signal cancel_first;
    structure_outcome first, second;
    sf::async_structure(c, R"({"n": 1})", sf::schema(counter_schema), json_schema_mode(),
                        asio::bind_cancellation_slot(cancel_first.slot(), first.handler()));
    sf::async_structure(c, R"({"n": 2})", sf::schema(counter_schema), json_schema_mode(), second.handler());
    io.poll();  // both calls start and queue; nothing else can happen without a slot
    REQUIRE(gate.queued() == 2);
    REQUIRE(gate.in_use() == 1);

    cancel_first.emit(asio::cancellation_type::terminal);
    io.poll();
    REQUIRE(first.done);
    REQUIRE(first.failure);
    const sf::error e = first.error();
    CHECK(e.code() == sf::errc::cancelled);
    REQUIRE(e.ledger.size() == 1);
    CHECK(e.ledger[0].message.find("waiting for a free slot") != std::string::npos);
    CHECK(gate.queued() == 1);
    CHECK(gate.in_use() == 1);  // still only the test's slot
    CHECK_FALSE(second.done);
    CHECK(server.request_count() == 0);

    // The test gives its slot back: it goes to the second call, not to the cancelled one.
    CHECK(gate.release(*holder));
    io.run();
    REQUIRE(second.done);
    REQUIRE(second.result);
    CHECK(second.result->value == json{{"n", 2}});
    CHECK(server.request_count() == 1);
  }
  SECTION("the call's deadline passes while queued: a timeout, and the queue is left") {
    sf::structure_options options = json_schema_mode();
    options.deadline = std::chrono::milliseconds(30);
    structure_outcome late;
    sf::async_structure(c, R"({"n": 3})", sf::schema(counter_schema), options, late.handler());
    io.run();
    REQUIRE(late.done);
    REQUIRE(late.failure);
    CHECK(late.error().code() == sf::errc::timeout);
    CHECK(gate.queued() == 0);
    CHECK(gate.in_use() == 1);
    CHECK(server.request_count() == 0);
    CHECK(gate.release(*holder));
  }
  SECTION("the client's io_context goes away with a call queued: its place is given back") {
    {
      asio::io_context other;
      sf::client short_lived(other.get_executor(), capped(server, 0));
      structure_outcome never;
      sf::async_structure(short_lived, R"({"n": 4})", sf::schema(counter_schema), json_schema_mode(), never.handler());
      other.poll();
      REQUIRE(gate.queued() == 1);
    }
    CHECK(gate.queued() == 0);
    CHECK(gate.release(*holder));
    CHECK(gate.in_use() == 0);
  }
  CHECK(holder->grants == 0);
  CHECK_FALSE(gate.release(*holder));  // a second release changes nothing
  CHECK(gate.in_use() == 0);
}
