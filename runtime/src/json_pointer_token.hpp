// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace schemaforge::detail {

// Appends `token` as one RFC 6901 reference token: '~' becomes "~0", '/' becomes "~1".
inline void append_pointer_token(std::string& out, std::string_view token) {
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

}  // namespace schemaforge::detail
