// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/gen/render.hpp>

#include "embedded_templates.hpp"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace schemaforge::gen {
namespace {

namespace mstch = kainjow::mustache;

const char* const template_names[] = {"header", "detail", "type_definition", "io_declarations", "io"};

mstch::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      for (const auto& x : j) d.push_back(to_data(x));
      return d;
    }
    case nlohmann::json::value_t::string: return mstch::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean: return mstch::data{j.get<bool>()};
    case nlohmann::json::value_t::null: return mstch::data{false};
    default: return mstch::data{j.dump()};
  }
}

bool is_standalone_tag(const std::string& line) {
  // A line holding only section, inverted-section, closing, comment or partial tags (and
  // blanks) leaves no trace in the output, as the mustache spec's "standalone" rule says.
  std::size_t i = 0;
  bool any = false;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    if (line.compare(i, 2, "{{") != 0 || i + 2 >= line.size()) return false;
    char sigil = line[i + 2];
    if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '!' && sigil != '>') return false;
    auto end = line.find("}}", i);
    if (end == std::string::npos) return false;
    i = end + 2;
    any = true;
  }
  return any;
}

// kainjow/mustache 4.1 does not implement standalone lines; applying the rule to the template
// text keeps templates readable (one tag per line) and the output free of stray blank lines.
std::string strip_standalone_lines(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (is_standalone_tag(line)) {
      std::size_t first = line.find_first_not_of(" \t");
      auto last = line.find_last_not_of(" \t");
      out += line.substr(first, last - first + 1);
    } else {
      out += line;
      if (nl != std::string::npos) out += '\n';
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Trailing blanks go, runs of blank lines shrink to one, the file ends with one newline.
std::string tidy(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  int blank_run = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    auto last = line.find_last_not_of(" \t");
    line = last == std::string::npos ? "" : line.substr(0, last + 1);
    if (line.empty()) {
      if (++blank_run > 1) {
        if (nl == std::string::npos) break;
        start = nl + 1;
        continue;
      }
    } else {
      blank_run = 0;
    }
    out += line;
    out += '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

std::string template_text(const std::string& name, const render_options& options) {
  if (!options.template_dir.empty()) {
    std::filesystem::path file = std::filesystem::path(options.template_dir) / (name + ".mustache");
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return read_text_file(file.string());
  }
  return builtin_template(name);
}

}  // namespace

std::string builtin_template(const std::string& name) { return std::string(detail::embedded_template(name)); }

std::string render_header(const ir::module& module, const render_options& options) {
  check_namespace(options.cpp_namespace);
  if (!options.template_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.template_dir, ec))
      throw input_error({diagnostic::severity::error, "template directory does not exist; pass a directory holding *.mustache files",
                         options.template_dir, ""});
  }
  mstch::data data = to_data(build_view_model(module, options));
  for (const char* name : template_names)
    if (std::string(name) != "header") data.set(name, mstch::data{strip_standalone_lines(template_text(name, options))});
  mstch::mustache tmpl{strip_standalone_lines(template_text("header", options))};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  if (!tmpl.is_valid())
    throw input_error({diagnostic::severity::error, "invalid header template: " + tmpl.error_message(),
                       options.template_dir.empty() ? "<built-in templates>" : options.template_dir, ""});
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid())
    throw input_error({diagnostic::severity::error, "invalid template: " + tmpl.error_message(),
                       options.template_dir.empty() ? "<built-in templates>" : options.template_dir, ""});
  return tidy(out);
}

}  // namespace schemaforge::gen
