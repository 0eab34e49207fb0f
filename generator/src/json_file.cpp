// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>

namespace schemaforge::gen {
namespace {

// nlohmann reports a byte offset; people want a line and a column.
std::string line_and_column(const std::string& text, std::size_t byte_offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

[[noreturn]] void cannot_read(const std::string& path, int error) {
  throw input_error({diagnostic::severity::error, std::string("cannot read file: ") + std::strerror(error), path, ""});
}

// Reads the file straight into a string of its size: no stream buffer to allocate and no copy
// out of a stringstream. Reading is a fixed cost of every schema, about a tenth of loading a
// small one. Pipes and devices have no size and are read until their end; a directory reads as
// empty, as it did through a stream.
std::string read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) cannot_read(path, errno);
  struct stat st {};
  std::size_t expected = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 4096;
  // One spare byte, so the read that finds the end needs no room of its own; a file that grew
  // since fstat is still read to its end.
  std::string text(expected + 1, '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) text.resize(text.size() * 2);
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the end, or an error: like the stream, keep what was read
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  return read_whole_file(path);
}

nlohmann::json parse_json_text(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // Keep nlohmann's explanation ("syntax error while parsing value - ...") without its id prefix.
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw input_error({diagnostic::severity::error,
                       "invalid JSON at " + line_and_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + what +
                           "; fix the file and run again",
                       origin, ""});
  }
}

nlohmann::json read_json_file(const std::string& path) {
  return parse_json_text(read_text_file(path), path == "-" ? "<stdin>" : path);
}

}  // namespace schemaforge::gen
