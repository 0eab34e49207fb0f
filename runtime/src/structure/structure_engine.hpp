// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/chat_types.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <system_error>

namespace schemaforge::detail {

// What one send through the transport (with its own retries) gave.
struct transport_result {
  std::error_code ec;      // empty for a 2xx answer
  int status = 0;          // 0 when no HTTP answer arrived
  std::string body;
  std::string request_id;
  bool tls_verification_failed = false;  // the server's certificate was refused (error wording)
};

// How the engine reaches the endpoint; the client binds it to the HTTP layer, tests to a script.
struct endpoint_io {
  // Sends one /chat/completions body; appends one attempt per HTTP request to the ledger, the
  // first of them marked `first_kind`.
  std::function<boost::asio::awaitable<transport_result>(std::string body, attempt::kind first_kind, ledger&)> send;
  // The exception for a call that failed in the transport (status, request id, provider message).
  std::function<error(const transport_result&, const ledger&)> transport_failure;
  std::string base_url;  // the key under which mode=auto remembers the working mode
  std::string model;     // the model to ask when the options name none
};

// The attempt loop: request for the mode → send → parse → refusal/length → repair → validate
// against the original schema → reask with the errors (max_reasks) → value. Throws
// schemaforge::error carrying the ledger on failure.
boost::asio::awaitable<structure_result<nlohmann::json>> run_structure(endpoint_io io, input in, schema target,
                                                                        structure_options options);

// The body of a call's first request in `mode` (never automatic): the same builder calls as the
// attempt loop's first iteration, so a request exported for OpenAI's Batch API is byte for byte
// the one run_structure would send.
nlohmann::json first_request_body(const input& in, const schema& target, const structure_options& options,
                                  const std::string& model, structure_mode mode);

// One raw chat completion (choice 0), no repair or validation.
boost::asio::awaitable<chat_result> run_chat(endpoint_io io, std::vector<message> messages, chat_options options);

}  // namespace schemaforge::detail
