// SPDX-License-Identifier: MIT
#include "mustache_template.hpp"
#include "tidy_lines.hpp"

#include <charconv>

namespace schemaforge::gen::mustache {
namespace {

using node_kind = template_node::kind;
using value_kind = view_value::kind;

bool truthy(const view_value* v) {
  if (v == nullptr || v->type() == value_kind::null) return false;
  if (v->type() == value_kind::boolean) return v->boolean();
  if (v->type() == value_kind::list) return !v->items().empty();
  return true;
}

class renderer {
 public:
  renderer(const compiled_template& tmpl, std::string& out, bool tidy)
      : nodes_(tmpl.nodes), out_(out), start_(out.size()), line_start_(out.size()), tidy_(tidy) {}

  void render(const view_value& data) {
    stack_.push_back(&data);
    render_range(0, nodes_.size());
    if (drops_line()) out_.resize(line_start_);
    if (!tidy_) return;
    if (line_start_ < out_.size()) {  // the last line has no newline: it gets one
      out_ += '\n';
      tidy_lines(out_, line_start_, previous_blank_);
    }
    while (out_.size() >= start_ + 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
  }

 private:
  void render_range(std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const template_node& n = nodes_[i];
      switch (n.k) {
        case node_kind::text: out_ += n.text; break;
        case node_kind::newline: end_line(n.text); break;
        case node_kind::lines:  // whole lines after a newline: none can be dropped
          append_lines(n);
          break;
        case node_kind::variable:
          if (const view_value* v = lookup(n)) append_scalar(*v);
          break;
        case node_kind::section: {
          const view_value* v = lookup(n);
          if (truthy(v)) {
            if (v->type() == value_kind::list) {
              for (const view_value& element : v->items()) render_section(i, element.target());
            } else {
              render_section(i, *v);
            }
          }
          i = n.end - 1;
          break;
        }
        case node_kind::inverted_section: {
          const view_value* v = lookup(n);
          if (!truthy(v)) render_section(i, v);
          i = n.end - 1;
          break;
        }
      }
    }
  }

  // Entering and leaving a section marks the line (see drops_line).
  void render_section(std::size_t at, const view_value* context) {
    section_on_line_ = true;
    if (context) stack_.push_back(context);
    render_range(at + 1, nodes_[at].end);
    if (context) stack_.pop_back();
    section_on_line_ = true;
  }
  void render_section(std::size_t at, const view_value& context) { render_section(at, &context); }

  bool drops_line() const {
    if (!section_on_line_) return false;
    for (std::size_t i = line_start_; i < out_.size(); ++i)
      if (out_[i] != ' ' && out_[i] != '\t') return false;
    return true;
  }

  void end_line(const std::string& newline) {
    if (drops_line()) {
      out_.resize(line_start_);
    } else {
      out_ += newline;
      if (tidy_) tidy_lines(out_, line_start_, previous_blank_);
    }
    line_start_ = out_.size();
    section_on_line_ = false;
  }

  // A lines node tidied when compiling; only its first line depends on the line before it.
  void append_lines(const template_node& n) {
    if (!tidy_) {
      out_ += n.text;
    } else {
      const bool drop_first = n.first_blank && previous_blank_;
      out_.append(n.tidy_text, drop_first ? 1 : 0);
      previous_blank_ = n.last_blank;
    }
    line_start_ = out_.size();
  }

  // From the innermost context outwards, the first in which the whole path resolves.
  const view_value* lookup(const template_node& n) const {
    if (n.path.empty()) return stack_.back();
    for (auto ctx = stack_.rbegin(); ctx != stack_.rend(); ++ctx) {
      const view_value* v = *ctx;
      for (std::size_t i = 0; i < n.path.size() && v; ++i) v = v->find(n.path[i], n.path_hashes[i]);
      if (v) return &v->target();
    }
    return nullptr;
  }

  void append_scalar(const view_value& v) {
    if (v.type() == value_kind::string) {
      out_ += v.string();
    } else if (v.type() == value_kind::integer) {
      char buf[24];
      out_.append(buf, std::to_chars(buf, buf + sizeof buf, v.integer()).ptr);
    }  // booleans, null, lists and objects render as nothing
  }

  const std::vector<template_node>& nodes_;
  std::string& out_;
  const std::size_t start_;  // where this rendering began in out_
  std::size_t line_start_;
  bool section_on_line_ = false;
  const bool tidy_;
  bool previous_blank_ = false;  // tidy: the last line kept was blank
  std::vector<const view_value*> stack_;
};

}  // namespace

void render_template(const compiled_template& tmpl, const view_value& data, std::string& out, bool tidy) {
  out.reserve(out.size() + 128 * 1024);  // a header's size: growing to it copied it several times
  renderer(tmpl, out, tidy).render(data);
}

}  // namespace schemaforge::gen::mustache
