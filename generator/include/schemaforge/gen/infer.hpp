// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace schemaforge::gen {

namespace detail {
struct inferrer_access;
}

// Thresholds of the deterministic inference. The defaults are the documented behaviour of
// `schemaforge infer` (README "Schema inference"); every one of them is a count, never a ratio
// of the order in which samples arrive, so the result does not depend on sample order except for
// the order of properties (kept as first seen).
struct infer_options {
  // Root `title` of the produced schema.
  std::string title = "Root";

  // A string format (date-time, date, email, uri, uuid) is emitted only when at least this many
  // non-null string values were seen at the position and every one of them matched.
  std::size_t format_min_values = 3;

  // A string enum is emitted only when the position held at least `enum_min_values` strings,
  // with between 2 and `enum_max_values` distinct values, each seen at least
  // `enum_min_occurrences` times and none longer than `enum_max_length` bytes.
  std::size_t enum_min_values = 10;
  std::size_t enum_max_values = 10;
  std::size_t enum_min_occurrences = 2;
  std::size_t enum_max_length = 64;

  // An object position becomes a map (`additionalProperties` with the merged value schema) when
  //  - every distinct key looks like an identifier (digits, UUID, date or date-time) and there
  //    are at least 2 of them, or
  //  - it has at least `map_min_keys` distinct keys, an object holds on average at most half of
  //    them, and all values have one JSON kind (all objects, all strings, ...), or
  //  - it has more than `map_key_limit` distinct keys (this also bounds memory: past the limit the
  //    keys are no longer tracked one by one).
  std::size_t map_min_keys = 8;
  std::size_t map_key_limit = 1000;
};

// Incremental, deterministic schema inference. Feed samples one at a time with add(): each call
// costs O(size of the sample) and the memory held is bounded by the shape of the data (counters
// and small bounded value sets per position), never by the number of samples.
class schema_inferrer {
 public:
  explicit schema_inferrer(infer_options options = {});
  ~schema_inferrer();
  schema_inferrer(schema_inferrer&&) noexcept;
  schema_inferrer& operator=(schema_inferrer&&) noexcept;

  // Adds one sample held in memory (add_samples() in infer_samples.hpp reads files without a DOM).
  // A value parsed from text keeps nlohmann's distinction between integers
  // (number_integer/number_unsigned) and numbers written with a fraction or exponent
  // (number_float, e.g. `1.0`): the latter make the position a `number`.
  // Keys are recorded in the order the value holds them: nlohmann::json sorts keys, so pass an
  // ordered_json (as for_each_sample does) to keep the properties in the order of the text.
  void add(const nlohmann::json& sample);
  void add(const nlohmann::ordered_json& sample);

  std::uint64_t sample_count() const noexcept;

  // Draft 2020-12 schema that every added sample validates against: `$schema`, `title`, then
  // the keywords of the root position. Properties are in first-seen order. Byte-identical output
  // for the same samples (dump it with a fixed indent). Throws std::logic_error without samples.
  nlohmann::ordered_json schema() const;

  // One line per decision: "<path>: <evidence> -> <decision>". Paths are JSON pointers into the
  // samples, with `[]` for "any array element" and `*` for "any value of a map".
  std::vector<std::string> explain() const;

 private:
  friend struct detail::inferrer_access;
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Convenience: infers from samples held in memory.
nlohmann::ordered_json infer_schema(const std::vector<nlohmann::json>& samples, const infer_options& options = {});
nlohmann::ordered_json infer_schema(const std::vector<nlohmann::ordered_json>& samples,
                                    const infer_options& options = {});

}  // namespace schemaforge::gen
