// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace schemaforge::cli {

// The runtime library's messages tell a library caller which option to change
// ("raise call_options::timeout ..."); someone at the command line changes a flag instead. Rewrites
// those option names into the CLI's flags ("raise --timeout ..."); other text is kept as is.
std::string with_flag_names(std::string message);

}  // namespace schemaforge::cli
