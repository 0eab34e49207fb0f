// SPDX-License-Identifier: MIT
#include "stream/chat_stream_assembler.hpp"

#include <algorithm>
#include <utility>

namespace schemaforge::detail {

namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string_view string_member(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_ref<const std::string&>();
}

std::int64_t int_member(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_number()) return 0;
  return v->is_number_integer() ? v->get<std::int64_t>() : static_cast<std::int64_t>(v->get<double>());
}

schemaforge::usage read_usage(const json& u) {
  schemaforge::usage out;
  out.prompt_tokens = int_member(u, "prompt_tokens");
  out.completion_tokens = int_member(u, "completion_tokens");
  out.total_tokens = int_member(u, "total_tokens");
  return out;
}

// A "thinking" part holds its text directly or as nested text parts.
void append_reasoning(const json& part, std::string& out) {
  const json* inner = member(part, string_member(part, "type") == "thinking" ? "thinking" : "reasoning");
  if (inner == nullptr) return;
  if (inner->is_string()) {
    out += inner->get_ref<const std::string&>();
  } else if (inner->is_array()) {
    for (const json& p : *inner) {
      if (p.is_string()) out += p.get_ref<const std::string&>();
      if (p.is_object()) out += string_member(p, "text");
    }
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

chat_stream_assembler::chat_stream_assembler(chat_stream_handlers handlers, chat_stream_options options)
    : handlers_(std::move(handlers)),
      options_(options),
      parser_([this](const sse_event& event) { on_event(event); }, options.max_event_bytes) {
  if (options_.partial != partial_json_source::none) {
    partial_json::field_handler on_field;
    if (handlers_.on_field_complete) {
      on_field = [this](std::string_view pointer, const json& value) { handlers_.on_field_complete(pointer, value); };
    }
    partial_json::options opts;
    opts.skip_leading_text = options_.skip_leading_text;
    partial_.emplace(opts, std::move(on_field));
  }
}

void chat_stream_assembler::feed(std::string_view bytes) {
  if (status_ == stream_status::protocol_error || finished_) return;
  if (!parser_.feed(bytes)) {
    protocol_failure("an event of the stream is larger than " + std::to_string(options_.max_event_bytes) + " bytes");
  }
}

void chat_stream_assembler::consume(const sse_event& event) {
  if (status_ == stream_status::protocol_error || finished_) return;
  on_event(event);
}

void chat_stream_assembler::finish() {
  if (finished_) return;
  flushing_ = true;
  const bool flushed = status_ == stream_status::protocol_error || parser_.finish();
  flushing_ = false;
  if (!flushed) {
    protocol_failure("an event of the stream is larger than " + std::to_string(options_.max_event_bytes) + " bytes");
  }
  finished_ = true;
  if (status_ == stream_status::open) status_ = ended_properly() ? stream_status::complete : stream_status::truncated;
  // Only a whole answer may complete a number at the very end of the followed text.
  if (partial_ && status_ == stream_status::complete && partial_->finish() && handlers_.on_partial) {
    handlers_.on_partial(partial_->value());
  }
}

bool chat_stream_assembler::ended_properly() const noexcept {
  if (done_marker_) return true;
  if (cut_mid_event_) return false;
  bool any = false;
  for (const stream_choice& c : choices_) {
    if (!c.seen) continue;
    if (!c.finish_reason || c.finish_reason->empty()) return false;
    any = true;
  }
  return any;
}

std::size_t chat_stream_assembler::choice_count() const noexcept {
  return static_cast<std::size_t>(std::count_if(choices_.begin(), choices_.end(), [](const stream_choice& c) { return c.seen; }));
}

void chat_stream_assembler::protocol_failure(std::string message) {
  status_ = stream_status::protocol_error;
  protocol_message_ = std::move(message);
}

void chat_stream_assembler::on_event(const sse_event& event) {
  if (status_ == stream_status::protocol_error) return;
  const std::string_view data = trim(event.data);
  if (data == "[DONE]") {
    done_marker_ = true;
    return;
  }
  // Nothing after [DONE] belongs to this answer.
  if (done_marker_) return;
  ++data_events_;
  const json chunk = json::parse(data.begin(), data.end(), nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    if (event.type == "error") {
      // An error event whose data is plain text: the text is the message.
      if (!provider_error_) provider_error_ = stream_provider_error{std::string(data), {}, {}, 0};
      status_ = stream_status::provider_error;
      return;
    }
    if (flushing_) {
      // The body ended inside this event: the connection was cut, the event is not malformed.
      cut_mid_event_ = true;
      --data_events_;
      return;
    }
    protocol_failure("stream event " + std::to_string(data_events_) + " is not a JSON object");
    return;
  }
  on_chunk(chunk, event.type, data);
}

void chat_stream_assembler::on_chunk(const json& chunk, std::string_view event_type, std::string_view data) {
  if (id_.empty()) id_ = string_member(chunk, "id");
  if (model_.empty()) model_ = string_member(chunk, "model");

  const json* err = member(chunk, "error");
  if (err != nullptr || event_type == "error") {
    stream_provider_error e;
    const json& body = err != nullptr ? *err : chunk;
    if (body.is_string()) {
      e.message = body.get<std::string>();
    } else {
      e.message = string_member(body, "message");
      e.type = string_member(body, "type");
      if (const json* code = member(body, "code")) {
        e.code = code->is_string() ? code->get<std::string>() : code->dump();
        if (code->is_number_integer() && code->get<std::int64_t>() >= 400 && code->get<std::int64_t>() < 600) {
          e.status_code = code->get<int>();
        }
      }
      if (const json* status = member(body, "status_code"); status != nullptr && status->is_number_integer()) {
        e.status_code = status->get<int>();
      }
      if (e.message.empty()) e.message = err != nullptr ? err->dump() : std::string(data);
    }
    // The first error explains the failure; later ones are usually its echoes.
    if (!provider_error_) provider_error_ = std::move(e);
    status_ = stream_status::provider_error;
  }

  if (const json* u = member(chunk, "usage"); u != nullptr && u->is_object()) {
    usage_ = read_usage(*u);
  } else if (const json* groq = member(chunk, "x_groq")) {
    // Older Groq streams put usage only in x_groq.
    if (const json* gu = member(*groq, "usage"); gu != nullptr && gu->is_object() && !usage_) usage_ = read_usage(*gu);
  }

  if (const json* choices = member(chunk, "choices"); choices != nullptr && choices->is_array()) {
    std::size_t position = 0;
    for (const json& choice : *choices) {
      on_choice(choice, position++);
      if (status_ == stream_status::protocol_error) return;
    }
  }
}

void chat_stream_assembler::on_choice(const json& choice, std::size_t position) {
  if (!choice.is_object()) return;
  std::size_t index = position;
  if (const json* i = member(choice, "index"); i != nullptr && i->is_number_unsigned()) index = i->get<std::size_t>();
  if (index >= options_.max_choices) {
    protocol_failure("choice index " + std::to_string(index) + " is beyond " + std::to_string(options_.max_choices));
    return;
  }
  if (choices_.size() <= index) choices_.resize(index + 1);
  stream_choice& c = choices_[index];
  c.seen = true;
  c.index = index;

  if (const json* delta = member(choice, "delta"); delta != nullptr && delta->is_object()) {
    if (const json* content = member(*delta, "content")) {
      auto add_text = [&](std::string_view text) {
        if (text.empty()) return;
        c.content.append(text);
        if (handlers_.on_text) handlers_.on_text(index, text);
        follow(index, 0, text, true);
      };
      if (content->is_string()) {
        add_text(content->get_ref<const std::string&>());
      } else if (content->is_array()) {
        // Typed parts (Mistral): "text" parts are the answer, "thinking" parts are reasoning.
        for (const json& part : *content) {
          if (part.is_string()) {
            add_text(part.get_ref<const std::string&>());
            continue;
          }
          const std::string_view type = string_member(part, "type");
          if (type.empty() || type == "text" || type == "output_text") {
            add_text(string_member(part, "text"));
          } else if (type == "thinking" || type == "reasoning") {
            append_reasoning(part, c.reasoning);
          }
        }
      }
    }
    for (const char* key : {"reasoning_content", "reasoning"}) c.reasoning.append(string_member(*delta, key));
    if (const std::string_view refusal = string_member(*delta, "refusal"); !refusal.empty()) {
      c.refusal.append(refusal);
      if (handlers_.on_refusal) handlers_.on_refusal(index, refusal);
    }
    if (const json* calls = member(*delta, "tool_calls"); calls != nullptr && calls->is_array()) {
      for (const json& call : *calls) on_tool_call(index, call);
    } else if (const json* fc = member(*delta, "function_call"); fc != nullptr && fc->is_object()) {
      // The deprecated functions API streams one call without index or id.
      on_tool_call(index, json{{"function", *fc}});
    }
  }

  if (const json* reason = member(choice, "finish_reason"); reason != nullptr && reason->is_string()) {
    c.finish_reason = reason->get<std::string>();
  }
}

void chat_stream_assembler::on_tool_call(std::size_t choice, const json& call) {
  if (!call.is_object()) return;
  std::vector<stream_tool_call>& calls = choices_[choice].tool_calls;
  std::optional<std::int64_t> index;
  if (const json* i = member(call, "index"); i != nullptr && i->is_number_integer()) index = i->get<std::int64_t>();
  const std::string_view id = string_member(call, "id");

  stream_tool_call* target = nullptr;
  if (index) {
    // The latest call with this index; a different non-empty id under the same index is a new
    // call (some gateways number every call 0).
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (it->index == index) {
        if (id.empty() || it->id.empty() || it->id == id) target = &*it;
        break;
      }
    }
  } else if (!id.empty()) {
    for (auto& existing : calls) {
      if (existing.id == id) target = &existing;
    }
  } else if (!calls.empty()) {
    target = &calls.back();  // a continuation without index or id
  }
  if (target == nullptr) {
    calls.push_back(stream_tool_call{index, {}, {}, {}, {}});
    target = &calls.back();
  }
  const std::size_t position = static_cast<std::size_t>(target - calls.data());

  if (target->id.empty() && !id.empty()) target->id = id;
  if (const std::string_view type = string_member(call, "type"); target->type.empty() && !type.empty()) target->type = type;
  if (const json* function = member(call, "function"); function != nullptr && function->is_object()) {
    if (const std::string_view name = string_member(*function, "name"); target->name.empty() && !name.empty()) {
      target->name = name;
    }
    if (const json* args = member(*function, "arguments")) {
      // Some servers send the arguments as an object rather than as JSON text.
      const std::string text = args->is_string() ? args->get<std::string>() : args->dump();
      if (!text.empty()) {
        target->arguments.append(text);
        if (handlers_.on_tool_arguments) handlers_.on_tool_arguments(choice, position, text);
        follow(choice, position, text, false);
      }
    }
  }
}

void chat_stream_assembler::follow(std::size_t choice, std::size_t tool_call, std::string_view text, bool is_content) {
  if (!partial_ || choice != 0) return;
  const bool wanted = is_content ? options_.partial == partial_json_source::content
                                 : options_.partial == partial_json_source::tool_arguments && tool_call == 0;
  if (wanted && partial_->feed(text) && handlers_.on_partial) handlers_.on_partial(partial_->value());
}

std::optional<schemaforge::error> chat_stream_assembler::error() const {
  switch (status_) {
    case stream_status::open:
    case stream_status::complete:
      return std::nullopt;
    case stream_status::truncated:
      return schemaforge::error(make_error_code(errc::connection),
                                "the stream ended before [DONE] or a finish_reason (after " +
                                    std::to_string(data_events_) +
                                    " events): the answer is incomplete; retry the request");
    case stream_status::provider_error: {
      const stream_provider_error& p = *provider_error_;
      errc code = errc::http_status;
      if (p.code == "insufficient_quota" || p.type == "insufficient_quota") {
        code = errc::quota;
      } else if (p.code.find("rate_limit") != std::string::npos || p.type.find("rate_limit") != std::string::npos) {
        code = errc::rate_limited;
      }
      schemaforge::error e(make_error_code(code), "the provider sent an error inside the stream: " + p.message);
      e.provider_message = p.message;
      e.http_status = p.status_code;
      return e;
    }
    case stream_status::protocol_error:
      return schemaforge::error(make_error_code(errc::protocol),
                                "the stream does not follow the chat-completions format: " + protocol_message_);
  }
  return std::nullopt;
}

json chat_stream_assembler::to_completion() const {
  json out = {{"id", id_}, {"object", "chat.completion"}, {"model", model_}, {"choices", json::array()}};
  for (const stream_choice& c : choices_) {
    if (!c.seen) continue;
    json message = {{"role", "assistant"}};
    const bool other_answer = !c.tool_calls.empty() || !c.refusal.empty();
    message["content"] = c.content.empty() && other_answer ? json(nullptr) : json(c.content);
    message["refusal"] = c.refusal.empty() ? json(nullptr) : json(c.refusal);
    if (!c.reasoning.empty()) message["reasoning_content"] = c.reasoning;
    if (!c.tool_calls.empty()) {
      json calls = json::array();
      for (const stream_tool_call& t : c.tool_calls) {
        calls.push_back({{"id", t.id},
                         {"type", t.type.empty() ? std::string("function") : t.type},
                         {"function", {{"name", t.name}, {"arguments", t.arguments}}}});
      }
      message["tool_calls"] = std::move(calls);
    }
    out["choices"].push_back({{"index", c.index},
                              {"message", std::move(message)},
                              {"finish_reason", c.finish_reason ? json(*c.finish_reason) : json(nullptr)}});
  }
  if (usage_) {
    out["usage"] = {{"prompt_tokens", usage_->prompt_tokens},
                    {"completion_tokens", usage_->completion_tokens},
                    {"total_tokens", usage_->total_tokens}};
  }
  return out;
}

}  // namespace schemaforge::detail
