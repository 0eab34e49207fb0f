// SPDX-License-Identifier: MIT
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/gen/naming.hpp>
#include <schemaforge/gen/schema_loader.hpp>

#include "ordered_json_reader.hpp"
#include "json_pointer.hpp"
#include "schema_layout.hpp"
#include "schema_keywords.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace schemaforge::gen {
namespace {

using ojson = nlohmann::ordered_json;
using ir::type_expr;
using kind = ir::type_expr::kind;
// Keywords are compared as string_views (see member() below): lengths first, where comparing with
// a const char* runs strlen and memcmp for every key it meets.
using namespace std::string_view_literals;

std::string child(const std::string& ptr, std::string_view key) { return detail::pointer_child(ptr, key); }
std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

// A URI fragment may percent-encode characters; JSON pointers in $ref often do ("%24defs").
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '%' && i + 2 < s.size() + 0 && i + 2 <= s.size() - 1 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_schema_value(const ojson& v) { return v.is_object() || v.is_boolean(); }

// The value of `key` in `s`, or null when `s` is not an object or lacks it. A plain loop over the
// object's members: the loader asks some fifteen such questions per subschema, and
// basic_json::find pays for its iterator machinery (begin, end, comparison) on every one.
const ojson* member(const ojson& s, std::string_view key) {
  if (!s.is_object()) return nullptr;
  for (const auto& [name, value] : s.get_ref<const ojson::object_t&>())
    if (name == key) return &value;
  return nullptr;
}

bool has(const ojson& s, std::string_view key) { return member(s, key) != nullptr; }

// The text of a JSON string without copying it; a non-string throws what get<std::string>() throws.
std::string_view string_of(const ojson& v) {
  if (!v.is_string()) (void)v.get<std::string>();  // throws nlohmann's "type must be string"
  return v.get_ref<const std::string&>();
}

// Keywords that only document or constrain values: they never change the C++ type, so beside a
// $ref or in an allOf they need no merging.
bool is_annotation(std::string_view key) {
  static constexpr std::string_view keys[] = {"title", "description", "$comment", "default", "examples", "deprecated",
                                              "readOnly", "writeOnly", "$schema", "$id", "$anchor", "format"};
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

// A proposed type name, spelled out only when a named type is made from it: most subschemas
// (strings, numbers, arrays of them) never become one, and spelling a hint for every property
// (type_name(struct name + pascal_case(key))) cost more than building the property's type.
class name_hint {
 public:
  explicit name_hint(std::string text) : text_(std::move(text)), spelled_(true) {}
  // type_name(base + suffix), or type_name(base + pascal_case(suffix)) when `pascal`. `base` and
  // the characters of `suffix` must outlive this hint (both are on the caller's stack or in the schema).
  name_hint(const name_hint& base, std::string_view suffix, bool pascal) : base_(&base), suffix_(suffix), pascal_(pascal) {}

  const std::string& text() const {
    if (!spelled_) {
      text_ = naming::type_name(base_->text() + (pascal_ ? naming::pascal_case(suffix_) : std::string(suffix_)));
      spelled_ = true;
    }
    return text_;
  }

 private:
  const name_hint* base_ = nullptr;
  std::string_view suffix_;
  bool pascal_ = false;
  mutable std::string text_;
  mutable bool spelled_ = false;
};

// A set of names for membership questions, as views into strings that outlive it.
class sorted_names {
 public:
  sorted_names() = default;
  explicit sorted_names(const std::vector<std::string>& names) : names_(names.begin(), names.end()) { sort(); }
  // The keys of a JSON object.
  explicit sorted_names(const ojson& object) {
    names_.reserve(object.size());
    for (auto it = object.begin(); it != object.end(); ++it) names_.push_back(it.key());
    sort();
  }
  bool contains(std::string_view name) const { return std::binary_search(names_.begin(), names_.end(), name); }

 private:
  void sort() { std::sort(names_.begin(), names_.end()); }
  std::vector<std::string_view> names_;
};

class loader {
 public:
  // `owned`, when given, is `doc` itself, handed over: the module takes it instead of a copy.
  loader(const ojson& doc, ojson* owned, std::string file, diagnostics& warnings)
      : doc_(doc), owned_(owned), file_(std::move(file)), warnings_(warnings) {}

  ir::module run(const std::string& stem) {
    mod_.stem = stem;
    if (!is_schema_value(doc_)) fail("a schema must be a JSON object or a boolean; wrap it in {...}", "");
    std::string root_name = naming::type_name(stem);
    if (doc_.is_object()) {
      if (const ojson* t = member(doc_, "title"); t && t->is_string() && !naming::pascal_case(t->get<std::string>()).empty())
        root_name = naming::type_name(t->get<std::string>());
    }
    reserved_[""] = type_names_.unique(root_name);
    // $defs keys name their types, and win their names over names made up for inline types.
    for (std::string_view defs : {"$defs"sv, "definitions"sv}) {
      if (!doc_.is_object()) break;
      auto d = doc_.find(defs);
      if (d == doc_.end()) continue;
      if (!d->is_object()) fail("\"" + std::string(defs) + "\" must be an object of named schemas", child("", defs));
      for (auto it = d->begin(); it != d->end(); ++it)
        reserved_[child(child("", defs), it.key())] = type_names_.unique(naming::type_name(it.key()));
    }

    collect_document_nodes(doc_);
    std::sort(document_nodes_.begin(), document_nodes_.end(), std::less<const ojson*>());
    locations_.resize(document_nodes_.size());
    type_expr root = type_of_ref("");
    if (root.k == kind::named && !root.nullable && root_has_own_type_ && mod_.types[root.ref].k != ir::named_type::kind::checked) {
      mod_.root = root.ref;
    } else {
      // A root that is not an object (an array, a string, a nullable value...) still gets its
      // name, as an alias, so json_schema() has a home.
      ir::named_type alias;
      alias.k = ir::named_type::kind::alias;
      alias.name = reserved_[""];
      if (root.k == kind::named && mod_.types[root.ref].name == alias.name) {
        // The checked type took the reserved name; give the alias its own.
        alias.name = type_names_.unique(alias.name + "Root");
      }
      alias.target = root;
      // A root that is only a $ref to an object: that struct is the root type too, and carries
      // json_schema() (the whole document's schema, $defs included).
      if (root.k == kind::named && mod_.types[root.ref].k == ir::named_type::kind::structure) mod_.types[root.ref].is_root = true;
      alias.pointer = "";
      alias.description = description_of(doc_);
      mod_.types.push_back(std::move(alias));
      mod_.root = mod_.types.size() - 1;
    }
    mod_.types[mod_.root].is_root = true;

    // Every $defs entry is generated, used or not: a user may want the type on its own.
    for (std::string_view defs : {"$defs"sv, "definitions"sv}) {
      if (!doc_.is_object()) break;
      auto d = doc_.find(defs);
      if (d == doc_.end()) continue;
      for (auto it = d->begin(); it != d->end(); ++it) type_of_ref(child(child("", defs), it.key()));
    }
    pick_discriminators();
    mod_.source_name = file_;
    detail::lay_out(mod_, warnings_);
    if (owned_) mod_.schema = std::move(*owned_);  // doc_ is not read again
    else mod_.schema = doc_;
    return std::move(mod_);
  }

 private:
  [[noreturn]] void fail(const std::string& message, const std::string& ptr) {
    throw input_error({diagnostic::severity::error, message, file_, ptr});
  }
  void warn(const std::string& message, const std::string& ptr) {
    warnings_.push_back({diagnostic::severity::warning, message, file_, ptr});
  }

  static std::string description_of(const ojson& s) {
    if (!s.is_object()) return "";
    const ojson* d = member(s, "description");
    return d && d->is_string() ? d->get<std::string>() : "";
  }

  // Resolves a $ref string to a JSON pointer into this document.
  std::string resolve(const std::string& ref, const std::string& at) {
    std::string fragment;
    auto hash = ref.find('#');
    std::string base = hash == std::string::npos ? ref : ref.substr(0, hash);
    if (!base.empty()) {
      std::string id = doc_.is_object() && has(doc_, "$id") && doc_["$id"].is_string() ? doc_["$id"].get<std::string>() : "";
      if (id.empty() || (id != base && id.substr(0, id.find('#')) != base))
        fail("$ref \"" + ref + "\" points outside this file; only local references (#/$defs/..., #/definitions/...) are supported, so inline the referenced schema",
             child(at, "$ref"));
    }
    fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
    fragment = percent_decode(fragment);
    if (fragment.empty()) return "";
    if (fragment[0] != '/') {
      // A plain-name fragment refers to a $anchor.
      std::string found;
      find_anchor(doc_, "", fragment, found);
      if (found.empty()) fail("$ref \"" + ref + "\" names no $anchor in this file; fix the reference", child(at, "$ref"));
      return found;
    }
    bool ok = false;
    try {
      ok = doc_.contains(ojson::json_pointer(fragment));
    } catch (const ojson::exception&) {
      ok = false;
    }
    if (!ok) fail("$ref \"" + ref + "\" points nowhere in this file; fix the reference or add the definition", child(at, "$ref"));
    return fragment;
  }

  bool find_anchor(const ojson& node, const std::string& ptr, const std::string& name, std::string& found) {
    if (node.is_object()) {
      if (const ojson* a = member(node, "$anchor"); a && a->is_string() && *a == name) {
        found = ptr;
        return true;
      }
      for (auto it = node.begin(); it != node.end(); ++it)
        if (find_anchor(it.value(), child(ptr, it.key()), name, found)) return true;
    } else if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        if (find_anchor(node[i], child(ptr, i), name, found)) return true;
    }
    return false;
  }

  // The document's node at `ptr`; throws ojson::exception when there is none. Walks the
  // pointer's tokens in place: this runs for every subschema, and json_pointer allocates each.
  const ojson& at_pointer(const std::string& ptr) const {
    const ojson* node = &doc_;
    std::size_t at = 0;
    std::string token;
    while (at < ptr.size()) {
      if (ptr[at] != '/') return doc_.at(ojson::json_pointer(ptr));  // let nlohmann report it
      std::size_t end = ptr.find('/', at + 1);
      if (end == std::string::npos) end = ptr.size();
      std::string_view raw(ptr.data() + at + 1, end - at - 1);
      at = end;
      if (raw.find('~') != std::string_view::npos) return doc_.at(ojson::json_pointer(ptr));  // escapes: the slow path
      if (node->is_object()) {
        token.assign(raw);
        node = &node->at(token);
      } else if (node->is_array()) {
        std::size_t index = 0;
        auto [rest, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), index);
        if (ec != std::errc() || rest != raw.data() + raw.size() || raw.empty() || (raw.size() > 1 && raw[0] == '0'))
          return doc_.at(ojson::json_pointer(ptr));
        node = &node->at(index);
      } else {
        return doc_.at(ojson::json_pointer(ptr));
      }
    }
    return *node;
  }

