// SPDX-License-Identifier: MIT
#include "tidy_lines.hpp"

#include <cstring>

namespace schemaforge::gen::mustache {

void tidy_lines(std::string& text, std::size_t from, bool& previous_blank) {
  std::size_t write = from;  // compacts in place
  std::size_t read = from;
  while (read < text.size()) {
    const std::size_t newline = text.find('\n', read);
    const std::size_t end = newline == std::string::npos ? text.size() : newline;
    std::size_t last = end;
    while (last > read && (text[last - 1] == ' ' || text[last - 1] == '\t')) --last;
    const bool blank = last == read;
    if (!(blank && previous_blank)) {
      if (write != read) std::memmove(&text[write], &text[read], last - read);
      write += last - read;
      if (newline != std::string::npos) text[write++] = '\n';
    }
    previous_blank = blank;
    read = newline == std::string::npos ? text.size() : newline + 1;
  }
  text.resize(write);
}

}  // namespace schemaforge::gen::mustache
