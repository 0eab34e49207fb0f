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
// tried are not there. FNV-1a; constexpr, so that the builder's literal keys are hashed when
// compiling.
constexpr std::uint32_t key_hash(std::string_view key) {
  std::uint32_t h = 2166136261u;
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

// A member name and its key_hash. From a string literal the hash is computed when compiling.
struct view_key {
  template <std::size_t N>
  consteval view_key(const char (&literal)[N]) : text(literal, N - 1), hash(key_hash(text)) {}
  explicit view_key(std::string_view name) : text(name), hash(key_hash(name)) {}
  std::string_view text;
  std::uint32_t hash;
};

// The data templates render: null, booleans, integers, strings, lists and objects, like JSON.
// A view model for one header has tens of thousands of values; held in nlohmann::json (a
// std::map node per member) building, looking up and freeing them took half of generation time.
// Here an object is a vector of members in insertion order, found by a linear scan (objects hold
// a few dozen members at most) of their keys' hashes.
class view_value {
 public:
  // A reference stands for another value of the same view model (see reference_to).
  enum class kind : std::uint8_t { null, boolean, integer, string, list, object, reference };

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
  // A value that reads as `target` (lookups, sections, rendering) without copying it: for lists
  // that show the same objects in another order. `target` must outlive the reference and stay
  // where it is: an element of a list that gets no more elements.
  static view_value reference_to(const view_value& target);

  kind type() const { return k_; }
  bool boolean() const { return boolean_; }
  std::int64_t integer() const { return integer_; }
  const std::string& string() const { return string_; }
  const std::vector<view_value>& items() const { return items_; }
  const std::vector<view_member>& members() const { return members_; }

  // What a reference stands for; any other value stands for itself.
  const view_value& target() const { return k_ == kind::reference ? *target_ : *this; }

  // An object's member of that name, appended (as null) when missing; a null value becomes an
  // empty object first, as in nlohmann::json.
  view_value& operator[](std::string_view key);
  // Appends a member the object does not have yet (no search: for building); a null value
  // becomes an empty object first.
  void add(view_key key, view_value value);
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
  const view_value* target_ = nullptr;     // references
};

struct view_member {
  std::string key;
  view_value value;
};

// Conversions for the public build_view_model and for tests; floats become their JSON text.
nlohmann::json to_json(const view_value& v);
view_value from_json(const nlohmann::json& j);

}  // namespace schemaforge::gen::mustache
