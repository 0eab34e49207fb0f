// SPDX-License-Identifier: MIT
#include "stream/partial_json.hpp"

#include "json_pointer_token.hpp"

#include <utility>

namespace schemaforge::detail {

namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A number this long is not something a model writes on purpose; bounding it bounds memory.
constexpr std::size_t max_number_length = 1024;

}  // namespace

partial_json::partial_json() : partial_json(options{}) {}

partial_json::partial_json(options opts, field_handler on_field_complete)
    : opts_(opts), on_field_complete_(std::move(on_field_complete)) {}

void partial_json::reset() {
  root_ = nullptr;
  stack_.clear();
  state_ = state::value;
  root_started_ = false;
  changed_ = false;
  trailing_text_ = false;
  offset_ = 0;
  string_is_key_ = false;
  string_node_ = nullptr;
  string_target_ = nullptr;
  escape_ = 0;
  unicode_ = 0;
  high_surrogate_ = 0;
  utf8_have_ = utf8_need_ = 0;
  number_.clear();
  literal_ = {};
  literal_matched_ = 0;
  error_.clear();
  error_offset_ = 0;
}

bool partial_json::feed(std::string_view text) {
  changed_ = false;
  std::size_t i = 0;
  while (i < text.size() && state_ != state::failed) i = run(text, i);
  offset_ += text.size();
  return changed_;
}

bool partial_json::finish() {
  changed_ = false;
  if (state_ == state::number && !end_number()) fail("invalid number '" + number_ + "'", offset_);
  return changed_;
}

void partial_json::fail(std::string message, std::size_t at) {
  state_ = state::failed;
  error_ = std::move(message);
  error_offset_ = at;
}

std::size_t partial_json::run(std::string_view text, std::size_t i) {
  const char c = text[i];
  switch (state_) {
    case state::string:
      return run_string(text, i);
    case state::number:
      if (is_number_char(c)) {
        if (number_.size() >= max_number_length) {
          fail("number longer than 1024 characters", offset_ + i);
          return text.size();
        }
        number_.push_back(c);
        return i + 1;
      }
      // The character after a number ends it; it is then read again as structure.
      if (!end_number()) fail("invalid number '" + number_ + "'", offset_ + i);
      return i;
    case state::literal:
      if (c != literal_[literal_matched_]) {
        fail("invalid literal (expected '" + std::string(literal_) + "')", offset_ + i);
        return text.size();
      }
      if (++literal_matched_ == literal_.size()) {
        nlohmann::json v;  // null
        if (literal_ == "true") v = true;
        if (literal_ == "false") v = false;
        value_done(insert(std::move(v)));
      }
      return i + 1;
    case state::done:
      for (; i < text.size(); ++i) {
        if (!is_whitespace(text[i])) trailing_text_ = true;
      }
      return i;
    case state::failed:
      return text.size();
    default:
      break;
  }

  if (is_whitespace(c)) return i + 1;

  switch (state_) {
    case state::value:
      if (opts_.skip_leading_text && !root_started_ && c != '{' && c != '[') return i + 1;
      if (!start_value(c, offset_ + i)) fail(std::string("expected a value, found '") + c + "'", offset_ + i);
      return i + 1;
    case state::array_first:
      if (c == ']') {
        close_container();
        return i + 1;
      }
      if (!start_value(c, offset_ + i)) fail(std::string("expected a value or ']', found '") + c + "'", offset_ + i);
      return i + 1;
    case state::object_first:
      if (c == '}') {
        close_container();
        return i + 1;
      }
      [[fallthrough]];
    case state::object_key:
      if (c != '"') {
        fail(std::string("expected an object key, found '") + c + "'", offset_ + i);
        return i;
      }
      stack_.back().key.clear();
      string_is_key_ = true;
      string_node_ = nullptr;
      string_target_ = &stack_.back().key;
      state_ = state::string;
      return i + 1;
    case state::colon:
      if (c != ':') {
        fail(std::string("expected ':', found '") + c + "'", offset_ + i);
        return i;
      }
      state_ = state::value;
      return i + 1;
    case state::after_value: {
      const frame& top = stack_.back();
      if (c == ',') {
        state_ = top.is_object ? state::object_key : state::value;
        return i + 1;
      }
      if (c == (top.is_object ? '}' : ']')) {
        close_container();
        return i + 1;
      }
      fail(std::string("expected ',' or '") + (top.is_object ? '}' : ']') + "', found '" + c + "'", offset_ + i);
      return i;
    }
    default:
      return i + 1;  // not reached: every other state returned above
  }
}

bool partial_json::start_value(char c, std::size_t at) {
  switch (c) {
    case '{':
    case '[': {
      if (stack_.size() >= opts_.max_depth) {
        fail("nesting deeper than " + std::to_string(opts_.max_depth) + " levels", at);
        return true;  // failed already, with the precise reason
      }
      const bool is_object = c == '{';
      nlohmann::json& node = insert(is_object ? nlohmann::json::object() : nlohmann::json::array());
      stack_.push_back(frame{&node, is_object, {}});
      state_ = is_object ? state::object_first : state::array_first;
      return true;
    }
    case '"': {
      nlohmann::json& node = insert(nlohmann::json(std::string()));
      string_is_key_ = false;
      string_node_ = &node;
      string_target_ = node.get_ptr<std::string*>();
      state_ = state::string;
      return true;
    }
    case 't':
      literal_ = "true";
      break;
    case 'f':
      literal_ = "false";
      break;
    case 'n':
      literal_ = "null";
      break;
    default:
      if (c == '-' || (c >= '0' && c <= '9')) {
        number_.assign(1, c);
        state_ = state::number;
        return true;
      }
      return false;
  }
  literal_matched_ = 1;
  state_ = state::literal;
  return true;
}

