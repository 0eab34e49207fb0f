// SPDX-License-Identifier: MIT
#pragma once

// The JSONL files of `schemaforge batch` and its export/import: the input lines, the output file
// written line by line as items finish, and the result lines in the contract's format.

#include <schemaforge/batch.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace schemaforge::cli {

// One input line: an item to run, or a line that is already a failed item.
struct input_line {
  std::size_t line_number = 0;
  nlohmann::json id;
  std::string text;
  std::string problem;  // non-empty: a failed item with this message
};

// Reads IN.jsonl. Blank lines are not items. A line that is not JSON, not an object, or has no
// "text" string becomes a failed item naming its line; an id that is neither a string nor a
// number, or the same id twice, is bad input (exit 2) because the output could not name it.
std::vector<input_line> read_input(const std::string& path);

// As read_input, but a line that is not an item is bad input too (exit 2, naming file and line):
// for export and import, which must agree on every item.
std::vector<input_line> read_input_strictly(const std::string& path);

// The complete, ok lines of a previous run's OUT whose id is still an input id (first wins).
// Failed lines and a torn last line (a crash mid-write) are dropped: those items run again.
std::map<std::string, std::string> finished_lines(const std::string& path, const std::set<std::string>& ids);

// What --resume takes over from a previous run's OUT (batch and batch import alike): the finished
// ok lines to keep, by id; every other input line runs again.
class resumed_output {
 public:
  resumed_output() = default;  // not resuming: nothing kept
  resumed_output(const std::string& output_path, const std::vector<input_line>& lines);
  bool finished(const nlohmann::json& id) const { return kept_.count(id.dump()) != 0; }
  std::size_t size() const noexcept { return kept_.size(); }
  // The kept lines, for output_file (in id order; the contract promises one line per id, not an order).
  std::vector<std::string> lines() const;

 private:
  std::map<std::string, std::string> kept_;  // id as JSON text -> its line
};

class output_file {
 public:
  // Replaces `path` with the `keep` lines (atomically), then appends.
  output_file(const std::string& path, const std::vector<std::string>& keep);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  // One line, flushed at once: after a crash every finished item's line is in the file.
  void write(std::string text);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Ends a run (batch or batch import) whose `failed` items of `total` failed: exit 1, pointing at
// OUT, whose lines say why. Returns when none failed.
void fail_if_items_failed(std::size_t failed, std::size_t total, const std::string& output_path);

// {"id": ..., "ok": false, "error": {"type": ..., "message": ...}}
std::string failed_line(const nlohmann::json& id, const std::string& type, const std::string& message);
// The ok line (value, attempts, usage) or the failed line of an item.
std::string result_line(const nlohmann::json& id, const batch_item<nlohmann::json>& item);

}  // namespace schemaforge::cli
