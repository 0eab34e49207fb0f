// SPDX-License-Identifier: MIT
// The proxy option and the proxy environment variables, through a forward proxy in the test:
// plain HTTP goes as absolute-form requests, HTTPS through a CONNECT tunnel; no_proxy (option or
// environment) sends requests directly.
#include "fake_server.hpp"
#include "forward_proxy.hpp"
#include "network_test_support.hpp"
#include "transport_test_support.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using schemaforge::testing::fake_server;
using schemaforge::testing::forward_proxy;
namespace sf = schemaforge;
namespace ts = schemaforge::test_support;

namespace {

std::string header_of(const forward_proxy::passage& p, std::string_view name) {
  for (const auto& [n, v] : p.headers)
    if (n == name) return v;
  return {};
}

}  // namespace

TEST_CASE("proxy: plain HTTP goes through the proxy option as absolute-form requests") {
  ts::scoped_environment env;
  env.without_proxies();
  fake_server server;
  forward_proxy proxy;
  sf::client_options options = ts::options_for(server);
  options.proxy = proxy.url();

  const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request("via proxy"), options);
  REQUIRE_FALSE(r.ec);
  CHECK(json::parse(r.response.body)["choices"][0]["message"]["content"] == "via proxy");
  const auto passages = proxy.passages();
  REQUIRE(passages.size() == 1);
  CHECK(passages[0].method == "POST");
  CHECK(passages[0].target == server.base_url() + "/chat/completions");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/v1/chat/completions");  // the proxy forwarded in origin form
  CHECK(requests[0].json()["messages"][0]["content"] == "via proxy");
}

TEST_CASE("proxy: HTTPS goes through a CONNECT tunnel, and the proxy sees no request inside it") {
  ts::scoped_environment env;
  env.without_proxies();
  ts::certificate_directory pki;
  fake_server::tls_settings tls;
  tls.cert_file = pki.certificates.cert_file;
  tls.key_file = pki.certificates.key_file;
  tls.offer_http2 = true;
  fake_server server(json::array(), tls);
  forward_proxy proxy;
  sf::client_options options = ts::options_for(server);
  options.proxy = proxy.url();
  options.ca_file = pki.certificates.ca_file;

  const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
  REQUIRE_FALSE(r.ec);
  CHECK(r.response.http_version == 20);  // ALPN runs end to end through the tunnel
  const auto passages = proxy.passages();
  REQUIRE(passages.size() == 1);
  CHECK(passages[0].method == "CONNECT");
  CHECK(passages[0].target == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(header_of(passages[0], "authorization").empty());  // the key travels inside TLS only
  CHECK(server.request_count() == 1);
}

TEST_CASE("proxy: the environment variables, as libcurl reads them") {
  ts::scoped_environment env;
  env.without_proxies();
  fake_server server;
  forward_proxy proxy;
  const sf::client_options options = ts::options_for(server);  // no proxy option

  SECTION("http_proxy is used for http:// endpoints") {
    env.set("http_proxy", proxy.url());
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().size() == 1);
  }
  SECTION("ALL_PROXY is used when no scheme-specific variable is set") {
    env.set("ALL_PROXY", proxy.url());
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().size() == 1);
  }
  SECTION("upper-case HTTP_PROXY is ignored (libcurl's guard against httpoxy)") {
    env.set("HTTP_PROXY", proxy.url());
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().empty());
    CHECK(server.request_count() == 1);
  }
  SECTION("NO_PROXY sends matching hosts directly") {
    env.set("http_proxy", proxy.url()).set("NO_PROXY", "localhost,127.0.0.1");
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().empty());
    CHECK(server.request_count() == 1);
  }
  SECTION("no_proxy from the environment also applies to the proxy option") {
    env.set("no_proxy", "127.0.0.1");
    auto with_option = options;
    with_option.proxy = proxy.url();
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), with_option);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().empty());
    CHECK(server.request_count() == 1);
  }
}

TEST_CASE("proxy: HTTPS_PROXY (upper case) carries https:// endpoints, http_proxy does not") {
  ts::scoped_environment env;
  env.without_proxies();
  ts::certificate_directory pki;
  fake_server::tls_settings tls;
  tls.cert_file = pki.certificates.cert_file;
  tls.key_file = pki.certificates.key_file;
  fake_server server(json::array(), tls);
  forward_proxy proxy;
  sf::client_options options = ts::options_for(server);
  options.ca_file = pki.certificates.ca_file;

  SECTION("HTTPS_PROXY") {
    env.set("HTTPS_PROXY", proxy.url());
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    const auto passages = proxy.passages();
    REQUIRE(passages.size() == 1);
    CHECK(passages[0].method == "CONNECT");
  }
  SECTION("http_proxy alone") {
    env.set("http_proxy", proxy.url());
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().empty());
  }
  CHECK(server.request_count() == 1);
}

TEST_CASE("proxy: the no_proxy option sends matching hosts directly") {
  ts::scoped_environment env;
  env.without_proxies();
  fake_server server;
  forward_proxy proxy;
  sf::client_options options = ts::options_for(server);
  options.proxy = proxy.url();

  SECTION("a matching host") {
    options.no_proxy = "example.org,127.0.0.1";
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().empty());
  }
  SECTION("another host: the proxy is used") {
    options.no_proxy = "example.org";
    const auto r = ts::run_send(server, ts::fast_retries(0), ts::chat_request(), options);
    REQUIRE_FALSE(r.ec);
    CHECK(proxy.passages().size() == 1);
  }
  CHECK(server.request_count() == 1);
}

TEST_CASE("proxy: a proxy that cannot be reached is a connection error, retried like one") {
  ts::scoped_environment env;
  env.without_proxies();
  fake_server server;
  unsigned short closed_port = 0;
  {
    forward_proxy gone;  // a port that was just free, now closed again
    closed_port = gone.port();
  }
  sf::client_options options = ts::options_for(server);
  options.proxy = "http://127.0.0.1:" + std::to_string(closed_port);
  const auto r = ts::run_send(server, ts::fast_retries(1), ts::chat_request(), options);
  CHECK(r.ec == sf::errc::connection);
  CHECK_FALSE(r.response.tls_verification_failed);
  CHECK(r.attempts.size() == 2);
  CHECK(server.request_count() == 0);
}
