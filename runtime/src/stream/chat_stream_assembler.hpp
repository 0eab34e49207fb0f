// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/errors.hpp>
#include <schemaforge/ledger.hpp>

#include "stream/partial_json.hpp"
#include "stream/sse_parser.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

// A tool call as assembled from its deltas.
struct stream_tool_call {
  std::optional<std::int64_t> index;  // the provider's index (may start at 1); absent when never sent
  std::string id;
  std::string type;
  std::string name;
  std::string arguments;  // the concatenated argument deltas (JSON text when the call is whole)
};

// One choice as assembled from its deltas.
struct stream_choice {
  std::size_t index = 0;
  bool seen = false;                          // some chunk mentioned this index
  std::string content;                        // text deltas (typed "text" parts included)
  std::string refusal;                        // refusal deltas
  std::string reasoning;                      // reasoning_content / reasoning / "thinking" parts
  std::vector<stream_tool_call> tool_calls;   // in order of first appearance
  std::optional<std::string> finish_reason;   // the last non-null value ("" kept as sent)
};

// How the stream ended (or has not yet).
enum class stream_status {
  open,            // finish() not called yet and no error seen
  complete,        // [DONE] arrived, or every choice has a finish_reason
  truncated,       // the body ended before either: the assembled value may be partial
  provider_error,  // the provider sent an error object inside the stream
  protocol_error,  // an event was not a chat.completion.chunk JSON object, or an event was too large
};

// Which text the partial-JSON tracker follows (always choice 0).
enum class partial_json_source { none, content, tool_arguments };

struct chat_stream_options {
  partial_json_source partial = partial_json_source::none;
  // Skip prose or a ```json fence before the first '{' or '[' of the followed text.
  bool skip_leading_text = true;
  std::size_t max_event_bytes = std::size_t{16} << 20;
  std::size_t max_choices = 128;
};

struct chat_stream_handlers {
  std::function<void(std::size_t choice, std::string_view text)> on_text;
  std::function<void(std::size_t choice, std::string_view text)> on_refusal;
  // tool_call is the position in stream_choice::tool_calls, not the provider's index.
  std::function<void(std::size_t choice, std::size_t tool_call, std::string_view arguments)> on_tool_arguments;
  // The followed text so far, completed to valid JSON; called when it changed.
  std::function<void(const nlohmann::json& partial)> on_partial;
  // A value of the followed JSON that can no longer change, by JSON pointer.
  std::function<void(std::string_view pointer, const nlohmann::json& value)> on_field_complete;
};

// The error object a provider put in the stream.
struct stream_provider_error {
  std::string message;
  std::string type;
  std::string code;     // as text, whether the provider sent a string or a number
  int status_code = 0;  // an HTTP-like status inside the error object, when present
};

// Turns a chat-completions SSE body (chat.completion.chunk events) into choices, usage and an end
// status, calling handlers for each delta as it arrives. Tolerates what providers really send:
// usage-only chunks with empty choices, trailing chunks after the finish, reasoning fields (kept
// apart from the answer, no events),
// content as an array of typed parts, tool calls without index or with ids repeated as "", chunks
// with an error object, `event: error` events, comment lines.
class chat_stream_assembler {
 public:
  explicit chat_stream_assembler(chat_stream_handlers handlers = {}, chat_stream_options options = {});

  chat_stream_assembler(const chat_stream_assembler&) = delete;
  chat_stream_assembler& operator=(const chat_stream_assembler&) = delete;

  // Raw body bytes, in any chunking.
  void feed(std::string_view bytes);
  // The body ended (the transport saw its end, or the connection closed).
  void finish();
  // For a transport that parses SSE itself: one event.
  void consume(const sse_event& event);

  stream_status status() const noexcept { return status_; }
  // True once [DONE] arrived or every choice seen has a finish_reason.
  bool ended_properly() const noexcept;
  bool done_marker() const noexcept { return done_marker_; }
  std::size_t data_events() const noexcept { return data_events_; }  // [DONE] not counted
  std::size_t comment_lines() const noexcept { return parser_.comment_lines(); }

  // Indexed by choice index; entries with seen == false were never mentioned.
  const std::vector<stream_choice>& choices() const noexcept { return choices_; }
  std::size_t choice_count() const noexcept;
  const std::optional<schemaforge::usage>& usage() const noexcept { return usage_; }
  const std::optional<stream_provider_error>& provider_error() const noexcept { return provider_error_; }
  const std::string& protocol_message() const noexcept { return protocol_message_; }
  const std::string& id() const noexcept { return id_; }
  const std::string& model() const noexcept { return model_; }

  // The followed JSON (see chat_stream_options::partial); nullptr when not followed.
  const partial_json* partial() const noexcept { return partial_ ? &*partial_ : nullptr; }

  // After finish(): the error a caller must report instead of a value (truncated, provider error,
  // protocol error), or nullopt when the stream completed.
  std::optional<schemaforge::error> error() const;

  // The assembled answer in the shape of a non-streaming chat.completion body, so that it can go
  // through the same response parser as a non-streaming answer.
  nlohmann::json to_completion() const;

 private:
  void on_event(const sse_event& event);
  void on_chunk(const nlohmann::json& chunk, std::string_view event_type, std::string_view data);
  void on_choice(const nlohmann::json& choice, std::size_t position);
  void on_tool_call(std::size_t choice, const nlohmann::json& call);
  void follow(std::size_t choice, std::size_t tool_call, std::string_view text, bool is_content);
  void protocol_failure(std::string message);

  chat_stream_handlers handlers_;
  chat_stream_options options_;
  sse_parser parser_;
  std::optional<partial_json> partial_;

  std::vector<stream_choice> choices_;
  std::optional<schemaforge::usage> usage_;
  std::optional<stream_provider_error> provider_error_;
  std::string protocol_message_;
  std::string id_;
  std::string model_;
  stream_status status_ = stream_status::open;
  bool done_marker_ = false;
  bool finished_ = false;
  bool flushing_ = false;          // inside finish(): a broken last event means a cut connection
  bool cut_mid_event_ = false;
  std::size_t data_events_ = 0;
};

}  // namespace schemaforge::detail
