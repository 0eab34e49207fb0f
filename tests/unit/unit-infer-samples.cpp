// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/infer.hpp>
#include <schemaforge/gen/infer_samples.hpp>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;
using schemaforge::gen::add_samples;
using schemaforge::gen::for_each_sample;
using schemaforge::gen::sample_layout;
using schemaforge::gen::sample_origin;
using schemaforge::gen::schema_inferrer;

namespace {

class temp_file {
 public:
  explicit temp_file(const std::string& text) {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("schemaforge-infer-" + std::to_string(rd()) + std::to_string(rd()) + ".json");
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~temp_file() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

ordered_json text_path(const std::string& text, sample_layout layout) {
  temp_file f(text);
  schema_inferrer inferrer;
  add_samples(inferrer, f.path(), layout);
  return inferrer.schema();
}

}  // namespace

TEST_CASE("infer samples: the text path") {
  SECTION("keeps keys in the order of the text and 1.0 as a number") {
    auto s = text_path(R"({"zeta": 1.0, "alpha": 2, "mid": [1, 2.5]})", sample_layout::document);
    std::vector<std::string> keys;
    for (auto& [k, v] : s["properties"].items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"zeta", "alpha", "mid"});
    CHECK(s["properties"]["zeta"]["type"] == "number");
    CHECK(s["properties"]["alpha"]["type"] == "integer");
    CHECK(s["properties"]["mid"]["items"]["type"] == "number");
  }
  SECTION("lines: one sample each; required across lines") {
    auto s = text_path("{\"a\": 1, \"b\": 2}\n\n{\"a\": 3}\n", sample_layout::lines);
    CHECK(s["required"] == ordered_json::array({"a"}));
  }
  SECTION("a key repeated inside one object counts once") {
    auto s = text_path("{\"a\": 1, \"a\": 2}\n{\"b\": 1}\n", sample_layout::lines);
    CHECK_FALSE(s.contains("required"));
  }
  SECTION("array layout: elements are samples; nested arrays stay arrays") {
    auto s = text_path(R"([{"a": [1]}, {"a": [2, 3], "b": null}])", sample_layout::array);
    CHECK(s["type"] == "object");
    CHECK(s["required"] == ordered_json::array({"a"}));
    CHECK(s["properties"]["a"]["items"]["type"] == "integer");
    auto scalars = text_path(R"([1, "x", [true]])", sample_layout::array);
    CHECK(scalars["anyOf"].size() == 3);
  }
  SECTION("array layout with a non-array file: one sample") {
    temp_file f(R"({"a": 1})");
    schema_inferrer inferrer;
    CHECK(add_samples(inferrer, f.path(), sample_layout::array) == 1);
    CHECK(inferrer.schema()["type"] == "object");
  }
  SECTION("sample counts") {
    temp_file f("[1, 2, 3]");
    schema_inferrer inferrer;
    CHECK(add_samples(inferrer, f.path(), sample_layout::array) == 3);
    CHECK(add_samples(inferrer, f.path(), sample_layout::document) == 1);
    CHECK(inferrer.sample_count() == 4);
  }
  SECTION("invalid JSON: input_error naming file and line") {
    temp_file f("{\"a\": 1}\n{\"a\": tru}\n");
    schema_inferrer inferrer;
    CHECK_THROWS_WITH(add_samples(inferrer, f.path(), sample_layout::lines),
                      Catch::Contains("line 2, column") && Catch::Contains(f.path()));
    temp_file g("[\n  1,\n  2,,\n]");
    CHECK_THROWS_WITH(add_samples(inferrer, g.path(), sample_layout::array),
                      Catch::Contains("line 3, column") && Catch::Contains(g.path()));
  }
  SECTION("agrees with the in-memory path on random documents") {
    std::mt19937 rng(99);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    std::function<ordered_json(int)> value = [&](int depth) -> ordered_json {
      switch (depth > 3 ? pick(5) : pick(7)) {
        case 0: return nullptr;
        case 1: return pick(2) == 1;
        case 2: return pick(100);
        case 3: return pick(3) ? pick(9) / 4.0 : 2.0;
        case 4: return std::string(1, static_cast<char>('a' + pick(3)));
        case 5: {
          ordered_json a = ordered_json::array();
          for (int i = pick(4); i > 0; --i) a.push_back(value(depth + 1));
          return a;
        }
        default: {
          ordered_json o = ordered_json::object();
          for (int i = pick(5); i > 0; --i) o[std::string(1, static_cast<char>('k' + pick(6)))] = value(depth + 1);
          return o;
        }
      }
    };
    for (int round = 0; round < 50; ++round) {
      std::vector<ordered_json> docs;
      std::string lines;
      for (int i = pick(30) + 1; i > 0; --i) {
        docs.push_back(value(0));
        lines += docs.back().dump() + "\n";
      }
      INFO(lines);
      CHECK(text_path(lines, sample_layout::lines).dump() == schemaforge::gen::infer_schema(docs).dump());
    }
  }
}

TEST_CASE("infer samples: for_each_sample hands out DOM samples with origins") {
  SECTION("lines") {
    temp_file f("{\"b\": 1, \"a\": 2}\n\n[3]\n");
    std::vector<std::pair<std::string, std::uint64_t>> seen;
    for_each_sample(f.path(), sample_layout::lines, [&](const ordered_json& sample, const sample_origin& origin) {
      seen.emplace_back(sample.dump(), origin.line);
      CHECK(origin.file == f.path());
    });
    CHECK(seen == std::vector<std::pair<std::string, std::uint64_t>>{{R"({"b":1,"a":2})", 1}, {"[3]", 3}});
  }
  SECTION("array elements, then a whole document") {
    temp_file f(R"([{"x": 1}, 2])");
    std::vector<std::string> seen;
    auto collect = [&](const ordered_json& sample, const sample_origin&) { seen.push_back(sample.dump()); };
    for_each_sample(f.path(), sample_layout::array, collect);
    for_each_sample(f.path(), sample_layout::document, collect);
    CHECK(seen == std::vector<std::string>{R"({"x":1})", "2", R"([{"x":1},2])"});
  }
  SECTION("errors") {
    CHECK_THROWS_AS(for_each_sample("/nonexistent/x.json", sample_layout::document, [](auto&, auto&) {}),
                    schemaforge::gen::input_error);
    temp_file f("{}\n{\n");
    CHECK_THROWS_WITH(for_each_sample(f.path(), sample_layout::lines, [](auto&, auto&) {}),
                      Catch::Contains("line 2"));
  }
}
