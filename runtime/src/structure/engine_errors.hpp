// SPDX-License-Identifier: MIT
#pragma once

// What the engines that ask a model and check its answers (structure, schema inference) need to
// report: the error a failed call ends with, the ledger entry of the last request, and a short
// list of problems for a message.

#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>

#include <string>
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

}  // namespace schemaforge::detail
