// SPDX-License-Identifier: MIT
// schemaforge_fake_server --port 0 --script FILE [--record FILE] [--max-seconds N]
// The fake OpenAI-compatible server as a process, for CLI tests. Prints "listening <port>" once
// it accepts connections, then serves until SIGINT/SIGTERM, or until --max-seconds (default 300)
// have passed, so that a forgotten server never outlives a test run.
#include "fake_server.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include <pthread.h>

int main(int argc, char** argv) {
  unsigned short port = 0;
  std::string script_path, record_path;
  long max_seconds = 300;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "schemaforge_fake_server: error: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--port") port = static_cast<unsigned short>(std::stoi(value()));
    else if (arg == "--script") script_path = value();
    else if (arg == "--record") record_path = value();
    else if (arg == "--max-seconds") max_seconds = std::stol(value());
    else {
      std::fprintf(stderr, "schemaforge_fake_server: error: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  nlohmann::json script = nlohmann::json::array();
  if (!script_path.empty()) {
    std::ifstream in(script_path);
    script = nlohmann::json::parse(in, nullptr, false);
    if (!in || script.is_discarded() || !script.is_array()) {
      std::fprintf(stderr, "schemaforge_fake_server: error: the script is not a JSON array (%s)\n",
                   script_path.c_str());
      return 2;
    }
  }

  // Signals are taken by sigwait below, never by the server's thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  schemaforge::testing::fake_server server(std::move(script), port);
  if (!record_path.empty()) server.record_to(record_path);
  std::printf("listening %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  // sigtimedwait also returns (EINTR) when the process is stopped and continued (SIGSTOP/SIGCONT,
  // as a loaded machine's job control does); only a signal or the time limit may end the server.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    timespec limit{static_cast<std::time_t>(left.count() / 1000), static_cast<long>(left.count() % 1000) * 1'000'000};
    siginfo_t info;
    if (sigtimedwait(&signals, &info, &limit) == -1 && errno == EINTR) continue;
    break;
  }
  return 0;
}
