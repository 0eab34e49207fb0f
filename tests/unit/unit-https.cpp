// SPDX-License-Identifier: MIT
// HTTPS against the fake server in TLS mode, with certificates made for this run: the CA file is
// used, verification failures are reported as connection errors at once (no retries), and the
// host name is checked.
#include "fake_server.hpp"
#include "network_test_support.hpp"
#include "transport_test_support.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/structure.hpp>

#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::testing::fake_server;
namespace sf = schemaforge;
namespace ts = schemaforge::test_support;

namespace {

const json name_schema = json::parse(R"({"type": "object", "properties": {"name": {"type": "string"}},
                                         "required": ["name"], "additionalProperties": false})");

fake_server::tls_settings tls_of(const sf::testing::test_certificates& certificates) {
  fake_server::tls_settings tls;
  tls.cert_file = certificates.cert_file;
  tls.key_file = certificates.key_file;
  return tls;
}

}  // namespace

TEST_CASE("https: a structure call verifies the server with ca_file") {
  ts::certificate_directory pki;
  fake_server server(json::array({{{"content", R"({"name": "Ada"})"}}}), tls_of(pki.certificates));
  REQUIRE(server.base_url().rfind("https://127.0.0.1:", 0) == 0);

  boost::asio::io_context io;
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;
  sf::client c(io.get_executor(), options);
  const auto result = sf::structure(c, "Ada Lovelace", name_schema);

  CHECK(result.value == json{{"name", "Ada"}});
  REQUIRE(result.ledger.size() == 1);
  CHECK(result.ledger[0].http_status == 200);
  CHECK(result.ledger[0].http_version == 11);  // this server offers no HTTP/2
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/v1/chat/completions");
  CHECK(requests[0].header("authorization") == std::string("Bearer ") + ts::test_api_key);
}

TEST_CASE("https: the same server through localhost, and SSL_CERT_FILE as the CA file") {
  ts::certificate_directory pki;
  fake_server server(json::array(), tls_of(pki.certificates));
  ts::scoped_environment env;
  env.set("SSL_CERT_FILE", pki.certificates.ca_file);
  const sf::client_options from_env = sf::client_options::from_environment();
  CHECK(from_env.ca_file == pki.certificates.ca_file);

  sf::client_options options = ts::options_for(server);
  options.base_url = "https://localhost:" + std::to_string(server.port()) + "/v1";
  options.ca_file = from_env.ca_file;
  const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
  CHECK_FALSE(r.ec);
  CHECK(r.response.status == 200);
  CHECK(server.request_count() == 1);
}

TEST_CASE("https: a server certificate from an unknown CA fails at once with errc::connection") {
  ts::certificate_directory pki;
  fake_server server(json::array(), tls_of(pki.certificates));
  sf::client_options options = ts::options_for(server);  // no ca_file: the system's CAs only

  SECTION("transport: one attempt, not retried, nothing reached the server") {
    const auto r = ts::run_send(server, ts::fast_retries(3), ts::chat_request(), options);
    CHECK(r.ec == sf::errc::connection);
    CHECK(r.response.tls_verification_failed);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].error == sf::errc::connection);
    CHECK(r.attempts[0].http_status == 0);
    CHECK(r.attempts[0].message.find("certificate") != std::string::npos);
    CHECK(server.request_count() == 0);
  }
  SECTION("structure: the error names the certificate and ca_file, never the key") {
    boost::asio::io_context io;
    options.max_retries = 3;
    sf::client c(io.get_executor(), options);
    try {
      sf::structure(c, "Ada Lovelace", name_schema);
      FAIL("the call succeeded without the CA");
    } catch (const sf::error& e) {
      CHECK(e.code() == sf::errc::connection);
      CHECK(e.http_status == 0);
      CHECK(e.ledger.size() == 1);
      const std::string what = e.what();
      CHECK(what.find("could not verify the TLS certificate of " + server.base_url()) != std::string::npos);
      CHECK(what.find("ca_file") != std::string::npos);
      CHECK(what.find(ts::test_api_key) == std::string::npos);
    }
    CHECK(server.request_count() == 0);
  }
}

TEST_CASE("https: a certificate for another host name fails even with the right CA") {
  ts::certificate_directory pki;
  const auto other = sf::testing::add_server_certificate(pki.certificates, "other", {"other.example"}, {});
  fake_server server(json::array(), tls_of(other));
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;

  const auto r = ts::run_send(server, ts::fast_retries(2), ts::chat_request(), options);
  CHECK(r.ec == sf::errc::connection);
  CHECK(r.response.tls_verification_failed);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].message.find("127.0.0.1") != std::string::npos);  // curl names the host it expected
  CHECK(server.request_count() == 0);
}

TEST_CASE("https: a CA file that does not exist is a connection error, not retried") {
  ts::certificate_directory pki;
  fake_server server(json::array(), tls_of(pki.certificates));
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.path + "/missing.pem";
  const auto r = ts::run_send(server, ts::fast_retries(2), ts::chat_request(), options);
  CHECK(r.ec == sf::errc::connection);
  CHECK(r.response.tls_verification_failed);
  CHECK(r.attempts.size() == 1);
  CHECK(server.request_count() == 0);
}

TEST_CASE("content encoding: a gzip answer is decoded, and the request offers gzip") {
  fake_server server(json::array({{{"gzip", true}, {"content", "compressed hello"}}}));
  const auto r = ts::run_send(server, ts::fast_retries(0));
  REQUIRE_FALSE(r.ec);
  CHECK(r.response.header("content-encoding") == "gzip");
  const json body = json::parse(r.response.body);  // throws if the bytes were still compressed
  CHECK(body["choices"][0]["message"]["content"] == "compressed hello");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(std::string(requests[0].header("accept-encoding")).find("gzip") != std::string::npos);
}
