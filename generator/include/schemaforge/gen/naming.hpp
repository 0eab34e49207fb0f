// SPDX-License-Identifier: MIT
#pragma once

#include <set>
#include <string>
#include <string_view>

// The one place that turns JSON names into C++ identifiers. Every generated identifier goes
// through here, so the rules (documented in README "Generator") hold everywhere at once.
namespace schemaforge::gen::naming {

// Contract rule: words split on spaces, '_', '-' and '.'; each word's first letter upper-cased,
// the rest kept ("sensor grid" -> "SensorGrid", "http_URL" -> "HttpURL"). Other characters that
// cannot appear in an identifier are escaped (see escape_identifier_chars). May return "" for "".
std::string pascal_case(std::string_view text);

// snake_case for members: camelCase humps and separators become '_', everything lower-cased
// ("invoiceNumber" -> "invoice_number", "HTTPServer" -> "http_server").
std::string snake_case(std::string_view text);

// A valid type name from any text: pascal_case, then "T" in front when it does not start with an
// ASCII letter, "Unnamed" when nothing is left. Type names start upper-case, so they never hit a
// keyword or a lower-case macro; a name of two or more characters with no lower-case letter
// ("EOF", "NULL", "HTTP") gets a trailing "_" so it cannot hit an all-caps macro either.
std::string type_name(std::string_view text);

// A valid member name: snake_case, "_" in front of a leading digit, and "_" appended to C++
// keywords, alternative tokens, lower-case standard macros (errno, assert, major, ...) and names
// the generated code itself uses unqualified (std, nlohmann).
std::string member_name(std::string_view text);

// An enumerator: "k" + pascal_case ("in-progress" -> "kInProgress", "EOF" -> "kEOF", "" ->
// "kEmpty"). The "k" prefix followed by an upper-case letter or digit means an enumerator can
// never be an all-caps macro (EOF, NULL, TRUE) nor a lower-case one (errno, stdin, major).
std::string enumerator_name(std::string_view text);

// True for C++ keywords and alternative tokens.
bool is_cpp_keyword(std::string_view word);

// Hands out unique names within one scope: a taken name gets the smallest suffix 2, 3, ...
// that is free ("Node", "Node2"), or "_2", "_3" for snake_case names. Comparison ignores ASCII
// case, so two names that differ only by case never both appear (they would confuse readers and
// case-insensitive file systems alike).
class scope {
 public:
  // Marks `name` as used without changing it (reserved words of the scope).
  void reserve(const std::string& name);
  // Returns `wanted` or the first free suffixed form, and marks it as used.
  std::string unique(const std::string& wanted, bool snake = false);
  bool contains(const std::string& name) const;

 private:
  std::set<std::string> taken_;  // lower-cased
};

// A C++ narrow string literal (with quotes) holding exactly these bytes: printable ASCII stays,
// everything else becomes a three-digit octal escape, so no source-charset question arises.
std::string cpp_string_literal(std::string_view bytes);

// Text made safe for a /* */ or // comment: "*/" and "/*" broken apart, control characters
// replaced by spaces, line ends normalised. The result may hold several lines.
std::string comment_text(std::string_view text);

}  // namespace schemaforge::gen::naming
