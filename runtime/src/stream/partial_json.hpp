// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemaforge::detail {

// Builds, from the JSON text received so far (a prefix of a JSON document), that prefix "completed
// to valid JSON", and reports each value that can no longer change ("field complete").
//
// Completion rules: an open string shows what arrived of it (never half an escape sequence, half a
// surrogate pair or half a UTF-8 sequence); an object key still being written, or written without
// its value yet, is left out; a number or literal is shown only once complete (a number is complete
// when the character after it arrives, or at finish()); open arrays and objects show as closed.
//
// Incremental: each byte is looked at once and the value is a tree edited in place, so feeding n new
// bytes costs O(n) (plus O(depth) to name a completed field), never a re-parse of the prefix; value()
// returns a reference to the live tree, without copying.
//
// Field complete: after a scalar ends or a container closes, the handler gets the value's JSON
// pointer (RFC 6901, "" for the root) and the value. Children are reported before their container.
class partial_json {
 public:
  using field_handler = std::function<void(std::string_view pointer, const nlohmann::json& value)>;

  struct options {
    // Skip anything before the first '{' or '[' (prose or a ```json fence some models put first).
    bool skip_leading_text = false;
    std::size_t max_depth = 512;
  };

  partial_json();
  explicit partial_json(options opts, field_handler on_field_complete = {});

  // Feeds the next bytes of text. Returns true when value() changed. Once failed() nothing changes.
  bool feed(std::string_view text);
  // The text is over: a number at the very end is complete now. Returns true when value() changed.
  bool finish();
  void reset();

  // Whether any part of the root value is visible yet.
  bool has_value() const noexcept { return root_started_; }
  // The prefix completed to valid JSON (null while has_value() is false).
  const nlohmann::json& value() const noexcept { return root_; }
  // The root value is closed: the document is whole.
  bool complete() const noexcept { return state_ == state::done; }
  // Bytes after the complete root value that were not whitespace (ignored).
  bool trailing_text() const noexcept { return trailing_text_; }
  bool failed() const noexcept { return state_ == state::failed; }
  // What was wrong, and at which byte offset of the whole text, when failed().
  const std::string& error() const noexcept { return error_; }
  std::size_t error_offset() const noexcept { return error_offset_; }
  std::size_t bytes_fed() const noexcept { return offset_; }

 private:
  enum class state : std::uint8_t {
    value,         // a value must start here (root, after ':' or after ',' in an array)
    array_first,   // after '[': a value or ']'
    object_first,  // after '{': a key or '}'
    object_key,    // after ',' in an object: a key
    colon,         // after a key
    after_value,   // ',' or the closing bracket of the current container, or the end at the root
    string,        // inside a value string or a key (string_is_key_)
    number,
    literal,
    done,
    failed,
  };
  struct frame {
    nlohmann::json* node;
    bool is_object;
    std::string key;  // object: the key of the member being written
  };

  std::size_t run(std::string_view text, std::size_t i);
  std::size_t run_string(std::string_view text, std::size_t i);
  bool escape_char(char c);
  void append_code_point(std::uint32_t cp);
  bool start_value(char c, std::size_t at);
  nlohmann::json& insert(nlohmann::json&& v);
  void value_done(const nlohmann::json& v);
  void close_container();
  bool end_number();
  void fail(std::string message, std::size_t at);
  std::string pointer(std::size_t depth) const;

  options opts_;
  field_handler on_field_complete_;
  nlohmann::json root_;
  std::vector<frame> stack_;
  state state_ = state::value;
  bool root_started_ = false;
  bool changed_ = false;
  bool trailing_text_ = false;
  std::size_t offset_ = 0;  // bytes fed before the current chunk

  // String state.
  bool string_is_key_ = false;
  nlohmann::json* string_node_ = nullptr;   // the value string being written (not for keys)
  std::string* string_target_ = nullptr;   // its text, or the current frame's key
  std::uint8_t escape_ = 0;        // 0 none, 1 after '\\', 2..5 reading \u hex digits
  std::uint32_t unicode_ = 0;      // \u digits read so far
  std::uint32_t high_surrogate_ = 0;
  char utf8_[4] = {};
  std::uint8_t utf8_have_ = 0, utf8_need_ = 0;

  std::string number_;
  std::string_view literal_;
  std::size_t literal_matched_ = 0;

  std::string error_;
  std::size_t error_offset_ = 0;
};

// One-shot helper: the completion of a whole prefix, or nullopt when it is not a JSON prefix or
// nothing is visible yet.
std::optional<nlohmann::json> complete_json_prefix(std::string_view prefix);

}  // namespace schemaforge::detail
