// SPDX-License-Identifier: MIT
#include "schema_keywords.hpp"

#include "json_pointer.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace schemaforge::gen::detail {
namespace {

using ojson = nlohmann::ordered_json;

// Sorted tables, searched by binary search: check_keywords classifies every key of every
// subschema, and string_views compare without the allocations and full-string compares that
// std::set<std::string> lookups cost.
constexpr std::array<std::string_view, 18> typed_keywords = {
    "$defs", "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "const", "definitions",
    "description", "enum", "items", "nullable", "oneOf", "prefixItems", "properties", "required", "title",
    "type"
};
static_assert(std::is_sorted(typed_keywords.begin(), typed_keywords.end()));

constexpr std::array<std::string_view, 32> kept_keywords = {
    "$anchor", "$comment", "$dynamicAnchor", "$id", "$schema", "$vocabulary", "contentEncoding",
    "contentMediaType", "default", "deprecated", "discriminator", "example", "examples", "exclusiveMaximum",
    "exclusiveMinimum", "format", "id", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
    "minLength", "minProperties", "minimum", "multipleOf", "pattern", "propertyNames", "readOnly", "strict",
    "uniqueItems", "writeOnly"
};
static_assert(std::is_sorted(kept_keywords.begin(), kept_keywords.end()));

constexpr std::array<std::string_view, 17> unsupported_keywords = {
    "$dynamicRef", "$recursiveAnchor", "$recursiveRef", "contains", "contentSchema", "dependencies",
    "dependentRequired", "dependentSchemas", "else", "if", "maxContains", "minContains", "not",
    "patternProperties", "then", "unevaluatedItems", "unevaluatedProperties"
};
static_assert(std::is_sorted(unsupported_keywords.begin(), unsupported_keywords.end()));

constexpr std::array<std::string_view, 7> type_names = {
    "array", "boolean", "integer", "null", "number", "object", "string"
};
static_assert(std::is_sorted(type_names.begin(), type_names.end()));

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& sorted, std::string_view key) {
  return std::binary_search(sorted.begin(), sorted.end(), key);
}

bool is_schema(const ojson& v) { return v.is_object() || v.is_boolean(); }

}  // namespace

bool is_validation_only(std::string_view keyword) {
  return listed(kept_keywords, keyword) && keyword != "$id" && keyword != "$schema";
}

void check_keywords(const ojson& s, const std::string& ptr, diagnostics& warnings, const std::string& file) {
  auto fail = [&](const std::string& key, const std::string& what) {
    throw input_error({diagnostic::severity::error, what, file, pointer_child(ptr, key)});
  };
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string& key = it.key();
    // Compared as a string_view: lengths first, so most comparisons stop before memcmp.
    const std::string_view name = key;
    const ojson& v = it.value();
    if (name == "type") {
      bool ok = v.is_string() ? listed(type_names, v.get_ref<const std::string&>()) : v.is_array() && !v.empty();
      if (ok && v.is_array())
        ok = std::all_of(v.begin(), v.end(), [&](const ojson& t) { return t.is_string() && listed(type_names, t.get_ref<const std::string&>()); });
      if (!ok) fail(key, "\"type\" must be one of null, boolean, object, array, number, string, integer, or a non-empty array of them");
    } else if (name == "properties" || name == "$defs" || name == "definitions") {
      if (!v.is_object()) fail(key, "\"" + key + "\" must be an object mapping names to schemas");
      for (auto p = v.begin(); p != v.end(); ++p)
        if (!is_schema(p.value()))
          throw input_error({diagnostic::severity::error, "a schema must be a JSON object or a boolean", file,
                             pointer_child(pointer_child(ptr, key), p.key())});
    } else if (name == "required") {
      if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const ojson& r) { return r.is_string(); }))
        fail(key, "\"required\" must be an array of property names (draft-04 boolean \"required\" is not supported)");
    } else if (name == "items") {
      if (!is_schema(v) && !v.is_array()) fail(key, "\"items\" must be a schema (or, in draft-07, an array of schemas)");
    } else if (name == "prefixItems") {
      if (!v.is_array()) fail(key, "\"prefixItems\" must be an array of schemas");
    } else if (name == "additionalProperties" || name == "additionalItems") {
      if (!is_schema(v)) fail(key, "\"" + key + "\" must be a schema or a boolean");
    } else if (name == "enum") {
      if (!v.is_array() || v.empty()) fail(key, "\"enum\" must be a non-empty array of values");
    } else if (name == "anyOf" || name == "oneOf" || name == "allOf") {
      if (!v.is_array() || v.empty()) fail(key, "\"" + key + "\" must be a non-empty array of schemas");
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!is_schema(v[i]))
          throw input_error({diagnostic::severity::error, "a schema must be a JSON object or a boolean", file,
                             ptr + "/" + key + "/" + std::to_string(i)});
    } else if (name == "$ref") {
      if (!v.is_string()) fail(key, "\"$ref\" must be a string such as \"#/$defs/Name\"");
    } else if (name == "nullable") {
      if (!v.is_boolean()) fail(key, "\"nullable\" must be true or false");
    } else if (name == "title" || name == "description") {
      if (!v.is_string()) fail(key, "\"" + key + "\" must be a string");
    } else if (listed(typed_keywords, name) || listed(kept_keywords, name)) {
      // Known and fine.
    } else if (listed(unsupported_keywords, name)) {
      warnings.push_back({diagnostic::severity::warning,
                          "keyword \"" + key + "\" is not supported; the C++ type ignores it (json_schema() keeps it)",
                          file, pointer_child(ptr, key)});
    } else if (name.starts_with("x-")) {
      // Vendor extensions are annotations.
    } else {
      warnings.push_back({diagnostic::severity::warning, "unknown keyword \"" + key + "\" is ignored (a typo?)", file,
                          pointer_child(ptr, key)});
    }
  }
}

}  // namespace schemaforge::gen::detail
