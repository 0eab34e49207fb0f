// SPDX-License-Identifier: MIT
// Fuzz target: the chat stream assembler on arbitrary bodies, whole and in small chunks, must not
// crash and must reach the same answer and status.
#include "stream/chat_stream_assembler.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace schemaforge::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  chat_stream_options opts;
  opts.partial = partial_json_source::content;

  chat_stream_assembler whole({}, opts);
  whole.feed(body);
  whole.finish();

  chat_stream_assembler split({}, opts);
  unsigned seed = static_cast<unsigned>(size);
  for (std::size_t pos = 0; pos < size;) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t len = 1 + (seed >> 16) % 13;
    split.feed(body.substr(pos, len));
    pos += len;
  }
  split.finish();

  if (whole.status() != split.status() || whole.data_events() != split.data_events()) std::abort();
  if (whole.to_completion() != split.to_completion()) std::abort();
  if (whole.status() == stream_status::open) std::abort();  // finish() always decides
  if ((whole.status() == stream_status::complete) == whole.error().has_value()) std::abort();
  (void)whole.to_completion().dump();  // strings stay valid UTF-8... or dump throws
  return 0;
}