  // Type of the schema at a document location; each location is built once, so a recursive
  // reference finds the named type created for its target.
  // `node`, when the caller has it, is the document's node at `ptr` (saves walking the pointer).
  type_expr type_of_ref(const std::string& ptr, const name_hint* fallback_hint = nullptr, const ojson* node = nullptr) {
    if (!node) node = &at_pointer(ptr);
    auto at = location_index(*node);
    // Not a schema node (a $ref to a string, say): build reports it.
    if (!at) return build(*node, ptr, fallback_hint ? *fallback_hint : name_hint(""), nullptr);
    location& here = locations_[*at];
    if (here.visited) {
      if (here.type) return *here.type;
      warn("recursive reference through a schema that is neither an object nor a union; typed as nlohmann::json", ptr);
      return type_expr::of(kind::any);
    }
    here.visited = true;
    auto reserved = reserved_.find(ptr);
    std::optional<name_hint> own_hint;
    const name_hint* hint = fallback_hint;
    if (reserved != reserved_.end()) {
      hint = &own_hint.emplace(reserved->second);
    } else if (!hint) {
      // Reached through a $ref to an inline location (#/properties/x): name it after its key.
      auto slash = ptr.find_last_of('/');
      hint = &own_hint.emplace(naming::type_name(slash == std::string::npos ? ptr : ptr.substr(slash + 1)));
    }
    type_expr t = build(*node, ptr, *hint, &here.type);
    here.type = t;
    return t;
  }

