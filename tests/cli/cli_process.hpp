// SPDX-License-Identifier: MIT
#pragma once

// Running build/bin/schemaforge from the CLI tests: a scratch directory, the process started with
// a clean environment (no endpoint settings leak in) and its stdout/stderr in files.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

class scratch_dir {
 public:
  scratch_dir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("schemaforge-cli-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Starts the CLI with a clean environment (no endpoint settings leak in), stdout/stderr to files.
inline pid_t spawn(const scratch_dir& dir, const std::vector<std::string>& arguments) {
  std::vector<std::string> all{SCHEMAFORGE_CLI};
  all.insert(all.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  char path_env[] = "PATH=/usr/bin:/bin";
  char* envp[] = {path_env, nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

struct run_result {
  int status = -1;
  std::string out, err;
};

inline run_result wait_for(const scratch_dir& dir, pid_t pid) {
  int raw = 0;
  waitpid(pid, &raw, 0);
  run_result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(dir.path("stdout.txt"));
  r.err = slurp(dir.path("stderr.txt"));
  return r;
}

inline run_result run(const scratch_dir& dir, const std::vector<std::string>& arguments) {
  return wait_for(dir, spawn(dir, arguments));
}

// Runs one shell command line of the CLI from inside the scratch directory, so relative paths
// resolve there; only the endpoint variables are cleared, so the developer's own settings never
// leak in. Standard input comes from `input`.
inline run_result run_line(const scratch_dir& dir, const std::string& arguments, const std::string& input = "/dev/null") {
  const std::string out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  const std::string command = "cd '" + dir.path("") + "' && env -u OPENAI_BASE_URL -u OPENAI_API_KEY -u SCHEMAFORGE_MODEL '" SCHEMAFORGE_CLI "' " +
                              arguments + " >'" + out + "' 2>'" + err + "' <'" + input + "'";
  const int raw = std::system(command.c_str());
  run_result result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

// One line of text ending in a newline: the contract's shape for an error message.
inline bool one_line(const std::string& text) {
  return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

}  // namespace
