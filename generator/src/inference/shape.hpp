// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/infer.hpp>
#include <schemaforge/gen/infer_formats.hpp>

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace schemaforge::gen::detail {

struct shape;

// One key of an object position: how many object instances had it, and what its values were.
struct property {
  std::string key;
  std::uint64_t present = 0;
  std::unique_ptr<shape> value;
  std::uint64_t last_object = 0;  // parent's object count when it last had the key (text path)
};

// Everything inference remembers about one position of the samples (the root, a property, the
// elements of an array, the values of a map). Only counters and bounded sets: its size depends on
// the shape of the data, not on how many samples were added.
struct shape {
  // How many values of each JSON kind were seen here. `floats` counts numbers written with a
  // fraction or exponent (nlohmann's number_float), `integers` the others.
  std::uint64_t nulls = 0, booleans = 0, integers = 0, floats = 0, strings = 0, objects = 0, arrays = 0;

  // Strings: per format, how many values matched it (a format is still possible while its count
  // equals `strings`), and the distinct values with their counts while they stay few and short.
  std::array<std::uint64_t, all_string_formats.size()> format_matches{};
  std::vector<std::pair<std::string, std::uint64_t>> string_values;
  bool string_values_overflow = false;

  // Objects: keys in first-seen order with an index for lookup, the total number of keys over all
  // object instances, and whether every distinct key looks like an identifier. Past
  // infer_options::map_key_limit distinct keys, all values are merged into `collapsed` (the values
  // of a map) and keys are no longer tracked.
  std::vector<property> properties;
  std::unordered_map<std::string, std::size_t> property_index;
  std::uint64_t key_total = 0;
  bool keys_id_like = true;
  std::unique_ptr<shape> collapsed;

  // Arrays: all elements of all arrays seen here merged into one position.
  std::unique_ptr<shape> items;
  std::uint64_t elements = 0;

  std::uint64_t total() const noexcept { return nulls + booleans + integers + floats + strings + objects + arrays; }
};

// The inferrer's internals, for the readers in this library.
struct inferrer_access {
  static shape& root(schema_inferrer& inferrer);
  static const infer_options& options(const schema_inferrer& inferrer);
  static void add_count(schema_inferrer& inferrer, std::uint64_t samples);
};

// Records one value at `s`. Throws input_error when the value nests deeper than the limit.
void observe(shape& s, const nlohmann::json& value, const infer_options& options);
void observe(shape& s, const nlohmann::ordered_json& value, const infer_options& options);

// The steps observe() is made of, shared with the text (SAX) path.
void record_string(shape& s, const std::string& value, const infer_options& options);
property& property_for(shape& s, const std::string& key);
void collapse(shape& s, const infer_options& options);

// Far deeper than real data; keeps the recursion of observe(), merge() and the emitter bounded.
inline constexpr std::size_t max_depth = 512;

// Adds everything recorded in `from` to `into`, as if `into` had also observed `from`'s values.
void merge(shape& into, const shape& from, const infer_options& options);

// Whether an object key looks like an identifier rather than a field name: all digits, a UUID,
// a date or a date-time.
bool key_looks_like_id(const std::string& key) noexcept;

}  // namespace schemaforge::gen::detail
