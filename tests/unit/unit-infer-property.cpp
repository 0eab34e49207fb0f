// SPDX-License-Identifier: MIT
// Property: every sample validates against the schema inferred from it, over thousands of randomly
// generated documents (seeded, bounded). Two validators check it: the project's own
// schemaforge::schema, reading the schema as the 2020-12 document it is, and valijson directly in
// draft-07 mode (inference emits only keywords that mean the same in draft-07 and 2020-12: type,
// properties, required, items as a schema, additionalProperties, anyOf, enum, format; so `$schema`
// is dropped for it).
#include <schemaforge/gen/infer.hpp>
#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// Generates documents from a random template per group: documents share structure (so optional
// keys, nulls, enums, formats and maps arise as in real data) and sometimes stray from it (a value
// of another kind, a string that breaks a format), so kind conflicts happen too.
class document_generator {
 public:
  explicit document_generator(std::uint32_t seed) : rng_(seed) {
    stray_percent_ = pick(3) == 0 ? 0 : pick(8);
    root_ = make_template(0, true);
  }

  ordered_json document() { return instance(*root_, 0); }

 private:
  enum class kind { object, map, array, enum_string, formatted, free_string, integer, floating, mixed_number, boolean };

  struct node {
    kind k = kind::integer;
    std::uint32_t null_percent = 0;
    std::uint32_t format = 0;
    std::vector<std::pair<std::string, std::uint32_t>> keys;  // key, presence percent
    std::vector<std::unique_ptr<node>> children;               // one per key, or the element/value template
  };

  std::uint32_t pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }

  std::unique_ptr<node> make_template(int depth, bool root = false) {
    auto n = std::make_unique<node>();
    std::uint32_t r = root ? 0 : pick(depth >= 3 ? 7 : 10);
    static const kind scalar_kinds[] = {kind::enum_string, kind::formatted, kind::free_string, kind::integer,
                                        kind::floating,    kind::mixed_number, kind::boolean};
    if (depth >= 3) {
      n->k = scalar_kinds[r];
    } else {
      n->k = r == 0 ? kind::object : r == 1 ? kind::map : r == 2 ? kind::array : scalar_kinds[r - 3];
    }
    n->null_percent = pick(3) == 0 ? 10 + pick(40) : 0;
    if (root) n->null_percent = 0;
    n->format = pick(5);
    if (n->k == kind::object) {
      static const char* const names[] = {"id", "name", "createdAt", "email", "tags", "meta", "a/b", "x~y", "amount", "ok"};
      for (std::uint32_t i = 0, count = 1 + pick(6); i < count; ++i) {
        std::string key = names[pick(10)];
        bool duplicate = false;
        for (const auto& k : n->keys) duplicate = duplicate || k.first == key;
        if (duplicate) continue;
        n->keys.emplace_back(key, pick(2) == 0 ? 100 : 30 + pick(70));
        n->children.push_back(make_template(depth + 1));
      }
    } else if (n->k == kind::map || n->k == kind::array) {
      n->children.push_back(make_template(depth + 1));
    }
    return n;
  }

  ordered_json formatted(std::uint32_t format) {
    static const char* const values[5][3] = {
        {"2024-01-15T10:00:00Z", "2023-12-31T23:59:59.5+01:00", "2024-02-29t00:00:00z"},
        {"2024-01-15", "1999-07-04", "2000-02-29"},
        {"ann@example.com", "bob.smith@mail.example.org", "c+d@x.example"},
        {"https://example.com/x?y=1", "http://h.example", "ftp://files.example/a%20b"},
        {"123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000",
         "ABCDEF01-2345-6789-abcd-ef0123456789"}};
    return values[format][pick(3)];
  }

  ordered_json stray() {
    switch (pick(6)) {
      case 0: return "stray text";
      case 1: return static_cast<std::int64_t>(pick(100));
      case 2: return 0.25;
      case 3: return true;
      case 4: return ordered_json::array({1, "x"});
      default: return ordered_json{{"stray", pick(2) == 0}};
    }
  }

  ordered_json instance(const node& n, int depth) {
    if (n.null_percent && pick(100) < n.null_percent) return nullptr;
    if (depth > 0 && pick(100) < stray_percent_) return stray();
    switch (n.k) {
      case kind::object: {
        ordered_json o = ordered_json::object();
        for (std::size_t i = 0; i < n.keys.size(); ++i)
          if (pick(100) < n.keys[i].second) o[n.keys[i].first] = instance(*n.children[i], depth + 1);
        return o;
      }
      case kind::map: {
        ordered_json o = ordered_json::object();
        for (std::uint32_t i = 0, count = pick(4); i < count; ++i) {
          std::string key = pick(2) ? std::to_string(pick(1000)) : std::string("2024-03-") + std::to_string(10 + pick(18));
          o[key] = instance(*n.children[0], depth + 1);
        }
        return o;
      }
      case kind::array: {
        ordered_json a = ordered_json::array();
        for (std::uint32_t i = 0, count = pick(4); i < count; ++i) a.push_back(instance(*n.children[0], depth + 1));
        return a;
      }
      case kind::enum_string: {
        static const char* const pool[] = {"red", "green", "blue"};
        return pool[pick(3)];
      }
      case kind::formatted:
        return pick(50) == 0 ? ordered_json("not formatted") : formatted(n.format);
      case kind::free_string: {
        std::string s;
        for (std::uint32_t i = 0, count = pick(12); i < count; ++i) s += " aZ9-_/@.:~\"\\"[pick(13)];
        if (pick(4) == 0) s += "\xc3\xa9";  // a non-ASCII character, whole
        return s;
      }
      case kind::integer: return static_cast<std::int64_t>(pick(2000)) - 1000;
      case kind::floating: return static_cast<double>(pick(10));  // written 3.0: a number
      case kind::mixed_number:
        return pick(2) ? ordered_json(static_cast<std::int64_t>(pick(50))) : ordered_json(pick(1000) / 7.0);
      case kind::boolean: return pick(2) == 0;
    }
    return nullptr;
  }

  std::mt19937 rng_;
  std::uint32_t stray_percent_ = 0;
  std::unique_ptr<node> root_;
};

