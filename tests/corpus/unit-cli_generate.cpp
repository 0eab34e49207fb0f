// SPDX-License-Identifier: MIT
// `schemaforge generate` as a user runs it: exit statuses, files written, the one-line error
// format, warnings with JSON pointers, and byte-identical output.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path corpus_dir = fs::path(SCHEMAFORGE_SOURCE_DIR) / "tests" / "corpus";

struct run_result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory per test case, removed afterwards.
class scratch_dir {
 public:
  scratch_dir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("schemaforge-cli-generate-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

run_result run_cli(const scratch_dir& scratch, const std::vector<std::string>& args) {
  std::string command = quote(SCHEMAFORGE_CLI);
  for (const auto& arg : args) command += " " + quote(arg);
  auto out = scratch.path() / "stdout.txt";
  auto err = scratch.path() / "stderr.txt";
  command += " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  int raw = std::system(command.c_str());
  run_result result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return result;
}

std::size_t line_count(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

// The contract's error shape: exactly one line, "schemaforge: error: <what> (<where>)".
void require_one_error_line(const run_result& r) {
  INFO("stderr: " << r.err);
  REQUIRE(r.err.rfind("schemaforge: error: ", 0) == 0);
  REQUIRE(line_count(r.err) == 1);
  REQUIRE(r.err.find(')') != std::string::npos);
  CHECK(r.out.empty());
}

std::vector<fs::path> corpus_schemas() {
  std::vector<fs::path> schemas;
  for (const auto& entry : fs::directory_iterator(corpus_dir)) {
    auto name = entry.path().filename().string();
    if (name.size() > 12 && name.substr(name.size() - 12) == ".schema.json") schemas.push_back(entry.path());
  }
  std::sort(schemas.begin(), schemas.end());
  return schemas;
}

}  // namespace

TEST_CASE("generate writes one header per schema into a directory it creates", "[cli][generate]") {
  scratch_dir scratch;
  auto out_dir = scratch.path() / "not" / "yet" / "there";
  auto r = run_cli(scratch, {"generate", (corpus_dir / "route_plan.schema.json").string(), (corpus_dir / "recipe.schema.json").string(), "-o", out_dir.string()});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::is_regular_file(out_dir / "route_plan.hpp"));
  CHECK(fs::is_regular_file(out_dir / "recipe.hpp"));
  CHECK(slurp(out_dir / "route_plan.hpp").find("struct RoutePlan") != std::string::npos);
  CHECK(slurp(out_dir / "recipe.hpp").find("struct Recipe") != std::string::npos);
}

TEST_CASE("generate names the header after the file stem", "[cli][generate]") {
  scratch_dir scratch;
  auto schema = slurp(corpus_dir / "route_plan.schema.json");
  SECTION("x.schema.json -> x.hpp") {
    auto file = scratch.write("x.schema.json", schema);
    REQUIRE(run_cli(scratch, {"generate", file.string(), "-o", (scratch.path() / "out").string()}).status == 0);
    CHECK(fs::is_regular_file(scratch.path() / "out" / "x.hpp"));
  }
  SECTION("x.json -> x.hpp") {
    auto file = scratch.write("x.json", schema);
    REQUIRE(run_cli(scratch, {"generate", file.string(), "-o", (scratch.path() / "out").string()}).status == 0);
    CHECK(fs::is_regular_file(scratch.path() / "out" / "x.hpp"));
  }
  SECTION("dotted stems keep their inner dots: a.v2.schema.json -> a.v2.hpp") {
    auto file = scratch.write("a.v2.schema.json", schema);
    REQUIRE(run_cli(scratch, {"generate", file.string(), "-o", (scratch.path() / "out").string()}).status == 0);
    CHECK(fs::is_regular_file(scratch.path() / "out" / "a.v2.hpp"));
  }
  SECTION("the root type keeps the title whatever the file is called") {
    auto file = scratch.write("something_else.json", schema);
    REQUIRE(run_cli(scratch, {"generate", file.string(), "-o", (scratch.path() / "out").string()}).status == 0);
    auto header = slurp(scratch.path() / "out" / "something_else.hpp");
    CHECK(header.find("struct RoutePlan") != std::string::npos);
    CHECK(header.find("struct SomethingElse") == std::string::npos);
  }
  SECTION("without a title the stem names the root type") {
    auto file = scratch.write("http_URL.schema.json", R"({"type": "object", "properties": {"a": {"type": "string"}}})");
    REQUIRE(run_cli(scratch, {"generate", file.string(), "-o", (scratch.path() / "out").string()}).status == 0);
    CHECK(slurp(scratch.path() / "out" / "http_URL.hpp").find("struct HttpURL") != std::string::npos);
  }
}

TEST_CASE("generate --namespace puts the types into that namespace", "[cli][generate]") {
  scratch_dir scratch;
  auto r = run_cli(scratch, {"generate", (corpus_dir / "route_plan.schema.json").string(), "-o", scratch.path().string(), "--namespace", "acme::extraction"});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  auto header = slurp(scratch.path() / "route_plan.hpp");
  bool nested = header.find("namespace acme::extraction") != std::string::npos ||
                (header.find("namespace acme") != std::string::npos && header.find("namespace extraction") != std::string::npos);
  CHECK(nested);
  // The default namespace is gone (shared helpers in schemaforge_generated_detail_* may stay).
  CHECK(header.find("namespace schemaforge_generated {") == std::string::npos);
}

TEST_CASE("generate is deterministic", "[cli][generate]") {
  scratch_dir scratch;
  auto schemas = corpus_schemas();
  REQUIRE(schemas.size() >= 30);
  std::vector<std::string> args{"generate"};
  for (const auto& s : schemas) args.push_back(s.string());
  auto first = args;
  first.insert(first.end(), {"-o", (scratch.path() / "one").string()});
  auto second = args;
  second.insert(second.end(), {"-o", (scratch.path() / "two").string()});
  auto r1 = run_cli(scratch, first);
  auto r2 = run_cli(scratch, second);
  REQUIRE(r1.status == 0);
  REQUIRE(r2.status == 0);
  CHECK(r1.err == r2.err);
  std::size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(scratch.path() / "one")) {
    auto other = scratch.path() / "two" / entry.path().filename();
    INFO(entry.path().filename().string());
    REQUIRE(fs::exists(other));
    CHECK(slurp(entry.path()) == slurp(other));
    ++compared;
  }
  CHECK(compared == schemas.size());
  SECTION("one process per schema (as the CMake step runs it) gives the same bytes") {
    for (const auto& s : schemas) {
      REQUIRE(run_cli(scratch, {"generate", s.string(), "-o", (scratch.path() / "single").string()}).status == 0);
    }
    for (const auto& entry : fs::directory_iterator(scratch.path() / "one")) {
      INFO(entry.path().filename().string());
      CHECK(slurp(entry.path()) == slurp(scratch.path() / "single" / entry.path().filename()));
    }
  }
}

