// SPDX-License-Identifier: MIT
#include "structure/strict_schema.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <vector>
#include <string_view>

namespace schemaforge::detail {
namespace {

using nlohmann::json;

// Keywords strict mode rejects (OpenAI "Supported schemas", plus `default`, `examples` and
// annotations it refuses). pattern, format (listed ones), min/max numbers and min/maxItems stay.
constexpr std::array<std::string_view, 20> unsupported_keywords{
    "minLength", "maxLength", "patternProperties", "unevaluatedProperties", "propertyNames",
    "minProperties", "maxProperties", "unevaluatedItems", "contains", "minContains", "maxContains",
    "uniqueItems", "default", "examples", "dependentRequired", "dependentSchemas", "if", "then", "else",
    "$comment"};

constexpr std::array<std::string_view, 9> supported_formats{"date-time", "time", "date", "duration", "email",
                                                            "hostname", "ipv4", "ipv6", "uuid"};

bool allows_null(const json& schema, const json& root, int depth = 0);

const json* resolve_ref(const json& schema, const json& root) {
  auto ref = schema.find("$ref");
  if (ref == schema.end() || !ref->is_string()) return nullptr;
  const auto& text = ref->get_ref<const std::string&>();
  if (text.empty() || text[0] != '#') return nullptr;
  try {
    json::json_pointer pointer(text.substr(1));
    if (!root.contains(pointer)) return nullptr;
    return &root.at(pointer);
  } catch (const json::exception&) {
    return nullptr;
  }
}

bool allows_null(const json& schema, const json& root, int depth) {
  if (depth > 32) return false;  // recursive $refs: give up rather than loop
  if (schema.is_boolean()) return schema.get<bool>();
  if (!schema.is_object()) return false;
  if (schema.empty()) return true;
  if (auto n = schema.find("nullable"); n != schema.end() && n->is_boolean() && n->get<bool>()) return true;
  if (auto t = schema.find("type"); t != schema.end()) {
    if (t->is_string()) return *t == "null";
    if (t->is_array()) return std::find(t->begin(), t->end(), json("null")) != t->end();
  }
  if (auto c = schema.find("const"); c != schema.end()) return c->is_null();
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array())
    return std::find(e->begin(), e->end(), json(nullptr)) != e->end();
  for (const char* key : {"anyOf", "oneOf"}) {
    if (auto branches = schema.find(key); branches != schema.end() && branches->is_array()) {
      for (const auto& b : *branches)
        if (allows_null(b, root, depth + 1)) return true;
      return false;
    }
  }
  if (const json* target = resolve_ref(schema, root)) return allows_null(*target, root, depth + 1);
  // No type constraint at all: anything goes, null included.
  return !schema.contains("type") && !schema.contains("$ref") && !schema.contains("allOf") && !schema.contains("properties");
}

// Adds null to what `schema` accepts, in the least surprising spelling for strict mode.
json make_nullable(json schema, const json& root) {
  if (allows_null(schema, root)) return schema;
  if (schema.is_object()) {
    if (auto t = schema.find("type"); t != schema.end() && !schema.contains("anyOf") && !schema.contains("$ref")) {
      if (t->is_string()) *t = json::array({*t, "null"});
      else if (t->is_array()) t->push_back("null");
      if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) e->push_back(nullptr);
      return schema;
    }
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array() && schema.size() == 1) {
      any->push_back(json{{"type", "null"}});
      return schema;
    }
  }
  return json{{"anyOf", json::array({std::move(schema), json{{"type", "null"}}})}};
}

class adapter {
 public:
  explicit adapter(const json& root) : root_(root) {}
  bool strict = true;