nlohmann::json& partial_json::insert(nlohmann::json&& v) {
  changed_ = true;
  if (stack_.empty()) {
    root_ = std::move(v);
    root_started_ = true;
    return root_;
  }
  // Only the innermost open container ever grows, so the frames' pointers into parents (a vector
  // element of an array, a map node of an object) stay valid while their children are open.
  frame& top = stack_.back();
  if (top.is_object) {
    nlohmann::json& slot = (*top.node)[top.key];
    slot = std::move(v);
    return slot;
  }
  top.node->push_back(std::move(v));
  return top.node->back();
}

void partial_json::value_done(const nlohmann::json& v) {
  state_ = stack_.empty() ? state::done : state::after_value;
  if (on_field_complete_) on_field_complete_(pointer(stack_.size()), v);
}

void partial_json::close_container() {
  const nlohmann::json* node = stack_.back().node;
  stack_.pop_back();
  value_done(*node);
}

bool partial_json::end_number() {
  nlohmann::json v = nlohmann::json::parse(number_, nullptr, false);
  if (v.is_discarded() || !v.is_number()) return false;
  number_.clear();
  value_done(insert(std::move(v)));
  return true;
}

std::string partial_json::pointer(std::size_t depth) const {
  std::string out;
  for (std::size_t d = 0; d < depth; ++d) {
    const frame& f = stack_[d];
    out += '/';
    if (f.is_object) {
      append_pointer_token(out, f.key);
    } else {
      out += std::to_string(f.node->size() - 1);
    }
  }
  return out;
}

std::size_t partial_json::run_string(std::string_view text, std::size_t i) {
  std::string& out = *string_target_;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (escape_ != 0) {
      if (!escape_char(static_cast<char>(c))) {
        fail("invalid escape sequence in a string", offset_ + i);
        return n;
      }
      ++i;
      continue;
    }
    if (utf8_need_ != 0) {
      // The second byte's range excludes overlong forms and UTF-16 surrogates, as nlohmann does.
      unsigned char lo = 0x80, hi = 0xBF;
      if (utf8_have_ == 1) {
        const auto lead = static_cast<unsigned char>(utf8_[0]);
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
      }
      if (c < lo || c > hi) {
        fail("invalid UTF-8 in a string", offset_ + i);
        return n;
      }
      utf8_[utf8_have_++] = static_cast<char>(c);
      ++i;
      if (utf8_have_ == utf8_need_) {
        out.append(utf8_, utf8_need_);
        utf8_have_ = utf8_need_ = 0;
        if (!string_is_key_) changed_ = true;
      }
      continue;
    }
    if (high_surrogate_ != 0 && c != '\\') {
      fail("a UTF-16 high surrogate escape without its low surrogate", offset_ + i);
      return n;
    }
    if (c == '"') {
      ++i;
      if (string_is_key_) {
        state_ = state::colon;
      } else {
        value_done(*string_node_);
      }
      return i;
    }
    if (c == '\\') {
      escape_ = 1;
      ++i;
      continue;
    }
    if (c < 0x20) {
      fail("unescaped control character in a string", offset_ + i);
      return n;
    }
    if (c >= 0x80) {
      if (c >= 0xC2 && c <= 0xDF) {
        utf8_need_ = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        utf8_need_ = 3;
      } else if (c >= 0xF0 && c <= 0xF4) {
        utf8_need_ = 4;
      } else {
        fail("invalid UTF-8 in a string", offset_ + i);
        return n;
      }
      utf8_[0] = static_cast<char>(c);
      utf8_have_ = 1;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < n) {
      const auto d = static_cast<unsigned char>(text[j]);
      if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80) break;
      ++j;
    }
    out.append(text.data() + i, j - i);
    if (!string_is_key_) changed_ = true;
    i = j;
  }
  return i;
}

bool partial_json::escape_char(char c) {
  if (escape_ == 1) {
    if (high_surrogate_ != 0 && c != 'u') return false;
    char decoded = 0;
    switch (c) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      case 'u':
        escape_ = 2;
        unicode_ = 0;
        return true;
      default:
        return false;
    }
    escape_ = 0;
    append_code_point(static_cast<unsigned char>(decoded));
    return true;
  }
  const int digit = hex_value(c);
  if (digit < 0) return false;
  unicode_ = unicode_ * 16 + static_cast<std::uint32_t>(digit);
  if (++escape_ < 6) return true;
  escape_ = 0;
  std::uint32_t cp = unicode_;
  if (high_surrogate_ != 0) {
    if (cp < 0xDC00 || cp > 0xDFFF) return false;
    cp = 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (cp - 0xDC00);
    high_surrogate_ = 0;
  } else if (cp >= 0xD800 && cp <= 0xDBFF) {
    high_surrogate_ = cp;  // shown once its low half arrives
    return true;
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return false;
  }
  append_code_point(cp);
  return true;
}

void partial_json::append_code_point(std::uint32_t cp) {
  std::string& out = *string_target_;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  if (!string_is_key_) changed_ = true;
}

std::optional<nlohmann::json> complete_json_prefix(std::string_view prefix) {
  partial_json parser;
  parser.feed(prefix);
  if (parser.failed() || !parser.has_value()) return std::nullopt;
  return parser.value();
}

}  // namespace schemaforge::detail
