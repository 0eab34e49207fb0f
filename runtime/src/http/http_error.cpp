// SPDX-License-Identifier: MIT
#include "http/http_error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>

namespace schemaforge::detail {
namespace {

std::string one_line(std::string_view text, std::size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit));
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= limit) {
      out += "...";
      break;
    }
  }
  return out;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return (it != object.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// Characters that make up one word of a key or of ordinary text ("sk-proj_abc", "x-request-id").
bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

}  // namespace

std::string provider_message(const http_response& response) {
  if (response.body.empty()) return {};
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  std::string message;
  if (body.is_object()) {
    const auto error = body.find("error");
    if (error != body.end() && error->is_object()) message = string_field(*error, "message");
    else if (error != body.end() && error->is_string()) message = error->get<std::string>();
    if (message.empty()) message = string_field(body, "message");
    if (message.empty()) message = string_field(body, "detail");
  } else if (body.is_discarded() && response.status >= 400) {
    message = response.body;  // a plain-text error page
  }
  return one_line(message, 300);
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  constexpr std::string_view mark = "[redacted]";
  const bool anywhere = secret.size() >= redact_anywhere_length;
  for (std::size_t at = text.find(secret); at != std::string::npos;) {
    const std::size_t end = at + secret.size();
    // A side is a boundary when the text ends there, or when the key and its neighbour there are
    // not both token characters ("x=abc" holds the key "=abc" whole).
    const bool starts_token = at == 0 || !token_char(secret.front()) || !token_char(text[at - 1]);
    const bool ends_token = end == text.size() || !token_char(secret.back()) || !token_char(text[end]);
    if (anywhere || (starts_token && ends_token)) {
      text.replace(at, secret.size(), mark);
      at = text.find(secret, at + mark.size());  // past the mark, which may itself hold a short key
    } else {
      at = text.find(secret, at + 1);
    }
  }
  return text;
}

std::string describe_attempt(std::error_code ec, const http_response& response) {
  if (ec == errc::cancelled) return "cancelled";
  if (ec == errc::timeout && response.status == 0)
    return "timed out" + (response.transport_error.empty() ? std::string() : " (" + response.transport_error + ")");
  if (ec == errc::connection && response.status == 0)
    return "connection failed" + (response.transport_error.empty() ? std::string() : " (" + response.transport_error + ")");
  if (response.status == 0) return ec ? ec.message() : std::string();
  std::string text = fmt::format("HTTP {}", response.status);
  if (ec == errc::quota) text += " insufficient_quota";
  if (auto message = provider_message(response); !message.empty()) text += ": " + message;
  return text;
}

error make_transport_error(std::error_code ec, const http_response& last, const ledger& attempts,
                           const client_options& options) {
  const std::size_t tries = attempts.size();
  const std::string what = attempts.empty() || attempts.back().message.empty() ? describe_attempt(ec, last)
                                                                                : attempts.back().message;
  const std::string after = tries > 1 ? fmt::format(" after {} attempts", tries) : std::string();
  std::string text;
  const int status = last.status;
  if (ec == errc::quota) {
    text = fmt::format("the account has no quota left ({}); add credit to the account or use another API key", what);
  } else if (ec == errc::rate_limited) {
    text = fmt::format("rate limited by the endpoint{} ({}); lower the request rate or raise max_retries (client_options or call_options)", after, what);
  } else if (ec == errc::timeout) {
    text = fmt::format("no answer in time{} ({}); raise call_options::timeout (one attempt) or call_options::deadline (the whole call)", after, what);
  } else if (ec == errc::connection && last.tls_verification_failed) {
    text = fmt::format("could not verify the TLS certificate of {} ({}); set the client's ca_file (or SSL_CERT_FILE) "
                       "to the CA that signed it, and check the host name in client_options::base_url / OPENAI_BASE_URL",
                       options.base_url, what);
  } else if (ec == errc::connection) {
    text = fmt::format("could not reach {}{} ({}); check client_options::base_url / OPENAI_BASE_URL and that the server is up",
                       options.base_url, after, what);
  } else if (ec == errc::cancelled) {
    text = "the request was cancelled";
  } else if (status == 401 || status == 403) {
    text = fmt::format("the endpoint refused the credentials ({}); check client_options::api_key / OPENAI_API_KEY", what);
  } else if (status == 404) {
    text = fmt::format("the endpoint does not know this path or model ({}); check client_options::base_url and the model (call_options::model or client_options::model)", what);
  } else if (status >= 500) {
    text = fmt::format("the endpoint failed{} ({}); try again later or raise max_retries (client_options or call_options)", after, what);
  } else {
    text = fmt::format("the endpoint rejected the request ({})", what);
  }
  const std::string request_id(last.header("x-request-id"));
  if (!request_id.empty()) text += fmt::format(" [request id {}]", request_id);

  error e(ec, redact(std::move(text), options.api_key));
  e.http_status = status;
  e.request_id = request_id;
  e.provider_message = redact(provider_message(last), options.api_key);
  e.ledger = attempts;
  for (auto& a : e.ledger) a.message = redact(std::move(a.message), options.api_key);
  return e;
}

}  // namespace schemaforge::detail