std::vector<std::string> validate(const ordered_json& inferred, const std::vector<ordered_json>& docs) {
  json schema = json::parse(inferred.dump());
  schemaforge::schema own(schema);
  schema.erase("$schema");
  valijson::Schema compiled;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
  parser.populateSchema(schema_adapter, compiled);
  valijson::Validator validator;
  std::vector<std::string> failures;
  for (const auto& doc : docs) {
    json instance = json::parse(doc.dump());  // through text: 3.0 stays a float, as in a file
    for (const auto& e : own.validate(instance))
      failures.push_back(doc.dump() + " -> schemaforge::schema: " + e.pointer + ": " + e.message);
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(instance);
    if (!validator.validate(compiled, target, &results)) {
      valijson::ValidationResults::Error error;
      std::string why;
      while (results.popError(error)) {
        for (const auto& c : error.context) why += c;
        why += ": " + error.description + "; ";
      }
      failures.push_back(doc.dump() + " -> " + why);
    }
  }
  return failures;
}

}  // namespace

TEST_CASE("infer property: every sample validates against the inferred schema") {
  std::size_t documents = 0;
  // The corpus must exercise every rule, or the property says little.
  std::map<std::string, int> keywords_seen;
  for (std::uint32_t group = 0; group < 250; ++group) {
    document_generator generate(1000 + group);
    std::vector<ordered_json> docs;
    std::size_t count = 1 + (group * 7) % 40;
    for (std::size_t i = 0; i < count; ++i) docs.push_back(generate.document());
    documents += docs.size();

    ordered_json schema = schemaforge::gen::infer_schema(docs);
    auto failures = validate(schema, docs);
    std::string text = schema.dump();
    for (const char* k : {"\"anyOf\"", "\"enum\"", "\"format\"", "\"additionalProperties\"", "\"required\"",
                          "\"null\"", "\"number\"", "\"integer\"", "\"items\""})
      if (text.find(k) != std::string::npos) ++keywords_seen[k];
    INFO("group " << group << ", schema " << schema.dump() << "\nfailures: " << (failures.empty() ? std::string() : failures.front()));
    REQUIRE(failures.empty());
  }
  CHECK(documents >= 3000);
  for (const char* k : {"\"anyOf\"", "\"enum\"", "\"format\"", "\"additionalProperties\"", "\"required\"",
                        "\"null\"", "\"number\"", "\"integer\"", "\"items\""}) {
    INFO(k);
    CHECK(keywords_seen[k] > 0);
  }
}

TEST_CASE("infer property: the validator used by the property test does reject") {
  // Guards the property test against a validator that accepts everything.
  std::vector<ordered_json> docs = {ordered_json{{"a", 1}}, ordered_json{{"a", 2}}};
  ordered_json schema = schemaforge::gen::infer_schema(docs);
  // Each bad instance is rejected by both validators.
  CHECK(validate(schema, {ordered_json{{"a", "text"}}}).size() == 2);
  CHECK(validate(schema, {ordered_json{{"b", 1}}}).size() == 2);
  CHECK(validate(schema, {ordered_json{{"a", 1.5}}}).size() == 2);
  std::vector<ordered_json> dates = {ordered_json("2024-01-01"), ordered_json("2024-01-02"), ordered_json("2024-01-03")};
  CHECK(validate(schemaforge::gen::infer_schema(dates), {ordered_json("2024-13-45")}).size() >= 1);
}
