// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/infer.hpp>
#include <schemaforge/gen/infer_samples.hpp>

#include "text_observer.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace schemaforge::gen {
namespace {

[[noreturn]] void fail(const std::string& message, const std::string& file) {
  throw input_error({diagnostic::severity::error, message, file, ""});
}

std::string parse_error_text(const nlohmann::ordered_json::parse_error& e) {
  std::string what = e.what();
  // Keep nlohmann's explanation ("syntax error while parsing value - ...") without its id prefix.
  if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  return what;
}

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Opens `path` for reading, or standard input for "-".
class input {
 public:
  explicit input(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path == "-") return;
    file_.open(path, std::ios::binary);
    if (!file_) fail(std::string("cannot read file: ") + std::strerror(errno), path);
  }
  std::istream& stream() { return file_.is_open() ? static_cast<std::istream&>(file_) : std::cin; }
  const std::string& name() const { return name_; }

 private:
  std::ifstream file_;
  std::string name_;
};

void read_lines(const std::string& path, const sample_visitor& visit) {
  input in(path);
  std::string line;
  sample_origin origin{in.name(), 0, 0};
  while (std::getline(in.stream(), line)) {
    ++origin.line;
    if (blank(line)) continue;
    nlohmann::ordered_json sample;
    try {
      sample = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::ordered_json::parse_error& e) {
      std::size_t column = e.byte == 0 ? 1 : e.byte;
      fail("invalid JSON at line " + std::to_string(origin.line) + ", column " + std::to_string(column) + ": " +
               parse_error_text(e) + "; fix the line (or read the file as one document, not sample_layout::lines) and run again",
           in.name());
    }
    visit(sample, origin);
    ++origin.index;
  }
  if (in.stream().bad()) fail(std::string("cannot read file: ") + std::strerror(errno), in.name());
}

// Line and column of a byte offset, found by reading the file again (only on errors).
std::string locate(const std::string& path, std::size_t byte_offset) {
  std::ifstream again(path, std::ios::binary);
  if (path == "-" || !again) return "byte " + std::to_string(byte_offset);
  std::size_t line = 1, column = 1;
  char c;
  for (std::size_t i = 0; i + 1 < byte_offset && again.get(c); ++i) {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// A top-level array is split into its elements while it is parsed: each element is handed to
// `visit` as soon as it is complete and then discarded, so the array is never held whole.
void read_array(const std::string& path, const sample_visitor& visit) {
  input in(path);
  using event = nlohmann::ordered_json::parse_event_t;
  bool top_is_array = false;
  sample_origin origin{in.name(), 1, 0};
  auto split = [&](int depth, event ev, nlohmann::ordered_json& parsed) {
    if (depth == 0 && ev == event::array_start) top_is_array = true;
    if (top_is_array && depth == 1 && (ev == event::value || ev == event::object_end || ev == event::array_end)) {
      visit(parsed, origin);
      ++origin.index;
      return false;  // drop the element: it has been counted
    }
    return true;
  };
  nlohmann::ordered_json rest;
  try {
    rest = nlohmann::ordered_json::parse(in.stream(), split);
  } catch (const nlohmann::ordered_json::parse_error& e) {
    fail("invalid JSON at " + locate(path, e.byte) + ": " + parse_error_text(e) + "; fix the file and run again",
         in.name());
  }
  if (!top_is_array) visit(rest, origin);
}

std::string text_error_text(const detail::text_error& e) {
  std::string what = e.message;
  if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  return what;
}

std::uint64_t add_lines(schema_inferrer& inferrer, const std::string& path) {
  input in(path);
  detail::shape& root = detail::inferrer_access::root(inferrer);
  const infer_options& options = detail::inferrer_access::options(inferrer);
  std::string line;
  std::uint64_t line_number = 0, samples = 0;
  while (std::getline(in.stream(), line)) {
    ++line_number;
    if (blank(line)) continue;
    detail::text_error error;
    std::uint64_t added = 0;
    try {
      added = detail::observe_text(root, line, options, false, error);
    } catch (const input_error& e) {
      diagnostic d = e.details();
      d.file = in.name();
      d.message += " (sample on line " + std::to_string(line_number) + ")";
      throw input_error(d);
    }
    if (!error.message.empty()) {
      fail("invalid JSON at line " + std::to_string(line_number) + ", column " +
               std::to_string(error.byte == 0 ? 1 : error.byte) + ": " + text_error_text(error) +
               "; fix the line (or read the file as one document, not sample_layout::lines) and run again",
           in.name());
    }
    samples += added;
    detail::inferrer_access::add_count(inferrer, added);
  }
  if (in.stream().bad()) fail(std::string("cannot read file: ") + std::strerror(errno), in.name());
  return samples;
}

std::uint64_t add_document(schema_inferrer& inferrer, const std::string& path, bool split_array) {
  input in(path);
  detail::text_error error;
  std::uint64_t added = 0;
  try {
    if (split_array) {
      // Streamed: a list of samples may be larger than memory should hold.
      added = detail::observe_text(detail::inferrer_access::root(inferrer), in.stream(),
                                   detail::inferrer_access::options(inferrer), true, error);
    } else {
      // One sample: read it whole, parsing from memory is several times faster than from a stream.
      std::string text(std::istreambuf_iterator<char>(in.stream()), std::istreambuf_iterator<char>{});
      if (in.stream().bad()) fail(std::string("cannot read file: ") + std::strerror(errno), in.name());
      added = detail::observe_text(detail::inferrer_access::root(inferrer), text,
                                   detail::inferrer_access::options(inferrer), false, error);
    }
  } catch (const input_error& e) {
    diagnostic d = e.details();
    d.file = in.name();
    throw input_error(d);
  }
  if (!error.message.empty()) {
    fail("invalid JSON at " + locate(path, error.byte) + ": " + text_error_text(error) + "; fix the file and run again",
         in.name());
  }
  detail::inferrer_access::add_count(inferrer, added);
  return added;
}

}  // namespace

std::uint64_t add_samples(schema_inferrer& inferrer, const std::string& path, sample_layout layout) {
  switch (layout) {
    case sample_layout::document: return add_document(inferrer, path, false);
    case sample_layout::lines: return add_lines(inferrer, path);
    case sample_layout::array: return add_document(inferrer, path, true);
  }
  return 0;
}

void for_each_sample(const std::string& path, sample_layout layout, const sample_visitor& visit) {
  switch (layout) {
    case sample_layout::document: {
      nlohmann::ordered_json sample;
      {
        input in(path);
        try {
          sample = nlohmann::ordered_json::parse(in.stream());
        } catch (const nlohmann::ordered_json::parse_error& e) {
          fail("invalid JSON at " + locate(path, e.byte) + ": " + parse_error_text(e) + "; fix the file and run again",
               in.name());
        }
      }
      visit(sample, sample_origin{path == "-" ? "<stdin>" : path, 1, 0});
      return;
    }
    case sample_layout::lines: read_lines(path, visit); return;
    case sample_layout::array: read_array(path, visit); return;
  }
}

}  // namespace schemaforge::gen
