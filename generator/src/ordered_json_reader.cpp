// SPDX-License-Identifier: MIT
#include "ordered_json_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::gen::detail {
namespace {

using ojson = nlohmann::ordered_json;

// A SAX handler for nlohmann's parser: open containers wait on a stack until they are complete,
// then move into their parent. The stack's entries outlive the containers they held, so the
// next container at the same depth reuses their vectors' room instead of growing new ones.
class bottom_up_builder {
 public:
  bool null() { return add(ojson(nullptr)); }
  bool boolean(bool v) { return add(ojson(v)); }
  bool number_integer(ojson::number_integer_t v) { return add(ojson(v)); }
  bool number_unsigned(ojson::number_unsigned_t v) { return add(ojson(v)); }
  bool number_float(ojson::number_float_t v, const ojson::string_t& /*text*/) { return add(ojson(v)); }
  bool string(ojson::string_t& v) { return add(ojson(std::move(v))); }
  bool binary(ojson::binary_t& v) { return add(ojson::binary(std::move(v))); }

  bool start_object(std::size_t /*size*/) {
    open(true);
    return true;
  }
  bool key(ojson::string_t& k) {
    innermost().key = std::move(k);
    return true;
  }
  bool end_object() {
    auto& members = innermost().members;
    ojson object(ojson::value_t::object);
    auto& map = object.get_ref<ojson::object_t&>();
    map.reserve(members.size());
    if (has_duplicate_key(members)) {
      for (auto& [k, v] : members) {
        auto [at, inserted] = map.emplace(k, std::move(v));  // moves v only when inserted
        if (!inserted) at->second = std::move(v);
      }
    } else {
      // ordered_map::emplace searches the keys before it appends: quadratic in a wide object.
      for (auto& [k, v] : members) map.emplace_back(std::move(k), std::move(v));
    }
    close();
    return add(std::move(object));
  }

  bool start_array(std::size_t /*size*/) {
    open(false);
    return true;
  }
  bool end_array() {
    auto& items = innermost().items;
    ojson array(ojson::value_t::array);
    array.get_ref<ojson::array_t&>().assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    close();
    return add(std::move(array));
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& e) {
    throw e;
  }

  ojson take() { return std::move(root_); }

 private:
  struct open_container {
    bool is_object = false;
    std::vector<std::pair<std::string, ojson>> members;  // objects; a plain pair, so growing moves
    std::string key;                                     // objects: the key of the coming value
    std::vector<ojson> items;                            // arrays
  };

  void open(bool is_object) {
    if (depth_ == open_.size()) open_.emplace_back();
    open_container& c = open_[depth_++];
    c.is_object = is_object;
    c.members.clear();
    c.items.clear();
  }
  void close() {
    innermost().members.clear();  // moved-from values; their room stays for the next container
    innermost().items.clear();
    --depth_;
  }
  open_container& innermost() { return open_[depth_ - 1]; }

  bool has_duplicate_key(const std::vector<std::pair<std::string, ojson>>& members) {
    if (members.size() < 2) return false;
    sorted_keys_.clear();
    for (const auto& member : members) sorted_keys_.push_back(member.first);
    std::sort(sorted_keys_.begin(), sorted_keys_.end());
    return std::adjacent_find(sorted_keys_.begin(), sorted_keys_.end()) != sorted_keys_.end();
  }

  bool add(ojson value) {
    if (depth_ == 0) root_ = std::move(value);
    else if (innermost().is_object) innermost().members.emplace_back(std::move(innermost().key), std::move(value));
    else innermost().items.push_back(std::move(value));
    return true;
  }

  std::vector<open_container> open_;  // [0, depth_) are open, the rest wait to be reused
  std::size_t depth_ = 0;
  std::vector<std::string_view> sorted_keys_;  // has_duplicate_key's scratch
  ojson root_;
};

// A reader for plain JSON text, feeding the same builder as nlohmann's parser does: ASCII only,
// no \u escapes, no byte order mark, finite numbers, nesting up to a bound. It gives up (returns false) on
// anything else, valid or not, and nlohmann's parser then reads the text from the start, with its
// own results and its own error messages. What it does read it reads as nlohmann does: the same
// whitespace, literals and escapes, integers through strtoull/strtoll with the same fallback to
// floating point, floating point through strtod with the locale's decimal point. nlohmann's
// lexer takes each byte through several layers (and keeps a copy of each token for error
// messages); schemas are mostly plain, and this reads them in a fraction of the time.
class plain_reader {
 public:
  plain_reader(const std::string& text, bottom_up_builder& out)
      : at_(text.data()), end_(text.data() + text.size()), out_(out) {}

  bool read_document() {
    skip_whitespace();
    if (!value(0)) return false;
    skip_whitespace();
    return at_ == end_;
  }

 private:
  static constexpr int max_depth = 256;  // deeper documents go to nlohmann's iterative parser

