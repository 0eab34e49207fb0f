// SPDX-License-Identifier: MIT
#include "structure/reask.hpp"

#include "openai/chat_completion.hpp"

namespace schemaforge::detail {

using nlohmann::json;

extracted_answer extract_answer(const completion_choice& choice, structure_mode mode) {
  extracted_answer answer;
  bool content_empty = !choice.content || choice.content->find_first_not_of(" \t\r\n") == std::string::npos;
  // In tools mode the call is the answer; elsewhere some servers still answer with a tool call.
  if (!choice.tool_calls.empty() && (mode == structure_mode::tools || content_empty)) {
    const auto& call = choice.tool_calls.front();
    answer.text = call.arguments;
    answer.tool_call_id = call.id;
    answer.tool_name = call.name;
    answer.from_tool_call = true;
    return answer;
  }
  if (choice.content) answer.text = *choice.content;
  return answer;
}

std::string problem_list(const std::vector<std::string>& problems, std::size_t limit) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& p : problems) {
    if (shown == limit) {
      out += "- ... and " + std::to_string(problems.size() - shown) + " more\n";
      break;
    }
    out += "- " + p + "\n";
    ++shown;
  }
  return out;
}

void append_reask(json& messages, const extracted_answer& answer, const std::string& problems) {
  std::string request = "Your answer is not valid:\n" + problems +
                        "Answer again with the complete corrected JSON only, fixing every error listed.";
  // A tool call must be followed by a tool message with its id; without an id (some compatible
  // servers send "") the answer is replayed as plain assistant text instead.
  if (answer.from_tool_call && !answer.tool_call_id.empty()) {
    messages.push_back(json{{"role", "assistant"},
                            {"content", nullptr},
                            {"tool_calls", json::array({json{{"id", answer.tool_call_id},
                                                             {"type", "function"},
                                                             {"function", json{{"name", answer.tool_name},
                                                                               {"arguments", answer.text}}}}})}});
    messages.push_back(json{{"role", "tool"}, {"tool_call_id", answer.tool_call_id}, {"content", std::move(request)}});
    return;
  }
  messages.push_back(json{{"role", "assistant"}, {"content", answer.text}});
  messages.push_back(json{{"role", "user"}, {"content", std::move(request)}});
}

}  // namespace schemaforge::detail
