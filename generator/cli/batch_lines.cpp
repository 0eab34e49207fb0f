// SPDX-License-Identifier: MIT
#include "batch_lines.hpp"

#include "exit_status.hpp"
#include "flag_names.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace schemaforge::cli {

using nlohmann::json;

// Reads IN.jsonl. Blank lines are not items. A line that is not JSON, not an object, or has no
// "text" string becomes a failed item naming its line; an id that is neither a string nor a
// number, or the same id twice, is bad input (exit 2) because the output could not name it.
std::vector<input_line> read_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw command_failure(exit_bad_input, "cannot read the input file; check the path (" + path + ")");
  std::vector<input_line> lines;
  std::map<std::string, std::size_t> seen;  // id as JSON text -> line
  std::string raw;
  for (std::size_t number = 1; std::getline(in, raw); ++number) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find_first_not_of(" \t") == std::string::npos) continue;
    input_line line;
    line.line_number = number;
    line.id = number;
    const json parsed = json::parse(raw, nullptr, false);
    if (parsed.is_discarded()) {
      line.problem = "line " + std::to_string(number) + " of the input is not valid JSON; give {\"id\": ..., \"text\": \"...\"}";
    } else if (!parsed.is_object()) {
      line.problem = "line " + std::to_string(number) + " of the input is not a JSON object; give {\"id\": ..., \"text\": \"...\"}";
    } else {
      if (auto id = parsed.find("id"); id != parsed.end()) {
        if (!id->is_string() && !id->is_number())
          throw command_failure(exit_bad_input, "the id on line " + std::to_string(number) +
                                                    " must be a string or a number (" + path + ":" + std::to_string(number) + ": /id)");
        line.id = *id;
      }
      if (auto text = parsed.find("text"); text != parsed.end() && text->is_string()) line.text = text->get<std::string>();
      else line.problem = "line " + std::to_string(number) + " of the input has no \"text\" string";
    }
    auto [at, inserted] = seen.emplace(line.id.dump(), number);
    if (!inserted)
      throw command_failure(exit_bad_input, "the id " + line.id.dump() + " is on line " + std::to_string(at->second) +
                                                " and on line " + std::to_string(number) +
                                                "; ids must be unique (" + path + ":" + std::to_string(number) + ": /id)");
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw command_failure(exit_bad_input, "cannot read the input file (" + path + ")");
  return lines;
}

// The complete, ok lines of a previous run's OUT whose id is still an input id (first wins).
// Failed lines and a torn last line (a crash mid-write) are dropped: those items run again.
std::map<std::string, std::string> finished_lines(const std::string& path, const std::set<std::string>& ids) {
  std::map<std::string, std::string> kept;
  std::ifstream in(path, std::ios::binary);
  if (!in) return kept;
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t from = 0;
  for (std::size_t end; (end = content.find('\n', from)) != std::string::npos; from = end + 1) {
    const std::string raw = content.substr(from, end - from);
    const json line = json::parse(raw, nullptr, false);
    if (!line.is_object() || !line.contains("id") || line.value("ok", false) != true || !line.contains("value")) continue;
    const std::string id = line["id"].dump();
    if (ids.count(id) && !kept.count(id)) kept.emplace(id, raw);
  }
  return kept;
}

resumed_output::resumed_output(const std::string& output_path, const std::vector<input_line>& lines) {
  std::set<std::string> ids;
  for (const auto& line : lines) ids.insert(line.id.dump());
  kept_ = finished_lines(output_path, ids);
}

std::vector<std::string> resumed_output::lines() const {
  std::vector<std::string> out;
  out.reserve(kept_.size());
  for (const auto& [id, raw] : kept_) out.push_back(raw);
  return out;
}

output_file::output_file(const std::string& path, const std::vector<std::string>& keep) : path_(path) {
  // Rewrite OUT with only the kept lines (via a temporary file and a rename, so a crash here
  // leaves either the old or the new file), then append results as they come.
  const std::string temporary = path + ".tmp";
  {
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    if (!f) throw command_failure(exit_bad_input, "cannot write the output file; check the directory (" + path + ")");
    for (const auto& line : keep) {
      std::fwrite(line.data(), 1, line.size(), f);
      std::fputc('\n', f);
    }
    if (std::fclose(f) != 0) throw command_failure(exit_work_failed, "cannot write the output file (" + path + ")");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw command_failure(exit_bad_input, "cannot replace the output file: " + ec.message() + " (" + path + ")");
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw command_failure(exit_bad_input, "cannot open the output file (" + path + ")");
}

output_file::~output_file() {
  if (file_) std::fclose(file_);
}

void output_file::write(std::string text) {
  text.push_back('\n');
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
    throw command_failure(exit_work_failed, "cannot write the output file (" + path_ + ")");
}

// The lines are built by hand so that the keys come in the contract's order (id, ok, ...).
std::string failed_line(const json& id, const std::string& type, const std::string& message) {
  return "{\"id\":" + id.dump() + ",\"ok\":false,\"error\":{\"type\":" + json(type).dump() +
         ",\"message\":" + json(message).dump(-1, ' ', false, json::error_handler_t::replace) + "}}";
}

std::string result_line(const json& id, const batch_item<json>& item) {
  if (item.failure)
    return failed_line(id, to_string(static_cast<errc>(item.failure->code().value())), with_flag_names(item.failure->what()));
  const auto& r = *item.result;
  const json usage{{"prompt_tokens", r.usage.prompt_tokens},
                   {"completion_tokens", r.usage.completion_tokens},
                   {"total_tokens", r.usage.total_tokens}};
  return "{\"id\":" + id.dump() + ",\"ok\":true,\"value\":" + r.value.dump(-1, ' ', false, json::error_handler_t::replace) +
         ",\"attempts\":" + std::to_string(r.ledger.size()) + ",\"usage\":" + usage.dump() + "}";
}

std::vector<input_line> read_input_strictly(const std::string& path) {
  std::vector<input_line> lines = read_input(path);
  for (const auto& line : lines) {
    if (line.problem.empty()) continue;
    const std::string pointer = line.problem.find("\"text\"") != std::string::npos ? ": /text" : "";
    throw command_failure(exit_bad_input, line.problem + " (" + path + ":" + std::to_string(line.line_number) + pointer + ")");
  }
  return lines;
}

void fail_if_items_failed(std::size_t failed, std::size_t total, const std::string& output_path) {
  if (failed != 0)
    throw command_failure(exit_work_failed, std::to_string(failed) + " of " + std::to_string(total) +
                                                " items failed; their lines say why (" + output_path + ")");
}

}  // namespace schemaforge::cli
