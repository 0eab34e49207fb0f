// SPDX-License-Identifier: MIT
#pragma once

// What the engines that ask a model and check its answers (structure, schema inference) need to
// report: the error a failed call ends with, the ledger entry of the last request, a short list
// of problems for a message, and the stop reasons that end a call.

#include <schemaforge/chat_types.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>

#include "openai/chat_completion.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

// An error carrying what the caller needs to act on it: the last attempt's status and request id.
inline error failure(errc code, const std::string& message, const ledger& attempts, std::string provider_message = {}) {
  error e(code, message);
  if (!attempts.empty()) {
    e.http_status = attempts.back().http_status;
    e.request_id = attempts.back().request_id;
  }
  e.provider_message = std::move(provider_message);
  e.ledger = attempts;
  return e;
}

// The attempt the transport appended for the request just made; the engine adds what it learnt.
inline attempt& last_attempt(ledger& attempts) {
  if (attempts.empty()) attempts.emplace_back();  // a transport that records nothing still gets an entry
  return attempts.back();
}

// "a; b; c; and 2 more": at most `limit` problems, joined for a one-line message.
inline std::string joined(const std::vector<std::string>& problems, std::size_t limit = 5) {
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < limit; ++i) out += (i ? "; " : "") + problems[i];
  if (problems.size() > limit) out += "; and " + std::to_string(problems.size() - limit) + " more";
  return out;
}

// A refusal, an answer cut off by max_tokens or one stopped by the provider's content filter ends
// the call: a reask cannot fix any of them. `answer` names what was cut ("the answer"), `remedy`
// what the caller can do besides raising max_tokens ("shorten the input").
inline void check_stop_reasons(const completion_choice& choice, const call_options& options, ledger& attempts,
                               std::string_view answer, std::string_view remedy) {
  if (!choice.refusal.empty()) {
    last_attempt(attempts).error = make_error_code(errc::refusal);
    last_attempt(attempts).message = "refusal";
    throw failure(errc::refusal, "the model refused to answer: \"" + choice.refusal + "\"", attempts, choice.refusal);
  }
  if (choice.finish_reason == "length") {
    std::string limit = options.max_tokens ? "max_tokens (" + std::to_string(*options.max_tokens) + ")"
                                           : "the endpoint's default max_tokens";
    last_attempt(attempts).error = make_error_code(errc::length);
    last_attempt(attempts).message = "finish_reason length";
    throw failure(errc::length,
                  std::string(answer) + " was cut off by " + limit + " (finish_reason \"length\"); raise max_tokens or " +
                      std::string(remedy),
                  attempts);
  }
  if (choice.finish_reason == "content_filter") {
    last_attempt(attempts).error = make_error_code(errc::refusal);
    last_attempt(attempts).message = "content filter";
    throw failure(errc::refusal,
                  "the provider's content filter stopped " + std::string(answer) +
                      " (finish_reason \"content_filter\"); rephrase the input",
                  attempts);
  }
}

}  // namespace schemaforge::detail
