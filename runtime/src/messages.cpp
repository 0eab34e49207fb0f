// SPDX-License-Identifier: MIT
#include <schemaforge/messages.hpp>

namespace schemaforge {

const char* to_string(role r) noexcept {
  switch (r) {
    case role::system: return "system";
    case role::user: return "user";
    case role::assistant: return "assistant";
  }
  return "user";
}

}  // namespace schemaforge
