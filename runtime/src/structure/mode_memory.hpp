// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/structure_options.hpp>

#include <optional>
#include <string>

namespace schemaforge::detail {

struct provider_error;

// mode=auto remembers, per endpoint base URL and for the whole process, the first mode the
// endpoint accepted, so later calls (from any client or thread) skip the rejected ones.
structure_mode remembered_mode(const std::string& base_url);
void remember_mode(const std::string& base_url, structure_mode mode);
void forget_remembered_modes();  // for tests

// The next mode to try after `mode` was rejected; nullopt after prompt.
std::optional<structure_mode> fallback_after(structure_mode mode);

// True when an error answer says the endpoint does not support the feature the mode relies on
// (response_format, json_schema, tools): a 400/422/501 naming it.
bool rejects_mode_feature(int http_status, const provider_error* error, structure_mode mode);

}  // namespace schemaforge::detail
