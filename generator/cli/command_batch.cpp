// SPDX-License-Identifier: MIT
// `schemaforge batch`: JSONL in, one JSONL result line per input id out, written as each item
// finishes (see the contract). --resume keeps the finished ok lines of OUT and runs the rest.
#include "batch_lines.hpp"
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
  std::size_t endpoint_concurrency = 0;
  double rpm = 0, tpm = 0;
  bool resume = false, progress = false;
  model_flags model;
};

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

  std::vector<client_options> endpoints = endpoint_options_from(o.model);
  // --deadline bounds each item: the batch itself has no deadline.
  for (auto& settings : endpoints) item_options.deadline = std::exchange(settings.total_timeout, std::nullopt);

  std::vector<input_line> lines = read_input(o.input_path);
  const resumed_output kept = o.resume ? resumed_output(o.output_path, lines) : resumed_output();

  boost::asio::io_context context;
  const std::vector<client> clients = make_clients(context.get_executor(), endpoints);
  output_file out(o.output_path, kept.lines());

  std::size_t failed = 0;
  std::vector<input> inputs;
  std::vector<json> run_ids;
  for (auto& line : lines) {
    if (kept.finished(line.id)) continue;
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
  options.max_concurrency_per_endpoint = o.endpoint_concurrency;
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
  async_batch_structure(clients, std::move(inputs), target, std::move(options),
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
  fail_if_items_failed(failed, lines.size(), o.output_path);
}

}  // namespace

void add_batch_command(CLI::App& app) {
  auto o = std::make_shared<batch_cli_options>();
  CLI::App* command = app.add_subcommand("batch", batch_command_summary);
  // Not required() here: `batch export` and `batch import` are subcommands with their own flags.
  command->add_option("--schema", o->schema_path, "The JSON Schema file (required)");
  command->add_option("--input", o->input_path, "The input JSONL file (required)");
  command->add_option("--output", o->output_path, "The output JSONL file (required)");
  command->add_option("--concurrency", o->concurrency, "Items in flight (default 16)");
  command->add_option("--endpoint-concurrency", o->endpoint_concurrency,
                      "With several --base-url: items in flight per endpoint at most (default: no cap but --concurrency)");
  command->add_option("--rpm", o->rpm, "Requests per minute for each endpoint (default: no limit of our own)");
  command->add_option("--tpm", o->tpm, "Tokens per minute for each endpoint (default: no limit of our own)");
  command->add_flag("--resume", o->resume, "Keep the ok lines already in OUT and run only the rest");
  command->add_flag("--progress", o->progress, "Show progress on stderr (a bar on a terminal, plain lines otherwise)");
  add_model_flags(*command, o->model, "Seconds for one item, all attempts and waits (default none)", true);
  add_batch_export_command(*command);
  add_batch_import_command(*command);
  command->callback([o, command] {
    if (!command->get_subcommands().empty()) return;  // export or import ran
    for (const auto& [value, flag] : {std::pair{&o->schema_path, "--schema"}, std::pair{&o->input_path, "--input"},
                                      std::pair{&o->output_path, "--output"}})
      if (value->empty())
        throw command_failure(exit_bad_input, std::string(flag) + " is required (run 'schemaforge batch --help' for usage)");
    run_batch(*o);
  });
}

}  // namespace schemaforge::cli