  // A subschema: when it is one of the document's nodes (not a copy made by merging) it goes
  // through type_of_ref, so a $ref elsewhere to the same location gets the same type. A document
  // node always comes with its own pointer, so asking whether `schema` is one is enough.
  type_expr sub(const ojson& schema, const std::string& ptr, const name_hint& hint) {
    if (location_index(schema)) return type_of_ref(ptr, &hint, &schema);
    return build(schema, ptr, hint, nullptr);
  }

  // Where `node` is among the document's nodes (objects, arrays, booleans), or nothing for a
  // copy made by merging or a node that cannot be a schema.
  std::optional<std::size_t> location_index(const ojson& node) const {
    auto at = std::lower_bound(document_nodes_.begin(), document_nodes_.end(), &node, std::less<const ojson*>());
    if (at == document_nodes_.end() || *at != &node) return std::nullopt;
    return static_cast<std::size_t>(at - document_nodes_.begin());
  }

  void collect_document_nodes(const ojson& node) {
    if (node.is_boolean()) document_nodes_.push_back(&node);  // a schema too
    if (!node.is_structured()) return;
    document_nodes_.push_back(&node);
    for (const auto& child_node : node) collect_document_nodes(child_node);
  }

  // Creates a named type (before its content, so recursion can refer to it). `memo`, when set,
  // is the type slot of the document location `ptr` this type is built for (a $ref target or
  // the root): filled at once, so a recursive reference finds this type.
  std::size_t new_named(ir::named_type::kind k, const ojson& s, const std::string& ptr, const name_hint& hint,
                        std::optional<type_expr>* memo) {
    ir::named_type nt;
    nt.k = k;
    nt.pointer = ptr;
    nt.description = description_of(s);
    if (auto reserved = memo ? reserved_.find(ptr) : reserved_.end(); reserved != reserved_.end()) {
      nt.name = reserved->second;
    } else {
      std::string wanted = hint.text();
      if (const ojson* t = member(s, "title"); t && t->is_string() && !naming::pascal_case(t->get<std::string>()).empty())
        wanted = naming::type_name(t->get<std::string>());
      if (wanted.empty()) wanted = "Unnamed";
      nt.name = type_names_.unique(wanted);
    }
    mod_.types.push_back(std::move(nt));
    std::size_t index = mod_.types.size() - 1;
    if (memo) {
      if (ptr.empty()) root_has_own_type_ = true;
      *memo = named(index);
    }
    return index;
  }

  static type_expr named(std::size_t index, bool nullable = false) {
    type_expr t = type_expr::of(kind::named);
    t.ref = index;
    t.nullable = nullable;
    return t;
  }

  // The set of JSON types a schema allows, from "type" or, without it, from its keywords. Views
  // into `s` (or literals): asked once per subschema, where copies were a vector of allocations.
  std::vector<std::string_view> json_types(const ojson& s, bool& nullable) {
    std::vector<std::string_view> out;
    auto add = [&](std::string_view t) {
      if (t == "null") nullable = true;
      else if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    };
    if (const ojson* t = member(s, "type"); t) {
      if (t->is_string()) add(string_of(*t));
      else for (const auto& v : *t) add(string_of(v));
    } else {
      bool object_like = has(s, "properties") || has(s, "additionalProperties") || has(s, "required");
      bool array_like = has(s, "items") || has(s, "prefixItems");
      if (object_like) add("object");
      if (array_like) add("array");
    }
    // integer is a subset of number: "number" alone types both.
    if (std::find(out.begin(), out.end(), "number") != out.end())
      out.erase(std::remove(out.begin(), out.end(), "integer"), out.end());
    return out;
  }

