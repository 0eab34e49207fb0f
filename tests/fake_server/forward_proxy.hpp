// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace schemaforge::testing {

// A minimal HTTP forward proxy on 127.0.0.1, on its own thread, for tests. Absolute-form requests
// ("POST http://host:port/path") are forwarded to the origin in origin-form, one at a time per
// client connection; CONNECT host:port opens a byte tunnel (how HTTPS goes through a proxy).
// It only connects to loopback addresses, and records every request it was asked to pass on.
class forward_proxy {
 public:
  struct passage {
    std::string method;   // "POST", "CONNECT", ...
    std::string target;   // "http://127.0.0.1:4711/v1/chat/completions" or "127.0.0.1:4711"
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  };

  forward_proxy();
  ~forward_proxy();
  forward_proxy(const forward_proxy&) = delete;
  forward_proxy& operator=(const forward_proxy&) = delete;

  unsigned short port() const noexcept;
  std::string url() const;  // "http://127.0.0.1:<port>"
  std::vector<passage> passages() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace schemaforge::testing
