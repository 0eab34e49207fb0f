// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/render.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

// The whole generator in one call: schema file -> C++17 header text. The stages are public too:
// schema_loader.hpp (file -> IR), render.hpp (IR -> text), naming.hpp (identifier rules).
namespace schemaforge::gen {

struct generated_header {
  std::string file_name;  // "<stem>.hpp"
  std::string text;       // the header
  diagnostics warnings;   // unsupported keywords and other non-fatal findings, with JSON pointers
  // Set by generate_headers_into when the output directory holds exactly this header (it did
  // already, or the call created the file); `text` is then released (empty) and write_headers
  // leaves the file alone.
  bool up_to_date = false;
  bool created = false;  // generate_headers_into created the file: there was none of that name
};

// Loads `schema_path` and renders its header. Throws input_error (file + JSON pointer) for an
// unreadable file, invalid JSON, an invalid schema, a bad namespace or a broken template.
generated_header generate_header(const std::string& schema_path, const render_options& options = {});

// One schema's outcome in generate_headers: its header, or what generate_header threw.
struct header_outcome {
  generated_header header;
  std::exception_ptr error;  // set when the schema failed; `header` is then empty
};

// generate_header for many schemas, spread over `threads` threads (0: one per core, never more
// than there are schemas). Outcomes are in the order of `schema_paths`, and each is what
// generate_header would give for that schema alone.
std::vector<header_outcome> generate_headers(const std::vector<std::string>& schema_paths, const render_options& options = {},
                                             unsigned threads = 0);

// What generate_headers_into did: each schema's outcome, and the directories it made.
struct headers_into_directory {
  std::string output_dir;
  std::vector<header_outcome> outcomes;  // in the order of the schemas
  std::vector<std::string> created_directories;  // the output directory and its missing parents, outermost first
};

// generate_headers for headers that go to `output_dir` (created when missing). Each worker deals
// with its header as soon as it has it, while the text is in cache:
//  - the directory already holds exactly that text: up_to_date, nothing written;
//  - there is no file of that name: the worker writes it (created, up_to_date), so that writing
//    new headers overlaps with generating the others;
//  - the file differs: the text is kept for write_headers, which replaces existing files only
//    once the caller has seen that every schema succeeded.
// Texts marked up_to_date are freed, so a run never holds them all. A file that cannot be written
// is that schema's error. When the call fails as a whole, undo_new_headers removes what it added.
headers_into_directory generate_headers_into(const std::string& output_dir, const std::vector<std::string>& schema_paths,
                                             const render_options& options = {}, unsigned threads = 0);

// Removes the headers generate_headers_into created and then the directories it made (if they
// are empty), leaving the file system as it was: a generate call that fails changes nothing.
// Best effort, never throws: the call is failing already.
void undo_new_headers(const headers_into_directory& result);

// write_file_if_changed for each header that is not up_to_date, as output_dir/<file_name>, spread over `threads`
// threads (0: one per core). Throws what the first failing write (in the order of `headers`)
// threw, after every write has finished.
void write_headers(const std::string& output_dir, const std::vector<generated_header>& headers, unsigned threads = 0);

// Writes `text` to `path` unless the file already holds exactly that text, so a build system
// sees an unchanged timestamp when nothing changed. Creates missing parent directories.
// Returns true when it wrote. Throws schemaforge's input_error naming the path on failure.
bool write_file_if_changed(const std::string& path, const std::string& text);

// True when the file at `path` holds exactly `text` (false when it is missing or unreadable).
bool file_holds(const std::string& path, std::string_view text);

}  // namespace schemaforge::gen
