// SPDX-License-Identifier: MIT
#pragma once

// Model-assisted schema inference: ask a model for a JSON Schema that fits the samples, check it,
// and reask with the concrete errors until it fits or the budget is spent. The answer is held to
// a restricted meta-schema (schemas/meta/generator-subset.schema.json, compiled into the library)
// so that the code generator can turn it into C++ types.

#include <schemaforge/chat_types.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace schemaforge {

// What the samples are: JSON documents (checked directly against the proposed schema) or free
// texts (the model also extracts one instance from each, and those are checked).
enum class sample_kind { json, text };

struct schema_sample {
  std::string content;  // the JSON document's text, or the free text
  std::string source;   // names the sample in reports and reasks (e.g. its file); empty: "sample N"
};

// A check of a proposed schema beyond the meta-schema; returns what is wrong (pointers into the
// schema), empty when the schema is fine. The CLI passes one that runs the code generator's
// loader, which the runtime library cannot depend on (see docs/ARCHITECTURE.md).
using schema_check = std::function<std::vector<validation_error>(const nlohmann::json& schema)>;

struct infer_options : call_options {
  sample_kind kind = sample_kind::json;
  // json_schema: response_format json_schema carries the meta-schema, strict:false because strict
  // mode cannot express a recursive open map such as "properties". json / prompt: the meta-schema
  // goes in the system prompt. automatic: json_schema (or the mode structure calls found working
  // for this base URL), falling back to json, then prompt, when the endpoint rejects the feature.
  // tools is refused: a forced function call is no way to ask for a free-form schema.
  structure_mode mode = structure_mode::automatic;
  int max_reasks = 2;  // follow-up requests carrying the errors back; at most max_reasks + 1 answers
  // JSON samples quoted in the first request; every sample is checked, and a failing sample that
  // was not quoted is quoted in the reask. Free-text samples are always all quoted.
  std::size_t max_prompt_samples = 20;
  schema_check extra_check;
};

// One answer of the model and what was wrong with it (nothing, for the accepted one).
struct infer_round {
  std::vector<std::string> problems;  // "schema /properties/id/type: ...", "sample 2 (b.json) /age: ..."
};

struct infer_result {
  nlohmann::json schema;        // the accepted schema; `title` is the requested name when one was given
  std::string schema_text;      // the same, keys in the model's order, indented, ending in a newline:
                                // what a schema file for `schemaforge generate` holds
  std::vector<nlohmann::json> instances;  // sample_kind::text: one extracted instance per sample, valid
  std::vector<infer_round> rounds;        // every answer in order; the last one is the accepted one
  schemaforge::usage usage;               // summed over every request
  schemaforge::ledger ledger;             // every HTTP request (first tries, transport retries, reasks)
};

// The meta-schema the answers are held to (schemas/meta/generator-subset.schema.json).
const nlohmann::json& inference_meta_schema();

namespace detail {
using infer_signature = void(std::exception_ptr, infer_result);
using infer_handler = boost::asio::any_completion_handler<infer_signature>;
void start_infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                        std::string description, infer_options options, infer_handler handler);
}  // namespace detail

// Infers a schema named `name` (its title; may be empty) for data described by `description`
// (may be empty) from `samples`. Completion signature: void(std::exception_ptr, infer_result);
// the exception is a schemaforge::error: invalid_argument for samples that are not JSON in
// sample_kind::json or no samples at all, validation_failed / invalid_output when the budget of
// reasks is spent (the message lists the last errors, the ledger every request), or any
// transport error. Cancellation through the token's cancellation slot ends the call.
template <typename CompletionToken>
auto async_infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                        std::string description, infer_options options, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, detail::infer_signature>(
      [](auto handler, client c, std::vector<schema_sample> samples, std::string name, std::string description,
         infer_options options) {
        detail::start_infer_schema(c, std::move(samples), std::move(name), std::move(description), std::move(options),
                                   detail::infer_handler(std::move(handler)));
      },
      token, c, std::move(samples), std::move(name), std::move(description), std::move(options));
}

template <typename CompletionToken>
auto async_infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                        std::string description, CompletionToken&& token) {
  return async_infer_schema(c, std::move(samples), std::move(name), std::move(description), infer_options{},
                            std::forward<CompletionToken>(token));
}

// Blocking twin: runs the client's io_context on the calling thread until the call ends.
// Throws schemaforge::error.
infer_result infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                          std::string description, infer_options options = {});

}  // namespace schemaforge
