// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/errors.hpp>
#include <schemaforge/infer_schema.hpp>
#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

// A sample ready for prompts and checks.
struct prepared_sample {
  std::string label;                  // "sample 2 (b.json)" or "sample 2"
  std::string content;                // as given
  std::optional<nlohmann::json> value;  // the parsed document (sample_kind::json only)
};

// Labels the samples and parses JSON ones; throws error(invalid_argument) naming the sample that
// is not JSON, or when there is none.
std::vector<prepared_sample> prepare_samples(const std::vector<schema_sample>& samples, sample_kind kind);

// What one answer of the model proposes, and everything wrong with it.
struct proposal {
  std::optional<nlohmann::json> schema;        // set when the answer holds a schema at all
  nlohmann::ordered_json ordered_schema;       // the same, keys in the model's order when it could be kept
  std::vector<nlohmann::json> instances;       // sample_kind::text
  std::vector<std::string> problems;           // empty when the proposal is accepted
  std::vector<std::size_t> failing_samples;    // indexes of samples (or their instances) that did not validate
  errc kind = errc::validation_failed;         // invalid_output when the answer is not JSON
};

// Checks an answer: JSON (after local repair) → the meta-schema → a schema the validator compiles
// → `extra` (e.g. the code generator's loader) → every sample (JSON) or extracted instance (text)
// validates against it. Later steps are skipped when an earlier one fails, since their errors
// would only repeat the cause.
proposal check_proposal(std::string_view answer, const std::vector<prepared_sample>& samples, sample_kind kind,
                        const schema& meta, const schema_check& extra);

}  // namespace schemaforge::detail
