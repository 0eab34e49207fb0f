// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace schemaforge::detail {

// One dispatched server-sent event. The views are only valid during the handler call.
struct sse_event {
  std::string_view type;  // the `event:` field, "message" when the event had none (as the SSE spec says)
  std::string_view data;  // the `data:` lines joined by '\n'
  std::string_view id;    // the last `id:` seen so far; it persists across events, as the spec says
};

// Incremental, tolerant parser for a text/event-stream body (WHATWG HTML "server-sent events"),
// fed with whatever byte chunks the transport delivers: a chunk may end inside a line, between the
// CR and LF of a CRLF, or inside a UTF-8 sequence (the parser works on bytes, so the latter needs
// nothing special). Lines end in CRLF, LF or CR; `:` lines are comments (counted: some gateways
// send them as keep-alives); a `data:` field without a space after the colon is accepted; unknown
// fields are ignored. Unlike a browser, finish() dispatches a last event that lacks its blank line,
// because several providers close the body right after the last `data:` line.
//
// Cost: every byte is looked at once. A single-line event that arrives inside one chunk (the usual
// case) is handed to the handler as a view into that chunk without copying; otherwise bytes are
// gathered in buffers that keep their capacity, so steady-state parsing does not allocate.
class sse_parser {
 public:
  using event_handler = std::function<void(const sse_event&)>;

  // max_event_bytes bounds the memory one line or one event may take; past it the parser fails.
  explicit sse_parser(event_handler on_event, std::size_t max_event_bytes = std::size_t{16} << 20);

  // Parses the next bytes, calling the handler for each complete event. Returns false once the
  // parser has failed (an event larger than max_event_bytes); later calls do nothing.
  bool feed(std::string_view bytes);

  // End of the body: a last line without its line ending and an event without its blank line are
  // dispatched. The parser can be fed again afterwards (as if a new stream started).
  bool finish();

  // Back to the initial state, forgetting counters and the last event id.
  void reset();

  bool failed() const noexcept { return failed_; }
  std::size_t events() const noexcept { return events_; }
  std::size_t comment_lines() const noexcept { return comment_lines_; }
  // The last valid `retry:` value (milliseconds), if the server sent one.
  std::optional<std::int64_t> retry_ms() const noexcept { return retry_ms_; }
  std::string_view last_event_id() const noexcept { return id_; }

 private:
  void process_line(std::string_view line, bool line_outlives_call);
  void dispatch();
  void keep_data_view();
  bool check_size(std::size_t size);

  event_handler on_event_;
  std::size_t max_event_bytes_;

  std::string line_;             // a line still missing its ending, carried over between feeds
  std::string data_;             // data of the event being built, once it had to be copied
  std::string_view data_view_;   // data of a one-line event still inside the caller's chunk
  bool data_in_view_ = false;
  std::size_t data_lines_ = 0;
  std::string type_;
  std::string id_;
  std::optional<std::int64_t> retry_ms_;

  bool skip_lf_ = false;         // the previous chunk ended with CR: a leading LF belongs to it
  unsigned bom_matched_ = 0;     // bytes of a leading UTF-8 BOM matched so far
  bool bom_done_ = false;
  bool failed_ = false;
  std::size_t events_ = 0;
  std::size_t comment_lines_ = 0;
};

}  // namespace schemaforge::detail
