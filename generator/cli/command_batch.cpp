// SPDX-License-Identifier: MIT
// `schemaforge batch`: JSONL in, one JSONL result line per input id out, written as each item
// finishes (see the contract). --resume keeps the finished ok lines of OUT and runs the rest.
#include "command_summaries.hpp"
#include "commands.hpp"
#include "exit_status.hpp"
#include "model_flags.hpp"

#include <schemaforge/batch.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/schema.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace schemaforge::cli {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

struct batch_cli_options {
  std::string schema_path, input_path, output_path;
  std::size_t concurrency = 16;
  double rpm = 0, tpm = 0;
  bool resume = false, progress = false;
  model_flags model;
};

// One input line: an item to run, or a line that is already a failed item.
struct input_line {
  std::size_t line_number = 0;
  json id;
  std::string text;
  std::string problem;  // non-empty: a failed item with this message
};

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

class output_file {
 public:
  output_file(const std::string& path, const std::vector<std::string>& keep) : path_(path) {
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
  ~output_file() {
    if (file_) std::fclose(file_);
  }
  // One line, flushed at once: after a crash every finished item's line is in the file.
  void write(std::string text) {
    text.push_back('\n');
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
      throw command_failure(exit_work_failed, "cannot write the output file (" + path_ + ")");
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// The lines are built by hand so that the keys come in the contract's order (id, ok, ...).
std::string failed_line(const json& id, const std::string& type, const std::string& message) {
  return "{\"id\":" + id.dump() + ",\"ok\":false,\"error\":{\"type\":" + json(type).dump() +
         ",\"message\":" + json(message).dump(-1, ' ', false, json::error_handler_t::replace) + "}}";
}

std::string result_line(const json& id, const batch_item<json>& item) {
  if (item.failure)
    return failed_line(id, to_string(static_cast<errc>(item.failure->code().value())), std::string(item.failure->what()));
  const auto& r = *item.result;
  const json usage{{"prompt_tokens", r.usage.prompt_tokens},
                   {"completion_tokens", r.usage.completion_tokens},
                   {"total_tokens", r.usage.total_tokens}};
  return "{\"id\":" + id.dump() + ",\"ok\":true,\"value\":" + r.value.dump(-1, ' ', false, json::error_handler_t::replace) +
         ",\"attempts\":" + std::to_string(r.ledger.size()) + ",\"usage\":" + usage.dump() + "}";
}

// A bar on a terminal, a plain line every few seconds otherwise; both on stderr.
class progress_reporter {
 public:
  // `total` counts every input line; kept ok lines and bad lines are done before the run starts.
  progress_reporter(bool enabled, std::size_t total, std::size_t already_ok, std::size_t already_failed)
      : enabled_(enabled),
        terminal_(::isatty(STDERR_FILENO) == 1),
        total_(total),
        already_ok_(already_ok),
        already_failed_(already_failed) {}

  void update(const batch_progress& p, bool last = false) {
    if (!enabled_) return;
    const auto now = clock_type::now();
    if (!last && now - shown_ < (terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000))) return;
    if (last && printed_ == p.done && !terminal_) return;  // the final state is already on screen
    shown_ = now;
    printed_ = p.done;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const double rate = seconds > 0 ? static_cast<double>(p.done) / seconds : 0;
    const std::size_t done = already_ok_ + already_failed_ + p.done;
    const std::size_t left = total_ > done ? total_ - done : 0;
    char eta[32] = "-";
    if (rate > 0) std::snprintf(eta, sizeof eta, "%.0fs", static_cast<double>(left) / rate);
    char line[256];
    if (terminal_) {
      constexpr int width = 30;
      const int filled = total_ ? static_cast<int>(width * done / total_) : width;
      std::string bar(filled, '#');
      bar.append(width - filled, '.');
      std::snprintf(line, sizeof line, "\r[%s] %zu/%zu ok %zu failed %zu %.1f/s ETA %s ", bar.c_str(), done, total_,
                    already_ok_ + p.ok, already_failed_ + p.failed, rate, eta);
      std::fputs(line, stderr);
      if (last) std::fputc('\n', stderr);
    } else {
      std::snprintf(line, sizeof line, "progress: %zu/%zu ok %zu failed %zu %.1f items/s eta %s\n", done, total_,
                    already_ok_ + p.ok, already_failed_ + p.failed, rate, eta);
      std::fputs(line, stderr);
    }
    std::fflush(stderr);
  }

 private:
  bool enabled_, terminal_;
  std::size_t total_, already_ok_, already_failed_;
  std::size_t printed_ = static_cast<std::size_t>(-1);
  clock_type::time_point started_ = clock_type::now(), shown_{};
};

void run_batch(const batch_cli_options& o) {
  structure_options item_options = call_options_from(o.model);
  if (o.concurrency == 0) throw command_failure(exit_bad_input, "--concurrency must be at least 1 (--concurrency)");
  if (o.rpm < 0 || o.tpm < 0) throw command_failure(exit_bad_input, "--rpm and --tpm must be 0 (no limit) or more (--rpm/--tpm)");

  const schemaforge::schema target = load_schema(o.schema_path);

  client_options settings = client_options_from(o.model);
  // --deadline bounds each item: the batch itself has no deadline.
  item_options.deadline = std::exchange(settings.total_timeout, std::nullopt);

  std::vector<input_line> lines = read_input(o.input_path);
  std::set<std::string> ids;
  for (const auto& line : lines) ids.insert(line.id.dump());
  std::map<std::string, std::string> kept;
  if (o.resume) kept = finished_lines(o.output_path, ids);
  std::vector<std::string> keep;
  keep.reserve(kept.size());
  for (auto& [id, raw] : kept) keep.push_back(std::move(raw));

  boost::asio::io_context context;
  std::optional<client> endpoint;
  try {
    endpoint.emplace(context.get_executor(), settings);
  } catch (const schemaforge::error& e) {
    throw command_failure(e.code() == errc::invalid_argument ? exit_bad_input : exit_work_failed,
                          std::string(to_string(static_cast<errc>(e.code().value()))) + ": " + std::string(e.what()) +
                              " (" + settings.base_url + ")");
  }
  output_file out(o.output_path, keep);

  std::size_t failed = 0;
  std::vector<input> inputs;
  std::vector<json> run_ids;
  for (auto& line : lines) {
    if (kept.count(line.id.dump())) continue;
    if (!line.problem.empty()) {
      out.write(failed_line(line.id, "invalid_input", line.problem + " (" + o.input_path + ":" +
                                                          std::to_string(line.line_number) + ")"));
      ++failed;
      continue;
    }
    inputs.emplace_back(std::move(line.text));
    run_ids.push_back(std::move(line.id));
  }

  progress_reporter progress(o.progress, lines.size(), kept.size(), failed);
  batch_options options;
  options.max_concurrency = o.concurrency;
  options.rpm = o.rpm;
  options.tpm = o.tpm;
  options.item_options = item_options;
  options.on_item = [&](std::size_t index, const batch_item<json>& item) { out.write(result_line(run_ids[index], item)); };
  batch_progress last;
  options.on_progress = [&](const batch_progress& p) {
    last = p;
    progress.update(p);
  };

  // Ctrl-C / SIGTERM cancel the batch: items in flight end as cancelled lines, so OUT still holds
  // one line per id and --resume picks the unfinished ones up.
  boost::asio::cancellation_signal cancel;
  boost::asio::signal_set signals(context, SIGINT, SIGTERM);
  bool interrupted = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    cancel.emit(boost::asio::cancellation_type::total);
  });