TEST_CASE("generate rejects bad input with exit 2 and one error line", "[cli][generate]") {
  scratch_dir scratch;
  auto out = (scratch.path() / "out").string();

  SECTION("invalid JSON names the file") {
    auto file = scratch.write("broken.schema.json", "{\"type\": \"object\", \"properties\": {\"a\": }");
    auto r = run_cli(scratch, {"generate", file.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(file.string()) != std::string::npos);
    CHECK_FALSE(fs::exists(scratch.path() / "out" / "broken.hpp"));
  }
  SECTION("an unknown type names the file and the JSON pointer") {
    auto file = scratch.write("bad_type.schema.json", R"({"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "strnig"}}}}})");
    auto r = run_cli(scratch, {"generate", file.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(file.string()) != std::string::npos);
    CHECK(r.err.find("/properties/a/properties/b/type") != std::string::npos);
  }
  SECTION("a $ref to a missing definition names the pointer of the $ref") {
    auto file = scratch.write("bad_ref.schema.json", R"({"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}})");
    auto r = run_cli(scratch, {"generate", file.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(file.string()) != std::string::npos);
    CHECK(r.err.find("/properties/a") != std::string::npos);
  }
  SECTION("required that is not an array names its pointer") {
    auto file = scratch.write("bad_required.schema.json", R"({"type": "object", "properties": {"x": {"type": "object", "required": "a"}}})");
    auto r = run_cli(scratch, {"generate", file.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find("/properties/x/required") != std::string::npos);
  }
  SECTION("a schema that is not an object or boolean") {
    auto file = scratch.write("array.schema.json", "[1, 2]");
    auto r = run_cli(scratch, {"generate", file.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(file.string()) != std::string::npos);
  }
  SECTION("an unreadable file names the path") {
    auto missing = (scratch.path() / "does-not-exist.schema.json").string();
    auto r = run_cli(scratch, {"generate", missing, "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(missing) != std::string::npos);
  }
  SECTION("an unknown flag") {
    auto r = run_cli(scratch, {"generate", (corpus_dir / "route_plan.schema.json").string(), "-o", out, "--frobnicate"});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find("--frobnicate") != std::string::npos);
  }
  SECTION("no schema at all") {
    auto r = run_cli(scratch, {"generate", "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
  }
  SECTION("one bad schema among good ones fails the call") {
    auto bad = scratch.write("bad.schema.json", "{");
    auto r = run_cli(scratch, {"generate", (corpus_dir / "route_plan.schema.json").string(), bad.string(), "-o", out});
    CHECK(r.status == 2);
    require_one_error_line(r);
    CHECK(r.err.find(bad.string()) != std::string::npos);
  }
}

TEST_CASE("generate warns about unsupported keywords with their pointer and still writes the header", "[cli][generate]") {
  scratch_dir scratch;
  auto r = run_cli(scratch, {"generate", (corpus_dir / "probe_unsupported_keywords.schema.json").string(), "-o", scratch.path().string()});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::is_regular_file(scratch.path() / "probe_unsupported_keywords.hpp"));
  CHECK(r.err.find("warning") != std::string::npos);
  CHECK(r.err.find("/properties/d/not") != std::string::npos);
  CHECK(r.err.find("/properties/e/if") != std::string::npos);
  CHECK(r.err.find("probe_unsupported_keywords.schema.json") != std::string::npos);
  SECTION("a schema without unsupported keywords gives no warning") {
    auto clean = run_cli(scratch, {"generate", (corpus_dir / "route_plan.schema.json").string(), "-o", scratch.path().string()});
    REQUIRE(clean.status == 0);
    CHECK(clean.err.empty());
  }
}
