// SPDX-License-Identifier: MIT
#include <schemaforge/gen/naming.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

namespace schemaforge::gen::naming {
namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
char to_upper(char c) { return is_ascii_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char to_lower(char c) { return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lower(std::string s) {
  for (auto& c : s) c = to_lower(c);
  return s;
}

// Decodes one UTF-8 sequence starting at text[i]; returns the code point and advances i.
// Bytes that are not valid UTF-8 come back one at a time (the loader only sees valid JSON text,
// which is valid UTF-8, but names can also come from file names).
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  auto b = static_cast<unsigned char>(text[i]);
  std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + len > text.size()) len = 1;
  std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += len;
  return cp;
}

// Word characters keep their byte; a non-ASCII character becomes its code point, "U00E9" in
// type names (which must stay free of '_' so pascal_case is idempotent) and "_u00e9" in members,
// so distinct names stay distinct.
std::string escape_code_point(std::uint32_t cp, bool upper_hex) {
  char buf[16];
  std::snprintf(buf, sizeof buf, upper_hex ? "U%04X" : "_u%04x", static_cast<unsigned>(cp));
  return buf;
}

bool is_separator(char c) { return c == ' ' || c == '_' || c == '-' || c == '.'; }

// Splits on the contract's separators; each word keeps its characters (escaped when needed).
// Hands each word to `use` in turn instead of returning a vector: every property name passes
// through here, and the vector and its strings were most of the cost.
template <class Use>
void for_each_word(std::string_view text, bool upper_hex, Use&& use) {
  std::string cur;
  auto end_word = [&] {
    if (!cur.empty()) use(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (is_separator(c)) {
      end_word();
      ++i;
      continue;
    }
    if (is_ascii_alpha(c) || is_ascii_digit(c)) {
      cur += c;
      ++i;
      continue;
    }
    std::uint32_t cp = next_code_point(text, i);
    // Other ASCII punctuation ('@', '$', '/', ...) separates words too: it carries no letter.
    if (cp < 0x80) {
      end_word();
      continue;
    }
    cur += escape_code_point(cp, upper_hex);
  }
  end_word();
}

constexpr std::array<std::string_view, 97> keywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "atomic_cancel", "atomic_commit", "atomic_noexcept",
    "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char", "char8_t", "char16_t", "char32_t",
    "class", "compl", "concept", "const", "consteval", "constexpr", "constinit", "const_cast", "continue",
    "co_await", "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr",
    "operator", "or", "or_eq", "private", "protected", "public", "reflexpr", "register",
    "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static", "static_assert",
    "static_cast", "struct", "switch", "synchronized", "template", "this", "thread_local", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
    "volatile", "wchar_t", "while", "xor", "xor_eq",
};

// Lower-case names that standard or common system headers define as macros, plus names the
// generated code uses unqualified; a member with one of these names would not compile.
constexpr std::array<std::string_view, 28> reserved_members = {
    "errno", "stdin", "stdout", "stderr", "assert", "major", "minor", "makedev", "offsetof",
    "setjmp", "va_arg", "va_start", "va_end", "va_copy", "unix", "linux", "i386", "std", "nlohmann",
    "isnan", "isinf", "isfinite", "signbit", "fpclassify", "isnormal", "alloca", "static_assert",
    "schemaforge_detail",
};

template <std::size_t N>
constexpr std::array<std::string_view, N> sorted(std::array<std::string_view, N> words) {
  std::sort(words.begin(), words.end());
  return words;
}

// Sorted copies for binary search: member_name asks about every property.
constexpr auto sorted_keywords = sorted(keywords);
constexpr auto sorted_reserved_members = sorted(reserved_members);

}  // namespace

bool is_cpp_keyword(std::string_view word) {
  return std::binary_search(sorted_keywords.begin(), sorted_keywords.end(), word);
}

std::string pascal_case(std::string_view text) {
  std::string out;
  for_each_word(text, true, [&](const std::string& w) {
    out += to_upper(w[0]);
    out.append(w, 1);
  });
  return out;
}

