// SPDX-License-Identifier: MIT
#include "schema_keywords.hpp"

#include <algorithm>
#include <set>

namespace schemaforge::gen::detail {
namespace {

using ojson = nlohmann::ordered_json;

const std::set<std::string>& typed_keywords() {
  static const std::set<std::string> k = {"type", "properties", "required", "items", "prefixItems", "additionalItems",
                                          "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "$defs", "definitions",
                                          "additionalProperties", "nullable", "title", "description"};
  return k;
}

const std::set<std::string>& kept_keywords() {
  static const std::set<std::string> k = {
      "$schema", "$id", "id", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary", "format", "default", "examples",
      "example", "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "discriminator",
      "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern",
      "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "propertyNames", "strict"};
  return k;
}

const std::set<std::string>& unsupported_keywords() {
  static const std::set<std::string> k = {"not", "if", "then", "else", "dependentRequired", "dependentSchemas",
                                          "dependencies", "patternProperties", "unevaluatedProperties",
                                          "unevaluatedItems", "contains", "minContains", "maxContains",
                                          "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "contentSchema"};
  return k;
}

std::string token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

bool is_schema(const ojson& v) { return v.is_object() || v.is_boolean(); }

}  // namespace

bool is_validation_only(const std::string& keyword) {
  return kept_keywords().count(keyword) != 0 && keyword != "$id" && keyword != "$schema";
}

void check_keywords(const ojson& s, const std::string& ptr, diagnostics& warnings, const std::string& file) {
  auto fail = [&](const std::string& key, const std::string& what) {
    throw input_error({diagnostic::severity::error, what, file, ptr + "/" + token(key)});
  };
  static const std::set<std::string> type_names = {"null", "boolean", "object", "array", "number", "string", "integer"};
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string& key = it.key();
    const ojson& v = it.value();
    if (key == "type") {
      bool ok = v.is_string() ? type_names.count(v.get<std::string>()) != 0 : v.is_array() && !v.empty();
      if (ok && v.is_array())
        ok = std::all_of(v.begin(), v.end(), [&](const ojson& t) { return t.is_string() && type_names.count(t.get<std::string>()) != 0; });
      if (!ok) fail(key, "\"type\" must be one of null, boolean, object, array, number, string, integer, or a non-empty array of them");
    } else if (key == "properties" || key == "$defs" || key == "definitions") {
      if (!v.is_object()) fail(key, "\"" + key + "\" must be an object mapping names to schemas");
      for (auto p = v.begin(); p != v.end(); ++p)
        if (!is_schema(p.value()))
          throw input_error({diagnostic::severity::error, "a schema must be a JSON object or a boolean", file,
                             ptr + "/" + token(key) + "/" + token(p.key())});
    } else if (key == "required") {
      if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const ojson& r) { return r.is_string(); }))
        fail(key, "\"required\" must be an array of property names (draft-04 boolean \"required\" is not supported)");
    } else if (key == "items") {
      if (!is_schema(v) && !v.is_array()) fail(key, "\"items\" must be a schema (or, in draft-07, an array of schemas)");
    } else if (key == "prefixItems") {
      if (!v.is_array()) fail(key, "\"prefixItems\" must be an array of schemas");
    } else if (key == "additionalProperties" || key == "additionalItems") {
      if (!is_schema(v)) fail(key, "\"" + key + "\" must be a schema or a boolean");
    } else if (key == "enum") {
      if (!v.is_array() || v.empty()) fail(key, "\"enum\" must be a non-empty array of values");
    } else if (key == "anyOf" || key == "oneOf" || key == "allOf") {
      if (!v.is_array() || v.empty()) fail(key, "\"" + key + "\" must be a non-empty array of schemas");
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!is_schema(v[i]))
          throw input_error({diagnostic::severity::error, "a schema must be a JSON object or a boolean", file,
                             ptr + "/" + key + "/" + std::to_string(i)});
    } else if (key == "$ref") {
      if (!v.is_string()) fail(key, "\"$ref\" must be a string such as \"#/$defs/Name\"");
    } else if (key == "nullable") {
      if (!v.is_boolean()) fail(key, "\"nullable\" must be true or false");
    } else if (key == "title" || key == "description") {
      if (!v.is_string()) fail(key, "\"" + key + "\" must be a string");
    } else if (typed_keywords().count(key) || kept_keywords().count(key)) {
      // Known and fine.
    } else if (unsupported_keywords().count(key)) {
      warnings.push_back({diagnostic::severity::warning,
                          "keyword \"" + key + "\" is not supported; the C++ type ignores it (json_schema() keeps it)",
                          file, ptr + "/" + token(key)});
    } else if (key.rfind("x-", 0) == 0) {
      // Vendor extensions are annotations.
    } else {
      warnings.push_back({diagnostic::severity::warning, "unknown keyword \"" + key + "\" is ignored (a typo?)", file,
                          ptr + "/" + token(key)});
    }
  }
}

}  // namespace schemaforge::gen::detail
