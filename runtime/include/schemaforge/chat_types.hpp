// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/ledger.hpp>
#include <schemaforge/messages.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace schemaforge {

// Per-call settings shared by chat and structure calls. Unset values come from the client.
struct call_options {
  std::string model;                                  // empty: the client's model
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::optional<int> max_retries;                     // transport retries; unset: the client's
  std::optional<std::chrono::milliseconds> timeout;   // one attempt; unset: the client's
  std::optional<std::chrono::milliseconds> deadline;  // the whole call, all attempts and waits
};

using chat_options = call_options;

// A raw chat completion (choice 0).
struct chat_result {
  std::string content;        // text parts joined; empty when the model sent none
  std::string refusal;        // non-empty when the model refused
  std::string reasoning;      // reasoning text some providers return beside the content
  std::vector<tool_call> tool_calls;
  std::string finish_reason;  // "stop", "length", "tool_calls", ... ("" when the provider sent none)
  std::string model;          // as reported by the endpoint
  schemaforge::usage usage;
  schemaforge::ledger ledger;
};

}  // namespace schemaforge