  // Follows $ref chains and merges allOf, for questions about a schema's content. A schema with
  // neither is its own answer (most are: no copy); a merged one is kept for the loader's lifetime.
  const ojson& resolved(const ojson& s, const std::string& ptr, int depth = 0) {
    if (depth > 64) fail("$ref/allOf nesting is more than 64 deep (a reference cycle without an object?)", ptr);
    if (!s.is_object()) return s;
    if (const ojson* r = member(s, "$ref"); r && r->is_string()) {
      std::string target = resolve(r->get<std::string>(), ptr);
      const ojson& base = resolved(at_pointer(target), target, depth + 1);
      if (s.size() == 1) return base;
      ojson rest = s;
      rest.erase("$ref");
      return merged_.emplace_back(merge(base, rest, ptr, depth));
    }
    if (const ojson* a = member(s, "allOf"); a && a->is_array()) {
      ojson out = s;
      out.erase("allOf");
      for (std::size_t i = 0; i < a->size(); ++i) out = merge(out, resolved((*a)[i], child(child(ptr, "allOf"), i), depth + 1), ptr, depth);
      return merged_.emplace_back(std::move(out));
    }
    return s;
  }

  // allOf semantics for the keywords that shape the type: properties united (a property in both
  // gets both schemas), required united, type sets intersected; other keywords: first one wins.
  ojson merge(const ojson& a, const ojson& b, const std::string& ptr, int depth) {
    if (b.is_boolean()) {
      if (!b.get<bool>()) warn("allOf contains false: no value can be valid; the branch is ignored", ptr);
      return a;
    }
    if (a.is_boolean()) return b;
    ojson out = a;
    for (auto it = b.begin(); it != b.end(); ++it) {
      const std::string& key = it.key();
      if (key == "$defs" || key == "definitions") continue;
      if (!out.contains(key)) {
        out[key] = it.value();
        continue;
      }
      if (key == "properties" && it.value().is_object() && out[key].is_object()) {
        for (auto p = it.value().begin(); p != it.value().end(); ++p) {
          if (!out[key].contains(p.key())) out[key][p.key()] = p.value();
          else if (out[key][p.key()] != p.value())
            out[key][p.key()] = merge(resolved(out[key][p.key()], ptr, depth + 1), resolved(p.value(), ptr, depth + 1), ptr, depth + 1);
        }
      } else if (key == "required" && it.value().is_array()) {
        for (const auto& r : it.value())
          if (std::find(out[key].begin(), out[key].end(), r) == out[key].end()) out[key].push_back(r);
      } else if (key == "type") {
        auto as_list = [](const ojson& t) {
          std::vector<std::string> v;
          if (t.is_string()) v.push_back(t.get<std::string>());
          else if (t.is_array()) for (const auto& x : t) if (x.is_string()) v.push_back(x.get<std::string>());
          return v;
        };
        auto x = as_list(out[key]), y = as_list(it.value());
        ojson both = ojson::array();
        for (const auto& t : x) {
          bool in_y = std::find(y.begin(), y.end(), t) != y.end() ||
                      (t == "integer" && std::find(y.begin(), y.end(), "number") != y.end());
          bool y_int = t == "number" && std::find(y.begin(), y.end(), "integer") != y.end();
          if (in_y) both.push_back(t);
          else if (y_int) both.push_back("integer");
        }
        if (both.empty()) fail("allOf combines schemas whose types have nothing in common; no value can be valid", ptr);
        out[key] = both.size() == 1 ? both[0] : both;
      } else if (key == "additionalProperties" && it.value().is_boolean() && !it.value().get<bool>()) {
        out[key] = false;
      }
    }
    return out;
  }