  bool value(int depth) {
    if (at_ == end_) return false;
    switch (*at_) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': {
        std::string text;
        return string(text) && out_.string(text);
      }
      case 't': return literal("true") && out_.boolean(true);
      case 'f': return literal("false") && out_.boolean(false);
      case 'n': return literal("null") && out_.null();
      default: return number();
    }
  }

  bool object(int depth) {
    if (depth > max_depth) return false;
    ++at_;  // '{'
    out_.start_object(static_cast<std::size_t>(-1));
    skip_whitespace();
    if (next_is('}')) return out_.end_object();
    for (;;) {
      std::string key;
      if (at_ == end_ || *at_ != '"' || !string(key)) return false;
      out_.key(key);
      skip_whitespace();
      if (!next_is(':')) return false;
      skip_whitespace();
      if (!value(depth)) return false;
      skip_whitespace();
      if (next_is(',')) {
        skip_whitespace();
        continue;
      }
      return next_is('}') && out_.end_object();
    }
  }

  bool array(int depth) {
    if (depth > max_depth) return false;
    ++at_;  // '['
    out_.start_array(static_cast<std::size_t>(-1));
    skip_whitespace();
    if (next_is(']')) return out_.end_array();
    for (;;) {
      if (!value(depth)) return false;
      skip_whitespace();
      if (next_is(',')) {
        skip_whitespace();
        continue;
      }
      return next_is(']') && out_.end_array();
    }
  }

  // At the opening quote. Printable ASCII and the two-character escapes; nothing else.
  bool string(std::string& out) {
    ++at_;
    const char* run = at_;  // bytes copied as they are, up to the next escape or the end
    for (;;) {
      if (at_ == end_) return false;
      auto c = static_cast<unsigned char>(*at_);
      if (c == '"') {
        out.append(run, at_);
        ++at_;
        return true;
      }
      if (c < 0x20 || c >= 0x80) return false;
      if (c != '\\') {
        ++at_;
        continue;
      }
      out.append(run, at_);
      if (++at_ == end_) return false;
      switch (*at_) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default: return false;  // \u and invalid escapes
      }
      run = ++at_;
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::string_view(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  // JSON's number grammar, then the conversions nlohmann's lexer makes.
  bool number() {
    const char* start = at_;
    bool negative = next_is('-');
    if (at_ == end_ || !is_digit(*at_)) return false;
    if (*at_ == '0') ++at_;
    else skip_digits();
    bool integral = true;
    if (next_is('.')) {
      integral = false;
      if (at_ == end_ || !is_digit(*at_)) return false;
      skip_digits();
    }
    if (at_ != end_ && (*at_ == 'e' || *at_ == 'E')) {
      integral = false;
      ++at_;
      if (at_ != end_ && (*at_ == '+' || *at_ == '-')) ++at_;
      if (at_ == end_ || !is_digit(*at_)) return false;
      skip_digits();
    }
    std::string token(start, at_);  // nul-terminated for the C conversions
    char* stop = nullptr;
    errno = 0;
    if (integral && !negative) {
      auto x = std::strtoull(token.c_str(), &stop, 10);
      if (errno == 0) return out_.number_unsigned(static_cast<ojson::number_unsigned_t>(x));
    } else if (integral) {
      auto x = std::strtoll(token.c_str(), &stop, 10);
      if (errno == 0) return out_.number_integer(static_cast<ojson::number_integer_t>(x));
    }
    // As nlohmann does: the locale's decimal point, so strtod reads the fraction in any locale.
    const lconv* locale = std::localeconv();
    char point = locale->decimal_point == nullptr ? '.' : *locale->decimal_point;
    std::replace(token.begin(), token.end(), '.', point);
    double x = std::strtod(token.c_str(), &stop);
    // Out of range ("1e400"): nlohmann reports it.
    if (stop != token.c_str() + token.size() || !std::isfinite(x)) return false;
    return out_.number_float(x, token);
  }

  void skip_digits() {
    while (at_ != end_ && is_digit(*at_)) ++at_;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool next_is(char c) {
    if (at_ == end_ || *at_ != c) return false;
    ++at_;
    return true;
  }
  void skip_whitespace() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r')) ++at_;
  }

  const char* at_;
  const char* end_;
  bottom_up_builder& out_;
};

}  // namespace

std::optional<nlohmann::ordered_json> parse_plain_json(const std::string& text) {
  bottom_up_builder builder;
  if (!plain_reader(text, builder).read_document()) return std::nullopt;
  return builder.take();
}

nlohmann::ordered_json parse_ordered_json(const std::string& text) {
  if (auto plain = parse_plain_json(text)) return std::move(*plain);
  bottom_up_builder builder;
  ojson::sax_parse(text, &builder);
  return builder.take();
}

}  // namespace schemaforge::gen::detail
