// SPDX-License-Identifier: MIT
#include "infer/infer_engine.hpp"

#include "infer/proposal_check.hpp"
#include "openai/chat_completion.hpp"
#include "openai/request_builder.hpp"
#include "structure/engine_errors.hpp"
#include "structure/mode_memory.hpp"
#include "structure/reask.hpp"

#include <algorithm>

namespace schemaforge::detail {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* draft_2020_12 = "https://json-schema.org/draft/2020-12/schema";
constexpr std::size_t failing_samples_quoted = 3;

std::string instructions(sample_kind kind) {
  std::string text =
      "You design JSON Schemas (draft 2020-12) from samples. A code generator turns your schema into C++ types, "
      "so use only these keywords: type (string, number, integer, boolean, object, array, null, or an array of "
      "them such as [\"string\", \"null\"] for a nullable value), properties, required, items, "
      "additionalProperties (false, or a schema for map-like objects), enum, const, anyOf, oneOf, allOf, "
      "$ref (only to \"#/$defs/<Name>\"), $defs (at the root only), title, description, format (date-time, date, "
      "time, email, uri, uuid, ipv4, ipv6, hostname), default, examples, and the bounds minimum, maximum, "
      "exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, minItems, maxItems, uniqueItems.\n"
      "Every sample must be valid against your schema: list in \"required\" only the properties that every "
      "sample has, allow null where a sample has null, use integer only for whole numbers, use a format or an "
      "enum only when every value fits it. Give each property a short description. Put object types that occur "
      "in several places in $defs.";
  if (kind == sample_kind::text)
    text += "\nThe samples are free texts: the schema describes the record to extract from each text. Answer "
            "with one JSON object {\"schema\": <the JSON Schema>, \"instances\": [the record extracted from each "
            "sample, in the samples' order, each valid against the schema]}.";
  else
    text += "\nAnswer with the JSON Schema itself.";
  return text;
}

std::string sample_block(const prepared_sample& s) {
  const auto end = s.content.find_last_not_of(" \t\r\n");
  return s.label + ":\n" + s.content.substr(0, end == std::string::npos ? 0 : end + 1) + "\n";
}

std::string samples_message(const std::vector<prepared_sample>& samples, const std::string& name,
                            const std::string& description, sample_kind kind, std::size_t quoted) {
  std::string text;
  if (!name.empty()) text += "Title of the schema: " + name + "\n";
  if (!description.empty()) text += "What the data is: " + description + "\n";
  if (!text.empty()) text += "\n";
  const std::size_t shown = kind == sample_kind::text ? samples.size() : std::min(quoted, samples.size());
  text += std::to_string(samples.size()) + (kind == sample_kind::text ? " free-text" : " JSON") +
          (samples.size() == 1 ? " sample" : " samples");
  if (shown < samples.size())
    text += "; the first " + std::to_string(shown) + " are shown, and all of them are checked against your schema";
  text += ".\n\n";
  for (std::size_t i = 0; i < shown; ++i) text += sample_block(samples[i]) + "\n";
  return text;
}

std::string reask_message(const proposal& p, const std::vector<prepared_sample>& samples, std::size_t quoted,
                          sample_kind kind) {
  std::string text = "Your answer is not accepted:\n" + problem_list(p.problems, 20);
  // Samples the model has not seen yet cannot be fixed blind: quote a few of those that failed.
  std::size_t added = 0;
  for (std::size_t i : p.failing_samples) {
    if (kind == sample_kind::text || i < quoted || added == failing_samples_quoted) continue;
    if (added++ == 0) text += "The samples that failed and were not shown before:\n\n";
    text += sample_block(samples[i]) + "\n";
  }
  text += kind == sample_kind::text
              ? "Answer again with the complete corrected JSON object {\"schema\": ..., \"instances\": [...]}, fixing "
                "every error listed."
              : "Answer again with the complete corrected JSON Schema only, fixing every error listed.";
  return text;
}

// The accepted schema with `$schema` and the requested title first, so that `generate` names the
// root type after the name asked for.
template <typename Json>
Json finished(const Json& proposed, const std::string& name) {
  Json out = Json::object();
  out["$schema"] = draft_2020_12;
  if (!name.empty()) out["title"] = name;
  else if (proposed.contains("title")) out["title"] = proposed["title"];
  for (auto it = proposed.begin(); it != proposed.end(); ++it)
    if (it.key() != "$schema" && it.key() != "title") out[it.key()] = it.value();
  return out;
}


}  // namespace

json text_answer_schema(const json& meta) {
  json schema_part = meta;
  schema_part.erase("$defs");
  schema_part.erase("$schema");
  json out{{"type", "object"},
           {"properties", json{{"schema", std::move(schema_part)},
                               {"instances", json{{"type", "array"},
                                                  {"description", "The record extracted from each sample, in order."},
                                                  {"items", true}}}}},
           {"required", json::array({"schema", "instances"})},
           {"additionalProperties", false}};
  if (meta.contains("$defs")) out["$defs"] = meta["$defs"];
  return out;
}

