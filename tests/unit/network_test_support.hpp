// SPDX-License-Identifier: MIT
#pragma once
// Helpers of the HTTPS, HTTP/2 and proxy tests: a private directory with fresh test
// certificates, and environment variables set for one test and restored afterwards.

#include "test_certificates.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace schemaforge::test_support {

// A CA and a server certificate for 127.0.0.1 and localhost, in a directory of this process that
// is removed again at the end of the test.
struct certificate_directory {
  std::string path = std::string(SCHEMAFORGE_TEST_TMP) + "/tls-" + std::to_string(::getpid());
  testing::test_certificates certificates =
      testing::make_test_certificates(path, "server", {"localhost"}, {"127.0.0.1", "::1"});

  ~certificate_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// Sets (or, with std::nullopt, unsets) environment variables; restores them when destroyed.
class scoped_environment {
 public:
  scoped_environment& set(const std::string& name, std::optional<std::string> value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    apply(name, value);
    return *this;
  }
  // Unsets every proxy variable libcurl reads, so that the machine's own settings cannot
  // change a test.
  scoped_environment& without_proxies() {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                             "no_proxy", "NO_PROXY"})
      set(name, std::nullopt);
    return *this;
  }
  ~scoped_environment() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) apply(it->first, it->second);
  }

 private:
  static void apply(const std::string& name, const std::optional<std::string>& value) {
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace schemaforge::test_support
