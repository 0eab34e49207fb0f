// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace schemaforge::detail {

// Turns valijson's error context (["<root>", "[name]", "[0]", ...]) into an RFC 6901 pointer. The
// context writes keys and indices alike, so the instance is walked to tell them apart.
std::string instance_pointer(const nlohmann::json& instance, const std::vector<std::string>& context);

// Orders pointers the way the instance reads: parents first, then children; indices by value.
bool pointer_less(const std::string& a, const std::string& b);

// One of valijson's errors as a pointer and a short, one-line message; std::nullopt when the
// description only repeats that a child failed (the child's own error is already in the list).
// `translated` is the schema valijson compiled (see draft_translation.hpp): it tells a type error
// which types were expected.
std::optional<validation_error> describe(const nlohmann::json& translated, const nlohmann::json& instance,
                                         const std::vector<std::string>& context, const std::string& description);

}  // namespace schemaforge::detail
