// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/structure_options.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace schemaforge::detail {

struct completion_choice;

// The part of a choice that holds the answer in a given mode.
struct extracted_answer {
  std::string text;          // content, or the function call's arguments
  std::string tool_call_id;  // set when the answer came from a tool call
  std::string tool_name;
  bool from_tool_call = false;
};

extracted_answer extract_answer(const completion_choice& choice, structure_mode mode);

// Errors to send back: at most `limit` lines "- <pointer>: <message>" ("(root)" for "").
std::string problem_list(const std::vector<std::string>& problems, std::size_t limit = 10);

// Appends the model's rejected answer and a user (or tool) message listing the problems, so the
// next request asks for a corrected answer.
void append_reask(nlohmann::json& messages, const extracted_answer& answer, const std::string& problems);

}  // namespace schemaforge::detail
