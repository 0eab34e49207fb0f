// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace schemaforge::cli {

// Exit statuses from the contract.
enum exit_status : int {
  exit_ok = 0,
  exit_work_failed = 1,  // API error after retries, still invalid after reasks, an invalid instance
  exit_bad_input = 2,    // bad usage or bad input: unknown flag, unreadable file, invalid JSON or schema
};

// Thrown by a command to end the process with `status` after printing
// "schemaforge: error: <message>" on stderr. The message already carries its "(<where>)" part.
class command_failure : public std::runtime_error {
 public:
  command_failure(exit_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  exit_status status() const noexcept { return status_; }

 private:
  exit_status status_;
};

}  // namespace schemaforge::cli