  json adapt(const json& schema, bool at_root = false) {
    if (!schema.is_object()) {
      if (schema.is_boolean()) strict = false;  // `true`/`false` schemas have no strict spelling
      return schema;
    }
    json out = json::object();
    for (auto it = schema.begin(); it != schema.end(); ++it) {
      const auto& key = it.key();
      if (std::find(unsupported_keywords.begin(), unsupported_keywords.end(), key) != unsupported_keywords.end()) continue;
      if (at_root && (key == "$schema" || key == "$id")) continue;
      if (key == "nullable") continue;  // OpenAPI spelling; folded into `type` below
      if (key == "format") {
        if (!it->is_string() ||
            std::find(supported_formats.begin(), supported_formats.end(), it->get<std::string>()) == supported_formats.end())
          continue;
        out[key] = *it;
      } else if (key == "properties" && it->is_object()) {
        json props = json::object();
        for (auto p = it->begin(); p != it->end(); ++p) props[p.key()] = adapt(*p);
        out[key] = std::move(props);
      } else if ((key == "$defs" || key == "definitions") && it->is_object()) {
        json defs = json::object();
        for (auto d = it->begin(); d != it->end(); ++d) defs[d.key()] = adapt(*d);
        out[key] = std::move(defs);
      } else if ((key == "anyOf" || key == "oneOf" || key == "allOf" || key == "prefixItems") && it->is_array()) {
        json list = json::array();
        for (const auto& b : *it) list.push_back(adapt(b));
        // Strict mode knows anyOf only; for a structured answer "exactly one" is rarely the point,
        // and the original oneOf is still enforced by validation.
        out[key == "oneOf" ? "anyOf" : key] = std::move(list);
        if (key == "allOf" || key == "prefixItems") strict = false;  // strict mode has neither
      } else if (key == "items") {
        out[key] = adapt(*it);
      } else if (key == "additionalProperties") {
        if (it->is_object() || (it->is_boolean() && it->get<bool>())) strict = false;  // a map: not expressible
      } else if (key == "not") {
        strict = false;
      } else {
        out[key] = *it;
      }
    }
    if (auto n = schema.find("nullable"); n != schema.end() && n->is_boolean() && n->get<bool>()) out = make_nullable(std::move(out), root_);
    if (schema.contains("patternProperties")) strict = false;

    bool is_object = schema.contains("properties") ||
                     (schema.contains("type") && (schema["type"] == "object" ||
                                                  (schema["type"].is_array() &&
                                                   std::find(schema["type"].begin(), schema["type"].end(), json("object")) != schema["type"].end())));
    if (is_object) {
      out["additionalProperties"] = false;
      if (!out.contains("properties")) out["properties"] = json::object();
      json required_before = schema.value("required", json::array());
      json required = json::array();
      for (auto p = out["properties"].begin(); p != out["properties"].end(); ++p) {
        required.push_back(p.key());
        bool was_required = std::find(required_before.begin(), required_before.end(), json(p.key())) != required_before.end();
        if (!was_required) p.value() = make_nullable(std::move(p.value()), root_);
      }
      out["required"] = std::move(required);
    }
    return out;
  }

 private:
  const json& root_;
};

}  // namespace

strict_schema make_strict(const json& original) {
  adapter a(original);
  strict_schema result;
  result.schema = a.adapt(original, true);
  result.strict = a.strict;
  // Strict mode wants an object at the root.
  if (!original.is_object() || original.value("type", json()) != "object") result.strict = false;
  if (!result.strict) {
    // Non-strict requests carry the schema as written: a half-adapted schema would only mislead.
    result.schema = original;
    if (result.schema.is_object()) {
      result.schema.erase("$schema");
      result.schema.erase("$id");
    }
  }
  return result;
}

std::shared_ptr<const strict_schema> shared_strict_form(const json& original) {
  // Requests of a batch, and the attempts of one call, all carry the same schema: adapting it
  // anew each time cost about a tenth of a batch's CPU. Entries are keyed by the document's
  // address and checked by content (a comparison allocates nothing), so a document freed and
  // another built at the same address still gets its own form.
  struct entry {
    const json* address;
    json original;
    std::shared_ptr<const strict_schema> strict;
  };
  static std::mutex mutex;
  static std::vector<entry> entries;  // a handful of schemas in a process; the oldest go first
  constexpr std::size_t capacity = 16;
  {
    std::lock_guard lock(mutex);
    for (const auto& e : entries)
      if (e.address == &original && e.original == original) return e.strict;
  }
  auto strict = std::make_shared<const strict_schema>(make_strict(original));
  std::lock_guard lock(mutex);
  if (entries.size() == capacity) entries.erase(entries.begin());
  entries.push_back({&original, original, strict});
  return strict;
}

namespace {

void map_nulls(json& instance, const json& schema, const json& root, int depth) {
  if (depth > 64 || !schema.is_object()) return;
  if (const json* target = resolve_ref(schema, root)) {
    map_nulls(instance, *target, root, depth + 1);
    return;
  }
  for (const char* key : {"anyOf", "oneOf", "allOf"}) {
    if (auto branches = schema.find(key); branches != schema.end() && branches->is_array())
      for (const auto& b : *branches) map_nulls(instance, b, root, depth + 1);
  }
  if (instance.is_object()) {
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object()) return;
    json required = schema.value("required", json::array());
    for (auto p = props->begin(); p != props->end(); ++p) {
      auto member = instance.find(p.key());
      if (member == instance.end()) continue;
      bool optional = std::find(required.begin(), required.end(), json(p.key())) == required.end();
      if (member->is_null() && optional && !allows_null(*p, root)) {
        instance.erase(member);
        continue;
      }
      map_nulls(*member, *p, root, depth + 1);
    }
  } else if (instance.is_array()) {
    auto items = schema.find("items");
    auto prefix = schema.find("prefixItems");
    for (std::size_t i = 0; i < instance.size(); ++i) {
      if (prefix != schema.end() && prefix->is_array() && i < prefix->size())
        map_nulls(instance[i], (*prefix)[i], root, depth + 1);
      else if (items != schema.end() && items->is_object())
        map_nulls(instance[i], *items, root, depth + 1);
    }
  }
}

}  // namespace

void map_null_to_absent(json& instance, const json& original) { map_nulls(instance, original, original, 0); }

}  // namespace schemaforge::detail
