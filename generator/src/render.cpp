// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/json_file.hpp>
#include <schemaforge/gen/render.hpp>

#include "embedded_templates.hpp"

#include "mustache/mustache_template.hpp"
#include "view_model.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::gen {
namespace {

// Where the templates come from, for messages.
std::string template_origin(const render_options& options) {
  return options.template_dir.empty() ? "<built-in templates>" : options.template_dir;
}

// A template's text: the template directory's file of that name if there is one, else the
// built-in template.
std::optional<std::string> template_text(const std::string& name, const render_options& options) {
  if (!options.template_dir.empty()) {
    std::filesystem::path file = std::filesystem::path(options.template_dir) / (name + ".mustache");
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return read_text_file(file.string());
  }
  std::string_view builtin = detail::embedded_template(name);
  if (builtin.empty()) return std::nullopt;
  return std::string(builtin);
}

// The header template and its partials, compiled once per process and template set: generating
// many schemas (on any number of threads) compiles once. A template directory's files are read
// again on each use and compared with those compiled, so that edited templates take effect.
std::shared_ptr<const mustache::compiled_template> compiled_header_template(const render_options& options) {
  struct entry {
    std::string template_dir;
    std::vector<std::pair<std::string, std::string>> texts;  // each template used, by name
    std::shared_ptr<const mustache::compiled_template> tmpl;  // shared: a renderer may outlive eviction
  };
  static std::mutex mutex;
  static std::vector<entry> cache;
  std::lock_guard lock(mutex);  // held while compiling, so that threads wait for one compilation
  for (const entry& e : cache) {
    if (e.template_dir != options.template_dir) continue;
    bool unchanged = e.template_dir.empty() || std::all_of(e.texts.begin(), e.texts.end(), [&](const auto& used) {
                       return template_text(used.first, options) == used.second;
                     });
    if (unchanged) return e.tmpl;
  }
  entry fresh{options.template_dir, {}, {}};
  auto source = [&](const std::string& name) {
    auto text = template_text(name, options);
    if (text) fresh.texts.emplace_back(name, *text);
    return text;
  };
  try {
    fresh.tmpl = std::make_shared<const mustache::compiled_template>(mustache::compile_template("header", source));
  } catch (const mustache::template_error& e) {
    throw input_error({diagnostic::severity::error, std::string("invalid template: ") + e.what(), template_origin(options), ""});
  }
  std::erase_if(cache, [&](const entry& e) { return e.template_dir == options.template_dir; });
  if (cache.size() >= 8) cache.erase(cache.begin());  // a program cycling through template sets stays bounded
  cache.push_back(std::move(fresh));
  return cache.back().tmpl;
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
  std::string out;
  // Tidy: trailing blanks go, runs of blank lines shrink to one, the file ends with one newline.
  mustache::render_template(*compiled_header_template(options), build_view(module, options), out, /*tidy=*/true);
  return out;
}

}  // namespace schemaforge::gen
