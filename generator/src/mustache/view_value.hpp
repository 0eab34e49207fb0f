// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace schemaforge::gen::mustache {

struct view_member;

// The hash find() compares before names: lookups run once per tag per context, and most names
// tried are not there.
std::uint32_t key_hash(std::string_view key);

// The data templates render: null, booleans, integers, strings, lists and objects, like JSON.
// A view model for one header has tens of thousands of values; held in nlohmann::json (a
// std::map node per member) building, looking up and freeing them took half of generation time.
// Here an object is a vector of members in insertion order, found by a linear scan (objects hold
// a few dozen members at most) of their keys' hashes.
class view_value {
 public:
  enum class kind : std::uint8_t { null, boolean, integer, string, list, object };

  view_value() = default;
  view_value(bool b) : k_(kind::boolean), boolean_(b) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  view_value(T n) : k_(kind::integer), integer_(static_cast<std::int64_t>(n)) {}
  view_value(std::string s) : k_(kind::string), string_(std::move(s)) {}
  view_value(const char* s) : k_(kind::string), string_(s) {}

  static view_value list() { return view_value(kind::list); }
  static view_value list(const std::vector<std::string>& strings);
  // An empty object with room for `expected_members` (objects grow member by member: reserving
  // saves their moves).
  static view_value object(std::size_t expected_members = 0);
  static view_value object(std::initializer_list<view_member> members);

  kind type() const { return k_; }
  bool boolean() const { return boolean_; }
  std::int64_t integer() const { return integer_; }
  const std::string& string() const { return string_; }
  const std::vector<view_value>& items() const { return items_; }
  const std::vector<view_member>& members() const { return members_; }

  // An object's member of that name, appended (as null) when missing; a null value becomes an
  // empty object first, as in nlohmann::json.
  view_value& operator[](std::string_view key);
  // An object's member of that name, or null when there is none (or this is no object).
  const view_value* find(std::string_view key) const { return find(key, key_hash(key)); }
  const view_value* find(std::string_view key, std::uint32_t hash) const;
  // Appends to a list; a null value becomes an empty list first.
  void push_back(view_value v);

 private:
  explicit view_value(kind k) : k_(k) {}

  kind k_ = kind::null;
  bool boolean_ = false;
  std::int64_t integer_ = 0;
  std::string string_;
  std::vector<view_value> items_;
  std::vector<view_member> members_;
  std::vector<std::uint32_t> key_hashes_;  // key_hash of each member's key, in the same order
};

struct view_member {
  std::string key;
  view_value value;
};

// Conversions for the public build_view_model and for tests; floats become their JSON text.
nlohmann::json to_json(const view_value& v);
view_value from_json(const nlohmann::json& j);

}  // namespace schemaforge::gen::mustache
