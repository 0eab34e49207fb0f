// SPDX-License-Identifier: MIT
#include "structure/structure_engine.hpp"

#include "openai/chat_completion.hpp"
#include "openai/request_builder.hpp"
#include "structure/engine_errors.hpp"
#include "structure/mode_memory.hpp"
#include "structure/reask.hpp"
#include "structure/repair.hpp"
#include "structure/strict_schema.hpp"

#include <algorithm>

namespace schemaforge::detail {
namespace {

using nlohmann::json;

constexpr std::size_t max_reported_errors = 20;

std::string resolve_model(const endpoint_io& io, const call_options& options) {
  std::string model = options.model.empty() ? io.model : options.model;
  if (model.empty())
    throw error(errc::invalid_argument,
                "no model given: set SCHEMAFORGE_MODEL, client_options::model or call_options::model");
  return model;
}

// "Invalid schema for response_format 'x': ... 'minLength' is not permitted" and the like.
bool rejects_this_schema(const provider_error& e) {
  auto has = [&](const char* word) { return e.message.find(word) != std::string::npos; };
  return has("Invalid schema") || has("invalid schema") || has("not permitted") || has("is not supported in strict");
}

chat_completion parse_or_fail(const transport_result& r, const ledger& attempts) {
  try {
    return parse_chat_completion(r.body);
  } catch (const error& e) {
    throw failure(errc::protocol, e.what(), attempts);
  }
}

struct checked_answer {
  std::optional<json> value;
  std::vector<std::string> problems;  // "pointer: message" lines; empty when the value is valid
  errc kind = errc::validation_failed;
};

checked_answer check_answer(const std::string& text, const schema& target, attempt& record) {
  checked_answer out;
  auto repaired = repair_json(text);
  record.repairs = repaired.repairs;
  if (!repaired.value) {
    out.kind = errc::invalid_output;
    out.problems.push_back("(root): the answer is not JSON (" + repaired.parse_error + ")");
    return out;
  }
  json value = std::move(*repaired.value);
  // Strict and tools modes sent optional fields as nullable; the original schema wants them absent.
  map_null_to_absent(value, target.document());
  for (const auto& e : target.validate(value, max_reported_errors))
    out.problems.push_back((e.pointer.empty() ? std::string("(root)") : e.pointer) + ": " + e.message);
  out.value = std::move(value);
  return out;
}

// The two builder steps of a request, named once: first_request_body and the attempt loop share them.
json first_messages(const input& in, structure_mode mode, const json& original) {
  return wire_messages(in, mode, original);
}

// The body as the text that is sent (structure_body_text splices the schema in, serialized once).
std::string attempt_body(structure_mode mode, const json& original, const std::string& name,
                         const structure_options& options, const std::string& model, const json& messages) {
  // Built before any co_await: GCC 12 mishandles braced temporaries inside a co_await expression.
  const structure_request_spec spec{mode, &original, name};
  return structure_body_text(spec, options, model, messages);
}

}  // namespace

json first_request_body(const input& in, const schema& target, const structure_options& options,
                        const std::string& model, structure_mode mode) {
  const json& original = target.document();
  return json::parse(attempt_body(mode, original, schema_name_for(options.schema_name, original), options, model,
                                  first_messages(in, mode, original)));
}

boost::asio::awaitable<structure_result<json>> run_structure(endpoint_io io, input in, schema target,
                                                             structure_options options) {
  const std::string model = resolve_model(io, options);
  const json& original = target.document();
  const bool automatic = options.mode == structure_mode::automatic;
  structure_mode mode = automatic ? remembered_mode(io.base_url) : options.mode;
  const int max_reasks = std::max(0, options.max_reasks);
  const std::string name = schema_name_for(options.schema_name, original);

  structure_result<json> result;
  ledger& attempts = result.ledger;
  json messages = first_messages(in, mode, original);
  int reasks = 0;
  std::vector<std::string> previous_problems;
  // A rejection of this schema (not of the feature) falls back for this call only: other schemas
  // may well work with the endpoint's better mode.
  bool schema_specific_fallback = false;

  for (;;) {
    std::string body = attempt_body(mode, original, name, options, model, messages);
    auto kind = reasks > 0 ? attempt::kind::reask : attempt::kind::initial;
    transport_result sent = co_await io.send(std::move(body), kind, attempts);

    std::optional<extracted_answer> failed_tool_call;  // groq's tool_use_failed: the model's rejected call
    if (sent.ec) {
      auto provider = parse_provider_error(sent.body);
      if (automatic && sent.status != 0 && rejects_mode_feature(sent.status, provider ? &*provider : nullptr, mode)) {
        if (auto next = fallback_after(mode)) {
          last_attempt(attempts).message += std::string("; the endpoint rejects mode ") + to_string(mode) +
                                            ", falling back to " + to_string(*next);
          if (provider && rejects_this_schema(*provider)) schema_specific_fallback = true;
          mode = *next;
          messages = first_messages(in, mode, original);  // a fresh conversation for the new mode
          reasks = 0;
          previous_problems.clear();
          continue;
        }
      }
      if (provider && provider->code == "tool_use_failed" && !provider->failed_generation.empty() && reasks < max_reasks) {
        // The server refused the model's own tool call; treat it like any invalid answer.
        extracted_answer a;
        a.text = provider->failed_generation;
        failed_tool_call = a;
      } else {
        throw io.transport_failure(sent, attempts);
      }
    }

    extracted_answer answer;
    checked_answer checked;
    attempt& record = last_attempt(attempts);
    if (failed_tool_call) {
      answer = *failed_tool_call;
      checked.kind = errc::validation_failed;
      checked.problems.push_back("(root): the tool call was rejected by the endpoint: " +
                                 parse_provider_error(sent.body).value_or(provider_error{}).message);
    } else {
      chat_completion completion = parse_or_fail(sent, attempts);
      record.usage = completion.usage;
      if (completion.error)
        throw failure(errc::protocol, "the endpoint answered with an error: " + completion.error->message, attempts,
                      completion.error->message);
      if (completion.choices.empty())
        throw failure(errc::protocol, "the endpoint's answer has no choices; check the model name", attempts);
      // The endpoint accepted a request in this mode: later calls to it start here.
      if (automatic && !schema_specific_fallback) remember_mode(io.base_url, mode);
      const completion_choice& choice = completion.choices.front();
      check_stop_reasons(choice, options, attempts, "the answer", "shorten the input");
      answer = extract_answer(choice, mode);
      checked = check_answer(answer.text, target, record);
      if (checked.problems.empty()) {
        result.value = std::move(*checked.value);
        result.usage = total_usage(attempts);
        result.mode = mode;
        co_return result;
      }
    }

    record.error = make_error_code(checked.kind);
    record.message = joined(checked.problems, 3);
    if (reasks >= max_reasks) {
      std::string what = checked.kind == errc::invalid_output ? "the answer is not JSON" : "the answer does not match the schema";
      if (max_reasks == 0)
        throw failure(checked.kind, what + ": " + joined(checked.problems) + "; no reask was allowed (max_reasks 0)",
                      attempts);
      throw failure(checked.kind,
                    what + " after " + std::to_string(reasks) + (reasks == 1 ? " reask: " : " reasks: ") +
                        joined(checked.problems) + "; raise max_reasks, try another mode or a stronger model",
                    attempts);
    }
    // Two non-JSON answers count as the same error whatever their text.
    std::vector<std::string> signature = checked.kind == errc::invalid_output ? std::vector<std::string>{"not JSON"} : checked.problems;
    if (!previous_problems.empty() && signature == previous_problems) {
      std::string what = checked.kind == errc::invalid_output ? "the answer is not JSON" : "the answer does not match the schema";
      throw failure(checked.kind,
                    what + " and the model repeated the same errors, so reasking stopped after " +
                        std::to_string(reasks) + (reasks == 1 ? " reask: " : " reasks: ") + joined(checked.problems) +
                        "; try another mode or a stronger model",
                    attempts);
    }
    previous_problems = std::move(signature);
    append_reask(messages, answer, problem_list(checked.problems));
    ++reasks;
  }
}

boost::asio::awaitable<chat_result> run_chat(endpoint_io io, std::vector<message> messages, chat_options options) {
  const std::string model = resolve_model(io, options);
  chat_result result;
  json body = chat_body(options, model, wire_messages(messages));
  transport_result sent = co_await io.send(body.dump(), attempt::kind::initial, result.ledger);
  if (sent.ec) throw io.transport_failure(sent, result.ledger);
  chat_completion completion = parse_or_fail(sent, result.ledger);
  last_attempt(result.ledger).usage = completion.usage;
  if (completion.error)
    throw failure(errc::protocol, "the endpoint answered with an error: " + completion.error->message, result.ledger,
                  completion.error->message);
  if (completion.choices.empty())
    throw failure(errc::protocol, "the endpoint's answer has no choices; check the model name", result.ledger);
  auto& choice = completion.choices.front();
  result.content = choice.content.value_or("");
  result.refusal = std::move(choice.refusal);
  result.reasoning = std::move(choice.reasoning);
  result.tool_calls = std::move(choice.tool_calls);
  result.finish_reason = choice.finish_reason.value_or("");
  result.model = std::move(completion.model);
  result.usage = total_usage(result.ledger);
  co_return result;
}

}  // namespace schemaforge::detail
