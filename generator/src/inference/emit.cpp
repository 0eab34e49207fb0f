// SPDX-License-Identifier: MIT
#include "emit.hpp"

#include "json_pointer.hpp"

#include <algorithm>
#include <optional>

namespace schemaforge::gen::detail {
namespace {

// The JSON kinds a schema branch is made for. Integers and numbers are one kind: integer ⊂ number.
enum kind : unsigned { k_object = 1, k_array = 2, k_string = 4, k_numeric = 8, k_boolean = 16 };

unsigned kinds_of(const shape& s) noexcept {
  return (s.objects ? k_object : 0u) | (s.arrays ? k_array : 0u) | (s.strings ? k_string : 0u) |
         (s.integers + s.floats ? k_numeric : 0u) | (s.booleans ? k_boolean : 0u);
}

int popcount(unsigned v) noexcept {
  int n = 0;
  for (; v; v &= v - 1) ++n;
  return n;
}

std::string counts(const shape& s) {
  std::string out;
  auto add = [&](const char* name, std::uint64_t n) {
    if (!n) return;
    if (!out.empty()) out += ", ";
    out += std::string(name) + " " + std::to_string(n);
  };
  add("object", s.objects);
  add("array", s.arrays);
  add("string", s.strings);
  add("integer", s.integers);
  add("number", s.floats);
  add("boolean", s.booleans);
  add("null", s.nulls);
  return out.empty() ? "no values" : out;
}

class emitter {
 public:
  emitter(const infer_options& options, std::vector<std::string>* notes) : options_(options), notes_(notes) {}

  // `presence` is the parent's verdict on this key ("in 3 of 5 objects -> optional"), if any.
  nlohmann::ordered_json position(const shape& s, const std::string& path, const std::string& presence = {}) {
    // Reserve this position's report line before the children add theirs, so the report reads top-down.
    std::size_t slot = 0;
    if (notes_) {
      slot = notes_->size();
      notes_->emplace_back();
    }
    unsigned kinds = kinds_of(s);
    std::string decision;
    std::vector<std::string> details;
    nlohmann::ordered_json out = nlohmann::ordered_json::object();

    if (kinds == 0) {
      if (s.nulls) out["type"] = "null";
      decision = s.nulls ? "null" : "any value (nothing observed)";
    } else {
      std::vector<nlohmann::ordered_json> branches;
      std::vector<std::string> names;
      if (kinds & k_object) {
        branches.push_back(object_branch(s, path, details));
        names.push_back(branches.back().contains("additionalProperties") ? "map" : "object");
      }
      if (kinds & k_array) {
        branches.push_back(array_branch(s, path, details));
        names.push_back("array");
      }
      if (kinds & k_string) {
        branches.push_back(string_branch(s, details));
        names.push_back("string");
      }
      if (kinds & k_numeric) {
        const char* type = s.floats ? "number" : "integer";
        branches.push_back({{"type", type}});
        names.push_back(type);
        if (s.floats && s.integers) details.push_back("integers mixed with numbers written with a fraction or exponent: number");
      }
      if (kinds & k_boolean) {
        branches.push_back({{"type", "boolean"}});
        names.push_back("boolean");
      }

      // A nullable formatted string is spelled anyOf [string+format, null]: the type-array form is
      // equivalent, but some validators (valijson 1.0) apply `format` to the null too.
      bool format_with_null = branches.size() == 1 && s.nulls && branches.front().contains("format");
      if (branches.size() == 1 && !format_with_null) {
        out = std::move(branches.front());
        decision = (s.nulls ? "nullable " : "") + names.front();
        if (s.nulls) {
          // A nullable single kind stays one schema, "type": [kind, "null"]; an enum must admit null too.
          out["type"] = nlohmann::ordered_json::array({out["type"], "null"});
          if (out.contains("enum")) out["enum"].push_back(nullptr);
        }
      } else {
        decision = format_with_null ? "nullable, as anyOf" : "anyOf";
        for (const auto& name : names) decision += " " + name;
        if (s.nulls) {
          branches.push_back({{"type", "null"}});
          decision += " null";
        }
        out = nlohmann::ordered_json::object();
        out["anyOf"] = std::move(branches);
      }
    }

    if (notes_) {
      std::string line = (path.empty() ? std::string("(root)") : path) + ": ";
      if (!presence.empty()) line += presence + "; ";
      line += counts(s) + " -> " + decision;
      for (const auto& d : details) line += "; " + d;
      (*notes_)[slot] = std::move(line);
    }
    return out;
  }

 private:
  nlohmann::ordered_json object_branch(const shape& s, const std::string& path, std::vector<std::string>& details) {
    nlohmann::ordered_json out{{"type", "object"}};
    if (std::optional<std::string> map_reason = map_decision(s, details)) {
      details.push_back("map: " + *map_reason);
      shape merged;
      if (s.collapsed) merge(merged, *s.collapsed, options_);
      for (const auto& p : s.properties) merge(merged, *p.value, options_);
      out["additionalProperties"] = position(merged, path + "/*");
      return out;
    }
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    nlohmann::ordered_json required = nlohmann::ordered_json::array();
    for (const auto& p : s.properties) {
      bool always = p.present == s.objects;
      if (always) required.push_back(p.key);
      std::string presence = "in " + std::to_string(p.present) + " of " + std::to_string(s.objects) + " objects -> " +
                             (always ? "required" : "optional");
      properties[p.key] = position(*p.value, detail::pointer_child(path, p.key), presence);
    }
    if (!properties.empty()) out["properties"] = std::move(properties);
    if (!required.empty()) out["required"] = std::move(required);
    return out;
  }