  // The central dispatch: schema `s` found at `ptr`, named `hint` unless it has a title. `memo`
  // is set when `s` is the document node at that pointer (a $ref target or the root).
  type_expr build(const ojson& s, const std::string& ptr, const name_hint& hint, std::optional<type_expr>* memo) {
    if (s.is_boolean()) {
      if (!s.get<bool>()) warn("schema false allows no value; typed as nlohmann::json", ptr);
      return type_expr::of(kind::any);
    }
    if (!s.is_object()) fail("a schema must be a JSON object or a boolean", ptr);
    check_keywords(s, ptr, warnings_, file_);

    bool nullable = false;
    if (const ojson* n = member(s, "nullable"); n && n->get<bool>()) nullable = true;

    if (const ojson* r = member(s, "$ref"); r) {
      std::string target = resolve(r->get<std::string>(), ptr);
      bool shaped = false;
      for (auto it = s.begin(); it != s.end(); ++it)
        if (it.key() != "$ref" && it.key() != "nullable" && it.key() != "$defs" && it.key() != "definitions" &&
            !is_annotation(it.key()) && !is_validation_only(it.key()))
          shaped = true;
      if (!shaped) {
        type_expr t = type_of_ref(target);
        t.nullable = t.nullable || nullable;
        return t;
      }
      // Keywords beside $ref (2020-12) add to it: same as allOf [target, rest].
      return build(resolved(s, ptr), ptr, hint, memo);
    }
    if (const ojson* a = member(s, "allOf"); a) {
      // allOf: [{$ref}] plus annotations keeps the referenced type and its name.
      bool only_annotations = true;
      for (auto it = s.begin(); it != s.end(); ++it)
        if (it.key() != "allOf" && it.key() != "nullable" && !is_annotation(it.key())) only_annotations = false;
      if (only_annotations && a->size() == 1 && (*a)[0].is_object() && (*a)[0].size() == 1 && has((*a)[0], "$ref")) {
        type_expr t = build((*a)[0], child(child(ptr, "allOf"), 0), hint, nullptr);
        t.nullable = t.nullable || nullable;
        return t;
      }
      for (std::size_t i = 0; i < a->size(); ++i) {
        const auto& branch = (*a)[i];
        if (branch.is_object()) check_keywords(branch, child(child(ptr, "allOf"), i), warnings_, file_);
      }
      type_expr t = build_resolved(resolved(s, ptr), ptr, hint, memo);
      t.nullable = t.nullable || nullable;
      return t;
    }
    type_expr t = build_resolved(s, ptr, hint, memo);
    t.nullable = t.nullable || nullable;
    return t;
  }

  bool is_null_schema(const ojson& s) {
    if (!s.is_object()) return false;
    if (const ojson* t = member(s, "type"); t && *t == "null") return true;
    if (const ojson* c = member(s, "const"); c && c->is_null()) return true;
    if (const ojson* e = member(s, "enum"); e && e->is_array() && e->size() == 1 && (*e)[0].is_null()) return true;
    return false;
  }

  // A schema without $ref/allOf at its top.
  type_expr build_resolved(const ojson& s, const std::string& ptr, const name_hint& hint, std::optional<type_expr>* memo) {
    bool nullable = false;
    if (const ojson* n = member(s, "nullable"); n && n->is_boolean() && n->get<bool>()) nullable = true;

    // anyOf / oneOf: a union, with `null` branches turned into nullability.
    for (std::string_view key : {"oneOf"sv, "anyOf"sv}) {
      const ojson* u = member(s, key);
      if (!u) continue;
      std::string uptr = child(ptr, key);
      ojson base = s;
      base.erase(key);
      for (const char* k : {"title", "description", "$comment", "default", "examples", "$id", "$schema", "$defs",
                            "definitions", "nullable", "$anchor"})
        base.erase(k);
      if (has(s, "oneOf") && has(s, "anyOf")) warn("both oneOf and anyOf: only oneOf is used for typing", child(ptr, "anyOf"));
      std::vector<std::pair<ojson, std::string>> branches;
      for (std::size_t i = 0; i < u->size(); ++i) {
        const ojson& b = (*u)[i];
        std::string bptr = child(uptr, i);
        if (is_null_schema(b) || (b.is_object() && has(b, "$ref") && is_null_schema(resolved(b, bptr)))) {
          nullable = true;
          continue;
        }
        if (b.is_boolean() && !b.get<bool>()) continue;
        if (!base.empty()) branches.push_back({merge(resolved(b, bptr), base, bptr, 0), bptr});
        else branches.push_back({b, bptr});
      }
      if (branches.empty()) {
        type_expr t = type_expr::of(kind::any);
        t.nullable = nullable;
        return t;
      }
      if (branches.size() == 1) {
        type_expr t = build(branches[0].first, branches[0].second, hint, nullptr);
        t.nullable = t.nullable || nullable;
        return t;
      }
      // Only string constants: an enum, not a variant of strings.
      std::vector<std::string> strings;
      bool all_strings = true;
      for (auto& [b, bptr] : branches) {
        const ojson& r = resolved(b, bptr);
        if (r.is_object() && has(r, "const") && r["const"].is_string()) strings.push_back(r["const"].get<std::string>());
        else if (r.is_object() && has(r, "enum") && std::all_of(r["enum"].begin(), r["enum"].end(), [](const ojson& v) { return v.is_string(); }))
          for (auto& v : r["enum"]) strings.push_back(v.get<std::string>());
        else all_strings = false;
      }
      if (all_strings) {
        type_expr t = make_enum(s, ptr, hint, memo, strings);
        t.nullable = t.nullable || nullable;
        return t;
      }
      std::size_t index = new_named(ir::named_type::kind::variant, s, ptr, hint, memo);
      std::string vname = mod_.types[index].name;
      std::vector<type_expr> alts;
      for (std::size_t i = 0; i < branches.size(); ++i) {
        type_expr a = build(branches[i].first, branches[i].second, name_hint(naming::type_name(vname + "Option" + std::to_string(i + 1))), nullptr);
        if (a.nullable) {
          nullable = true;
          a.nullable = false;
        }
        alts.push_back(a);
      }
      mod_.types[index].alternatives = std::move(alts);
      return named(index, nullable);
    }

    std::vector<std::string_view> types = json_types(s, nullable);

    if (const ojson* e = member(s, "enum"); e) {
      std::vector<std::string> strings;
      bool all_strings = true;
      ojson allowed = ojson::array();
      for (const auto& v : *e) {
        if (v.is_null()) {
          nullable = true;
          continue;
        }
        if (v.is_string()) strings.push_back(v.get<std::string>());
        else all_strings = false;
        allowed.push_back(v);
      }
      if (allowed.empty()) return only_null(s, ptr, hint, memo);
      if (all_strings && (types.empty() || (types.size() == 1 && types[0] == "string"))) {
        type_expr t = make_enum(s, ptr, hint, memo, strings);
        t.nullable = t.nullable || nullable;
        return t;
      }
      type_expr base = base_of_values(allowed);
      std::size_t index = new_named(ir::named_type::kind::checked, s, ptr, hint, memo);
      mod_.types[index].target = base;
      for (auto& v : allowed) mod_.types[index].allowed.push_back(v);
      return named(index, nullable);
    }
    if (const ojson* c = member(s, "const"); c) {
      if (c->is_null()) return only_null(s, ptr, hint, memo);
      std::size_t index = new_named(ir::named_type::kind::checked, s, ptr, hint, memo);
      mod_.types[index].target = base_of_values(ojson::array({*c}));
      mod_.types[index].allowed.push_back(*c);
      return named(index, nullable);
    }

    if (types.size() > 1) {
      // ["string", "integer"]: a variant with one alternative per JSON type.
      std::size_t index = new_named(ir::named_type::kind::variant, s, ptr, hint, memo);
      std::string vname = mod_.types[index].name;
      std::vector<type_expr> alts;
      for (const auto& t : types) {
        ojson one = s;
        one["type"] = t;
        one.erase("title");
        alts.push_back(build_resolved(one, ptr, name_hint(naming::type_name(vname + naming::pascal_case(t))), nullptr));
      }
      mod_.types[index].alternatives = std::move(alts);
      return named(index, nullable);
    }

    if (types.empty() && nullable && has(s, "type")) return only_null(s, ptr, hint, memo);
    type_expr out;
    std::string_view t = types.empty() ? "" : types[0];
    if (t.empty()) {
      out = type_expr::of(kind::any);
    } else if (t == "string") {
      out = type_expr::of(kind::string);
    } else if (t == "integer") {
      out = type_expr::of(kind::integer);
    } else if (t == "number") {
      out = type_expr::of(kind::number);
    } else if (t == "boolean") {
      out = type_expr::of(kind::boolean);
    } else if (t == "array") {
      out = build_array(s, ptr, hint);
    } else if (t == "object") {
      out = build_object(s, ptr, hint, memo);
    } else {
      fail("unknown type \"" + std::string(t) + "\"; use string, integer, number, boolean, array, object or null", child(ptr, "type"));
    }
    out.nullable = out.nullable || nullable;
    return out;
  }

