// SPDX-License-Identifier: MIT
// Agreement of schemaforge::schema with the official JSON-Schema-Test-Suite (Debian package
// json-schema-test-suite). Remote references are out of scope (schemaforge never fetches), so
// groups that need http://localhost:1234 are skipped and counted as such.
#include <schemaforge/errors.hpp>
#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct tally {
  int agreed = 0;
  int total = 0;
  int skipped = 0;
  std::vector<std::string> disagreements;

  double percent() const { return total == 0 ? 0.0 : 100.0 * agreed / total; }
};

bool needs_remote(const nlohmann::json& schema) {
  return schema.dump().find("localhost:1234") != std::string::npos;
}

tally run_directory(const fs::path& directory, const char* draft_uri) {
  tally result;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    const nlohmann::json groups = nlohmann::json::parse(in);
    for (const auto& group : groups) {
      nlohmann::json document = group.at("schema");
      // The suite's schemas rarely say which draft they are; without `$schema` ours reads 2020-12.
      if (document.is_object() && !document.contains("$schema")) document["$schema"] = draft_uri;
      const std::string where = file.filename().string() + ": " + group.at("description").get<std::string>();
      std::optional<schemaforge::schema> compiled;
      std::string construction_error;
      try {
        compiled.emplace(document);
      } catch (const schemaforge::error& e) {
        construction_error = e.what();
      }
      for (const auto& test : group.at("tests")) {
        if (!compiled && needs_remote(document)) {
          ++result.skipped;
          continue;
        }
        ++result.total;
        const bool expected = test.at("valid").get<bool>();
        if (!compiled) {
          result.disagreements.push_back(where + " / " + test.at("description").get<std::string>() +
                                         ": schema rejected: " + construction_error);
          continue;
        }
        const auto errors = compiled->validate(test.at("data"));
        const bool quick = compiled->is_valid(test.at("data"));
        if (errors.empty() == expected && quick == expected) {
          ++result.agreed;
        } else {
          result.disagreements.push_back(where + " / " + test.at("description").get<std::string>() +
                                         (expected ? ": expected valid" : ": expected invalid") +
                                         (errors.empty() != quick ? " (validate and is_valid disagree)" : ""));
        }
      }
    }
  }
  return result;
}

void report(const char* name, const tally& result) {
  std::cout << name << ": " << result.agreed << " of " << result.total << " tests agree ("
            << result.percent() << "%), " << result.skipped << " skipped (remote references)\n";
  for (const auto& line : result.disagreements) std::cout << "  disagrees: " << line << '\n';
}

}  // namespace

TEST_CASE("JSON-Schema-Test-Suite draft-07 required tests") {
  const fs::path directory = fs::path(SCHEMAFORGE_JSON_SCHEMA_TEST_SUITE) / "tests" / "draft7";
  REQUIRE(fs::is_directory(directory));
  const tally result = run_directory(directory, "http://json-schema.org/draft-07/schema#");
  report("draft-07", result);
  CHECK(result.total > 400);  // Debian 12 ships 423 draft-07 tests, remote ones included
  CHECK(result.percent() >= 97.0);
}

TEST_CASE("JSON-Schema-Test-Suite draft-04 required tests") {
  const fs::path directory = fs::path(SCHEMAFORGE_JSON_SCHEMA_TEST_SUITE) / "tests" / "draft4";
  REQUIRE(fs::is_directory(directory));
  const tally result = run_directory(directory, "http://json-schema.org/draft-04/schema#");
  report("draft-04", result);
  CHECK(result.percent() >= 95.0);
}
