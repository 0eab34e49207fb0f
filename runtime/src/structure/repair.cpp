// SPDX-License-Identifier: MIT
#include "structure/repair.hpp"

#include <cctype>

namespace schemaforge::detail {
namespace {

using nlohmann::json;

std::optional<json> try_parse(std::string_view text) {
  auto value = json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Reasoning models served through plain chat endpoints put their thoughts in <think>...</think>.
bool strip_think(std::string& text) {
  auto open = text.find("<think>");
  if (open == std::string::npos) return false;
  auto close = text.find("</think>", open);
  if (close == std::string::npos) return false;
  text.erase(open, close + 8 - open);
  return true;
}

// The body of the first ``` fence (with or without a language tag).
bool strip_fence(std::string& text) {
  auto open = text.find("```");
  if (open == std::string::npos) return false;
  auto body_start = text.find('\n', open + 3);
  if (body_start == std::string::npos) return false;
  // A tag such as "json" may follow the backticks; anything else on that line is not a tag.
  std::string_view tag = trim(std::string_view(text).substr(open + 3, body_start - open - 3));
  for (char c : tag)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  auto close = text.find("```", body_start + 1);
  std::string body = text.substr(body_start + 1, close == std::string::npos ? std::string::npos : close - body_start - 1);
  text = std::move(body);
  return true;
}

// The first balanced {...} or [...] span, skipping brackets inside strings.
bool extract_balanced(std::string& text) {
  auto start = text.find_first_of("{[");
  if (start == std::string::npos) return false;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (--depth == 0) {
        // Nothing but whitespace around it: there is no prose to remove.
        if (trim(std::string_view(text).substr(0, start)).empty() && trim(std::string_view(text).substr(i + 1)).empty())
          return false;
        text = text.substr(start, i + 1 - start);
        return true;
      }
    }
  }
  return false;
}

// Removes commas directly followed (after whitespace) by } or ], outside strings.
bool remove_trailing_commas(std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  bool escaped = false;
  bool changed = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      out += c;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\n' || text[j] == '\r' || text[j] == '\t')) ++j;
      if (j < text.size() && (text[j] == '}' || text[j] == ']')) {
        changed = true;
        continue;
      }
    }
    out += c;
  }
  if (changed) text = std::move(out);
  return changed;
}

std::string parse_error_of(std::string_view text) {
  try {
    auto ignored = json::parse(text.begin(), text.end());
    (void)ignored;
  } catch (const json::parse_error& e) {
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at line 1, column 1: ..."
    std::string what = e.what();
    auto pos = what.find("] ");
    return pos == std::string::npos ? what : what.substr(pos + 2);
  }
  return {};
}

}  // namespace

repair_result repair_json(std::string_view original) {
  repair_result result;
  if (auto value = try_parse(original)) {
    result.value = std::move(value);
    return result;
  }

  std::string text(original);
  using step = bool (*)(std::string&);
  const std::pair<const char*, step> steps[] = {
      {"think_block", strip_think},
      {"code_fence", strip_fence},
      {"surrounding_prose", extract_balanced},
      {"trailing_comma", remove_trailing_commas},
  };
  for (const auto& [name, apply] : steps) {
    if (!apply(text)) continue;
    result.repairs.emplace_back(name);
    if (auto value = try_parse(text)) {
      result.value = std::move(value);
      return result;
    }
  }
  result.repairs.clear();  // nothing worked: report no repairs, only the original's parse error
  result.parse_error = parse_error_of(original);
  if (result.parse_error.empty()) result.parse_error = "not JSON";
  return result;
}

}  // namespace schemaforge::detail