  // {"type": "null"}, {"const": null}, {"enum": [null]}: nlohmann::json that must hold null.
  type_expr only_null(const ojson& s, const std::string& ptr, const name_hint& hint, std::optional<type_expr>* memo) {
    std::size_t index = new_named(ir::named_type::kind::checked, s, ptr, hint, memo);
    mod_.types[index].target = type_expr::of(kind::any);
    mod_.types[index].allowed.push_back(nullptr);
    return named(index);
  }

  static type_expr base_of_values(const ojson& values) {
    bool all_int = true, all_num = true, all_str = true, all_bool = true;
    for (const auto& v : values) {
      all_int = all_int && (v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>()))));
      all_num = all_num && v.is_number();
      all_str = all_str && v.is_string();
      all_bool = all_bool && v.is_boolean();
    }
    if (all_str) return type_expr::of(kind::string);
    if (all_bool) return type_expr::of(kind::boolean);
    if (all_int && all_num) {
      for (const auto& v : values)
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return type_expr::of(kind::number);
      return type_expr::of(kind::integer);
    }
    if (all_num) return type_expr::of(kind::number);
    return type_expr::of(kind::any);
  }

  type_expr make_enum(const ojson& s, const std::string& ptr, const name_hint& hint, std::optional<type_expr>* memo,
                      const std::vector<std::string>& values) {
    std::size_t index = new_named(ir::named_type::kind::enumeration, s, ptr, hint, memo);
    naming::scope names;
    std::set<std::string> seen;
    for (const auto& v : values) {
      if (!seen.insert(v).second) continue;
      mod_.types[index].enumerators.push_back({v, names.unique(naming::enumerator_name(v))});
    }
    return named(index);
  }

  type_expr build_array(const ojson& s, const std::string& ptr, const name_hint& hint) {
    const ojson* prefix = member(s, "prefixItems");
    const ojson* items = member(s, "items");
    const ojson* tuple_items = nullptr;
    std::string tuple_ptr;
    bool exact = false;
    if (prefix) {
      tuple_items = prefix;
      tuple_ptr = child(ptr, "prefixItems");
      if (items) {
        if (items->is_boolean() && !items->get<bool>()) exact = true;
        else warn("items after prefixItems are not typed; values past the tuple are ignored when reading", child(ptr, "items"));
      }
    } else if (items && items->is_array()) {
      tuple_items = items;
      tuple_ptr = child(ptr, "items");
      if (const ojson* ai = member(s, "additionalItems"); ai && ai->is_boolean() && !ai->get<bool>()) exact = true;
    }
    if (tuple_items) {
      type_expr t = type_expr::of(kind::tuple);
      t.tuple_exact = exact;
      for (std::size_t i = 0; i < tuple_items->size(); ++i)
        t.args.push_back(build((*tuple_items)[i], child(tuple_ptr, i), name_hint(naming::type_name(hint.text() + "Item" + std::to_string(i + 1))), nullptr));
      return t;
    }
    type_expr t = type_expr::of(kind::array);
    if (!items || (items->is_boolean() && items->get<bool>())) t.args.push_back(type_expr::of(kind::any));
    else t.args.push_back(sub(*items, child(ptr, "items"), name_hint(hint, "Item", false)));
    return t;
  }

  type_expr build_object(const ojson& s, const std::string& ptr, const name_hint& hint, std::optional<type_expr>* memo) {
    const ojson* props = member(s, "properties");
    const ojson* extra = member(s, "additionalProperties");
    const ojson* req = member(s, "required");
    bool has_props = props && !props->empty();
    bool has_required = req && !req->empty();
    if (!has_props && !has_required) {
      if (extra && extra->is_object()) {
        type_expr m = type_expr::of(kind::map);
        m.args.push_back(sub(*extra, child(ptr, "additionalProperties"), name_hint(hint, "Value", false)));
        return m;
      }
      if (!extra || extra->get<bool>()) return type_expr::of(kind::any_object);
      // additionalProperties false and no properties: the empty object, an empty struct.
    }
    if (extra && extra->is_object())
      warn("additionalProperties beside properties: the struct keeps only the listed properties", child(ptr, "additionalProperties"));

    std::size_t index = new_named(ir::named_type::kind::structure, s, ptr, hint, memo);
    const name_hint struct_name(mod_.types[index].name);
    naming::scope members;
    members.reserve("json_schema");
    std::vector<std::string> required;
    if (req)
      for (const auto& r : *req) required.push_back(r.get<std::string>());
    // Membership questions both ways (is this property required? has this required name a
    // property?) answered by binary search: wide objects asked them property by property.
    const sorted_names required_names(required);
    const sorted_names property_names = props && props->is_object() && !required.empty() ? sorted_names(*props) : sorted_names();
    std::vector<ir::member> out;
    out.reserve((props ? props->size() : 0) + required.size());
    if (props) {
      const std::string props_ptr = child(ptr, "properties");
      for (auto it = props->begin(); it != props->end(); ++it) {
        std::string pptr = child(props_ptr, it.key());
        const ojson& ps = it.value();
        if (ps.is_boolean() && !ps.get<bool>()) {
          warn("property schema false: the property can never be present, so it has no member", pptr);
          continue;
        }
        ir::member m;
        m.json_name = it.key();
        m.name = members.unique(naming::member_name(it.key()), true);
        m.required = required_names.contains(it.key());
        if (ps.is_object()) {
          const ojson& r = resolved(ps, pptr);
          m.description = description_of(ps);
          if (m.description.empty()) m.description = description_of(r);
          m.constraints = constraints_of(r.is_object() ? r : ps);
          if (const ojson* d = member(ps, "default"); d) m.default_value = *d;
          else if (r.is_object() && has(r, "default")) m.default_value = r["default"];
          // A const property (typical discriminator) keeps its primitive type and is checked.
          bool plain_const = has(ps, "const") && !has(ps, "$ref") && !has(ps, "enum") &&
                             !has(ps, "anyOf") && !has(ps, "oneOf") && !has(ps, "allOf") &&
                             !ps["const"].is_null();
          if (plain_const) {
            check_keywords(ps, pptr, warnings_, file_);
            m.const_value = ps["const"];
            m.type = base_of_values(ojson::array({ps["const"]}));
            if (const ojson* n = member(ps, "nullable"); n && n->get<bool>()) m.type.nullable = true;
            m.pointer = std::move(pptr);
            out.push_back(std::move(m));
            continue;
          }
        }
        m.type = sub(ps, pptr, name_hint(struct_name, it.key(), true));
        m.pointer = std::move(pptr);
        out.push_back(std::move(m));
      }
    }
    for (std::size_t i = 0; i < required.size(); ++i) {
      const auto& r = required[i];
      if (property_names.contains(r)) continue;
      // Required without a schema: present with any value.
      ir::member m;
      m.json_name = r;
      m.name = members.unique(naming::member_name(r), true);
      m.required = true;
      m.type = type_expr::of(kind::any);
      m.pointer = child(child(ptr, "required"), i);
      warn("required property \"" + r + "\" has no schema under properties; its member is nlohmann::json", m.pointer);
      out.push_back(std::move(m));
    }
    for (auto& m : out) {
      if (!m.default_value) continue;
      if (!default_fits(*m.default_value, m.type)) {
        warn("default does not fit the property's type; no default constant is generated", child(m.pointer, "default"));
        m.default_value.reset();
        continue;
      }
      m.default_name = members.unique("default_" + m.name, true);
    }
    mod_.types[index].members = std::move(out);
    return named(index);
  }

  bool default_fits(const ojson& v, const type_expr& t) {
    if (v.is_null()) return false;
    switch (t.k) {
      case kind::boolean: return v.is_boolean();
      case kind::integer:
        return (v.is_number_integer() && !(v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) ||
               (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
      case kind::number: return v.is_number();
      case kind::string: return v.is_string();
      case kind::named: {
        const auto& nt = mod_.types[t.ref];
        if (nt.k == ir::named_type::kind::enumeration)
          return v.is_string() && std::any_of(nt.enumerators.begin(), nt.enumerators.end(), [&](const ir::enumerator& e) { return e.value == v.get<std::string>(); });
        return true;  // exposed as JSON
      }
      default: return true;
    }
  }

  // One pass over the schema's keys rather than a search per constraint: this runs for every
  // property, and most hold none. The text lists them in the table's order.
  static std::string constraints_of(const ojson& s) {
    static constexpr std::array<std::string_view, 15> keys = {
        "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "default"};
    if (!s.is_object()) return "";
    std::array<const ojson*, keys.size()> found{};
    for (auto it = s.begin(); it != s.end(); ++it)
      if (auto k = std::find(keys.begin(), keys.end(), std::string_view(it.key())); k != keys.end()) found[k - keys.begin()] = &it.value();
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!found[i]) continue;
      if (!out.empty()) out += ", ";
      out += std::string(keys[i]) + ": " + (found[i]->is_string() ? found[i]->get<std::string>() : found[i]->dump());
    }
    return out;
  }

  // Discriminator: a property every object alternative has as a required string const, with
  // distinct values. Decided once all types exist, so recursive alternatives are complete.
  void pick_discriminators() {
    for (auto& nt : mod_.types) {
      if (nt.k != ir::named_type::kind::variant) continue;
      std::vector<const ir::named_type*> structs;
      for (const auto& a : nt.alternatives) {
        if (a.k != kind::named || mod_.types[a.ref].k != ir::named_type::kind::structure) {
          structs.clear();
          break;
        }
        structs.push_back(&mod_.types[a.ref]);
      }
      if (structs.size() < 2) continue;
      for (const auto& candidate : structs[0]->members) {
        std::vector<std::string> tags;
        for (const auto* st : structs) {
          auto m = std::find_if(st->members.begin(), st->members.end(), [&](const ir::member& x) { return x.json_name == candidate.json_name; });
          if (m == st->members.end() || !m->required || !m->const_value || !m->const_value->is_string()) break;
          std::string tag = m->const_value->get<std::string>();
          if (std::find(tags.begin(), tags.end(), tag) != tags.end()) break;
          tags.push_back(tag);
        }
        if (tags.size() == structs.size()) {
          nt.discriminator = candidate.json_name;
          nt.tags = tags;
          break;
        }
      }
    }
  }

  const ojson& doc_;
  ojson* owned_;
  std::string file_;
  diagnostics& warnings_;
  ir::module mod_;
  naming::scope type_names_;
  // Looked up by JSON pointer, never iterated: hashed.
  std::unordered_map<std::string, std::string> reserved_;  // pointer -> reserved type name (root, $defs keys)
  bool root_has_own_type_ = false;  // the root's schema made a named type of its own
  // What the loader knows of each document location, by its index in document_nodes_: whether
  // it is being built or done, and its type once known (or once a named type stands for it).
  // Indexed rather than hashed by pointer text: no string copy and no hashing per subschema.
  struct location {
    bool visited = false;
    std::optional<type_expr> type;
  };
  std::vector<location> locations_;
  // Objects, arrays and booleans of doc_, by address, sorted: filled once, then only searched,
  // so a sorted vector (one allocation) beats a hash set (one per node).
  std::vector<const ojson*> document_nodes_;
  std::deque<ojson> merged_;  // what resolved() merged; a deque, so references to them stay valid
};

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string schema_stem(const std::string& path) {
  std::string name = base_name(path);
  auto strip = [&](const std::string& suffix) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      name.erase(name.size() - suffix.size());
  };
  strip(".json");
  strip(".schema");
  return name;
}

