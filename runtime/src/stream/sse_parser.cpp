// SPDX-License-Identifier: MIT
#include "stream/sse_parser.hpp"

#include <algorithm>
#include <utility>

namespace schemaforge::detail {

namespace {
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
}  // namespace

sse_parser::sse_parser(event_handler on_event, std::size_t max_event_bytes)
    : on_event_(std::move(on_event)), max_event_bytes_(max_event_bytes) {}

void sse_parser::reset() {
  line_.clear();
  data_.clear();
  data_view_ = {};
  data_in_view_ = false;
  data_lines_ = 0;
  type_.clear();
  id_.clear();
  retry_ms_.reset();
  skip_lf_ = false;
  bom_matched_ = 0;
  bom_done_ = false;
  failed_ = false;
  events_ = 0;
  comment_lines_ = 0;
}

bool sse_parser::check_size(std::size_t size) {
  if (size > max_event_bytes_) failed_ = true;
  return !failed_;
}

bool sse_parser::feed(std::string_view bytes) {
  if (failed_) return false;
  std::size_t pos = 0;
  const std::size_t n = bytes.size();

  // The spec strips one leading BOM; it may itself arrive split across chunks.
  if (!bom_done_) {
    while (pos < n && bom_matched_ < utf8_bom.size() && bytes[pos] == utf8_bom[bom_matched_]) {
      ++bom_matched_;
      ++pos;
    }
    if (bom_matched_ == utf8_bom.size()) {
      bom_done_ = true;
    } else if (pos < n) {
      // Not a BOM after all: the bytes matched so far are ordinary text.
      line_.assign(utf8_bom.substr(0, bom_matched_));
      bom_done_ = true;
    } else {
      return true;  // the chunk ended inside what may still be a BOM
    }
  }

  if (skip_lf_ && pos < n) {
    if (bytes[pos] == '\n') ++pos;
    skip_lf_ = false;
  }

  while (pos < n && !failed_) {
    const char* begin = bytes.data() + pos;
    const char* end = bytes.data() + n;
    const char* eol = std::find_if(begin, end, [](char c) { return c == '\n' || c == '\r'; });
    if (eol == end) {
      if (check_size(line_.size() + (n - pos))) line_.append(begin, end);
      break;
    }
    const std::size_t len = static_cast<std::size_t>(eol - begin);
    if (line_.empty()) {
      process_line(std::string_view(begin, len), true);
    } else if (check_size(line_.size() + len)) {
      line_.append(begin, len);
      process_line(line_, false);
      line_.clear();
    }
    pos += len + 1;
    if (*eol == '\r') {
      if (pos < n) {
        if (bytes[pos] == '\n') ++pos;
      } else {
        skip_lf_ = true;
      }
    }
  }
  // The caller's chunk is about to go away: copy what still points into it.
  keep_data_view();
  return !failed_;
}

bool sse_parser::finish() {
  if (failed_) return false;
  if (!bom_done_) {
    line_.assign(utf8_bom.substr(0, bom_matched_));
    bom_done_ = true;
  }
  if (!line_.empty()) {
    process_line(line_, false);
    line_.clear();
  }
  dispatch();
  // A new stream may follow on the same parser: it starts with its own BOM check.
  skip_lf_ = false;
  bom_matched_ = 0;
  bom_done_ = false;
  return !failed_;
}

void sse_parser::keep_data_view() {
  if (data_in_view_) {
    data_.assign(data_view_);
    data_in_view_ = false;
    data_view_ = {};
  }
}

void sse_parser::process_line(std::string_view line, bool line_outlives_call) {
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') {
    ++comment_lines_;
    return;
  }
  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }

  if (field == "data") {
    if (data_lines_ == 0 && line_outlives_call) {
      data_view_ = value;
      data_in_view_ = true;
    } else {
      keep_data_view();
      if (!check_size(data_.size() + value.size() + 1)) return;
      if (data_lines_ > 0) data_.push_back('\n');
      data_.append(value);
    }
    ++data_lines_;
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  } else if (field == "retry") {
    if (!value.empty() && value.size() <= 15 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::int64_t ms = 0;
      for (char c : value) ms = ms * 10 + (c - '0');
      retry_ms_ = ms;
    }
  }
  // Any other field is ignored, as the spec says.
}

void sse_parser::dispatch() {
  if (data_lines_ == 0) {
    // An event without data is not dispatched; its type does not leak into the next one.
    type_.clear();
    return;
  }
  const sse_event event{type_.empty() ? std::string_view("message") : std::string_view(type_),
                        data_in_view_ ? data_view_ : std::string_view(data_), id_};
  ++events_;
  if (on_event_) on_event_(event);
  data_.clear();
  data_view_ = {};
  data_in_view_ = false;
  data_lines_ = 0;
  type_.clear();
}

}  // namespace schemaforge::detail