std::string snake_case(std::string_view text) {
  std::string out;
  for_each_word(text, false, [&](const std::string& w) {
    if (!out.empty()) out += '_';
    for (std::size_t i = 0; i < w.size(); ++i) {
      char c = w[i];
      // A hump starts a word: "aB" -> "a_b", "ABc" -> "a_bc" (the last capital of a run starts it).
      if (is_ascii_upper(c) && i > 0 && w[i - 1] != '_') {
        char prev = w[i - 1];
        bool next_lower = i + 1 < w.size() && is_ascii_lower(w[i + 1]);
        if (is_ascii_lower(prev) || is_ascii_digit(prev) || (is_ascii_upper(prev) && next_lower)) out += '_';
      }
      out += to_lower(c);
    }
  });
  // No "__" anywhere (reserved), no "_" at the end unless we add it on purpose later.
  // In place: a second string per member name cost an allocation for long names.
  out.erase(std::unique(out.begin(), out.end(), [](char a, char b) { return a == '_' && b == '_'; }), out.end());
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string type_name(std::string_view text) {
  std::string name = pascal_case(text);
  if (name.empty()) return "Unnamed";
  if (!is_ascii_upper(name[0])) name = "T" + name;
  bool has_lower = std::any_of(name.begin(), name.end(), is_ascii_lower);
  if (!has_lower && name.size() >= 2) name += '_';
  return name;
}

std::string member_name(std::string_view text) {
  std::string name = snake_case(text);
  if (name.empty()) return "unnamed";
  if (is_ascii_digit(name[0]) || name[0] == '_') name = "_" + name;
  if (name.size() > 1 && name[0] == '_' && name[1] == '_') name.erase(0, 1);
  if (is_cpp_keyword(name) ||
      std::binary_search(sorted_reserved_members.begin(), sorted_reserved_members.end(), name))
    name += '_';
  return name;
}

// Enum values made only of punctuation ("+", "**", ">=") still deserve telling names.
std::string punctuation_words(std::string_view text) {
  static const std::pair<char, const char*> words[] = {
      {'+', "Plus"}, {'-', "Minus"}, {'*', "Star"}, {'/', "Slash"}, {'%', "Percent"}, {'<', "Less"},
      {'>', "Greater"}, {'=', "Equals"}, {'!', "Bang"}, {'&', "Amp"}, {'|', "Pipe"}, {'^', "Caret"},
      {'~', "Tilde"}, {'?', "Question"}, {'@', "At"}, {'#', "Hash"}, {'$', "Dollar"}, {',', "Comma"},
      {';', "Semicolon"}, {':', "Colon"}, {'.', "Dot"}, {'_', "Underscore"}, {' ', "Space"}, {'\'', "Quote"},
      {'"', "DoubleQuote"}, {'(', "LeftParen"}, {')', "RightParen"}, {'[', "LeftBracket"}, {']', "RightBracket"},
      {'{', "LeftBrace"}, {'}', "RightBrace"}, {'\\', "Backslash"}, {'`', "Backtick"}};
  std::string out;
  for (char c : text) {
    for (const auto& [ch, word] : words)
      if (ch == c) out += word;
  }
  return out;
}

std::string enumerator_name(std::string_view text) {
  std::string name = pascal_case(text);
  if (name.empty()) name = punctuation_words(text);
  if (name.empty()) return "kEmpty";
  return "k" + name;
}

void scope::reserve(const std::string& name) { taken_.insert(lower(name)); }

bool scope::contains(const std::string& name) const { return taken_.count(lower(name)) != 0; }

std::string scope::unique(const std::string& wanted, bool snake) {
  std::string candidate = wanted;
  // "new_" + "_2" would make "new__2", and "__" is reserved.
  std::string sep = snake && (wanted.empty() || wanted.back() != '_') ? "_" : "";
  // insert() both asks whether the name is free and takes it: one lower-cased copy per candidate.
  for (int n = 2; !taken_.insert(lower(candidate)).second; ++n) candidate = wanted + sep + std::to_string(n);
  return candidate;
}

std::string cpp_string_literal(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7F && c != '?') {
      out += c;
    } else {
      // Octal escapes stop after three digits, unlike "\x" which would swallow following hex.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(u));
      out += buf;
    }
  }
  out += '"';
  return out;
}

std::string comment_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      c = '\n';
    }
    if (c != '\n' && static_cast<unsigned char>(c) < 0x20) c = ' ';
    if (c == 0x7F) c = ' ';
    // "??/" and the other trigraphs: g++ -Wall warns about them even in comments.
    if (out.size() >= 2 && out[out.size() - 1] == '?' && out[out.size() - 2] == '?' &&
        std::string_view("=/'()!<>-").find(c) != std::string_view::npos)
      out.insert(out.size() - 1, 1, ' ');
    if (c == '/' && !out.empty() && out.back() == '*') out += ' ';  // "*/" would end the comment
    if (c == '*' && !out.empty() && out.back() == '/') out += ' ';  // "/*" trips -Wcomment
    // A backslash at a line end would splice the next line into the comment.
    if (c == '\n') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      if (!out.empty() && out.back() == '\\') out += " (backslash)";
    }
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
  if (!out.empty() && out.back() == '\\') out += " (backslash)";
  return out;
}

}  // namespace schemaforge::gen::naming
