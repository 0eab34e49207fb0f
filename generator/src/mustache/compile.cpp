// SPDX-License-Identifier: MIT
#include "mustache_template.hpp"
#include "tidy_lines.hpp"

#include <algorithm>
#include <utility>

namespace schemaforge::gen::mustache {
namespace {

// Partials deeper than this are taken for a partial that includes itself.
constexpr int max_partial_depth = 16;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A line holding only section, inverted-section, closing, comment or partial tags (and blanks).
bool is_standalone_line(std::string_view line, std::string_view open, std::string_view close) {
  std::size_t i = 0;
  bool any = false;
  while (i < line.size()) {
    if (is_blank(line[i])) {
      ++i;
      continue;
    }
    if (line.compare(i, open.size(), open) != 0 || i + open.size() >= line.size()) return false;
    char sigil = line[i + open.size()];
    if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '!' && sigil != '>') return false;
    auto end = line.find(close, i);
    if (end == std::string_view::npos) return false;
    i = end + close.size();
    any = true;
  }
  return any;
}

// The template text with each standalone line reduced to its tags: no indentation, no newline.
// `line_starts` receives, per original line, where it begins in the result (for messages).
std::string strip_standalone_lines(std::string_view text, std::vector<std::size_t>& line_starts) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start < text.size()) {
    line_starts.push_back(out.size());
    auto nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (is_standalone_line(line, "{{", "}}")) {
      auto first = line.find_first_not_of(" \t");
      auto last = line.find_last_not_of(" \t");
      out += line.substr(first, last - first + 1);
    } else {
      out += line;
      if (nl != std::string_view::npos) out += '\n';
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> split_path(std::string_view name) {
  std::vector<std::string> path;
  if (name == ".") return path;
  while (true) {
    auto dot = name.find('.');
    path.emplace_back(name.substr(0, dot));
    if (dot == std::string_view::npos) return path;
    name.remove_prefix(dot + 1);
  }
}

class compiler {
 public:
  compiler(const template_source& source, compiled_template& out) : source_(source), out_(out) {}

  void compile(const std::string& name, int depth) {
    if (depth > max_partial_depth)
      throw template_error("template \"" + name + "\" is included through more than " + std::to_string(max_partial_depth) +
                           " partials; a partial may not include itself");
    std::optional<std::string> raw = source_(name);
    if (!raw)
      throw template_error(depth == 0 ? "template \"" + name + "\" does not exist"
                                      : "partial \"" + name + "\" does not exist; add " + name + ".mustache to the template directory");
    std::vector<std::size_t> line_starts;
    const std::string text = strip_standalone_lines(*raw, line_starts);
    auto where = [&](std::size_t pos) {
      auto line = std::upper_bound(line_starts.begin(), line_starts.end(), pos) - line_starts.begin();
      return " (" + name + ".mustache line " + std::to_string(std::max<std::ptrdiff_t>(line, 1)) + ")";
    };

    std::string open = "{{", close = "}}";
    struct open_section {
      std::size_t node;
      std::string name;
      std::size_t pos;
    };
    std::vector<open_section> sections;
    std::string pending_text;
    auto flush_text = [&] {
      if (!pending_text.empty()) add_text(template_node::kind::text, std::move(pending_text));
      pending_text.clear();
    };

    std::size_t pos = 0;
    while (pos < text.size()) {
      if (text.compare(pos, open.size(), open) != 0) {
        char c = text[pos];
        if (c == '\n' || c == '\r') {
          flush_text();
          std::size_t n = (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ? 2 : 1;
          add_text(template_node::kind::newline, text.substr(pos, n));
          pos += n;
        } else {
          // Plain text up to the next line end or tag, taken at once (compiling is on the path of
          // every first header).
          std::size_t stop = pos + 1;
          while (stop < text.size() && text[stop] != '\n' && text[stop] != '\r' &&
                 !(text[stop] == open[0] && text.compare(stop, open.size(), open) == 0))
            ++stop;
          pending_text.append(text, pos, stop - pos);
          pos = stop;
        }
        continue;
      }
      flush_text();
      const std::size_t tag_pos = pos;
      std::size_t contents = pos + open.size();
      const bool triple = open == "{{" && close == "}}" && contents < text.size() && text[contents] == '{';
      if (triple) ++contents;
      const std::string& tag_close = triple ? std::string("}}}") : close;
      auto tag_end = text.find(tag_close, contents);
      if (tag_end == std::string::npos) throw template_error("unclosed tag \"" + text.substr(tag_pos, 20) + "\"" + where(tag_pos));
      std::string_view body = trim(std::string_view(text).substr(contents, tag_end - contents));
      pos = tag_end + tag_close.size();

      if (triple) {
        add_tag(template_node::kind::variable, body);
        continue;
      }
      char sigil = body.empty() ? '\0' : body.front();
      std::string_view tag_name = sigil == '\0' ? body : trim(body.substr(1));
      switch (sigil) {
        case '=': set_delimiters(body, open, close, where(tag_pos)); break;
        case '!': break;
        case '#':
        case '^':
          sections.push_back({out_.nodes.size(), std::string(tag_name), tag_pos});
          add_tag(sigil == '#' ? template_node::kind::section : template_node::kind::inverted_section, tag_name);
          break;
        case '/':
          if (sections.empty()) throw template_error("section \"" + std::string(tag_name) + "\" is closed but was never opened" + where(tag_pos));
          if (sections.back().name != tag_name)
            throw template_error("section \"" + sections.back().name + "\" is not closed before \"" + std::string(tag_name) + "\" is" +
                                 where(sections.back().pos));
          out_.nodes[sections.back().node].end = out_.nodes.size();
          sections.pop_back();
          break;
        case '>': compile(std::string(tag_name), depth + 1); break;
        case '&': add_tag(template_node::kind::variable, tag_name); break;
        default: add_tag(template_node::kind::variable, body); break;
      }
    }
    flush_text();
    if (!sections.empty()) throw template_error("section \"" + sections.back().name + "\" is never closed" + where(sections.back().pos));
  }

 private:
  void add_text(template_node::kind k, std::string text) {
    template_node n;
    n.k = k;
    n.text = std::move(text);
    out_.nodes.push_back(std::move(n));
  }

  void add_tag(template_node::kind k, std::string_view name) {
    template_node n;
    n.k = k;
    n.path = split_path(name);
    for (const std::string& key : n.path) n.path_hashes.push_back(key_hash(key));
    out_.nodes.push_back(std::move(n));
  }

  // {{=<% %>=}}: two delimiters without blanks or '='.
  static void set_delimiters(std::string_view body, std::string& open, std::string& close, const std::string& where) {
    auto bad = [&] { return template_error("invalid set-delimiter tag; write it as {{=<% %>=}}" + where); };
    if (body.size() < 5 || body.back() != '=') throw bad();
    std::string_view inner = trim(body.substr(1, body.size() - 2));
    auto space = inner.find_first_of(" \t");
    if (space == std::string_view::npos) throw bad();
    std::string_view first = inner.substr(0, space), second = trim(inner.substr(space));
    auto valid = [](std::string_view d) {
      return !d.empty() && std::none_of(d.begin(), d.end(), [](char c) { return c == '=' || c == ' ' || c == '\t'; });
    };
    if (!valid(first) || !valid(second)) throw bad();
    open = first;
    close = second;
  }

  const template_source& source_;
  compiled_template& out_;
};

// Merges each run of text and newline nodes that starts after a newline and ends with one into a
// `lines` node. A run never starts at or crosses a section's bounds; section ends are remapped.
void merge_plain_lines(compiled_template& tmpl) {
  using node_kind = template_node::kind;
  std::vector<template_node>& nodes = tmpl.nodes;
  std::vector<bool> section_bound(nodes.size() + 1, false);
  for (const template_node& n : nodes)
    if (n.k == node_kind::section || n.k == node_kind::inverted_section) section_bound[n.end] = true;
  auto plain = [&](std::size_t i) { return nodes[i].k == node_kind::text || nodes[i].k == node_kind::newline; };

  std::vector<template_node> merged;
  merged.reserve(nodes.size());
  std::vector<std::size_t> new_index(nodes.size() + 1);
  std::size_t i = 0;
  while (i < nodes.size()) {
    // A run starts right after a newline, where no line can be dropped; not where a section just
    // ended: leaving a section marks the line (see render.cpp's drops_line).
    std::size_t last_newline = i;
    if (i > 0 && nodes[i - 1].k == node_kind::newline && !section_bound[i] && plain(i)) {
      for (std::size_t j = i; j < nodes.size() && plain(j) && (j == i || !section_bound[j]); ++j)
        if (nodes[j].k == node_kind::newline) last_newline = j;
    }
    if (last_newline > i) {
      template_node block;
      block.k = node_kind::lines;
      for (std::size_t j = i; j <= last_newline; ++j) {
        new_index[j] = merged.size();
        block.text += nodes[j].text;
      }
      block.tidy_text = block.text;
      bool previous_blank = false;
      tidy_lines(block.tidy_text, 0, previous_blank);
      block.first_blank = block.tidy_text.front() == '\n';
      block.last_blank = previous_blank;
      merged.push_back(std::move(block));
      i = last_newline + 1;
    } else {
      new_index[i] = merged.size();
      merged.push_back(std::move(nodes[i]));
      ++i;
    }
  }
  new_index[nodes.size()] = merged.size();
  for (template_node& n : merged)
    if (n.k == node_kind::section || n.k == node_kind::inverted_section) n.end = new_index[n.end];
  nodes = std::move(merged);
}

}  // namespace

compiled_template compile_template(const std::string& name, const template_source& source) {
  compiled_template out;
  // The built-in templates give about 2,700 nodes before merging: growing the list to that size
  // step by step, moving every node each time, was a quarter of compiling (once per process).
  out.nodes.reserve(4096);
  compiler(source, out).compile(name, 0);
  merge_plain_lines(out);
  return out;
}

}  // namespace schemaforge::gen::mustache
