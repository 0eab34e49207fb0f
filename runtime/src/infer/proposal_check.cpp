// SPDX-License-Identifier: MIT
#include "infer/proposal_check.hpp"

#include "structure/repair.hpp"

#include <algorithm>

namespace schemaforge::detail {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::size_t errors_per_document = 3;

std::string at(const std::string& pointer) { return pointer.empty() ? std::string("(root)") : pointer; }

void add_errors(proposal& out, const std::string& what, const std::vector<validation_error>& errors) {
  for (const auto& e : errors) out.problems.push_back(what + " " + at(e.pointer) + ": " + e.message);
}

// The answer again, parsed keeping the model's key order (struct members follow it); a repaired
// answer is no longer the model's text, so its keys come in the repaired value's order.
ordered_json in_model_order(std::string_view answer, const json& repaired, bool was_repaired) {
  if (!was_repaired) {
    ordered_json ordered = ordered_json::parse(answer, nullptr, false);
    if (!ordered.is_discarded()) return ordered;
  }
  return ordered_json::parse(repaired.dump());
}

std::string last_token(const std::string& pointer) {
  std::string token = pointer.substr(pointer.rfind('/') + 1);
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) out += token[++i] == '1' ? '/' : '~';
    else out += token[i];
  }
  return out;
}

// The validator's words for the meta-schema's anyOf branches ("expected array, got string", "not
// one of the allowed enum values") tell the model little: say what the keyword takes instead.
std::vector<validation_error> explained_meta_errors(const std::vector<validation_error>& errors) {
  std::vector<validation_error> out;
  std::vector<std::string> collapsed;  // pointers whose anyOf failure replaced its branches' errors
  for (const auto& e : errors)
    if (e.message.find("anyOf") != std::string::npos) collapsed.push_back(e.pointer);
  auto is_collapsed = [&](const std::string& p) { return std::find(collapsed.begin(), collapsed.end(), p) != collapsed.end(); };
  for (const auto& e : errors) {
    const std::string key = last_token(e.pointer);
    if (e.message == "property is not allowed here") {
      out.push_back({e.pointer, "\"" + key + "\" is not a supported keyword; use only the keywords listed in the instructions"});
    } else if (is_collapsed(e.pointer)) {
      if (e.message.find("anyOf") == std::string::npos) continue;
      if (key == "type")
        out.push_back({e.pointer, "must be one of \"string\", \"number\", \"integer\", \"boolean\", \"object\", "
                                  "\"array\", \"null\", or a non-empty array of them"});
      else if (key == "additionalProperties")
        out.push_back({e.pointer, "must be false, true, or the schema of every value of a map-like object"});
      else
        out.push_back(e);
    } else {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace

std::vector<prepared_sample> prepare_samples(const std::vector<schema_sample>& samples, sample_kind kind) {
  if (samples.empty()) throw error(errc::invalid_argument, "schema inference needs at least one sample");
  std::vector<prepared_sample> out;
  out.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    prepared_sample p;
    p.label = "sample " + std::to_string(i + 1) + (samples[i].source.empty() ? "" : " (" + samples[i].source + ")");
    p.content = samples[i].content;
    if (kind == sample_kind::json) {
      json value = json::parse(p.content, nullptr, false);
      if (value.is_discarded())
        throw error(errc::invalid_argument,
                    p.label + " is not JSON; pass free texts as sample_kind::text");
      p.value = std::move(value);
    }
    out.push_back(std::move(p));
  }
  return out;
}

proposal check_proposal(std::string_view answer, const std::vector<prepared_sample>& samples, sample_kind kind,
                        const schema& meta, const schema_check& extra) {
  proposal out;
  auto repaired = repair_json(answer);
  if (!repaired.value) {
    out.kind = errc::invalid_output;
    out.problems.push_back("(root): the answer is not JSON (" + repaired.parse_error + ")");
    return out;
  }
  json document = std::move(*repaired.value);
  ordered_json ordered = in_model_order(answer, document, !repaired.repairs.empty());

  if (kind == sample_kind::text) {
    // Free text: the answer wraps the schema and one instance per sample.
    if (!document.is_object() || !document.contains("schema") || !document.contains("instances") ||
        !document["instances"].is_array()) {
      out.problems.push_back(
          "(root): the answer must be an object {\"schema\": <the JSON Schema>, \"instances\": [one extracted JSON "
          "value per sample, in order]}");
      return out;
    }
    for (auto& instance : document["instances"]) out.instances.push_back(std::move(instance));
    json inner = std::move(document["schema"]);
    document = std::move(inner);
    ordered_json ordered_inner = ordered.contains("schema") ? ordered["schema"] : ordered_json::parse(document.dump());
    ordered = std::move(ordered_inner);
  }
  out.schema = document;
  out.ordered_schema = std::move(ordered);

  auto against_meta = meta.validate(document, 20);
  if (!against_meta.empty()) {
    add_errors(out, "schema at", explained_meta_errors(against_meta));
    return out;
  }
  std::optional<schema> compiled;
  try {
    compiled.emplace(document);
  } catch (const error& e) {
    out.problems.push_back(std::string("schema: not a usable JSON Schema: ") + e.what());
    return out;
  }
  if (extra) {
    try {
      add_errors(out, "schema at", extra(document));
    } catch (const std::exception& e) {
      out.problems.push_back(std::string("schema: ") + e.what());
    }
    if (!out.problems.empty()) return out;
  }

  if (kind == sample_kind::json) {
    for (std::size_t i = 0; i < samples.size(); ++i) {
      auto errors = compiled->validate(*samples[i].value, errors_per_document);
      if (errors.empty()) continue;
      out.failing_samples.push_back(i);
      add_errors(out, samples[i].label + " is rejected at", errors);
    }
    return out;
  }
  if (out.instances.size() != samples.size()) {
    out.problems.push_back("(root): \"instances\" has " + std::to_string(out.instances.size()) + " values for " +
                           std::to_string(samples.size()) + " samples; give exactly one per sample, in order");
  }
  for (std::size_t i = 0; i < samples.size() && i < out.instances.size(); ++i) {
    auto errors = compiled->validate(out.instances[i], errors_per_document);
    if (errors.empty()) continue;
    out.failing_samples.push_back(i);
    add_errors(out, "the instance extracted from " + samples[i].label + " is rejected at", errors);
  }
  return out;
}

}  // namespace schemaforge::detail