boost::asio::awaitable<infer_result> run_infer_schema(endpoint_io io, std::vector<schema_sample> given,
                                                      std::string name, std::string description,
                                                      infer_options options) {
  const std::string model = options.model.empty() ? io.model : options.model;
  if (model.empty())
    throw error(errc::invalid_argument,
                "no model given: set SCHEMAFORGE_MODEL, client_options::model or call_options::model");
  if (options.mode == structure_mode::tools)
    throw error(errc::invalid_argument, "schema inference takes mode json_schema, json or prompt, not tools");
  // auto starts where structure calls to this endpoint found a working mode; a forced function
  // call cannot carry the free-form answer, so tools counts as json here.
  const bool automatic = options.mode == structure_mode::automatic;
  structure_mode mode = automatic ? remembered_mode(io.base_url) : options.mode;
  if (mode == structure_mode::tools) mode = structure_mode::json;
  const sample_kind kind = options.kind;
  const std::vector<prepared_sample> samples = prepare_samples(given, kind);
  const std::size_t quoted = std::max<std::size_t>(1, options.max_prompt_samples);
  const int max_reasks = std::max(0, options.max_reasks);

  static const schema meta(inference_meta_schema());
  const json answer_schema = kind == sample_kind::text ? text_answer_schema(inference_meta_schema())
                                                       : inference_meta_schema();

  auto first_messages = [&] {
    std::string system = instructions(kind);
    if (mode != structure_mode::json_schema) system += "\n\n" + schema_instruction(answer_schema);
    return json::array({json{{"role", "system"}, {"content", std::move(system)}},
                        json{{"role", "user"}, {"content", samples_message(samples, name, description, kind, quoted)}}});
  };
  json messages = first_messages();

  infer_result result;
  ledger& attempts = result.ledger;
  int reasks = 0;
  for (;;) {
    json body = chat_body(options, model, messages);
    if (mode == structure_mode::json_schema)
      body["response_format"] = json{{"type", "json_schema"},
                                     {"json_schema", json{{"name", kind == sample_kind::text ? "schema_and_instances"
                                                                                             : "json_schema"},
                                                          {"strict", false},
                                                          {"schema", answer_schema}}}};
    else if (mode == structure_mode::json)
      body["response_format"] = json{{"type", "json_object"}};
    transport_result sent = co_await io.send(body.dump(), reasks ? attempt::kind::reask : attempt::kind::initial, attempts);
    if (sent.ec) {
      auto provider = parse_provider_error(sent.body);
      if (automatic && sent.status != 0 && rejects_mode_feature(sent.status, provider ? &*provider : nullptr, mode)) {
        auto next = fallback_after(mode);
        while (next == structure_mode::tools) next = fallback_after(*next);
        if (next) {
          last_attempt(attempts).message += std::string("; the endpoint rejects mode ") + to_string(mode) +
                                            ", falling back to " + to_string(*next);
          mode = *next;
          messages = first_messages();  // a fresh conversation for the new mode
          reasks = 0;
          continue;
        }
      }
      throw io.transport_failure(sent, attempts);
    }

    chat_completion completion;
    try {
      completion = parse_chat_completion(sent.body);
    } catch (const error& e) {
      throw failure(errc::protocol, e.what(), attempts);
    }
    attempt& record = last_attempt(attempts);
    record.usage = completion.usage;
    if (completion.error)
      throw failure(errc::protocol, "the endpoint answered with an error: " + completion.error->message, attempts,
                    completion.error->message);
    if (completion.choices.empty())
      throw failure(errc::protocol, "the endpoint's answer has no choices; check the model name", attempts);
    const completion_choice& choice = completion.choices.front();
    check_stop_reasons(choice, options, attempts, "the schema", "give fewer or shorter samples");
    extracted_answer answer = extract_answer(choice, mode);

    proposal checked = check_proposal(answer.text, samples, kind, meta, options.extra_check);
    result.rounds.push_back(infer_round{checked.problems});
    if (checked.problems.empty()) {
      result.schema = finished(*checked.schema, name);
      result.schema_text = finished(checked.ordered_schema, name).dump(2) + "\n";
      result.instances = std::move(checked.instances);
      result.usage = total_usage(attempts);
      co_return result;
    }

    record.error = make_error_code(checked.kind);
    record.message = joined(checked.problems, 3);
    if (reasks >= max_reasks) {
      throw failure(checked.kind,
                    "the model's schema is still not acceptable after " + std::to_string(reasks) +
                        (reasks == 1 ? " reask: " : " reasks: ") + joined(checked.problems, 5) +
                        "; raise max_reasks, give a description, or use a stronger model",
                    attempts);
    }
    messages.push_back(json{{"role", "assistant"}, {"content", answer.text}});
    messages.push_back(json{{"role", "user"}, {"content", reask_message(checked, samples, quoted, kind)}});
    ++reasks;
  }
}

}  // namespace schemaforge::detail
