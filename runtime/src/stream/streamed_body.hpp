// SPDX-License-Identifier: MIT
#pragma once

// The body of one streamed attempt, shared by chat_stream and structure_stream: it is fed to the
// SSE assembler, whose findings become the call's events, and kept whole while it holds no SSE
// event, for a server that ignored "stream": true and answered with one JSON body.

#include "http/http_types.hpp"
#include "stream/chat_stream_assembler.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace schemaforge::detail {

// An event of either stream (stream_event, structure_stream_event: the same fields).
template <class Event>
Event make_stream_event(typename Event::kind type, std::string_view text = {}, std::size_t tool_call = 0,
                        std::string_view pointer = {}, const nlohmann::json* value = nullptr) {
  Event e;
  e.type = type;
  e.text = text;
  e.tool_call = tool_call;
  e.pointer = pointer;
  e.value = value;
  return e;
}

// Handlers that hand the assembler's findings to `emit` as events: the deltas of the first
// choice, partial objects and completed fields.
template <class Event, class Emit>
chat_stream_handlers emitting_handlers(Emit emit) {
  using kind = typename Event::kind;
  chat_stream_handlers h;
  h.on_text = [emit](std::size_t choice, std::string_view text) {
    if (choice == 0) emit(make_stream_event<Event>(kind::text_delta, text));
  };
  h.on_refusal = [emit](std::size_t choice, std::string_view text) {
    if (choice == 0) emit(make_stream_event<Event>(kind::refusal_delta, text));
  };
  h.on_tool_arguments = [emit](std::size_t choice, std::size_t tool_call, std::string_view text) {
    if (choice == 0) emit(make_stream_event<Event>(kind::tool_arguments_delta, text, tool_call));
  };
  h.on_partial = [emit](const nlohmann::json& value) {
    emit(make_stream_event<Event>(kind::partial_object, {}, 0, {}, &value));
  };
  h.on_field_complete = [emit](std::string_view pointer, const nlohmann::json& value) {
    emit(make_stream_event<Event>(kind::field_complete, {}, 0, pointer, &value));
  };
  return h;
}

class streamed_body {
 public:
  // A new body (a new attempt): a fresh assembler.
  void reset(chat_stream_handlers handlers, chat_stream_options options) {
    assembler_.emplace(std::move(handlers), options);
    keep_plain_ = true;
    plain_.clear();
  }

  void feed(std::string_view bytes) {
    if (keep_plain_) plain_.append(bytes);
    assembler_->feed(bytes);
    if (keep_plain_ && (assembler_->data_events() > 0 || plain_.size() > max_plain_body)) {
      keep_plain_ = false;
      std::string().swap(plain_);
    }
  }

  chat_stream_assembler& assembler() { return *assembler_; }
  const chat_stream_assembler& assembler() const { return *assembler_; }

  // The server ignored "stream": true: no SSE event came, and the answer is one JSON body.
  bool is_plain_json(const http_response& response) const {
    return assembler_->data_events() == 0 && !plain_.empty() &&
           response.header("content-type").find("json") != std::string_view::npos;
  }
  std::string& plain_body() { return plain_; }
  const std::string& plain_body() const { return plain_; }

 private:
  // A plain body is kept up to this size.
  static constexpr std::size_t max_plain_body = std::size_t{8} << 20;

  std::optional<chat_stream_assembler> assembler_;
  bool keep_plain_ = true;
  std::string plain_;
};

}  // namespace schemaforge::detail
