// SPDX-License-Identifier: MIT
#include "flag_names.hpp"

#include <string_view>
#include <utility>

namespace schemaforge::cli {

namespace {

// Longer phrases first: a phrase naming several fields for one flag becomes that one flag.
constexpr std::pair<std::string_view, std::string_view> option_flags[] = {
    {"SCHEMAFORGE_MODEL, client_options::model or call_options::model", "SCHEMAFORGE_MODEL or pass --model"},
    {"SCHEMAFORGE_MODEL or call_options::model", "SCHEMAFORGE_MODEL or pass --model"},
    {"OPENAI_API_KEY or client_options::api_key", "OPENAI_API_KEY or pass --api-key"},
    {"the model (call_options::model or client_options::model)", "--model"},
    {"max_retries (client_options or call_options)", "--max-retries"},
    {"call_options::timeout", "--timeout"},
    {"call_options::deadline", "--deadline"},
    {"call_options::model", "--model"},
    {"client_options::base_url", "--base-url"},
    {"client_options::api_key", "--api-key"},
    {"sample_kind::text", "--text"},
    {"read the file as one document, not sample_layout::lines", "drop --jsonl if the file is one document"},
    {"render_options::cpp_namespace", "--namespace"},
};

}  // namespace

std::string with_flag_names(std::string message) {
  for (const auto& [option, flag] : option_flags) {
    for (std::size_t at = message.find(option); at != std::string::npos; at = message.find(option, at + flag.size()))
      message.replace(at, option.size(), flag);
  }
  return message;
}

}  // namespace schemaforge::cli
