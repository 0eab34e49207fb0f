// SPDX-License-Identifier: MIT
#include "validation/draft_translation.hpp"
#include "validation/format_check.hpp"
#include "json_pointer_token.hpp"

#include <schemaforge/errors.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <vector>

namespace schemaforge::detail {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& what, const std::string& pointer) {
  throw error(make_error_code(errc::invalid_argument), what + " " + schema_location(pointer));
}

std::string child(const std::string& pointer, const std::string& token) {
  std::string out = pointer + "/";
  append_pointer_token(out, token);
  return out;
}
std::string child(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

// valijson percent-decodes the pointer of a `$ref`, so a literal '%' in a key must be encoded.
std::string as_valijson_ref(const std::string& pointer) {
  std::string out = "#";
  for (char c : pointer) {
    if (c == '%') {
      out += "%25";
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_decode(const std::string& text, const std::string& where) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        fail("malformed %-escape in $ref '" + text + "'", where);
      }
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// --- URIs: just enough of RFC 3986 to resolve `$id` and `$ref` inside one document. ---

bool has_scheme(const std::string& uri) {
  auto colon = uri.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string remove_dot_segments(const std::string& uri) {
  // Only the path part after "scheme://authority" is touched.
  std::size_t path_start = 0;
  if (auto authority = uri.find("://"); authority != std::string::npos) {
    path_start = uri.find('/', authority + 3);
    if (path_start == std::string::npos) return uri;
  }
  std::vector<std::string> segments;
  std::string path = uri.substr(path_start);
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    std::string segment = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (segment == "..") {
      if (segments.size() > 1) segments.pop_back();
    } else if (segment != ".") {
      segments.push_back(segment);
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  std::string out = uri.substr(0, path_start);
  for (std::size_t i = 0; i < segments.size(); ++i) out += (i ? "/" : "") + segments[i];
  if (!path.empty() && (path.ends_with("/.") || path.ends_with("/..")) && !out.ends_with("/")) out += "/";
  return out;
}

std::string resolve_uri(const std::string& base, const std::string& reference) {
  if (reference.empty()) return base;
  if (has_scheme(reference) || base.empty()) return remove_dot_segments(reference);
  if (reference.starts_with("//")) return base.substr(0, base.find(':') + 1) + reference;
  if (reference[0] == '/') {
    auto authority = base.find("://");
    if (authority == std::string::npos) return reference;
    auto path = base.find('/', authority + 3);
    return remove_dot_segments(base.substr(0, path) + reference);
  }
  auto slash = base.rfind('/');
  if (slash == std::string::npos) return reference;
  return remove_dot_segments(base.substr(0, slash + 1) + reference);
}

void split_fragment(const std::string& uri, std::string& address, std::string& fragment) {
  auto hash = uri.find('#');
  address = uri.substr(0, hash);
  fragment = hash == std::string::npos ? std::string() : uri.substr(hash + 1);
}

// --- keyword value checks ---

bool is_non_negative_integer(const json& value) {
  if (value.is_number_unsigned()) return true;
  if (value.is_number_integer()) return value.get<std::int64_t>() >= 0;
  if (value.is_number_float()) {
    double d = value.get<double>();
    return d >= 0 && std::floor(d) == d;
  }
  return false;
}

void check_regex(const std::string& pattern, const std::string& where) {
  try {
    std::regex compiled(pattern);
  } catch (const std::regex_error& e) {
    fail("pattern '" + pattern + "' is not a regular expression this validator understands (ECMAScript): " + e.what(),
         where);
  }
}

const std::set<std::string> simple_types = {"null", "boolean", "object", "array", "number", "string", "integer"};

// Keywords that neither assert nor apply subschemas: a modern `$ref` next to only these stays a plain `$ref`.
const std::set<std::string> annotation_keywords = {
    "$defs", "definitions", "title", "description", "default", "examples", "$comment", "deprecated", "readOnly",
    "writeOnly", "$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$vocabulary"};

class translator {
 public:
  explicit translator(schema_draft draft) : draft_(draft) {}

  json walk(const json& node, const std::string& original, const std::string& translated, std::string base);
  void resolve_references(json& document);

  void add_resource(const std::string& uri, const std::string& pointer) { resources_.emplace(uri, pointer); }

 private:
  bool modern() const { return draft_ == schema_draft::draft2019_09 || draft_ == schema_draft::draft2020_12; }
  const char* id_keyword() const { return draft_ == schema_draft::draft4 ? "id" : "$id"; }

  struct pending_reference {
    std::string location;  // pointer, in the translated document, of the object holding "$ref"
    std::string reference;
    std::string base;
    std::string original;  // pointer of the keyword in the input, for error messages
  };

  std::string resolve_target(const pending_reference& ref) const;

  schema_draft draft_;
  std::map<std::string, std::string> pointer_map_;  // schema's pointer in the input -> in the translated document
  std::map<std::string, std::string> resources_;    // absolute URI without fragment -> pointer in the input
  std::map<std::string, std::string> anchors_;      // "URI#name" -> pointer in the input
  std::vector<pending_reference> references_;
};

json translator::walk(const json& node, const std::string& original, const std::string& translated, std::string base) {
  pointer_map_.emplace(original, translated);
  if (node.is_boolean()) {
    // Draft-04 allows booleans only for additionalProperties/additionalItems; the draft-07 form
    // means the same there, and elsewhere it is read the draft-06 way rather than rejected.
    return node;
  }
  if (!node.is_object()) fail("a schema must be an object or a boolean, not " + std::string(node.type_name()), original);

  const bool has_ref = node.contains("$ref");
  // Up to draft-07 `$ref` ignores its siblings, `$id` included.
  if (auto id = node.find(id_keyword()); id != node.end() && (modern() || !has_ref)) {
    if (!id->is_string()) fail(std::string(id_keyword()) + " must be a string", child(original, id_keyword()));
    std::string address, fragment;
    split_fragment(id->get<std::string>(), address, fragment);
    if (!address.empty()) {
      base = resolve_uri(base, address);
      resources_.emplace(base, original);
    }
    if (!fragment.empty()) anchors_.emplace(base + "#" + fragment, original);
  }
  if (modern()) {
    for (const char* keyword : {"$anchor", "$dynamicAnchor"}) {
      if (auto anchor = node.find(keyword); anchor != node.end()) {
        if (!anchor->is_string()) fail(std::string(keyword) + " must be a string", child(original, keyword));
        anchors_.emplace(base + "#" + anchor->get<std::string>(), original);
      }
    }
  }

  json out = json::object();
  std::vector<json> extra_all_of;          // appended to allOf after the schema's own entries
  std::vector<std::string> refs_to_place;  // `$ref`s that go into allOf (modern drafts)

  auto sub = [&](const std::string& keyword, const json& value, const std::string& out_pointer) {
    return walk(value, child(original, keyword), out_pointer, base);
  };
  auto schema_map = [&](const std::string& keyword, const json& value, const std::string& out_keyword) {
    if (!value.is_object()) fail(keyword + " must be an object", child(original, keyword));
    json result = json::object();
    for (auto& [key, subschema] : value.items()) {
      result[key] = walk(subschema, child(child(original, keyword), key), child(child(translated, out_keyword), key), base);
    }
    return result;
  };
  auto schema_array = [&](const std::string& keyword, const json& value, const std::string& out_keyword,
                          bool non_empty) {
    if (!value.is_array() || (non_empty && value.empty())) {
      fail(keyword + (non_empty ? " must be a non-empty array of schemas" : " must be an array of schemas"),
           child(original, keyword));
    }
    json result = json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      result.push_back(walk(value[i], child(child(original, keyword), i), child(child(translated, out_keyword), i), base));
    }
    return result;
  };
  auto applies_subschemas = [&] {
    for (const char* keyword : {"allOf", "anyOf", "oneOf", "if", "$ref", "$dynamicRef", "$recursiveRef", "dependentSchemas"}) {
      if (node.contains(keyword)) return true;
    }
    return false;
  };

  for (auto& [keyword, value] : node.items()) {
    const std::string here = child(original, keyword);
    if (keyword == "$ref" || (modern() && (keyword == "$dynamicRef" || keyword == "$recursiveRef"))) {
      if (!value.is_string()) fail(keyword + " must be a string", here);
      refs_to_place.push_back(value.get<std::string>());
    } else if (keyword == "id" || keyword == "$id" || keyword == "$schema" || keyword == "$anchor" ||
               keyword == "$dynamicAnchor" || keyword == "$recursiveAnchor" || keyword == "$vocabulary") {
      // Consumed above; valijson would act on "id" itself and try to fetch it.
    } else if (keyword == "type") {
      auto check = [&](const json& name) {
        if (!name.is_string() || !simple_types.count(name.get<std::string>())) {
          fail("type must be one of null, boolean, object, array, number, string, integer, or an array of them", here);
        }
      };
      if (value.is_array()) {
        for (auto& name : value) check(name);
      } else {
        check(value);
      }
      out[keyword] = value;
      // Since draft-06 2.0 is an integer, but valijson asks the JSON library, which says "float".
      // "number and a multiple of 1" is the same set, and multipleOf only applies to numbers.
      const json names = value.is_array() ? value : json::array({value});
      const bool integer = std::find(names.begin(), names.end(), "integer") != names.end();
      const bool number = std::find(names.begin(), names.end(), "number") != names.end();
      if (integer && !number && draft_ != schema_draft::draft4) {
        json widened = json::array();
        for (auto& name : names) widened.push_back(name == "integer" ? json("number") : name);
        out[keyword] = widened.size() == 1 ? widened[0] : widened;
        out["x-schemaforge-type"] = value;  // for error messages: the type the author wrote
        extra_all_of.push_back({{"multipleOf", 1.0}});
      }
    } else if (keyword == "properties" || keyword == "patternProperties" || keyword == "$defs" || keyword == "definitions") {
      if (keyword == "patternProperties" && value.is_object()) {
        for (auto& [pattern, ignored] : value.items()) check_regex(pattern, child(here, pattern));
      }
      out[keyword] = schema_map(keyword, value, keyword);
    } else if (keyword == "dependencies" && !modern()) {
      if (!value.is_object()) fail("dependencies must be an object", here);
      json result = json::object();
      for (auto& [name, dependency] : value.items()) {
        if (dependency.is_array()) {
          for (auto& property : dependency) {
            if (!property.is_string()) fail("a dependency list must hold property names", child(here, name));
          }
          result[name] = dependency;
        } else {
          result[name] = walk(dependency, child(here, name), child(child(translated, "dependencies"), name), base);
        }
      }
      out[keyword] = result;
    } else if (keyword == "dependencies") {
      // Not a keyword since 2019-09 (split into dependentRequired/dependentSchemas): an annotation.
    } else if (keyword == "dependentRequired" && modern()) {
      if (!value.is_object()) fail("dependentRequired must be an object", here);
      for (auto& [name, dependency] : value.items()) {
        if (!dependency.is_array()) fail("dependentRequired values must be arrays of property names", child(here, name));
        for (auto& property : dependency) {
          if (!property.is_string()) fail("dependentRequired values must be arrays of property names", child(here, name));
        }
        out["dependencies"][name] = dependency;
      }
    } else if (keyword == "dependentSchemas" && modern()) {
      // Handled after the loop, once dependentRequired has claimed its names.
      if (!value.is_object()) fail("dependentSchemas must be an object", here);
    } else if (keyword == "items") {
      if (draft_ == schema_draft::draft2020_12) {
        if (value.is_array()) fail("items must be a schema in 2020-12; use prefixItems for tuples", here);
        const bool after_prefix = node.contains("prefixItems");
        const std::string out_keyword = after_prefix ? "additionalItems" : "items";
        out[out_keyword] = sub(keyword, value, child(translated, out_keyword));
      } else if (value.is_array()) {
        out[keyword] = schema_array(keyword, value, keyword, false);
      } else {
        out[keyword] = sub(keyword, value, child(translated, keyword));
      }
    } else if (keyword == "prefixItems" && draft_ == schema_draft::draft2020_12) {
      out["items"] = schema_array(keyword, value, "items", true);
    } else if (keyword == "additionalItems" && draft_ == schema_draft::draft2020_12) {
      // Not a keyword in 2020-12 (items took its place): an annotation.
    } else if (keyword == "additionalProperties" || keyword == "additionalItems" || keyword == "not" ||
               ((keyword == "contains" || keyword == "propertyNames") && draft_ != schema_draft::draft4) ||
               ((keyword == "if" || keyword == "then" || keyword == "else") && draft_ != schema_draft::draft4 &&
                draft_ != schema_draft::draft6)) {
      out[keyword] = sub(keyword, value, child(translated, keyword));
    } else if (keyword == "allOf" || keyword == "anyOf" || keyword == "oneOf") {
      out[keyword] = schema_array(keyword, value, keyword, true);
    } else if (keyword == "enum") {
      if (!value.is_array()) fail("enum must be an array", here);
      out[keyword] = value;
    } else if (keyword == "required") {
      if (!value.is_array()) fail("required must be an array of property names", here);
      for (auto& name : value) {
        if (!name.is_string()) fail("required must be an array of property names", here);
      }
      out[keyword] = value;
    } else if (keyword == "multipleOf") {
      if (!value.is_number() || value.get<double>() <= 0) fail("multipleOf must be a number greater than 0", here);
      // valijson truncates a fractional instance to an integer for an integer divisor (4.5 would be a
      // multiple of 2), so the divisor is always given as a double.
      out[keyword] = value.get<double>();
    } else if (keyword == "minimum" || keyword == "maximum") {
      if (!value.is_number()) fail(keyword + " must be a number", here);
      out[keyword] = value;
    } else if (keyword == "exclusiveMinimum" || keyword == "exclusiveMaximum") {
      if (draft_ == schema_draft::draft4) {
        // Draft-04's boolean modifier becomes draft-07's number (below, once both are known).
        if (!value.is_boolean()) fail(keyword + " must be a boolean in draft-04", here);
      } else {
        if (!value.is_number()) fail(keyword + " must be a number", here);
        out[keyword] = value;
      }
    } else if (keyword == "maxLength" || keyword == "minLength" || keyword == "maxItems" || keyword == "minItems" ||
               keyword == "maxProperties" || keyword == "minProperties") {
      if (!is_non_negative_integer(value)) fail(keyword + " must be a non-negative integer", here);
      out[keyword] = value;
    } else if (keyword == "minContains" || keyword == "maxContains") {
      if (!is_non_negative_integer(value)) fail(keyword + " must be a non-negative integer", here);
    } else if (keyword == "uniqueItems") {
      if (!value.is_boolean()) fail("uniqueItems must be a boolean", here);
      out[keyword] = value;
    } else if (keyword == "pattern") {
      if (!value.is_string()) fail("pattern must be a string", here);
      check_regex(value.get<std::string>(), here);
      out[keyword] = value;
    } else if (keyword == "format") {
      if (!value.is_string()) fail("format must be a string", here);
      const std::string format = value.get<std::string>();
      // Asserted by schemaforge's own constraint (format_check.hpp): valijson's reads a number as a
      // string and throws, and compiles a regular expression on every check.
      if (is_asserted_format(format)) out[asserted_format_keyword] = format;
    } else if (keyword == "const" && draft_ != schema_draft::draft4) {
      out[keyword] = value;
    } else if (keyword == "unevaluatedProperties" && modern()) {
      if (value == json(true) || node.contains("additionalProperties")) continue;  // nothing left unevaluated
      if (applies_subschemas()) {
        fail("unevaluatedProperties beside allOf/anyOf/oneOf/if/$ref/dependentSchemas is not supported; "
             "list the properties in one schema and use additionalProperties",
             here);
      }
      out["additionalProperties"] = sub(keyword, value, child(translated, "additionalProperties"));
    } else if (keyword == "unevaluatedItems" && modern()) {
      if (value == json(true)) continue;
      if (applies_subschemas() || node.contains("contains")) {
        fail("unevaluatedItems beside allOf/anyOf/oneOf/if/$ref/contains is not supported; "
             "use items/prefixItems in one schema",
             here);
      }
      const json* items = node.contains("items") ? &node["items"] : nullptr;
      const bool tuple = draft_ == schema_draft::draft2020_12 ? node.contains("prefixItems") : (items && items->is_array());
      if (draft_ == schema_draft::draft2020_12 ? items != nullptr : (items && (!items->is_array() || node.contains("additionalItems")))) {
        continue;  // every item is already evaluated by items/additionalItems
      }
      const std::string out_keyword = tuple ? "additionalItems" : "items";
      out[out_keyword] = sub(keyword, value, child(translated, out_keyword));
    } else if (keyword.rfind("x-schemaforge-", 0) == 0) {
      // Reserved for the translation's own keywords; a schema cannot smuggle them in.
    } else if (keyword == "contentSchema") {
      // An annotation: content is not decoded.
    } else {
      // Annotations and unknown keywords stay where they are: valijson ignores them, and a `$ref`
      // may still point into them.
      out[keyword] = value;
    }
  }

  if (modern()) {
    if (auto dependent = node.find("dependentSchemas"); dependent != node.end()) {
      for (auto& [name, subschema] : dependent->items()) {
        const std::string from = child(child(original, "dependentSchemas"), name);
        if (out.contains("dependencies") && out["dependencies"].contains(name)) {
          // Both dependentRequired and dependentSchemas for one name: draft-07 holds one per name.
          std::size_t index = (out.contains("allOf") ? out["allOf"].size() : 0) + extra_all_of.size();
          extra_all_of.push_back({{"dependencies",
                                   {{name, walk(subschema, from,
                                                child(child(child(child(translated, "allOf"), index), "dependencies"), name),
                                                base)}}}});
        } else {
          out["dependencies"][name] = walk(subschema, from, child(child(translated, "dependencies"), name), base);
        }
      }
    }
    if (node.contains("contains") && (node.contains("minContains") || node.contains("maxContains"))) {
      const json min = node.value("minContains", json(1));
      if (node.contains("maxContains")) {
        fail("maxContains is not supported by this validator", child(original, "maxContains"));
      }
      if (min == json(0) || min == json(0.0)) {
        out.erase("contains");  // at least zero matches: always true
      } else if (min != json(1) && min != json(1.0)) {
        fail("minContains other than 0 or 1 is not supported by this validator", child(original, "minContains"));
      }
    }
  }
  if (draft_ == schema_draft::draft4) {
    for (const char* bound : {"Minimum", "Maximum"}) {
      const std::string exclusive = std::string("exclusive") + bound;
      std::string plain = bound;
      plain[0] = static_cast<char>(std::tolower(plain[0]));
      if (node.value(exclusive, false)) {
        if (!node.contains(plain)) fail(exclusive + " needs " + plain + " beside it", child(original, exclusive));
        out[exclusive] = node[plain];
        out.erase(plain);
      }
    }
  }

  // Modern `$ref` applies together with its siblings; valijson would ignore them, so it moves into allOf.
  bool ref_alone = true;
  for (auto& [keyword, ignored] : out.items()) {
    if (!annotation_keywords.count(keyword)) ref_alone = false;
  }
  if (!extra_all_of.empty()) ref_alone = false;
  for (std::size_t i = 0; i < refs_to_place.size(); ++i) {
    if (!modern() || (ref_alone && refs_to_place.size() == 1)) {
      out["$ref"] = refs_to_place[i];
      references_.push_back({translated, refs_to_place[i], base, child(original, "$ref")});
    } else {
      std::size_t index = (out.contains("allOf") ? out["allOf"].size() : 0) + extra_all_of.size();
      extra_all_of.push_back({{"$ref", refs_to_place[i]}});
      references_.push_back({child(child(translated, "allOf"), index), refs_to_place[i], base, child(original, "$ref")});
    }
  }
  for (auto& entry : extra_all_of) out["allOf"].push_back(std::move(entry));
  return out;
}

std::string translator::resolve_target(const pending_reference& ref) const {
  std::string address, fragment;
  split_fragment(ref.reference, address, fragment);
  fragment = percent_decode(fragment, ref.original);
  const std::string resource = resolve_uri(ref.base, address);
  if (!fragment.empty() && fragment[0] != '/') {
    auto anchor = anchors_.find(resource + "#" + fragment);
    if (anchor == anchors_.end()) fail("$ref '" + ref.reference + "' names no anchor in this schema", ref.original);
    return anchor->second;
  }
  auto found = resources_.find(resource);
  if (found == resources_.end()) {
    fail("$ref '" + ref.reference + "' points outside this schema; remote references are not supported, "
         "bundle the referenced schema into $defs",
         ref.original);
  }
  return found->second + fragment;
}

void translator::resolve_references(json& document) {
  std::map<std::string, std::string> targets;  // translated location of each `$ref` -> translated target
  for (const auto& ref : references_) {
    const std::string target = resolve_target(ref);
    // The target may sit below a schema whose path changed (prefixItems -> items, ...): map the
    // longest translated ancestor and keep the rest of the path.
    std::string prefix = target, rest;
    while (true) {
      if (auto mapped = pointer_map_.find(prefix); mapped != pointer_map_.end()) {
        prefix = mapped->second;
        break;
      }
      auto slash = prefix.rfind('/');
      if (slash == std::string::npos) {
        fail("$ref '" + ref.reference + "' points to nothing in this schema", ref.original);
      }
      rest = prefix.substr(slash) + rest;
      prefix.erase(slash);
    }
    const std::string translated_target = prefix + rest;
    if (!document.contains(json::json_pointer(translated_target))) {
      fail("$ref '" + ref.reference + "' points to nothing in this schema", ref.original);
    }
    if (const json& target_value = document[json::json_pointer(translated_target)];
        !target_value.is_object() && !target_value.is_boolean()) {
      fail("$ref '" + ref.reference + "' points to a value that is not a schema", ref.original);
    }
    document[json::json_pointer(ref.location)]["$ref"] = as_valijson_ref(translated_target);
    targets[ref.location] = translated_target;
  }
  // valijson recurses forever on a `$ref` that only leads to other `$ref`s in a cycle.
  for (const auto& [start, first] : targets) {
    std::set<std::string> seen{start};
    std::string at = first;
    while (true) {
      const json& target = document[json::json_pointer(at)];
      if (!target.is_object() || target.size() != 1 || !target.contains("$ref")) break;
      if (!seen.insert(at).second) fail("$ref cycle that never reaches a schema", at);
      auto next = targets.find(at);
      if (next == targets.end()) break;
      at = next->second;
    }
  }
}

schema_draft detect_draft(const json& document) {
  if (!document.is_object() || !document.contains("$schema")) return schema_draft::draft2020_12;
  const json& declared = document["$schema"];
  if (!declared.is_string()) fail("$schema must be a string", "/$schema");
  std::string uri = declared.get<std::string>();
  const std::string original = uri;
  for (const char* scheme : {"http://", "https://"}) {
    if (uri.starts_with(scheme)) uri.erase(0, std::string(scheme).size());
  }
  while (uri.ends_with("#")) uri.pop_back();
  if (uri == "json-schema.org/draft-04/schema") return schema_draft::draft4;
  if (uri == "json-schema.org/draft-06/schema") return schema_draft::draft6;
  if (uri == "json-schema.org/draft-07/schema") return schema_draft::draft7;
  if (uri == "json-schema.org/draft/2019-09/schema") return schema_draft::draft2019_09;
  if (uri == "json-schema.org/draft/2020-12/schema") return schema_draft::draft2020_12;
  fail("unsupported $schema '" + original + "'; use draft-07 or 2020-12 (draft-04, draft-06 and 2019-09 work too)",
       "/$schema");
}

}  // namespace

std::string schema_location(const std::string& pointer) {
  return pointer.empty() ? "(at the schema root)" : "(at " + pointer + ")";
}

translated_schema translate_for_valijson(const nlohmann::json& document) {
  translated_schema result;
  result.draft = detect_draft(document);
  translator walker(result.draft);
  walker.add_resource("", "");
  std::string base;
  if (document.is_object()) {
    const char* id_keyword = result.draft == schema_draft::draft4 ? "id" : "$id";
    if (auto id = document.find(id_keyword); id != document.end() && id->is_string()) {
      std::string fragment;
      split_fragment(id->get<std::string>(), base, fragment);
    }
  }
  result.document = walker.walk(document, "", "", base);
  walker.resolve_references(result.document);
  return result;
}

}  // namespace schemaforge::detail
