// SPDX-License-Identifier: MIT
#pragma once

// Round-trip driver for the generator test corpus. Each corpus schema gets one generated
// translation unit (roundtrip_case.cpp.in) that includes the schema's generated header FIRST
// (so the header must compile on its own) and registers corpus::run_case<Root> under the
// schema's name; corpus_main.cpp runs the case named on the command line.
//
// Case layout, next to <name>.schema.json:
//   <name>/valid/<case>.json            must decode, and encode back to the same JSON
//   <name>/valid/<case>.expected.json   optional: what encoding must give instead (for
//                                       inputs the contract normalises, e.g. optional + null)
//   <name>/invalid/<case>.json          {"pointer": "/json/pointer", "reason": "...",
//                                        "instance": ...}: decoding must throw, and the
//                                        exception text must name that pointer (or a deeper one)

#include <nlohmann/json.hpp>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace corpus {

namespace fs = std::filesystem;

// skip: case files ("invalid/x.json") listed as known failing in tests/corpus/codegen.cmake.
using case_function = int (*)(const fs::path& case_dir, const fs::path& schema_file, const std::vector<std::string>& skip);

// Defined in corpus_main.cpp: schema name -> its round-trip function.
std::map<std::string, case_function>& registry();

struct registrar {
  registrar(const char* name, case_function function) { registry()[name] = function; }
};

inline nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The message names `pointer` when it contains it followed by the end of the text, a deeper
// reference token ('/') or a character that cannot continue this token in a message
// (so "/items/1" is not taken for "/items/12" or "/items/1x").
inline bool names_pointer(std::string_view message, std::string_view pointer) {
  constexpr std::string_view enders = "/ :)],;'\"`.\n\t";
  for (auto pos = message.find(pointer); pos != std::string_view::npos; pos = message.find(pointer, pos + 1)) {
    auto after = pos + pointer.size();
    if (after == message.size() || enders.find(message[after]) != std::string_view::npos) return true;
  }
  return false;
}

// Files of one kind in a case directory, sorted so the output is stable.
inline std::vector<fs::path> case_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && ends_with(name, ".json") && !ends_with(name, ".expected.json")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

template <class T, class = void>
struct has_json_schema : std::false_type {};
template <class T>
struct has_json_schema<T, std::void_t<decltype(T::json_schema())>> : std::true_type {};

class checker {
 public:
  explicit checker(std::string name) : name_(std::move(name)) {}
  void fail(const fs::path& file, const std::string& what) {
    ++failures_;
    std::cout << "FAIL " << name_ << ": " << file.parent_path().filename().string() << '/' << file.filename().string() << ": " << what << '\n';
  }
  int failures() const { return failures_; }

 private:
  std::string name_;
  int failures_ = 0;
};

template <class T>
void check_valid(checker& check, const fs::path& file) {
  try {
    auto input = read_json(file);
    auto expected_file = file.parent_path() / (file.stem().string() + ".expected.json");
    auto expected = fs::exists(expected_file) ? read_json(expected_file) : input;
    auto value = input.template get<T>();
    nlohmann::json output = value;
    if (output != expected) {
      check.fail(file, "round trip differs\n  expected: " + expected.dump() + "\n  got:      " + output.dump());
      return;
    }
    // Encoding is a fixed point: what we wrote must read back to the same value.
    nlohmann::json again = output.template get<T>();
    if (again != output) check.fail(file, "second round trip differs: " + again.dump());
  } catch (const std::exception& e) {
    check.fail(file, std::string("valid instance rejected: ") + e.what());
  }
}

template <class T>
void check_invalid(checker& check, const fs::path& file) {
  nlohmann::json wrapper;
  try {
    wrapper = read_json(file);
  } catch (const std::exception& e) {
    check.fail(file, std::string("unreadable case file: ") + e.what());
    return;
  }
  if (!wrapper.is_object() || !wrapper.contains("pointer") || !wrapper.contains("instance") || !wrapper["pointer"].is_string()) {
    check.fail(file, "case file needs \"pointer\" (string) and \"instance\"");
    return;
  }
  auto pointer = wrapper["pointer"].template get<std::string>();
  try {
    auto value = wrapper["instance"].template get<T>();
    check.fail(file, "invalid instance accepted, re-encoded as " + nlohmann::json(value).dump());
  } catch (const std::exception& e) {
    if (!names_pointer(e.what(), pointer)) check.fail(file, "error does not name " + pointer + ": " + e.what());
  }
}

template <class T>
void check_json_schema(checker& check, const fs::path& schema_file) {
  if constexpr (has_json_schema<T>::value) {
    static_assert(noexcept(T::json_schema()), "json_schema() must be noexcept");
    try {
      auto embedded = nlohmann::json::parse(std::string(T::json_schema()));
      auto source = read_json(schema_file);
      if (embedded != source) check.fail(schema_file, "json_schema() differs from the source schema: " + embedded.dump());
    } catch (const std::exception& e) {
      check.fail(schema_file, std::string("json_schema() is not JSON: ") + e.what());
    }
  }
}

inline bool skipped(const fs::path& file, const std::vector<std::string>& skip) {
  auto name = file.parent_path().filename().string() + "/" + file.filename().string();
  if (std::find(skip.begin(), skip.end(), name) == skip.end()) return false;
  std::cout << "SKIP " << name << " (known failing, see tests/corpus/codegen.cmake)\n";
  return true;
}

template <class T>
int run_case(const fs::path& case_dir, const fs::path& schema_file, const std::vector<std::string>& skip) {
  checker check(case_dir.filename().string());
  auto valid = case_files(case_dir / "valid");
  auto invalid = case_files(case_dir / "invalid");
  if (valid.empty()) check.fail(case_dir / "valid", "no valid instances: a case must exercise decoding");
  std::size_t ran = 0;
  for (const auto& file : valid) {
    if (skipped(file, skip)) continue;
    check_valid<T>(check, file);
    ++ran;
  }
  for (const auto& file : invalid) {
    if (skipped(file, skip)) continue;
    check_invalid<T>(check, file);
    ++ran;
  }
  check_json_schema<T>(check, schema_file);
  std::cout << case_dir.filename().string() << ": " << valid.size() << " valid, " << invalid.size() << " invalid, " << ran << " run, "
            << check.failures() << " failures\n";
  return check.failures() == 0 ? 0 : 1;
}

}  // namespace corpus
