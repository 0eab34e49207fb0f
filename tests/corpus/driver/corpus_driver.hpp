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
//
// Every instance also goes through the direct parse path (text straight into the types, no
// nlohmann::json document): NS::parse_<Root>(text) must give the same value as the DOM path for
// valid instances and throw the same exception text for invalid ones, and the direct reader
// alone (schemaforge_io::pull_<Root>, without parse_<Root>'s fall-back to the DOM path for error
// reports) must accept exactly the valid ones. NS::dump_<Root>(v), the direct serialize path,
// must give the same bytes as nlohmann::json(v).dump().

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

inline std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_text(file)); }

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

// The direct parse path on one text: `expected` is the DOM path's value (as JSON) or, when the DOM
// path throws, its exception text (`dom_error`).
template <class T, auto Pull, auto Parse, auto Dump>
void check_direct(checker& check, const fs::path& file, const std::string& text, const nlohmann::json* expected, const std::string& dom_error) {
  std::string parse_error;
  try {
    nlohmann::json got = Parse(text);
    if (!expected) check.fail(file, "direct parse accepted what the DOM path rejects, as " + got.dump());
    else if (got != *expected) check.fail(file, "direct parse differs from the DOM path: " + got.dump());
  } catch (const std::exception& e) {
    parse_error = e.what();
    if (expected) check.fail(file, std::string("direct parse rejected a valid instance: ") + e.what());
    else if (parse_error != dom_error) check.fail(file, "direct parse error \"" + parse_error + "\" differs from the DOM path's \"" + dom_error + "\"");
  }
  // The direct reader alone: parse_<Root> falls back to the DOM path only to report errors, so
  // here it must decide validity by itself.
  T raw{};
  try {
    Pull(text, raw);
    if (!expected) check.fail(file, "the direct reader alone accepted an invalid instance");
    else if (nlohmann::json(raw) != *expected) check.fail(file, "the direct reader alone gives " + nlohmann::json(raw).dump());
  } catch (const std::exception& e) {
    if (expected) check.fail(file, std::string("the direct reader alone rejected a valid instance: ") + e.what());
  }
}

template <class T, auto Pull, auto Parse, auto Dump>
void check_valid(checker& check, const fs::path& file) {
  try {
    auto text = read_text(file);
    auto input = nlohmann::json::parse(text);
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
    nlohmann::json dom_value = value;
    std::string dumped = Dump(value);
    if (dumped != output.dump()) check.fail(file, "dump_<Root> gives " + dumped + "\n  not " + output.dump());
    check_direct<T, Pull, Parse, Dump>(check, file, text, &dom_value, "");
  } catch (const std::exception& e) {
    check.fail(file, std::string("valid instance rejected: ") + e.what());
  }
}

template <class T, auto Pull, auto Parse, auto Dump>
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
  std::string dom_error;
  try {
    auto value = wrapper["instance"].template get<T>();
    check.fail(file, "invalid instance accepted, re-encoded as " + nlohmann::json(value).dump());
    return;
  } catch (const std::exception& e) {
    dom_error = e.what();
    if (!names_pointer(e.what(), pointer)) check.fail(file, "error does not name " + pointer + ": " + e.what());
  }
  check_direct<T, Pull, Parse, Dump>(check, file, wrapper["instance"].dump(), nullptr, dom_error);
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

template <class T, auto Pull, auto Parse, auto Dump>
int run_case(const fs::path& case_dir, const fs::path& schema_file, const std::vector<std::string>& skip) {
  checker check(case_dir.filename().string());
  auto valid = case_files(case_dir / "valid");
  auto invalid = case_files(case_dir / "invalid");
  if (valid.empty()) check.fail(case_dir / "valid", "no valid instances: a case must exercise decoding");
  std::size_t ran = 0;
  for (const auto& file : valid) {
    if (skipped(file, skip)) continue;
    check_valid<T, Pull, Parse, Dump>(check, file);
    ++ran;
  }
  for (const auto& file : invalid) {
    if (skipped(file, skip)) continue;
    check_invalid<T, Pull, Parse, Dump>(check, file);
    ++ran;
  }
  check_json_schema<T>(check, schema_file);
  std::cout << case_dir.filename().string() << ": " << valid.size() << " valid, " << invalid.size() << " invalid, " << ran << " run, "
            << check.failures() << " failures\n";
  return check.failures() == 0 ? 0 : 1;
}

}  // namespace corpus
