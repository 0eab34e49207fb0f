// SPDX-License-Identifier: MIT
#pragma once

// Structure calls whose first request travels outside the client, e.g. through OpenAI's Batch API
// or vLLM's batch runner: the request the engine would send, and the engine's own checks (parse,
// refusal/length, local repair, validation against the original schema, and optionally reasks
// online) applied to the answer that came back. Both go through the compiled engine, so an
// exported request is exactly the one an online call sends, and an imported answer is judged
// exactly as an online one.

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/async_result.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace schemaforge {

// What came back for one exported request: the HTTP status and body of a /chat/completions answer
// (a chat completion, or an error body for a non-2xx status).
struct recorded_answer {
  int http_status = 200;
  std::string body;
  std::string request_id;  // the provider's id of the request, when it gave one
};

// The mode an exported request uses: `requested`, except automatic, which becomes json_schema
// (where auto starts): no fallback between modes is possible once the request has left.
structure_mode recorded_mode(structure_mode requested) noexcept;

// The /chat/completions body of the first request a structure call would send for `in`, in
// recorded_mode(options.mode). `model` empty: options.model. Throws
// schemaforge::error(invalid_argument) when neither names a model.
nlohmann::json structure_request_body(const input& in, const schema& target, const structure_options& options,
                                      const std::string& model = {});

// Judges `answer` as the answer to structure_request_body(in, target, options): no request is
// made and there is no reask, so an answer that is still invalid after local repair fails with
// invalid_output / validation_failed. Throws schemaforge::error (with a one-attempt ledger);
// a non-2xx status fails as the transport would have (http_status, rate_limited, quota).
structure_result<nlohmann::json> check_recorded_answer(const input& in, const schema& target,
                                                       const structure_options& options,
                                                       const recorded_answer& answer);

namespace detail {

// Starts the engine on the client's executor with `answer` as the first attempt's answer; reasks
// (and their transport retries) go to the client's endpoint.
void start_structure_from(const client& c, input in, schema target, structure_options options,
                          recorded_answer answer, structure_handler handler);

}  // namespace detail

// As check_recorded_answer, but an invalid answer is reasked online through `c` (at most
// options.max_reasks requests) continuing the conversation so far: the exported request, the
// recorded answer and the errors found in it. Completion signature:
// void(std::exception_ptr, structure_result<nlohmann::json>); the ledger starts with the recorded
// attempt. A valid recorded answer completes without any request.
template <typename CompletionToken>
auto async_structure_from(const client& c, input in, schema target, structure_options options,
                          recorded_answer answer, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::structure_signature>(
      [](auto handler, client c, input in, schema target, structure_options options, recorded_answer answer) {
        detail::start_structure_from(c, std::move(in), std::move(target), std::move(options), std::move(answer),
                                     detail::structure_handler(std::move(handler)));
      },
      token, c, std::move(in), std::move(target), std::move(options), std::move(answer));
}

}  // namespace schemaforge
