// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/gen/render.hpp>

#include "embedded_templates.hpp"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace schemaforge::gen {
namespace {

namespace mstch = kainjow::mustache;

const char* const template_names[] = {"header", "detail", "type_definition", "io_declarations", "io"};

mstch::data scalar_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: return mstch::data{mstch::data::type::object};
    case nlohmann::json::value_t::array: return mstch::data{mstch::data::type::list};
    case nlohmann::json::value_t::string: return mstch::data{j.get_ref<const std::string&>()};
    case nlohmann::json::value_t::boolean: return mstch::data{j.get<bool>()};
    case nlohmann::json::value_t::null: return mstch::data{false};
    default: return mstch::data{j.dump()};
  }
}

// Fills `target` (made by scalar_data(j)) with j's members or elements. kainjow's set() and
// push_back() copy their argument, so adding finished subtrees would copy every node once per
// ancestor; instead each child is added empty and filled where it lives. get() and list_value()
// only hand out const access to those children, which the data owns and are not const objects.
void fill_data(mstch::data& target, const nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      target.set(it.key(), scalar_data(it.value()));
      if (it->is_structured()) fill_data(*const_cast<mstch::data*>(target.get(it.key())), it.value());
    }
  } else if (j.is_array()) {
    for (const auto& element : j) {
      target.push_back(scalar_data(element));
      if (element.is_structured()) fill_data(const_cast<mstch::data&>(target.list_value().back()), element);
    }
  }
}

mstch::data to_data(const nlohmann::json& j) {
  mstch::data data = scalar_data(j);
  fill_data(data, j);
  return data;
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

// Where the templates come from, for messages.
std::string template_origin(const render_options& options) {
  return options.template_dir.empty() ? "<built-in templates>" : options.template_dir;
}

// The header template with every `{{> name}}` of the known templates replaced by that template's
// text. A standalone partial tag at the start of a line renders exactly as its text would in
// place, so this changes no output; it lets the whole header be parsed once (kainjow parses a
// partial each time it is rendered: once per type).
std::string inlined_header_template(const render_options& options) {
  std::string text = strip_standalone_lines(template_text("header", options));
  for (int depth = 0; depth < 4; ++depth) {  // partials may use partials; a cycle stops here
    bool replaced = false;
    for (const char* name : template_names) {
      std::string partial;  // read once per name, when a tag uses it
      bool partial_read = false;
      const std::string tags[] = {std::string("{{> ") + name + "}}", std::string("{{>") + name + "}}"};
      for (const std::string& tag : tags) {
        for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at)) {
          if (!partial_read) {
            partial = strip_standalone_lines(template_text(name, options));
            partial_read = true;
          }
          text.replace(at, tag.size(), partial);
          at += partial.size();
          replaced = true;
        }
      }
    }
    if (!replaced) return text;
  }
  throw input_error({diagnostic::severity::error, "the templates include each other in a cycle; a partial may not include itself",
                     template_origin(options), ""});
}

// Parsing the templates costs several times what rendering them does, so each thread keeps the
// parsed header per template text: generating many schemas in one process parses once. Keyed by
// the text, not the directory, so that edited template files take effect.
mstch::mustache& compiled_header_template(const render_options& options) {
  thread_local std::map<std::string, std::unique_ptr<mstch::mustache>> compiled;
  std::string text = inlined_header_template(options);
  auto it = compiled.find(text);
  if (it == compiled.end()) {
    if (compiled.size() >= 8) compiled.clear();  // a program cycling through template sets stays bounded
    auto tmpl = std::make_unique<mstch::mustache>(text);
    tmpl->set_custom_escape([](const std::string& s) { return s; });
    it = compiled.emplace(std::move(text), std::move(tmpl)).first;
  }
  return *it->second;
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
  const std::string where = template_origin(options);
  mstch::mustache& tmpl = compiled_header_template(options);
  if (!tmpl.is_valid())
    throw input_error({diagnostic::severity::error, "invalid header template: " + tmpl.error_message(), where, ""});
  std::string out = tmpl.render(to_data(build_view_model(module, options)));
  if (!tmpl.is_valid())
    throw input_error({diagnostic::severity::error, "invalid template: " + tmpl.error_message(), where, ""});
  return tidy(out);
}

}  // namespace schemaforge::gen
