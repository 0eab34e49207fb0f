// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/render.hpp>

#include "mustache/view_value.hpp"

namespace schemaforge::gen {

// The view model render_header renders; build_view_model (render.hpp) is its JSON form.
mustache::view_value build_view(const ir::module& module, const render_options& options);

}  // namespace schemaforge::gen
