// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/stream_structure.hpp>

#include <chrono>
#include <cstddef>
#include <ostream>

namespace schemaforge::cli {

// `structure --stream` on a terminal: the partial object, pretty-printed, redrawn in place on
// stderr as it grows (throttled), and erased at the end so that only stdout's final value stays.
// Lines are cut to the terminal's width (a wrapped line would break the redraw) and only the last
// lines that fit its height are shown.
class stream_view {
 public:
  struct size {
    std::size_t columns = 80;
    std::size_t rows = 24;
  };

  stream_view(std::ostream& out, size terminal, std::chrono::milliseconds min_interval = std::chrono::milliseconds(40));
  ~stream_view();

  void on_event(const structure_stream_event& event);
  // Erases what was drawn; called before the final value or an error is printed.
  void clear();

  // The terminal size of stderr when it is a terminal.
  static bool stderr_is_terminal();
  static size stderr_size();

 private:
  void draw(const nlohmann::json& partial, const char* status);

  std::ostream& out_;
  size terminal_;
  std::chrono::milliseconds min_interval_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::size_t drawn_lines_ = 0;
  std::size_t attempt_ = 1;
};

}  // namespace schemaforge::cli
