// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace schemaforge {

// One reason an instance is invalid.
struct validation_error {
  std::string pointer;  // RFC 6901 pointer into the INSTANCE; "" is the root
  std::string message;  // short, one line, e.g. "missing required property 'name'"
};

// A compiled JSON Schema: parse once, validate many times.
//
// The `$schema` keyword picks the draft: draft-04, draft-06, draft-07, 2019-09 and 2020-12 are
// understood; without `$schema` the schema is read as 2020-12. docs/ARCHITECTURE.md
// ("Validation") lists the keywords that are enforced. A keyword this validator cannot enforce
// (for instance `unevaluatedProperties` next to applicators) is rejected at construction rather
// than silently ignored.
//
// Copies share one immutable compiled form, so a schema is cheap to copy and safe to use from
// several threads at once.
class schema {
 public:
  // Throws schemaforge::error(errc::invalid_argument, "<what> (at <schema pointer>)") when the
  // document is not a valid schema, uses an unknown `$schema`, a remote `$ref`, or a keyword that
  // cannot be enforced.
  explicit schema(const nlohmann::json& document);

  // The document this schema was built from, exactly as given.
  const nlohmann::json& document() const noexcept;

  // Every reason `instance` is invalid (empty when valid), in document order; at most
  // `max_errors` of them unless it is 0.
  std::vector<validation_error> validate(const nlohmann::json& instance, std::size_t max_errors = 0) const;

  // Same verdict as validate().empty(), but stops at the first failure.
  bool is_valid(const nlohmann::json& instance) const;

 private:
  std::shared_ptr<const struct schema_impl> impl_;
};

}  // namespace schemaforge
