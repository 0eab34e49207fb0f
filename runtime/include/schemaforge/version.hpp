// SPDX-License-Identifier: MIT
#pragma once

namespace schemaforge {

// The library's version, "MAJOR.MINOR.PATCH".
const char* version() noexcept;

}  // namespace schemaforge
