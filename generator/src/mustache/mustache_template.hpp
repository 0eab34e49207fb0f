// SPDX-License-Identifier: MIT
#pragma once

#include "view_value.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// A mustache template compiled once and rendered straight from a view model (view_value).
// Generating a header used to convert the view model into kainjow/mustache data and render
// that: the conversion and kainjow's rendering took four fifths of a header's time. This engine
// renders the view model in place and keeps kainjow 4.1's observable rules:
//  - tags: {{name}}, {{{name}}}, {{&name}}, {{#section}}, {{^inverted}}, {{/close}},
//    {{! comment}}, {{> partial}}, {{=<% %>=}}; dotted names, {{.}}; no HTML escaping (the
//    output is C++);
//  - false, null, a missing name and an empty array are falsy; everything else, "" and 0 too,
//    is truthy; an array section repeats per element, any other truthy value is pushed once;
//  - a name is looked up from the innermost context outwards, a dotted name as a whole path in
//    each context in turn;
//  - a template line holding only section, inverted, close, comment or partial tags (and
//    blanks) leaves no trace, as the spec's standalone rule says; and, as kainjow does, a line on
//    which a section was entered or left and that rendered only blanks is dropped.
// Lambdas do not exist in JSON data. Partials are resolved when compiling, each with its own
// delimiters, as the mustache spec says.
namespace schemaforge::gen::mustache {

struct template_node {
  // `lines`: whole lines of plain text that follow a newline, each ended, merged when compiling;
  // nothing on them can be dropped, so they render as one append (most of a header is such text).
  enum class kind { text, newline, variable, section, inverted_section, lines };
  kind k = kind::text;
  std::string text;               // text, newline and lines nodes
  std::vector<std::string> path;  // variables and sections; empty for {{.}}
  std::vector<std::uint32_t> path_hashes;  // key_hash of each name in path
  std::size_t end = 0;            // sections: index of the first node after the section
  // lines nodes, for tidy rendering: `text` tidied (as if after a line that is not blank), and
  // whether its first and last lines are blank.
  std::string tidy_text;
  bool first_blank = false, last_blank = false;
};

struct compiled_template {
  std::vector<template_node> nodes;
};

// A broken template: what is wrong, and in which template at which line.
class template_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The text of a template by name (the top template's and every partial's), or nullopt when
// there is none.
using template_source = std::function<std::optional<std::string>(const std::string& name)>;

// Compiles template `name` and, in place of each {{> partial}} tag, the partial's nodes. Throws
// template_error for syntax errors, an unknown partial or partials that include themselves.
compiled_template compile_template(const std::string& name, const template_source& source);

// Appends the rendering of `tmpl` over `data` to `out`. With `tidy`, what is appended has no
// trailing blanks, no runs of blank lines (one stays) and ends with exactly one newline (nothing
// when empty): done line by line while rendering, not by another pass over the text.
void render_template(const compiled_template& tmpl, const view_value& data, std::string& out, bool tidy = false);

}  // namespace schemaforge::gen::mustache
