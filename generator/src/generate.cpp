// SPDX-License-Identifier: MIT
#include <schemaforge/gen/generate.hpp>
#include <schemaforge/gen/schema_loader.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace schemaforge::gen {

generated_header generate_header(const std::string& schema_path, const render_options& options) {
  check_namespace(options.cpp_namespace);
  generated_header out;
  ir::module module = load_schema_file(schema_path, out.warnings);
  out.file_name = module.stem + ".hpp";
  out.text = render_header(module, options);
  return out;
}

bool file_holds(const std::string& path, std::string_view text) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) != text.size() || ec) return false;
  std::ifstream in(path, std::ios::binary);
  thread_local std::string old;  // kept: its capacity serves the next file
  old.resize(text.size());
  return in.read(old.data(), static_cast<std::streamsize>(old.size())) && in.peek() == std::char_traits<char>::eof() &&
         std::string_view(old) == text;
}

bool write_file_if_changed(const std::string& path, const std::string& text) {
  if (file_holds(path, text)) return false;
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw input_error({diagnostic::severity::error, "cannot create directory: " + ec.message(), parent.string(), ""});
  // Write a temporary file and rename it, so a reader never sees half a header.
  std::string temp = path + ".tmp";
  {
    std::ofstream o(temp, std::ios::binary | std::ios::trunc);
    if (!o) throw input_error({diagnostic::severity::error, std::string("cannot write file: ") + std::strerror(errno), path, ""});
    o << text;
    o.close();
    if (!o) throw input_error({diagnostic::severity::error, "cannot write file (disk full?)", path, ""});
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    throw input_error({diagnostic::severity::error, "cannot write file: " + ec.message(), path, ""});
  }
  return true;
}

}  // namespace schemaforge::gen