  nlohmann::ordered_json array_branch(const shape& s, const std::string& path, std::vector<std::string>& details) {
    nlohmann::ordered_json out{{"type", "array"}};
    details.push_back(std::to_string(s.elements) + " elements in " + std::to_string(s.arrays) + " arrays" +
                      (s.items ? ", merged into one items schema" : ": items left open"));
    if (s.items) out["items"] = position(*s.items, path + "/[]");
    return out;
  }

  // Why an object position is a map, or nothing (and why not, in `details`).
  std::optional<std::string> map_decision(const shape& s, std::vector<std::string>& details) const {
    if (s.collapsed) {
      return "more than " + std::to_string(options_.map_key_limit) + " distinct keys";
    }
    std::size_t distinct = s.properties.size();
    if (distinct >= 2 && s.keys_id_like) {
      return "all " + std::to_string(distinct) + " keys look like identifiers (digits, UUID, date)";
    }
    if (distinct < options_.map_min_keys) {
      if (distinct >= 2) {
        details.push_back("not a map: " + std::to_string(distinct) + " distinct keys (a map needs " +
                          std::to_string(options_.map_min_keys) + " or keys that look like identifiers)");
      }
      return std::nullopt;
    }
    unsigned value_kinds = 0;
    for (const auto& p : s.properties) value_kinds |= kinds_of(*p.value);
    std::string key_stats = std::to_string(distinct) + " distinct keys, " + std::to_string(s.key_total) +
                            " keys in " + std::to_string(s.objects) + " objects";
    if (s.key_total * 2 > distinct * s.objects) {
      details.push_back("not a map: " + key_stats + " (objects hold more than half of the keys on average)");
      return std::nullopt;
    }
    if (popcount(value_kinds) > 1) {
      details.push_back("not a map: " + key_stats + ", but the values are of different kinds");
      return std::nullopt;
    }
    return key_stats + " (at most half per object on average), values of one kind";
  }

  nlohmann::ordered_json string_branch(const shape& s, std::vector<std::string>& details) const {
    nlohmann::ordered_json out{{"type", "string"}};
    // Format: strong evidence only, every value matching and enough of them.
    std::string tally;
    for (std::size_t f = 0; f < all_string_formats.size(); ++f) {
      if (!s.format_matches[f]) continue;
      tally += (tally.empty() ? "" : ", ") + std::string(format_name(all_string_formats[f])) + " " +
               std::to_string(s.format_matches[f]) + "/" + std::to_string(s.strings);
    }
    bool explained = false;
    for (std::size_t f = 0; f < all_string_formats.size(); ++f) {
      if (s.format_matches[f] != s.strings) continue;
      std::string name(format_name(all_string_formats[f]));
      if (s.strings >= options_.format_min_values) {
        out["format"] = name;
        details.push_back("format " + name + ": all " + std::to_string(s.strings) + " values match");
        return out;  // a formatted string is never also an enum
      }
      details.push_back("no format: all " + std::to_string(s.strings) + " values match " + name + " but " +
                        std::to_string(options_.format_min_values) + " are needed");
      explained = true;
      break;
    }
    if (!explained && !tally.empty()) details.push_back("no format: only some values match (" + tally + ")");

    // Enum: a few values, each seen repeatedly.
    if (s.string_values_overflow) {
      details.push_back("no enum: more than " + std::to_string(options_.enum_max_values) +
                        " distinct values or a value longer than " + std::to_string(options_.enum_max_length) +
                        " bytes");
      return out;
    }
    std::size_t distinct = s.string_values.size();
    auto rare = std::count_if(s.string_values.begin(), s.string_values.end(),
                              [&](const auto& v) { return v.second < options_.enum_min_occurrences; });
    if (distinct < 2) {
      details.push_back("no enum: a single distinct value");
    } else if (s.strings < options_.enum_min_values) {
      details.push_back("no enum: " + std::to_string(s.strings) + " values, " +
                        std::to_string(options_.enum_min_values) + " needed");
    } else if (rare) {
      details.push_back("no enum: " + std::to_string(rare) + " of " + std::to_string(distinct) +
                        " distinct values seen fewer than " + std::to_string(options_.enum_min_occurrences) +
                        " times");
    } else {
      std::vector<std::string> values;
      for (const auto& v : s.string_values) values.push_back(v.first);
      std::sort(values.begin(), values.end());  // independent of sample order
      out["enum"] = values;
      details.push_back("enum of " + std::to_string(distinct) + " values, each seen at least " +
                        std::to_string(options_.enum_min_occurrences) + " times in " + std::to_string(s.strings));
    }
    return out;
  }

  const infer_options& options_;
  std::vector<std::string>* notes_;
};

}  // namespace

nlohmann::ordered_json emit_schema(const shape& root, const infer_options& options, std::vector<std::string>* notes) {
  emitter e(options, notes);
  return e.position(root, "");
}

}  // namespace schemaforge::gen::detail
