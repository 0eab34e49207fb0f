// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace schemaforge::gen::detail {

// Checks the keywords of one schema object (not its subschemas): a keyword with a value of the
// wrong JSON type throws input_error at its pointer; an unsupported or unknown keyword adds a
// warning (the type is still generated, without what the keyword would have added).
void check_keywords(const nlohmann::ordered_json& schema, const std::string& pointer, diagnostics& warnings,
                    const std::string& file);

// True for keywords that only constrain values (minimum, pattern, ...): they never change the
// C++ type, and the full schema keeps them for validation.
bool is_validation_only(std::string_view keyword);

}  // namespace schemaforge::gen::detail

namespace schemaforge::gen {
using detail::check_keywords;
using detail::is_validation_only;
}  // namespace schemaforge::gen
