// SPDX-License-Identifier: MIT
// Differential fuzz target: the SSE parser gives the same events whatever the chunking.
#include "stream/sse_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct result {
  std::vector<std::string> events;  // type, data and id joined with a separator
  std::size_t comments = 0;
};

result parse(std::string_view body, unsigned seed) {
  result r;
  schemaforge::detail::sse_parser parser([&](const schemaforge::detail::sse_event& e) {
    // A dispatched event never carries a line ending in its type or id, nor CR in its data.
    if (e.type.find_first_of("\r\n") != std::string_view::npos || e.id.find_first_of("\r\n") != std::string_view::npos ||
        e.data.find('\r') != std::string_view::npos) {
      std::abort();
    }
    std::string joined(e.type);
    joined += '\x01';
    joined += e.data;
    joined += '\x01';
    joined += e.id;
    r.events.push_back(std::move(joined));
  });
  if (seed == 0) {
    parser.feed(body);
  } else {
    std::size_t pos = 0;
    while (pos < body.size()) {
      seed = seed * 1103515245u + 12345u;
      const std::size_t len = 1 + (seed >> 16) % 9;
      parser.feed(body.substr(pos, len));
      pos += len;
    }
  }
  parser.finish();
  r.comments = parser.comment_lines();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const result whole = parse(body, 0);
  const result split = parse(body, 1u + data[0]);
  if (whole.events != split.events || whole.comments != split.comments) std::abort();
  return 0;
}
