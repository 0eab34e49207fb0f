// SPDX-License-Identifier: MIT
#include "stream_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::cli {

stream_view::stream_view(std::ostream& out, size terminal, std::chrono::milliseconds min_interval)
    : out_(out), terminal_(terminal), min_interval_(min_interval) {
  if (terminal_.columns < 20) terminal_.columns = 20;
  if (terminal_.rows < 4) terminal_.rows = 4;
}

stream_view::~stream_view() { clear(); }

void stream_view::on_event(const structure_stream_event& event) {
  using kind = structure_stream_event::kind;
  if (event.type == kind::restart) {
    ++attempt_;
    return;
  }
  if (event.type != kind::partial_object || event.value == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_lines_ > 0 && now - last_draw_ < min_interval_) return;
  last_draw_ = now;
  draw(*event.value, nullptr);
}

void stream_view::draw(const nlohmann::json& partial, const char* status) {
  std::vector<std::string_view> lines;
  const std::string text = partial.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text.data() + at, end - at);
    at = end + 1;
  }
  // One row for the heading, one kept free so that the cursor never scrolls the screen.
  const std::size_t room = terminal_.rows - 2;
  const std::size_t first = lines.size() > room ? lines.size() - room : 0;

  std::string frame;
  if (drawn_lines_ > 0) frame += "\x1b[" + std::to_string(drawn_lines_) + "F";  // to the first drawn line
  frame += "\x1b[J";                                                                 // erase from there down
  std::string heading = "schemaforge: streaming";
  if (attempt_ > 1) heading += " (request " + std::to_string(attempt_) + ")";
  if (status) heading += std::string(" ") + status;
  if (first > 0) heading += " ... " + std::to_string(first) + " lines above";
  frame += heading.substr(0, terminal_.columns - 1) + "\n";
  for (std::size_t i = first; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.size() > terminal_.columns - 1) {
      std::size_t cut = terminal_.columns - 1;
      // Never half a UTF-8 sequence: back up to the start of the character that was cut.
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      line = line.substr(0, cut);
    }
    frame.append(line);
    frame += '\n';
  }
  drawn_lines_ = 1 + (lines.size() - first);
  out_ << frame << std::flush;
}

void stream_view::clear() {
  if (drawn_lines_ == 0) return;
  out_ << "\x1b[" << drawn_lines_ << "F\x1b[J" << std::flush;
  drawn_lines_ = 0;
}

bool stream_view::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

stream_view::size stream_view::stderr_size() {
  size s;
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0) {
    if (w.ws_col > 0) s.columns = w.ws_col;
    if (w.ws_row > 0) s.rows = w.ws_row;
  }
  return s;
}

}  // namespace schemaforge::cli
