// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace schemaforge::detail {

enum class schema_draft { draft4, draft6, draft7, draft2019_09, draft2020_12 };

// A schema rewritten into the dialect valijson 1.0 enforces (draft-04 for draft-04 input, draft-07
// for everything later).
struct translated_schema {
  nlohmann::json document;
  schema_draft draft = schema_draft::draft2020_12;  // the draft the input was written in
  bool valijson_draft4 = false;                     // parse `document` as draft-04, else draft-07
};

// valijson 1.0 knows draft-07 at most, resolves `$ref` only as JSON pointers and compiles patterns
// lazily. This rewrites any supported draft into that form before parsing:
// - 2019-09/2020-12 keywords become their draft-07 equivalents (prefixItems/items ->
//   items/additionalItems, dependentRequired/dependentSchemas -> dependencies, `$ref` beside other
//   keywords -> allOf, simple unevaluatedProperties/unevaluatedItems -> additional*);
// - every `$ref` (pointers, `$id` bases, `$anchor`, `$dynamicRef`/`$recursiveRef` resolved
//   statically) becomes a pointer into the translated document;
// - `format` date, time and date-time become schemaforge's own constraint (format_check.hpp),
//   asserted on strings only; other formats are annotations;
// - keyword values are checked, patterns compiled once, so a bad schema fails here with a pointer.
// A keyword that cannot be enforced throws rather than being ignored. Throws
// schemaforge::error(errc::invalid_argument, "<what> (at <schema pointer>)").
translated_schema translate_for_valijson(const nlohmann::json& document);

// "(at /a/b)", or "(at the schema root)" for the empty pointer.
std::string schema_location(const std::string& pointer);

}  // namespace schemaforge::detail
