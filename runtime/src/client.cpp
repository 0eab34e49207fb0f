// SPDX-License-Identifier: MIT
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>

#include "http/client_state.hpp"

#include <cstdlib>
#include <string_view>

namespace schemaforge {
namespace {

void read_env(const char* name, std::string& into) {
  const char* value = std::getenv(name);
  if (value && *value) into = value;
}

// The default endpoint is the only one known to need a key; local servers usually take none.
bool is_openai(std::string_view base_url) noexcept {
  constexpr std::string_view host = "://api.openai.com";
  const auto at = base_url.find(host);
  if (at == std::string_view::npos) return false;
  const auto rest = base_url.substr(at + host.size());
  return rest.empty() || rest.front() == '/' || rest.front() == ':';
}

}  // namespace

client_options client_options::from_environment() {
  client_options options;
  read_env("OPENAI_BASE_URL", options.base_url);
  read_env("OPENAI_API_KEY", options.api_key);
  read_env("SCHEMAFORGE_MODEL", options.model);
  read_env("OPENAI_ORG_ID", options.organization);
  read_env("OPENAI_PROJECT_ID", options.project);
  // The variable OpenSSL, httpx (openai-python) and Node honour; libcurl itself does not read it.
  read_env("SSL_CERT_FILE", options.ca_file);
  return options;
}

client::client(executor_type ex, client_options options) {
  if (options.base_url.empty()) {
    read_env("OPENAI_BASE_URL", options.base_url);
    if (options.base_url.empty()) options.base_url = default_base_url;
  }
  if (options.api_key.empty() && is_openai(options.base_url))
    throw error(make_error_code(errc::invalid_argument),
                "no API key for " + options.base_url + ": set OPENAI_API_KEY or client_options::api_key");
  if (options.max_retries < 0)
    throw error(make_error_code(errc::invalid_argument), "max_retries must not be negative");
  state_ = std::make_shared<detail::client_state>(std::move(ex), std::move(options));
}

client::executor_type client::get_executor() const noexcept { return state_->executor(); }

const client_options& client::options() const noexcept { return state_->options(); }

namespace detail {
client_state& state_of(const client& c) noexcept { return *c.state_; }
}  // namespace detail

}  // namespace schemaforge
