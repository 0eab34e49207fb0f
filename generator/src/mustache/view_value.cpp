// SPDX-License-Identifier: MIT
#include "view_value.hpp"

#include <nlohmann/json.hpp>

#include <cassert>

namespace schemaforge::gen::mustache {

view_value view_value::list(const std::vector<std::string>& strings) {
  view_value v(kind::list);
  v.items_.reserve(strings.size());
  for (const std::string& s : strings) v.items_.emplace_back(s);
  return v;
}

view_value view_value::object(std::size_t expected_members) {
  view_value v(kind::object);
  v.members_.reserve(expected_members);
  v.key_hashes_.reserve(expected_members);
  return v;
}

view_value view_value::object(std::initializer_list<view_member> members) {
  view_value v(kind::object);
  v.members_.assign(members.begin(), members.end());
  for (const view_member& m : v.members_) v.key_hashes_.push_back(key_hash(m.key));
  return v;
}

view_value view_value::reference_to(const view_value& target) {
  view_value v(kind::reference);
  v.target_ = &target.target();
  return v;
}

void view_value::add(view_key key, view_value value) {
  if (k_ == kind::null) k_ = kind::object;
  assert(find(key.text, key.hash) == nullptr && "add() appends a new member; use operator[] to replace one");
  members_.push_back({std::string(key.text), std::move(value)});
  key_hashes_.push_back(key.hash);
}

view_value& view_value::operator[](std::string_view key) {
  if (k_ == kind::null) k_ = kind::object;
  const std::uint32_t hash = key_hash(key);
  for (std::size_t i = 0; i < members_.size(); ++i)
    if (key_hashes_[i] == hash && members_[i].key == key) return members_[i].value;
  members_.push_back({std::string(key), view_value()});
  key_hashes_.push_back(hash);
  return members_.back().value;
}

const view_value* view_value::find(std::string_view key, std::uint32_t hash) const {
  if (k_ == kind::reference) return target_->find(key, hash);
  for (std::size_t i = 0; i < key_hashes_.size(); ++i)
    if (key_hashes_[i] == hash && members_[i].key == key) return &members_[i].value;
  return nullptr;
}

void view_value::push_back(view_value v) {
  if (k_ == kind::null) k_ = kind::list;
  items_.push_back(std::move(v));
}

nlohmann::json to_json(const view_value& v) {
  switch (v.type()) {
    case view_value::kind::null: return nullptr;
    case view_value::kind::reference: return to_json(v.target());
    case view_value::kind::boolean: return v.boolean();
    case view_value::kind::integer: return v.integer();
    case view_value::kind::string: return v.string();
    case view_value::kind::list: {
      nlohmann::json out = nlohmann::json::array();
      for (const view_value& item : v.items()) out.push_back(to_json(item));
      return out;
    }
    case view_value::kind::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const view_member& m : v.members()) out[m.key] = to_json(m.value);
      return out;
    }
  }
  return nullptr;
}

view_value from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean: return j.get<bool>();
    case nlohmann::json::value_t::number_integer: return j.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned: return static_cast<std::int64_t>(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return j.dump();
    case nlohmann::json::value_t::string: return j.get<std::string>();
    case nlohmann::json::value_t::array: {
      view_value out = view_value::list();
      for (const auto& item : j) out.push_back(from_json(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      view_value out = view_value::object();
      for (auto it = j.begin(); it != j.end(); ++it) out.add(view_key(it.key()), from_json(it.value()));
      return out;
    }
    default: return {};
  }
}

}  // namespace schemaforge::gen::mustache
