// SPDX-License-Identifier: MIT
#include "structure/mode_memory.hpp"

#include "openai/chat_completion.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

namespace schemaforge::detail {
namespace {

struct memory {
  std::mutex mutex;
  std::unordered_map<std::string, structure_mode> modes;
};

memory& instance() {
  static memory m;
  return m;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

structure_mode remembered_mode(const std::string& base_url) {
  auto& m = instance();
  std::lock_guard lock(m.mutex);
  auto it = m.modes.find(base_url);
  return it == m.modes.end() ? structure_mode::json_schema : it->second;
}

void remember_mode(const std::string& base_url, structure_mode mode) {
  auto& m = instance();
  std::lock_guard lock(m.mutex);
  m.modes[base_url] = mode;
}

void forget_remembered_modes() {
  auto& m = instance();
  std::lock_guard lock(m.mutex);
  m.modes.clear();
}

std::optional<structure_mode> fallback_after(structure_mode mode) {
  switch (mode) {
    case structure_mode::automatic:
    case structure_mode::json_schema: return structure_mode::tools;
    case structure_mode::tools: return structure_mode::json;
    case structure_mode::json: return structure_mode::prompt;
    case structure_mode::prompt: return std::nullopt;
  }
  return std::nullopt;
}

bool rejects_mode_feature(int http_status, const provider_error* error, structure_mode mode) {
  if (http_status != 400 && http_status != 422 && http_status != 501) return false;
  if (mode == structure_mode::prompt || !error) return false;
  // Groq's tool_use_failed is the model's bad call, not a missing feature: that is reasked.
  if (error->code == "tool_use_failed") return false;
  std::string text = lower(error->message + " " + error->param + " " + error->code + " " + error->type);
  auto mentions = [&](const char* word) { return text.find(word) != std::string::npos; };
  switch (mode) {
    case structure_mode::json_schema:
      return mentions("response_format") || mentions("json_schema") || mentions("structured output") ||
             mentions("strict");
    case structure_mode::tools:
      return mentions("tool") || mentions("function");
    case structure_mode::json:
      return mentions("response_format") || mentions("json_object") || mentions("json mode");
    default:
      return false;
  }
}

}  // namespace schemaforge::detail
