// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace schemaforge::gen::detail {

// Appends `key` as one RFC 6901 token: '~' becomes "~0", '/' becomes "~1".
inline void append_pointer_token(std::string& out, std::string_view key) {
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

// `pointer` + "/" + the escaped key, built in one string: the loader makes one for every subschema.
inline std::string pointer_child(const std::string& pointer, std::string_view key) {
  std::string out;
  out.reserve(pointer.size() + 1 + key.size());
  out += pointer;
  out += '/';
  append_pointer_token(out, key);
  return out;
}

}  // namespace schemaforge::gen::detail
