// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace schemaforge {

enum class role { system, user, assistant };

// One chat message. Tool messages are built internally by the structure engine only.
struct message {
  schemaforge::role role = role::user;
  std::string content;
};

inline message system_message(std::string content) { return {role::system, std::move(content)}; }
inline message user_message(std::string content) { return {role::user, std::move(content)}; }
inline message assistant_message(std::string content) { return {role::assistant, std::move(content)}; }

// "system", "user" or "assistant", as the chat-completions API spells them.
const char* to_string(role r) noexcept;

// A function call the model asked for; `arguments` is the raw JSON text the model produced.
struct tool_call {
  std::string id;  // may be empty: some compatible servers (Gemini) send ""
  std::string name;
  std::string arguments;
};

// What to structure: a text or a conversation, plus optional instructions that go first as a
// system message. A plain text becomes one user message.
struct input {
  std::vector<message> messages;
  std::string instructions;

  input() = default;
  input(std::string text) { messages.push_back(user_message(std::move(text))); }          // NOLINT: implicit on purpose
  input(const char* text) : input(std::string(text)) {}                                  // NOLINT
  input(std::vector<message> conversation) : messages(std::move(conversation)) {}        // NOLINT
  input(std::string text, std::string instructions_) : input(std::move(text)) { instructions = std::move(instructions_); }
};

}  // namespace schemaforge
