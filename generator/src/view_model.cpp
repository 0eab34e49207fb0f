// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/naming.hpp>
#include <schemaforge/gen/render.hpp>

#include "guard_hash.hpp"
#include "mustache/view_value.hpp"
#include "view_model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace schemaforge::gen {
namespace {

using json = nlohmann::json;  // for JSON text of values
using view = mustache::view_value;
using ojson = nlohmann::ordered_json;
using kind = ir::type_expr::kind;
using nkind = ir::named_type::kind;

const std::string D = "schemaforge_detail::";

// A C++ type and the functions that read it from a DOM, write it to a DOM and read it straight
// from JSON text (the direct parse path).
struct spelling {
  std::string cpp, reader, writer, puller, emitter;
};

struct features {
  bool map = false, tuple = false, box = false, variant = false, big_schema = false;
};

std::vector<std::string> doc_lines(const std::string& text) {
  std::vector<std::string> out;
  std::string safe = naming::comment_text(text);
  if (safe.empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto nl = safe.find('\n', start);
    out.push_back(safe.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string number_literal(double d) {
  std::string s = json(d).dump();
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

// The JSON text of a string, as nlohmann::json(text).dump() writes it (names and values here come
// from a parsed document, so they are valid UTF-8), without building a json value for it.
std::string json_string_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string integer_literal(std::int64_t v) {
  if (v == INT64_MIN) return "(-9223372036854775807 - 1)";
  return std::to_string(v);
}

std::int64_t as_int64(const ojson& v) {
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  return v.get<std::int64_t>();
}

class view_model_builder {
 public:
  view_model_builder(const ir::module& m, const render_options& o) : m_(m), options_(o) {}

  view build() {
    view vm;
    std::string source_file = naming::comment_text(m_.source_name.empty() ? std::string("<memory>") : m_.source_name);
    vm.add("source_file", source_file.find('\n') != std::string::npos ? std::string("<schema>") : std::move(source_file));
    vm.add("namespace", options_.cpp_namespace);
    view types = view::list();
    bool has_structs = false;
    for (std::size_t i : m_.order) {
      types.push_back(type_view(m_.types[i]));
      has_structs = has_structs || m_.types[i].k == nkind::structure;
    }
    // An alias root is defined after what it names.
    if (std::find(m_.order.begin(), m_.order.end(), m_.root) == m_.order.end()) types.push_back(type_view(m_.types[m_.root]));
    vm.add("types", std::move(types));
    vm.add("has_structs", has_structs);
    vm.add("uses_map", f_.map);
    vm.add("uses_tuple", f_.tuple);
    vm.add("uses_box", f_.box);
    vm.add("uses_variant", f_.variant);
    std::set<std::string> includes = {"<charconv>", "<cmath>", "<cstddef>", "<cstdint>", "<cstdlib>", "<cstring>", "<optional>", "<stdexcept>", "<string>",
                                      "<string_view>", "<type_traits>", "<utility>", "<vector>"};
    if (f_.map) includes.insert("<map>");
    if (f_.tuple) includes.insert("<tuple>");
    if (f_.box) includes.insert("<memory>");
    if (f_.variant) includes.insert({"<variant>", "<initializer_list>"});
    if (f_.big_schema) includes.insert("<initializer_list>");
    vm.add("includes", view::list(std::vector<std::string>(includes.begin(), includes.end())));
    return vm;
  }

 private:
  spelling spell(const ir::type_expr& t) {
    spelling s = spell_inner(t);
    if (!t.nullable) return s;
    return {"std::optional<" + s.cpp + ">", D + "read_nullable<" + s.reader + ", " + s.cpp + ">",
            D + "write_nullable<" + s.writer + ", " + s.cpp + ">", D + "pull_nullable<" + s.puller + ", " + s.cpp + ">",
            D + "emit_nullable<" + s.emitter + ", " + s.cpp + ">"};
  }

  spelling spell_inner(const ir::type_expr& t) {
    switch (t.k) {
      case kind::any: return {"nlohmann::json", D + "read_any", D + "write_any", D + "pull_any", D + "emit_any"};
      case kind::any_object: return {"nlohmann::json", D + "read_object", D + "write_any", D + "pull_dom<" + D + "read_object, nlohmann::json>", D + "emit_any"};
      case kind::boolean: return {"bool", D + "read_bool", D + "write_bool", D + "pull_bool", D + "emit_bool"};
      case kind::integer: return {"std::int64_t", D + "read_int", D + "write_int", D + "pull_int", D + "emit_int"};
      case kind::number: return {"double", D + "read_number", D + "write_number", D + "pull_number", D + "emit_number"};
      case kind::string: return {"std::string", D + "read_string", D + "write_string", D + "pull_string", D + "emit_string"};
      case kind::array: {
        auto e = spell(t.args[0]);
        return {"std::vector<" + e.cpp + ">", D + "read_array<" + e.reader + ", " + e.cpp + ">",
                D + "write_array<" + e.writer + ", " + e.cpp + ">", D + "pull_array<" + e.puller + ", " + e.cpp + ">",
                D + "emit_array<" + e.emitter + ", " + e.cpp + ">"};
      }
      case kind::map: {
        f_.map = true;
        auto e = spell(t.args[0]);
        return {"std::map<std::string, " + e.cpp + ">", D + "read_map<" + e.reader + ", " + e.cpp + ">",
                D + "write_map<" + e.writer + ", " + e.cpp + ">", D + "pull_map<" + e.puller + ", " + e.cpp + ">",
                D + "emit_map<" + e.emitter + ", " + e.cpp + ">"};
      }
      case kind::tuple: {
        f_.tuple = true;
        std::string cpp = "std::tuple<", readers, writers;
        for (std::size_t i = 0; i < t.args.size(); ++i) {
          auto e = spell(t.args[i]);
          cpp += (i ? ", " : "") + e.cpp;
          readers += ", " + e.reader;
          writers += ", " + e.writer;
        }
        cpp += ">";
        std::string reader = D + "read_tuple<" + cpp + ", " + (t.tuple_exact ? "true" : "false") + readers + ">";
        std::string writer = D + "write_tuple<" + cpp + writers + ">";
        return {cpp, reader, writer, D + "pull_dom<" + reader + ", " + cpp + ">", D + "emit_dom<" + writer + ", " + cpp + ">"};
      }
      case kind::named: {
        const auto& nt = m_.types[t.ref];
        if (nt.k == nkind::alias) return spell(nt.target);
        return {nt.name, "schemaforge_io::read_" + nt.name, "schemaforge_io::write_" + nt.name, "schemaforge_io::pull_" + nt.name,
                "schemaforge_io::emit_" + nt.name};
      }
      case kind::boxed: {
        f_.box = true;
        auto e = spell(t.args[0]);
        return {D + "box<" + e.cpp + ">", D + "read_box<" + e.reader + ", " + e.cpp + ">",
                D + "write_box<" + e.writer + ", " + e.cpp + ">", D + "pull_box<" + e.puller + ", " + e.cpp + ">",
                D + "emit_box<" + e.emitter + ", " + e.cpp + ">"};
      }
    }
    return {"nlohmann::json", D + "read_any", D + "write_any", D + "pull_any", D + "emit_any"};
  }

  // The C++ literal of a JSON value for a member of type `t`, and whether it is a constant
  // expression of a scalar type.
  std::string literal_for(const ojson& v, const ir::type_expr& t, bool& scalar) {
    scalar = true;
    switch (t.k) {
      case kind::boolean: return v.get<bool>() ? "true" : "false";
      case kind::integer: return integer_literal(as_int64(v));
      case kind::number: return number_literal(v.get<double>());
      case kind::string: return naming::cpp_string_literal(v.get<std::string>());
      case kind::named: {
        const auto& nt = m_.types[t.ref];
        if (nt.k == nkind::enumeration && v.is_string())
          for (const auto& e : nt.enumerators)
            if (e.value == v.get<std::string>()) return nt.name + "::" + e.name;
        break;
      }
      default: break;
    }
    scalar = false;
    return "nlohmann::json::parse(" + naming::cpp_string_literal(v.dump()) + ")";
  }

  std::string schema_body(const std::string& indent) {
    std::string text = m_.schema.dump(-1, ' ', true);
    std::string delim = "sf";
    for (int n = 1; text.find(")" + delim + "\"") != std::string::npos; ++n) delim = "sf" + std::to_string(n);
    std::vector<std::string> pieces;
    // MSVC limits one string literal to 16380 bytes and a concatenation to 65535.
    for (std::size_t i = 0; i < text.size(); i += 4000) pieces.push_back("R\"" + delim + "(" + text.substr(i, 4000) + ")" + delim + "\"");
    if (pieces.empty()) pieces.push_back("\"\"");
    std::string body;
    if (text.size() <= 60000) {
      body = indent + "return " + pieces[0];
      for (std::size_t i = 1; i < pieces.size(); ++i) body += "\n" + indent + "       " + pieces[i];
      body += ";";
    } else {
      f_.big_schema = true;
      body = indent + "static const std::string text = [] {\n" + indent + "  std::string s;\n" + indent +
             "  for (const char* piece : {";
      for (std::size_t i = 0; i < pieces.size(); ++i) body += (i ? ",\n" + indent + "                             " : "") + pieces[i];
      body += "})\n" + indent + "    s += piece;\n" + indent + "  return s;\n" + indent + "}();\n" + indent + "return text;";
    }
    return body;
  }

  std::string category(const ir::type_expr& t, std::size_t& required_keys, std::vector<std::string>& keys) {
    switch (t.k) {
      case kind::any: return "any";
      case kind::any_object:
      case kind::map: return "object";
      case kind::boolean: return "boolean";
      case kind::integer: return "integer";
      case kind::number: return "number";
      case kind::string: return "string";
      case kind::array:
      case kind::tuple: return "array";
      case kind::boxed: return category(t.args[0], required_keys, keys);
      case kind::named: {
        const auto& nt = m_.types[t.ref];
        switch (nt.k) {
          case nkind::enumeration: return "string";
          case nkind::checked:
          case nkind::alias: return category(nt.target, required_keys, keys);
          case nkind::variant: return "any";
          case nkind::structure:
            for (const auto& mem : nt.members)
              if (mem.required) keys.push_back(mem.json_name);
            required_keys = keys.size();
            return "object";
        }
      }
    }
    return "any";
  }

  static int rank(const std::string& c) {
    static const std::vector<std::string> order = {"string", "integer", "number", "boolean", "array", "object", "any"};
    return static_cast<int>(std::find(order.begin(), order.end(), c) - order.begin());
  }

  static std::string with_article(const std::string& c) {
    if (c == "any") return "any value";
    if (c == "integer" || c == "array" || c == "object") return "an " + c;
    return "a " + c;
  }

  void variant_view(const ir::named_type& nt, view& v) {
    f_.variant = true;
    view alternatives = view::list();
    std::vector<spelling> spells;
    std::string cpp = "std::variant<";
    for (std::size_t i = 0; i < nt.alternatives.size(); ++i) {
      spells.push_back(spell(nt.alternatives[i]));
      cpp += (i ? ", " : "") + spells.back().cpp;
      alternatives.push_back(view::object({{"index", i}, {"writer", spells.back().writer}, {"emitter", spells.back().emitter}}));
    }
    cpp += ">";
    v.add("target", cpp);
    v.add("alternatives", std::move(alternatives));
    if (!nt.discriminator.empty()) {
      view cases = view::list();
      std::string expected;
      for (std::size_t i = 0; i < nt.alternatives.size(); ++i) {
        cases.push_back(view::object({{"index", i}, {"tag", naming::cpp_string_literal(nt.tags[i])}, {"reader", spells[i].reader}}));
        expected += (i ? ", " : "") + json_string_text(nt.tags[i]);
      }
      view discriminator;
      discriminator.add("key", naming::cpp_string_literal(nt.discriminator));
      discriminator.add("cases", std::move(cases));
      discriminator.add("expected", naming::cpp_string_literal(expected));
      v.add("discriminator", std::move(discriminator));
      v.add("shape", false);
    } else {
      struct alt {
        std::size_t index;
        std::string cat;
        std::size_t required;
        std::vector<std::string> keys;
      };
      std::vector<alt> alts;
      for (std::size_t i = 0; i < nt.alternatives.size(); ++i) {
        alt a{i, "", 0, {}};
        a.cat = category(nt.alternatives[i], a.required, a.keys);
        alts.push_back(std::move(a));
      }
      std::stable_sort(alts.begin(), alts.end(), [](const alt& a, const alt& b) {
        if (rank(a.cat) != rank(b.cat)) return rank(a.cat) < rank(b.cat);
        return a.required > b.required;
      });
      view cases = view::list();
      std::vector<std::string> seen;
      for (std::size_t i = 0; i < alts.size(); ++i) {
        const auto& a = alts[i];
        bool fallible = false;
        for (std::size_t k = i + 1; k < alts.size(); ++k)
          if (alts[k].cat == a.cat || alts[k].cat == "any" || (a.cat == "integer" && alts[k].cat == "number")) fallible = true;
        std::string test;
        if (a.cat == "any") test = "true";
        else if (a.cat == "string") test = "j.is_string()";
        else if (a.cat == "integer") test = D + "is_integral(j)";
        else if (a.cat == "number") test = "j.is_number()";
        else if (a.cat == "boolean") test = "j.is_boolean()";
        else if (a.cat == "array") test = "j.is_array()";
        else {
          test = "j.is_object()";
          if (!a.keys.empty()) {
            test += " && " + D + "has_keys(j, {";
            for (std::size_t k = 0; k < a.keys.size(); ++k) test += (k ? ", " : "") + naming::cpp_string_literal(a.keys[k]);
            test += "})";
          }
        }
        cases.push_back(view::object({{"index", a.index}, {"test", test}, {"fallible", fallible}, {"reader", spells[a.index].reader}}));
        if (std::find(seen.begin(), seen.end(), a.cat) == seen.end()) seen.push_back(a.cat);
      }
      std::string expected;
      for (std::size_t i = 0; i < seen.size(); ++i)
        expected += (i == 0 ? "" : i + 1 == seen.size() ? " or " : ", ") + with_article(seen[i]);
      view shape;
      shape.add("cases", std::move(cases));
      shape.add("expected", expected);
      v.add("shape", std::move(shape));
      v.add("discriminator", false);
    }
  }

  view type_view(const ir::named_type& nt) {
    view v = view::object(48);  // a type has up to about 40 members
    v.add("name", nt.name);
    v.add("doc", view::list(doc_lines(nt.description)));
    v.add("is_struct", nt.k == nkind::structure);
    v.add("is_enum", nt.k == nkind::enumeration);
    v.add("is_variant", nt.k == nkind::variant);
    v.add("is_checked", nt.k == nkind::checked);
    v.add("is_using", nt.k == nkind::variant || nt.k == nkind::checked || nt.k == nkind::alias);
    v.add("has_io", nt.k != nkind::alias);
    v.add("schema", false);
    v.add("alias_schema", false);
    switch (nt.k) {
      case nkind::structure: struct_view(nt, v); break;
      case nkind::enumeration: {
        view enumerators = view::list();
        std::string expected;
        for (std::size_t i = 0; i < nt.enumerators.size(); ++i) {
          const auto& e = nt.enumerators[i];
          enumerators.push_back(view::object({{"name", e.name},
                                              {"qualified", nt.name + "::" + e.name},
                                              {"literal", naming::cpp_string_literal(e.value)},
                                              {"json_text", naming::cpp_string_literal(json_string_text(e.value))}}));
          expected += (i ? ", " : "") + json_string_text(e.value);
        }
        v.add("enumerators", std::move(enumerators));
        v.add("expected", naming::cpp_string_literal(expected));
        break;
      }
      case nkind::variant: variant_view(nt, v); break;
      case nkind::checked: {
        auto s = spell(nt.target);
        v.add("target", s.cpp);
        v.add("base_reader", s.reader);
        v.add("base_writer", s.writer);
        v.add("base_emitter", s.emitter);
        ojson allowed = ojson::array();
        for (const auto& a : nt.allowed) allowed.push_back(a);
        v.add("allowed", naming::cpp_string_literal(allowed.dump()));
        break;
      }
      case nkind::alias: {
        auto s = spell(nt.target);
        v.add("target", s.cpp);
        v.add("root_alias", nt.is_root ? view::object({{"reader", s.reader}, {"puller", s.puller}, {"writer", s.writer}, {"emitter", s.emitter}}) : view(false));
        if (nt.is_root) v["alias_schema"] = view::object({{"body", schema_body("  ")}});
        break;
      }
    }
    if (nt.k != nkind::alias) v.add("root_alias", false);
    if (nt.is_root) {
      ir::type_expr self;
      self.k = kind::named;
      self.ref = static_cast<std::size_t>(&nt - m_.types.data());
      auto s = spell(self);
      v.add("root_array", view::object({{"reader", s.reader}, {"puller", s.puller}, {"writer", s.writer}, {"emitter", s.emitter}}));
    } else {
      v.add("root_array", false);
    }
    // A root that is a union or an enum has no struct to carry json_schema(): a free function does.
    if (nt.is_root && nt.k != nkind::structure && nt.k != nkind::alias) v["alias_schema"] = view::object({{"body", schema_body("  ")}});
    // The union a root is (directly or through `using Root = Union;`) gets ADL from_json/to_json
    // like every struct and enum: nlohmann finds them through the namespaces of its alternatives.
    v.add("root_adl", nt.k == nkind::variant && is_root_union(nt));
    // The guard names the type and a hash of everything that shapes its code (not comments): two
    // headers in one namespace that define the same type identically define it once; defining it
    // differently still fails to compile, as it must. Whether this header's root is the union does
    // not change the union's code (its ADL functions have their own guard).
    v.add("guard", "SCHEMAFORGE_GENERATED_" + mangle(options_.cpp_namespace) + "_" + nt.name + "_" + guard_hash_hex(v));
    return v;
  }

  bool is_root_union(const ir::named_type& nt) const {
    if (nt.is_root) return true;
    const ir::named_type* t = &m_.types[m_.root];
    while (t->k == nkind::alias && t->target.k == kind::named && !t->target.nullable && t != &nt) t = &m_.types[t->target.ref];
    return t == &nt;
  }

  static std::string mangle(const std::string& ns) {
    // "a::b" -> "a_b": one underscore, since "__" anywhere in a macro name is reserved.
    std::string out;
    for (std::size_t i = 0; i < ns.size(); ++i) {
      if (ns[i] == ':') {
        out += '_';
        ++i;
      } else {
        out += ns[i];
      }
    }
    return out;
  }

  void struct_view(const ir::named_type& nt, view& v) {
    view members = view::list();
    view defaults = view::list();
    std::string equality;
    for (const auto& m : nt.members) {
      bool optional = !m.required || m.type.nullable;
      ir::type_expr inner = m.type;
      inner.nullable = false;
      spelling s = spell(inner);
      std::vector<std::string> doc = doc_lines(m.description);
      if (!m.constraints.empty())
        for (auto& line : doc_lines("Schema: " + m.constraints)) doc.push_back(line);
      view emit_always = !optional ? view::object({{"emitter", s.emitter}})
                         : m.required ? view::object({{"emitter", D + "emit_nullable<" + s.emitter + ", " + s.cpp + ">"}})
                                      : view(false);
      // A JSON-typed member (any value, or a checked one whose base is JSON) reads null as a value.
      bool json_valued = inner.k == kind::any ||
                         (inner.k == kind::named && m_.types[inner.ref].k == nkind::checked && m_.types[inner.ref].target.k == kind::any);
      std::string init;
      if (!optional) {
        bool scalar_kind = inner.k == kind::boolean || inner.k == kind::integer || inner.k == kind::number ||
                           (inner.k == kind::named && m_.types[inner.ref].k == nkind::enumeration) ||
                           (inner.k == kind::named && m_.types[inner.ref].k == nkind::checked &&
                            (m_.types[inner.ref].target.k == kind::integer || m_.types[inner.ref].target.k == kind::number ||
                             m_.types[inner.ref].target.k == kind::boolean));
        if (scalar_kind) init = "{}";
      }
      view const_check = false;
      if (m.const_value) {
        bool scalar = false;
        std::string lit = literal_for(*m.const_value, inner, scalar);
        if (!optional) init = " = " + lit;
        const_check = view::object({{"value", std::move(lit)}, {"text", naming::cpp_string_literal(m.const_value->dump())}});
      }
      if (m.default_value) {
        bool scalar = false;
        std::string lit = literal_for(*m.default_value, inner, scalar);
        std::string decl;
        if (scalar) {
          std::string type = inner.k == kind::string ? "std::string_view" : s.cpp;
          decl = "static constexpr " + type + " " + m.default_name + " = " + lit + ";";
        } else {
          decl = "static nlohmann::json " + m.default_name + "() { return " + lit + "; }";
        }
        defaults.push_back(view::object({{"declaration", std::move(decl)}}));
      }
      equality += (equality.empty() ? "" : " && ") + ("a." + m.name + " == b." + m.name);

      view mv = view::object(20);
      mv.add("name", m.name);
      mv.add("key", naming::cpp_string_literal(m.json_name));
      mv.add("doc", view::list(doc));
      mv.add("type", optional ? "std::optional<" + s.cpp + ">" : std::move(s.cpp));
      mv.add("reader", std::move(s.reader));
      mv.add("writer", std::move(s.writer));
      mv.add("puller", std::move(s.puller));
      mv.add("emitter", std::move(s.emitter));
      mv.add("key_text", naming::cpp_string_literal(json_string_text(m.json_name) + ":"));
      mv.add("emit_always", std::move(emit_always));
      mv.add("emit_if_present", optional && !m.required);
      mv.add("index", members.items().size());
      mv.add("must_be_present", m.required);
      mv.add("plain", !optional);
      mv.add("optional", optional);
      mv.add("required", m.required ? "true" : "false");
      mv.add("null_rule", m.type.nullable ? "empty" : (json_valued ? "value" : "error"));
      mv.add("null_when_empty", m.required ? "true" : "false");
      mv.add("const_check", std::move(const_check));
      mv.add("init", std::move(init));
      members.push_back(std::move(mv));
    }
    // The writers (DOM and direct) write members sorted by JSON name, as nlohmann's objects keep
    // them: the same member objects, referred to in that order (`members` gets no more elements,
    // so they stay where they are).
    std::vector<std::size_t> emit_order(nt.members.size());
    for (std::size_t i = 0; i < emit_order.size(); ++i) emit_order[i] = i;
    std::stable_sort(emit_order.begin(), emit_order.end(),
                     [&](std::size_t a, std::size_t b) { return nt.members[a].json_name < nt.members[b].json_name; });
    view emit_members = view::list();
    for (std::size_t i : emit_order) emit_members.push_back(view::reference_to(members.items()[i]));
    v.add("members", std::move(members));
    v.add("emit_members", std::move(emit_members));
    v.add("has_members", !nt.members.empty());
    v.add("member_count", nt.members.size());
    v.add("has_defaults", !defaults.items().empty());
    v.add("defaults", std::move(defaults));
    v.add("equality", equality.empty() ? "true" : equality);
    v.add("eq_params", equality.empty() ? "const " + nt.name + "&, const " + nt.name + "&"
                                        : "const " + nt.name + "& a, const " + nt.name + "& b");
    if (nt.is_root) v["schema"] = view::object({{"body", schema_body("    ")}});
  }

  const ir::module& m_;
  const render_options& options_;
  features f_;
};

}  // namespace

void check_namespace(const std::string& ns) {
  auto bad = [&](const std::string& why) {
    throw input_error({diagnostic::severity::error,
                       "invalid render_options::cpp_namespace \"" + ns + "\": " + why + "; use C++ identifiers separated by \"::\" (e.g. app::models)",
                       "", ""});
  };
  if (ns.empty()) bad("it is empty");
  std::size_t start = 0;
  while (true) {
    auto sep = ns.find("::", start);
    std::string part = ns.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    if (part.empty()) bad("a part is empty");
    bool first_ok = (part[0] >= 'a' && part[0] <= 'z') || (part[0] >= 'A' && part[0] <= 'Z') || part[0] == '_';
    bool rest_ok = std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!first_ok || !rest_ok) bad("\"" + part + "\" is not an identifier");
    if (naming::is_cpp_keyword(part)) bad("\"" + part + "\" is a C++ keyword");
    if (part.find("__") != std::string::npos || (part[0] == '_' && part.size() > 1 && part[1] >= 'A' && part[1] <= 'Z'))
      bad("\"" + part + "\" is a reserved identifier");
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
}

mustache::view_value build_view(const ir::module& module, const render_options& options) {
  return view_model_builder(module, options).build();
}

nlohmann::json build_view_model(const ir::module& module, const render_options& options) {
  return mustache::to_json(build_view(module, options));
}

}  // namespace schemaforge::gen
