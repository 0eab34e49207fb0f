// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/schema_ir.hpp>

namespace schemaforge::gen::detail {

// Decides the order in which named types are defined and breaks cycles:
// - enums first, then every alias (variant, checked, root alias) after the aliases it names
//   (struct names are forward-declared, so aliases only wait for other aliases), then structs,
//   each after everything it holds by value (looking through aliases);
// - a by-value cycle between structs (a struct holding itself through optional, variant, map
//   or tuple) is broken by boxing the edge that closes it. std::vector members need no box:
//   since C++17 std::vector accepts an incomplete element type;
// - an alias naming itself (a union that contains itself with no struct in between) cannot be
//   spelled in C++: the inner reference becomes nlohmann::json, with a warning.
void lay_out(ir::module& module, diagnostics& warnings);

}  // namespace schemaforge::gen::detail
