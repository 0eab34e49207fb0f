// SPDX-License-Identifier: MIT
#include "shape.hpp"

#include <schemaforge/gen/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace schemaforge::gen::detail {

void record_string(shape& s, const std::string& value, const infer_options& options) {
  ++s.strings;
  for (std::size_t f = 0; f < all_string_formats.size(); ++f) {
    // Once a value failed a format, the format is out for good: skip the check.
    if (s.format_matches[f] + 1 == s.strings && matches_format(all_string_formats[f], value)) ++s.format_matches[f];
  }
  if (s.string_values_overflow) return;
  if (value.size() > options.enum_max_length) {
    s.string_values_overflow = true;
    s.string_values.clear();
    return;
  }
  for (auto& [known, count] : s.string_values) {
    if (known == value) {
      ++count;
      return;
    }
  }
  if (s.string_values.size() >= options.enum_max_values) {
    s.string_values_overflow = true;
    s.string_values.clear();
    s.string_values.shrink_to_fit();
    return;
  }
  s.string_values.emplace_back(value, 1);
}

// Past the key limit the object position can only be a map: merge every property's values into
// one position so memory stops growing with new keys.
void collapse(shape& s, const infer_options& options) {
  if (!s.collapsed) s.collapsed = std::make_unique<shape>();
  for (auto& p : s.properties) merge(*s.collapsed, *p.value, options);
  s.properties.clear();
  s.properties.shrink_to_fit();
  s.property_index.clear();
}

property& property_for(shape& s, const std::string& key) {
  if (auto found = s.property_index.find(key); found != s.property_index.end()) return s.properties[found->second];
  s.property_index.emplace(key, s.properties.size());
  s.keys_id_like = s.keys_id_like && key_looks_like_id(key);
  return s.properties.emplace_back(property{key, 0, std::make_unique<shape>(), 0});
}

namespace {

template <class Json>
void observe_at(shape& s, const Json& value, const infer_options& options, std::size_t depth) {
  if (depth > max_depth) {
    throw input_error({diagnostic::severity::error,
                       "sample nests deeper than " + std::to_string(max_depth) + " levels; flatten it", "", ""});
  }
  switch (value.type()) {
    case nlohmann::detail::value_t::null: ++s.nulls; break;
    case nlohmann::detail::value_t::boolean: ++s.booleans; break;
    case nlohmann::detail::value_t::number_integer:
    case nlohmann::detail::value_t::number_unsigned: ++s.integers; break;
    case nlohmann::detail::value_t::number_float: ++s.floats; break;
    case nlohmann::detail::value_t::string: record_string(s, value.template get_ref<const std::string&>(), options); break;
    case nlohmann::detail::value_t::object:
      ++s.objects;
      s.key_total += value.size();
      for (const auto& [key, member] : value.items()) {
        if (s.collapsed) {
          observe_at(*s.collapsed, member, options, depth + 1);
          continue;
        }
        property& p = property_for(s, key);
        ++p.present;
        observe_at(*p.value, member, options, depth + 1);
        if (s.properties.size() > options.map_key_limit) collapse(s, options);
      }
      break;
    case nlohmann::detail::value_t::array:
      ++s.arrays;
      s.elements += value.size();
      if (!value.empty() && !s.items) s.items = std::make_unique<shape>();
      for (const auto& element : value) observe_at(*s.items, element, options, depth + 1);
      break;
    case nlohmann::detail::value_t::binary:
    case nlohmann::detail::value_t::discarded: break;  // never produced by parsing JSON text
  }
}

bool all_digits(const std::string& key) noexcept {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool key_looks_like_id(const std::string& key) noexcept {
  return all_digits(key) || matches_format(string_format::uuid, key) || matches_format(string_format::date, key) ||
         matches_format(string_format::date_time, key);
}

void observe(shape& s, const nlohmann::json& value, const infer_options& options) { observe_at(s, value, options, 0); }
void observe(shape& s, const nlohmann::ordered_json& value, const infer_options& options) {
  observe_at(s, value, options, 0);
}

void merge(shape& into, const shape& from, const infer_options& options) {
  into.nulls += from.nulls;
  into.booleans += from.booleans;
  into.integers += from.integers;
  into.floats += from.floats;
  into.strings += from.strings;
  into.objects += from.objects;
  into.arrays += from.arrays;

  for (std::size_t f = 0; f < into.format_matches.size(); ++f) into.format_matches[f] += from.format_matches[f];
  if (from.string_values_overflow) into.string_values_overflow = true;
  if (!into.string_values_overflow) {
    for (const auto& entry : from.string_values) {
      auto found = std::find_if(into.string_values.begin(), into.string_values.end(),
                                [&](const auto& known) { return known.first == entry.first; });
      if (found != into.string_values.end()) {
        found->second += entry.second;
      } else {
        into.string_values.push_back(entry);
      }
    }
    if (into.string_values.size() > options.enum_max_values) into.string_values_overflow = true;
  }
  if (into.string_values_overflow) into.string_values.clear();

  into.key_total += from.key_total;
  if (from.collapsed && !into.collapsed) collapse(into, options);
  if (into.collapsed) {
    if (from.collapsed) merge(*into.collapsed, *from.collapsed, options);
    for (const auto& p : from.properties) merge(*into.collapsed, *p.value, options);
  } else {
    for (const auto& p : from.properties) {
      property& mine = property_for(into, p.key);
      mine.present += p.present;
      merge(*mine.value, *p.value, options);
    }
    into.keys_id_like = into.keys_id_like && from.keys_id_like;
    if (into.properties.size() > options.map_key_limit) collapse(into, options);
  }

  into.elements += from.elements;
  if (from.items) {
    if (!into.items) into.items = std::make_unique<shape>();
    merge(*into.items, *from.items, options);
  }
}

}  // namespace schemaforge::gen::detail
