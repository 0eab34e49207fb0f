// SPDX-License-Identifier: MIT
#include "openai/chat_completion.hpp"

#include <schemaforge/errors.hpp>

#include <nlohmann/json.hpp>

namespace schemaforge::detail {
namespace {

using nlohmann::json;

std::string string_or_empty(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// Some servers send error codes as numbers; keep them readable either way.
std::string scalar_text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::int64_t integer_or_zero(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->get<std::int64_t>();
}

// Content parts: OpenAI's {"type":"text","text":...}, Mistral's {"type":"thinking","thinking":[parts]}.
// Text parts form the answer; thinking parts are reasoning, never part of the answer.
void collect_parts(const json& parts, std::string& text, std::string& reasoning) {
  for (const auto& part : parts) {
    if (part.is_string()) {
      text += part.get<std::string>();
      continue;
    }
    if (!part.is_object()) continue;
    auto type = string_or_empty(part, "type");
    if (type == "thinking" || type == "reasoning") {
      auto inner = part.find(type);
      if (inner != part.end() && inner->is_array()) {
        std::string ignored_text;
        std::string nested;
        collect_parts(*inner, nested, ignored_text);
        reasoning += nested;
      } else if (inner != part.end() && inner->is_string()) {
        reasoning += inner->get<std::string>();
      }
      continue;
    }
    if (type.empty() || type == "text" || type == "output_text") text += string_or_empty(part, "text");
  }
}

completion_choice parse_choice(const json& c, int position) {
  completion_choice choice;
  choice.index = c.contains("index") && c["index"].is_number_integer() ? c["index"].get<int>() : position;
  if (auto fr = c.find("finish_reason"); fr != c.end() && fr->is_string()) choice.finish_reason = fr->get<std::string>();

  auto m = c.find("message");
  if (m == c.end() || !m->is_object()) return choice;
  const json& message = *m;

  if (auto content = message.find("content"); content != message.end()) {
    if (content->is_string()) {
      choice.content = content->get<std::string>();
    } else if (content->is_array()) {
      std::string text;
      collect_parts(*content, text, choice.reasoning);
      choice.content = std::move(text);
    }
  }
  choice.refusal = string_or_empty(message, "refusal");
  for (const char* key : {"reasoning_content", "reasoning"}) {
    auto r = string_or_empty(message, key);
    if (!r.empty()) choice.reasoning += r;
  }
  if (auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
    for (const auto& call : *calls) {
      if (!call.is_object()) continue;
      tool_call tc;
      tc.id = string_or_empty(call, "id");
      if (auto fn = call.find("function"); fn != call.end() && fn->is_object()) {
        tc.name = string_or_empty(*fn, "name");
        // Arguments are a JSON string per the API; a few servers send the object itself.
        if (auto args = fn->find("arguments"); args != fn->end()) tc.arguments = args->is_string() ? args->get<std::string>() : args->dump();
      }
      choice.tool_calls.push_back(std::move(tc));
    }
  } else if (auto fc = message.find("function_call");
             fc != message.end() && fc->is_object() && !string_or_empty(*fc, "name").empty()) {
    // The legacy single function_call field (Snowflake sends an all-empty one with every answer).
    tool_call tc;
    tc.name = string_or_empty(*fc, "name");
    if (auto args = fc->find("arguments"); args != fc->end()) tc.arguments = args->is_string() ? args->get<std::string>() : args->dump();
    choice.tool_calls.push_back(std::move(tc));
  }
  return choice;
}

provider_error error_from(const json& e) {
  provider_error error;
  if (e.is_string()) {
    error.message = e.get<std::string>();
    return error;
  }
  error.message = string_or_empty(e, "message");
  error.type = string_or_empty(e, "type");
  error.code = scalar_text(e, "code");
  error.param = scalar_text(e, "param");
  error.failed_generation = string_or_empty(e, "failed_generation");
  return error;
}

}  // namespace

std::optional<provider_error> parse_provider_error(std::string_view body) {
  auto doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto e = doc.find("error");
  if (e == doc.end() || !(e->is_object() || e->is_string())) {
    // Some servers (vLLM, older llama.cpp) answer {"object":"error","message":...}.
    if (string_or_empty(doc, "object") == "error" || doc.contains("detail")) {
      provider_error error;
      error.message = doc.contains("message") ? string_or_empty(doc, "message") : scalar_text(doc, "detail");
      error.type = string_or_empty(doc, "type");
      error.code = scalar_text(doc, "code");
      return error;
    }
    return std::nullopt;
  }
  return error_from(*e);
}

chat_completion parse_chat_completion(std::string_view body) {
  auto doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw error(errc::protocol, "the endpoint's answer is not a JSON object; check the base URL points at an OpenAI-compatible /v1 endpoint");

  chat_completion completion;
  completion.id = string_or_empty(doc, "id");
  completion.model = string_or_empty(doc, "model");
  if (auto u = doc.find("usage"); u != doc.end() && u->is_object()) {
    completion.usage.prompt_tokens = integer_or_zero(*u, "prompt_tokens");
    completion.usage.completion_tokens = integer_or_zero(*u, "completion_tokens");
    completion.usage.total_tokens = integer_or_zero(*u, "total_tokens");
    if (completion.usage.total_tokens == 0)
      completion.usage.total_tokens = completion.usage.prompt_tokens + completion.usage.completion_tokens;
  }
  if (auto e = doc.find("error"); e != doc.end() && (e->is_object() || e->is_string())) completion.error = error_from(*e);

  auto choices = doc.find("choices");
  if (choices != doc.end() && choices->is_array()) {
    int position = 0;
    for (const auto& c : *choices) {
      if (c.is_object()) completion.choices.push_back(parse_choice(c, position));
      ++position;
    }
  } else if (!completion.error) {
    throw error(errc::protocol, "the endpoint's answer has neither 'choices' nor 'error'; check the base URL points at a chat-completions endpoint");
  }
  return completion;
}

}  // namespace schemaforge::detail
