// SPDX-License-Identifier: MIT
// Differential fuzz target: partial_json against nlohmann::json::parse, and against itself in
// another chunking. Whenever nlohmann accepts the text, every intermediate partial value must be
// consistent with the final value and the final value must be equal to nlohmann's.
#include "stream/partial_json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using nlohmann::json;

namespace {

bool consistent_with(const json& partial, const json& final_value) {
  if (partial.is_object()) {
    if (!final_value.is_object()) return false;
    for (const auto& [key, value] : partial.items()) {
      if (!final_value.contains(key) || !consistent_with(value, final_value.at(key))) return false;
    }
    return true;
  }
  if (partial.is_array()) {
    if (!final_value.is_array() || partial.size() > final_value.size()) return false;
    for (std::size_t i = 0; i < partial.size(); ++i) {
      if (!consistent_with(partial[i], final_value[i])) return false;
    }
    return true;
  }
  if (partial.is_string()) {
    const auto& p = partial.get_ref<const std::string&>();
    return final_value.is_string() && final_value.get_ref<const std::string&>().compare(0, p.size(), p) == 0;
  }
  return partial == final_value;
}

// nlohmann keeps the last of duplicate keys, while a partial value shows the earlier one until the
// later one arrives; such documents are exempt from the consistency check.
bool has_duplicate_keys(std::string_view text) {
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == json::parse_event_t::key && !open_objects.empty()) {
      duplicate |= !open_objects.back().insert(parsed.get<std::string>()).second;
    }
    return true;
  };
  const json ignored = json::parse(text, callback, false);
  (void)ignored;
  return duplicate;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const json reference = json::parse(text, nullptr, false);
  const bool valid = !reference.is_discarded();

  schemaforge::detail::partial_json whole;
  whole.feed(text);
  whole.finish();

  schemaforge::detail::partial_json split;
  const bool duplicates = valid && has_duplicate_keys(text);
  unsigned seed = static_cast<unsigned>(size);
  for (std::size_t pos = 0; pos < size;) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t len = 1 + (seed >> 16) % 5;
    split.feed(text.substr(pos, len));
    pos += len;
    // Every visible value is valid JSON text (dump throws on invalid UTF-8).
    if (split.has_value()) (void)split.value().dump();
    if (valid && !duplicates && split.has_value() && !split.failed() && !consistent_with(split.value(), reference)) {
      std::abort();
    }
  }
  split.finish();

  if (whole.failed() != split.failed() || whole.complete() != split.complete()) std::abort();
  if (!whole.failed() && whole.value() != split.value()) std::abort();
  const bool depth_limited = whole.failed() && whole.error().rfind("nesting deeper", 0) == 0;
  if (valid && !depth_limited) {
    if (whole.failed() || !whole.complete() || whole.value() != reference) std::abort();
  }
  if (!valid && whole.complete() && !whole.trailing_text()) std::abort();
  return 0;
}
