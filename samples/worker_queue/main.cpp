// SPDX-License-Identifier: MIT
// A work queue served by N worker coroutines on one io_context (one thread, no thread per
// request), and a clean stop: on SIGINT/SIGTERM no new job starts, the requests in flight are
// cancelled through Asio cancellation slots, and every job is accounted for (done, failed,
// cancelled or not started) before the program exits.
//
//   worker_queue [REQUESTS_FILE] [--workers N] [--stop-after N]     (one request per line)
//   --stop-after N raises SIGINT itself once N jobs are done, as if Ctrl-C were pressed then.
#include "triage.hpp"  // generated at build time from triage.schema.json (see CMakeLists.txt)

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/structure.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <iostream>
#include <list>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
using support::Triage;

namespace {

struct job {
  std::size_t number;
  std::string text;
};

// Everything the workers share. The io_context runs on one thread, so no locks: only one
// handler or coroutine step runs at a time.
struct queue_state {
  explicit queue_state(schemaforge::client c) : client(std::move(c)) {}

  schemaforge::client client;
  std::deque<job> jobs;
  bool stopping = false;
  std::size_t stop_after = 0;  // 0: never stop by itself
  std::size_t done = 0, failed = 0, cancelled = 0;
  // One signal per worker: emitting it cancels that worker's request in flight. (A list, because
  // cancellation_signal is neither copyable nor movable.)
  std::list<asio::cancellation_signal> cancel_signals;
};

std::string code_name(std::error_code ec) {
  if (ec.category() == schemaforge::error_category())
    return schemaforge::to_string(static_cast<schemaforge::errc>(ec.value()));
  return ec.message();
}

asio::awaitable<void> worker(queue_state& q, int id, asio::cancellation_signal& cancel) {
  // Checking `stopping` before each job is what stops new work; the cancellation signal is what
  // ends the job in flight.
  while (!q.stopping && !q.jobs.empty()) {
    job j = std::move(q.jobs.front());
    q.jobs.pop_front();
    try {
      // The slot binds this call to the worker's signal: emit() ends it with errc::cancelled.
      // Named, not a temporary inside the co_await: GCC 12 mishandles those.
      schemaforge::input in(j.text, "Route this support request.");
      schemaforge::structure_result<Triage> r = co_await schemaforge::async_structure<Triage>(
          q.client, std::move(in), asio::bind_cancellation_slot(cancel.slot(), asio::use_awaitable));
      ++q.done;
      std::cout << "worker " << id << ": job " << j.number << " -> " << nlohmann::json(r.value.team).get<std::string>()
                << '/' << nlohmann::json(r.value.priority).get<std::string>() << ": " << r.value.summary << '\n';
      if (q.done == q.stop_after) std::raise(SIGINT);  // delivered through the signal_set below
    } catch (const schemaforge::error& e) {
      if (e.code() == schemaforge::errc::cancelled) {
        ++q.cancelled;
        std::cout << "worker " << id << ": job " << j.number << " cancelled (" << code_name(e.code()) << ")\n";
      } else {
        ++q.failed;  // one failed job does not stop the worker
        std::cout << "worker " << id << ": job " << j.number << " failed: " << code_name(e.code()) << ": " << e.what()
                  << '\n';
      }
    }
  }
}

std::deque<job> read_jobs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::deque<job> jobs;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) jobs.push_back({jobs.size() + 1, line});
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  std::string requests_file = SAMPLE_REQUESTS;
  int workers = 3;
  std::size_t stop_after = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--workers" && i + 1 < argc) workers = std::stoi(argv[++i]);
    else if (arg == "--stop-after" && i + 1 < argc) stop_after = std::stoul(argv[++i]);
    else if (!arg.empty() && arg[0] != '-') requests_file = arg;
    else {
      std::cerr << "usage: worker_queue [REQUESTS_FILE] [--workers N] [--stop-after N]\n";
      return 2;
    }
  }
  try {
    asio::io_context io;
    queue_state q(schemaforge::client(io.get_executor()));  // OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL
    q.jobs = read_jobs(requests_file);
    q.stop_after = stop_after;
    const std::size_t total = q.jobs.size();

    // The stop signal: stop taking jobs, cancel what is in flight. Emitting on a signal whose
    // worker is between calls does nothing, and that worker sees `stopping` before its next job.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&q](boost::system::error_code ec, int signal_number) {
      if (ec) return;  // the signal_set was cancelled: every worker ended by itself
      std::cout << "signal " << signal_number << ": stopping, " << q.jobs.size() << " job(s) not started\n";
      q.stopping = true;
      for (auto& cancel : q.cancel_signals) cancel.emit(asio::cancellation_type::terminal);
    });

    int running = workers;
    for (int id = 1; id <= workers; ++id) {
      asio::cancellation_signal& cancel = q.cancel_signals.emplace_back();
      asio::co_spawn(io, worker(q, id, cancel), [&](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);  // not a schemaforge::error: a bug, let io.run() throw it
        if (--running == 0) signals.cancel();  // nothing left to stop: let io.run() return
      });
    }
    io.run();

    std::cout << q.done << " done, " << q.failed << " failed, " << q.cancelled << " cancelled, " << q.jobs.size()
              << " not started, of " << total << " job(s)\n";
    return q.failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::exception& e) {  // no endpoint configured, unreadable file, ...
    std::cerr << "worker_queue: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
}
