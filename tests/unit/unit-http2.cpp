// SPDX-License-Identifier: MIT
// HTTP/2: when the server offers h2 through ALPN, the client takes it, and concurrent requests
// share one connection as streams (the server holds every answer until all requests arrived on
// the connection, so the test can only pass if they were in flight together on it).
#include "fake_server.hpp"
#include "network_test_support.hpp"
#include "transport_test_support.hpp"

#include <schemaforge/structure.hpp>

#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::testing::fake_server;
namespace sf = schemaforge;
namespace ts = schemaforge::test_support;

namespace {

fake_server::tls_settings http2_tls(const sf::testing::test_certificates& certificates) {
  fake_server::tls_settings tls;
  tls.cert_file = certificates.cert_file;
  tls.key_file = certificates.key_file;
  tls.offer_http2 = true;
  return tls;
}

}  // namespace

TEST_CASE("http2: a structure call negotiates HTTP/2 when the server offers it") {
  ts::certificate_directory pki;
  fake_server server(json::array({{{"content", R"({"name": "Grace"})"}}}), http2_tls(pki.certificates));
  boost::asio::io_context io;
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;
  sf::client c(io.get_executor(), options);
  const json schema = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}, {"required", {"name"}}};

  const auto result = sf::structure(c, "Grace Hopper", schema);
  CHECK(result.value == json{{"name", "Grace"}});
  REQUIRE(result.ledger.size() == 1);
  CHECK(result.ledger[0].http_version == 20);
  CHECK(result.ledger[0].request_id == "req_fake_1");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].http_version == 20);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/v1/chat/completions");
  CHECK(requests[0].header("content-type") == "application/json");
  CHECK(requests[0].json()["model"] == "fake-model");
}

TEST_CASE("http2: concurrent requests are multiplexed on one connection") {
  constexpr std::size_t concurrent = 8;
  ts::certificate_directory pki;
  fake_server server(json::array(), http2_tls(pki.certificates));
  server.set_default({{"hold_until", concurrent}});

  boost::asio::io_context io;
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;
  sf::client c(io.get_executor(), options);
  // Bounded: if the requests were not in flight together, the held answers would never come.
  auto settings = ts::fast_retries(0);
  settings.request_timeout = std::chrono::milliseconds(20'000);

  std::vector<sf::detail::http_request> requests;
  for (std::size_t k = 0; k < concurrent; ++k) requests.push_back(ts::chat_request("item " + std::to_string(k)));
  std::vector<ts::send_result> results(concurrent);
  for (std::size_t k = 0; k < concurrent; ++k)
    sf::detail::async_send(sf::detail::state_of(c), requests[k], settings, results[k].attempts,
                           [&, k](std::error_code ec, sf::detail::http_response response) {
                             results[k].ec = ec;
                             results[k].response = std::move(response);
                             results[k].completed = true;
                           });
  io.run();

  for (std::size_t k = 0; k < concurrent; ++k) {
    INFO("request " << k);
    REQUIRE(results[k].completed);
    CHECK_FALSE(results[k].ec);
    CHECK(results[k].response.http_version == 20);
    const json body = json::parse(results[k].response.body);
    CHECK(body["choices"][0]["message"]["content"] == "item " + std::to_string(k));
  }
  CHECK(server.connection_count() == 1);
  const auto received = server.requests();
  REQUIRE(received.size() == concurrent);
  for (const auto& r : received) {
    CHECK(r.connection == 1);
    CHECK(r.http_version == 20);
  }
}

TEST_CASE("http2: a server without h2 is spoken to in HTTP/1.1") {
  ts::certificate_directory pki;
  auto tls = http2_tls(pki.certificates);
  tls.offer_http2 = false;
  fake_server server(json::array(), tls);
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;
  const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
  CHECK_FALSE(r.ec);
  CHECK(r.response.http_version == 11);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].http_version == 11);
  REQUIRE(server.request_count() == 1);
  CHECK(server.requests()[0].http_version == 11);
}

TEST_CASE("http2: error statuses and retry headers arrive as in HTTP/1.1") {
  ts::certificate_directory pki;
  fake_server server(json::array({{{"status", 503}, {"headers", {{"Retry-After-Ms", "1"}}}},
                                  {{"content", "second"}}}),
                     http2_tls(pki.certificates));
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;
  const auto r = ts::run_send(server, ts::fast_retries(2), ts::chat_request(), options);
  CHECK_FALSE(r.ec);
  REQUIRE(r.attempts.size() == 2);
  CHECK(r.attempts[0].http_status == 503);
  CHECK(r.attempts[0].http_version == 20);
  CHECK(r.attempts[1].waited_before == std::chrono::milliseconds(1));
  CHECK(json::parse(r.response.body)["choices"][0]["message"]["content"] == "second");
  CHECK(server.connection_count() == 1);  // the retry reused the connection
}
