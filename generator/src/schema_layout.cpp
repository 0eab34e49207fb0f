// SPDX-License-Identifier: MIT
#include "schema_layout.hpp"

#include <set>

namespace schemaforge::gen::detail {
namespace {

using kind = ir::type_expr::kind;
using nkind = ir::named_type::kind;

bool is_alias(const ir::named_type& t) { return t.k == nkind::variant || t.k == nkind::checked || t.k == nkind::alias; }

class layout {
 public:
  layout(ir::module& m, diagnostics& w) : m_(m), warnings_(w), alias_state_(m.types.size(), 0), struct_state_(m.types.size(), 0) {}

  void run() {
    for (std::size_t i = 0; i < m_.types.size(); ++i)
      if (m_.types[i].k == nkind::enumeration) m_.order.push_back(i);
    for (std::size_t i = 0; i < m_.types.size(); ++i)
      if (is_alias(m_.types[i])) visit_alias(i);
    if (m_.types[m_.root].k == nkind::structure) visit_struct(m_.root);
    for (std::size_t i = 0; i < m_.types.size(); ++i)
      if (m_.types[i].k == nkind::structure) visit_struct(i);
  }

 private:
  template <class F>
  void for_each_expr(ir::named_type& t, F&& f) {
    for (auto& member : t.members) f(member.type);
    for (auto& alt : t.alternatives) f(alt);
    if (t.k == nkind::checked || t.k == nkind::alias) f(t.target);
  }

  void visit_alias(std::size_t i) {
    if (alias_state_[i] != 0) return;
    alias_state_[i] = 1;
    for_each_expr(m_.types[i], [&](ir::type_expr& e) { walk_alias(e, m_.types[i]); });
    alias_state_[i] = 2;
    m_.order.push_back(i);
  }

  void walk_alias(ir::type_expr& t, const ir::named_type& owner) {
    if (t.k == kind::named) {
      if (!is_alias(m_.types[t.ref])) return;
      if (alias_state_[t.ref] == 1) {
        warnings_.push_back({diagnostic::severity::warning,
                             "union \"" + m_.types[t.ref].name +
                                 "\" contains itself with no object in between; the inner occurrence is typed as nlohmann::json",
                             m_.source_name, owner.pointer});
        bool nullable = t.nullable;
        t = ir::type_expr::of(kind::any);
        t.nullable = nullable;
        return;
      }
      visit_alias(t.ref);
      return;
    }
    for (auto& a : t.args) walk_alias(a, owner);
  }

  void visit_struct(std::size_t i) {
    if (struct_state_[i] != 0) return;
    struct_state_[i] = 1;
    for (auto& member : m_.types[i].members) walk_struct(member.type, true);
    struct_state_[i] = 2;
    m_.order.push_back(i);
  }

  // `by_value`: the struct being defined needs this type complete at its definition.
  void walk_struct(ir::type_expr& t, bool by_value) {
    switch (t.k) {
      case kind::named: {
        auto& target = m_.types[t.ref];
        if (target.k == nkind::enumeration) return;
        if (is_alias(target)) {
          if (!by_value) return;
          if (alias_seen_.count(t.ref)) return;  // its edges were handled for this struct already
          alias_seen_.insert(t.ref);
          for_each_expr(target, [&](ir::type_expr& e) { walk_struct(e, true); });
          alias_seen_.erase(t.ref);
          return;
        }
        if (struct_state_[t.ref] == 1) {
          if (!by_value) return;
          // This edge closes a cycle of by-value holdings: hold through a box instead.
          ir::type_expr inner = t;
          inner.nullable = false;
          bool nullable = t.nullable;
          t = ir::type_expr::of(kind::boxed);
          t.nullable = nullable;
          t.args.push_back(inner);
          return;
        }
        if (by_value) visit_struct(t.ref);
        return;
      }
      case kind::array:
        walk_struct(t.args[0], false);
        return;
      case kind::map:
      case kind::tuple:
        for (auto& a : t.args) walk_struct(a, by_value);
        return;
      default:
        return;
    }
  }

  ir::module& m_;
  diagnostics& warnings_;
  std::vector<int> alias_state_;
  std::vector<int> struct_state_;
  std::set<std::size_t> alias_seen_;
};

}  // namespace

void lay_out(ir::module& module, diagnostics& warnings) {
  module.order.clear();
  layout(module, warnings).run();
}

}  // namespace schemaforge::gen::detail