namespace {

ir::module load_document(const nlohmann::ordered_json& schema, nlohmann::ordered_json* owned, const std::string& file,
                         const std::string& stem, diagnostics& warnings) {
  diagnostics found;
  loader l(schema, owned, file, found);
  ir::module m = l.run(stem);
  // A subschema reached along two paths (a $defs entry used twice) would warn twice.
  for (auto& d : found) {
    bool seen = std::any_of(warnings.begin(), warnings.end(), [&](const diagnostic& w) {
      return w.pointer == d.pointer && w.message == d.message && w.file == d.file;
    });
    if (!seen) warnings.push_back(std::move(d));
  }
  m.source_name = base_name(file);
  return m;
}

}  // namespace

ir::module load_schema(const nlohmann::ordered_json& schema, const std::string& file, const std::string& stem,
                       diagnostics& warnings) {
  return load_document(schema, nullptr, file, stem, warnings);
}

ir::module load_schema_file(const std::string& path, diagnostics& warnings) {
  std::string text = read_text_file(path);
  nlohmann::ordered_json doc;
  try {
    // Ordered, so members keep the schema's property order.
    doc = detail::parse_ordered_json(text);
  } catch (const nlohmann::ordered_json::parse_error&) {
    parse_json_text(text, path);  // throws input_error with line and column
    throw;
  }
  return load_document(doc, &doc, path, schema_stem(path), warnings);
}

}  // namespace schemaforge::gen
