// SPDX-License-Identifier: MIT
// A schema that is only known at run time (a file a user picks, a config, a database row): no
// generated type, no rebuild. The schema is compiled once, checked against instances, and texts
// are structured into nlohmann::json values that are guaranteed to validate against it.
//
//   runtime_schema [SCHEMA.json [TEXTS.txt [INSTANCE.json...]]]   (defaults: the files in data/)
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure.hpp>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Bad input is the user's to fix: one line naming the file, exit status 2.
[[noreturn]] void fail_input(const std::string& what, const fs::path& where) {
  std::cerr << "runtime_schema: error: " << what << " (" << where.string() << ")\n";
  std::exit(2);
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) fail_input("cannot open the file", path);
  auto document = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) fail_input("not valid JSON", path);
  return document;
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  if (!in) fail_input("cannot open the file", path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// validate() returns every reason with a JSON pointer into the instance, so the report can say
// exactly which field to fix, not just "invalid".
void check_instance(const schemaforge::schema& schema, const fs::path& path) {
  const auto errors = schema.validate(read_json(path));
  std::cout << "check " << path.filename().string() << ": " << (errors.empty() ? "valid" : "invalid") << '\n';
  for (const auto& e : errors) std::cout << "  " << (e.pointer.empty() ? "/" : e.pointer) << ": " << e.message << '\n';
}

bool endpoint_configured() {
  for (const char* variable : {"OPENAI_BASE_URL", "OPENAI_API_KEY"})
    if (const char* value = std::getenv(variable); value && *value) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path data = SAMPLE_DATA_DIR;
  const fs::path schema_path = argc > 1 ? fs::path(argv[1]) : data / "event.schema.json";
  const fs::path texts_path = argc > 2 ? fs::path(argv[2]) : data / "texts.txt";
  std::vector<fs::path> instances;
  for (int i = 3; i < argc; ++i) instances.emplace_back(argv[i]);
  if (argc <= 3) instances = {data / "instances" / "ok.json", data / "instances" / "bad.json"};

  // Compiling the schema checks it: an unknown draft, a remote $ref or a keyword the validator
  // cannot enforce is refused here, once, instead of surfacing as odd answers later.
  const nlohmann::json document = read_json(schema_path);
  std::optional<schemaforge::schema> compiled;
  try {
    compiled.emplace(document);
  } catch (const schemaforge::error& e) {
    fail_input(e.what(), schema_path);
  }
  const schemaforge::schema& schema = *compiled;
  std::cout << "schema loaded: " << document.value("title", schema_path.filename().string()) << '\n';
  for (const auto& path : instances) check_instance(schema, path);

  if (!endpoint_configured()) {
    std::cout << "\nNo model endpoint is configured, so " << texts_path.filename().string()
              << " was not structured. Set OPENAI_BASE_URL (a local server) or OPENAI_API_KEY (OpenAI),\n"
                 "and SCHEMAFORGE_MODEL, then run this again.\n";
    return EXIT_SUCCESS;
  }

  boost::asio::io_context io;
  int failures = 0;
  try {
    schemaforge::client client(io.get_executor());
    for (const auto& text : read_lines(texts_path)) {
      try {
        // The blocking twin is enough for a one-at-a-time tool; the engine validates every answer
        // against `schema` and reasks with the errors, so what comes back is already valid.
        auto result = schemaforge::structure(client, text, schema);
        const auto reasks = std::count_if(result.ledger.begin(), result.ledger.end(), [](const auto& a) {
          return a.reason == schemaforge::attempt::kind::reask;
        });
        std::cout << "\nstructured (" << result.ledger.size() << " request(s), " << reasks << " reask(s), mode "
                  << schemaforge::to_string(result.mode) << "): " << text << '\n'
                  << result.value.dump(2) << '\n'
                  // A second look costs microseconds and documents the guarantee for the reader.
                  << "valid against the schema: " << (schema.is_valid(result.value) ? "yes" : "NO") << '\n';
      } catch (const schemaforge::error& e) {
        std::cout << "\nstructuring failed (" << schemaforge::to_string(static_cast<schemaforge::errc>(e.code().value()))
                  << "): " << e.what() << '\n';
        ++failures;
      }
    }
  } catch (const schemaforge::error& e) {  // e.g. OpenAI's URL without a key
    std::cerr << "runtime_schema: error: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
