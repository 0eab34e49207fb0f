// SPDX-License-Identifier: MIT
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace schemaforge {

// Where and how to reach an OpenAI-compatible chat-completions endpoint.
struct client_options {
  std::string base_url;   // empty: OPENAI_BASE_URL, else "https://api.openai.com/v1"
  std::string api_key;    // sent as "Authorization: Bearer ..."; never printed, logged or put in messages
  std::string model;      // the default model of requests made through the client
  std::string organization, project;  // OpenAI-Organization / OpenAI-Project headers when not empty
  std::vector<std::pair<std::string, std::string>> extra_headers;  // sent with every request
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{600'000};            // one attempt
  std::optional<std::chrono::milliseconds> total_timeout;        // one call: all attempts and waits
  int max_retries = 2;                                           // at most max_retries + 1 requests
  // PEM file of CA certificates that TLS peers are verified with, instead of the system's bundle.
  // Verification is always on; a certificate that fails it ends the call with errc::connection
  // at once (no retries).
  std::string ca_file;
  // e.g. "http://proxy:3128" (https:// and socks5:// proxies work too). Empty: libcurl's
  // environment variables http_proxy (lower case only), HTTPS_PROXY / https_proxy, ALL_PROXY.
  // NO_PROXY / no_proxy is honoured in both cases, and so is no_proxy below.
  std::string proxy;
  // Hosts reached directly, without the proxy: "localhost,127.0.0.1,.internal.example" ("*": all).
  // Empty: NO_PROXY / no_proxy from the environment.
  std::string no_proxy;

  // Limits of the endpoint, not of this client: the process keeps one limiter per base URL,
  // shared by every client, call, batch and stream that talks to it. 0 leaves the endpoint's
  // current setting (none at first), so a client built with defaults never lifts a cap that
  // another one set; the last non-zero setting wins.
  // At most this many requests in flight to the endpoint at once; more wait in a FIFO queue
  // (cancellable; the call's deadline bounds the wait).
  std::size_t max_concurrent_requests = 0;
  double requests_per_minute = 0;  // RPM / TPM token buckets (also set by batch_options::rpm/tpm)
  double tokens_per_minute = 0;

  // Reads OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL, OPENAI_ORG_ID, OPENAI_PROJECT_ID and
  // SSL_CERT_FILE (into ca_file); unset or empty variables leave the defaults.
  static client_options from_environment();
};

// The URL used when neither the options nor OPENAI_BASE_URL name one.
inline constexpr const char* default_base_url = "https://api.openai.com/v1";

class client;
namespace detail {
class client_state;
// The shared state behind a client, for the library's own asynchronous operations.
client_state& state_of(const client& c) noexcept;
}  // namespace detail

// A connection pool and request machinery for one endpoint. Copies share the same state, so a
// client is cheap to pass around and to use from many concurrent calls. All network I/O runs on
// the executor given at construction, which must not run handlers concurrently (an io_context
// run by one thread, or a strand); completions go to each operation's own associated executor.
//
// Construction throws schemaforge::error(errc::invalid_argument) when the base URL is OpenAI's
// and no API key is set; other endpoints (vLLM, llama.cpp, Ollama, ...) need none.
class client {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit client(executor_type ex, client_options options = client_options::from_environment());

  executor_type get_executor() const noexcept;
  const client_options& options() const noexcept;

 private:
  friend detail::client_state& detail::state_of(const client&) noexcept;
  std::shared_ptr<detail::client_state> state_;
};

}  // namespace schemaforge