  std::exception_ptr failure;
  std::vector<batch_item<json>> results;
  async_batch_structure(*endpoint, std::move(inputs), target, std::move(options),
                        boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, std::vector<batch_item<json>> r) {
                          failure = e;
                          results = std::move(r);
                          signals.cancel();
                        }));
  context.run();
  if (failure) std::rethrow_exception(failure);
  progress.update(last, true);
  failed += last.failed;
  if (interrupted)
    throw command_failure(exit_work_failed, "interrupted; unfinished items are written as cancelled, run again with --resume (" +
                                                o.output_path + ")");
  if (failed != 0)
    throw command_failure(exit_work_failed, std::to_string(failed) + " of " + std::to_string(lines.size()) +
                                                " items failed; their lines say why (" + o.output_path + ")");
}

}  // namespace

void add_batch_command(CLI::App& app) {
  auto o = std::make_shared<batch_cli_options>();
  CLI::App* command = app.add_subcommand("batch", batch_command_summary);
  command->add_option("--schema", o->schema_path, "The JSON Schema file")->required();
  command->add_option("--input", o->input_path, "The input JSONL file")->required();
  command->add_option("--output", o->output_path, "The output JSONL file")->required();
  command->add_option("--concurrency", o->concurrency, "Items in flight (default 16)");
  command->add_option("--rpm", o->rpm, "Requests per minute for the endpoint (default: no limit of our own)");
  command->add_option("--tpm", o->tpm, "Tokens per minute for the endpoint (default: no limit of our own)");
  command->add_flag("--resume", o->resume, "Keep the ok lines already in OUT and run only the rest");
  command->add_flag("--progress", o->progress, "Show progress on stderr (a bar on a terminal, plain lines otherwise)");
  add_model_flags(*command, o->model, "Seconds for one item, all attempts and waits (default none)");
  command->callback([o] { run_batch(*o); });
}

}  // namespace schemaforge::cli
