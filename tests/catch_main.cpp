// SPDX-License-Identifier: MIT
// Catch2's main lives alone so that no test file pays for compiling it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
