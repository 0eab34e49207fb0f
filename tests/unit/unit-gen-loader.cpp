// SPDX-License-Identifier: MIT
#include <schemaforge/gen/diagnostic.hpp>
#include <schemaforge/gen/schema_loader.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace schemaforge::gen;
using ojson = nlohmann::ordered_json;
using kind = ir::type_expr::kind;
using nkind = ir::named_type::kind;

namespace {

ir::module load(const char* text, diagnostics& warnings, const std::string& stem = "probe") {
  return load_schema(ojson::parse(text), "probe.json", stem, warnings);
}

ir::module load(const char* text) {
  diagnostics warnings;
  return load(text, warnings);
}

const ir::named_type& type_named(const ir::module& m, const std::string& name) {
  auto it = std::find_if(m.types.begin(), m.types.end(), [&](const ir::named_type& t) { return t.name == name; });
  REQUIRE(it != m.types.end());
  return *it;
}

const ir::member& member_named(const ir::named_type& t, const std::string& json_name) {
  auto it = std::find_if(t.members.begin(), t.members.end(), [&](const ir::member& m) { return m.json_name == json_name; });
  REQUIRE(it != t.members.end());
  return *it;
}

diagnostic error_of(const char* text) {
  try {
    load(text);
  } catch (const input_error& e) {
    return e.details();
  }
  FAIL("no input_error");
  return {};
}

}  // namespace

TEST_CASE("root names come from the title, else from the stem") {
  CHECK(load(R"({"title":"sensor grid","type":"object","properties":{}})").types[0].name == "SensorGrid");
  diagnostics w;
  auto m = load(R"({"type":"object","properties":{"a":{"type":"string"}}})", w, "http_URL");
  CHECK(m.types[m.root].name == "HttpURL");
  CHECK(schema_stem("dir/invoice.schema.json") == "invoice");
  CHECK(schema_stem("a.b.json") == "a.b");
}

TEST_CASE("properties become members with required, optional and nullable kept apart") {
  auto m = load(R"({"title":"P","type":"object","properties":{
      "a":{"type":"string"}, "b":{"type":["integer","null"]}, "c":{"type":"number","nullable":true}, "d":{"type":"boolean"}},
      "required":["a","b"]})");
  const auto& p = type_named(m, "P");
  CHECK(member_named(p, "a").required);
  CHECK_FALSE(member_named(p, "a").type.nullable);
  CHECK(member_named(p, "b").required);
  CHECK(member_named(p, "b").type.nullable);
  CHECK(member_named(p, "b").type.k == kind::integer);
  CHECK_FALSE(member_named(p, "c").required);
  CHECK(member_named(p, "c").type.nullable);
  CHECK_FALSE(member_named(p, "d").type.nullable);
}

TEST_CASE("$defs keys name their types and $ref shares them") {
  auto m = load(R"({"title":"Company","type":"object","properties":{
      "hq":{"$ref":"#/$defs/address"}, "branches":{"type":"array","items":{"$ref":"#/definitions/Office"}}},
      "$defs":{"address":{"type":"object","properties":{"city":{"type":"string"}}}},
      "definitions":{"Office":{"type":"object","properties":{"at":{"$ref":"#/$defs/address"}}}}})");
  const auto& company = type_named(m, "Company");
  const auto& hq = member_named(company, "hq");
  REQUIRE(hq.type.k == kind::named);
  CHECK(m.types[hq.type.ref].name == "Address");
  const auto& office = type_named(m, "Office");
  CHECK(member_named(office, "at").type.ref == hq.type.ref);
  CHECK(std::count_if(m.types.begin(), m.types.end(), [](const ir::named_type& t) { return t.name.rfind("Address", 0) == 0; }) == 1);
}

TEST_CASE("recursion through optional is boxed, through arrays it is not") {
  auto m = load(R"({"title":"Node","type":"object","properties":{
      "children":{"type":"array","items":{"$ref":"#"}}, "parent":{"$ref":"#"}},"required":["children"]})");
  const auto& node = type_named(m, "Node");
  CHECK(member_named(node, "children").type.k == kind::array);
  CHECK(member_named(node, "children").type.args[0].k == kind::named);
  CHECK(member_named(node, "parent").type.k == kind::boxed);
}

TEST_CASE("allOf merges properties and required lists") {
  auto m = load(R"({"title":"Employee","allOf":[{"$ref":"#/$defs/Person"},
      {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}],
      "$defs":{"Person":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}})");
  const auto& e = type_named(m, "Employee");
  REQUIRE(e.members.size() == 2);
  CHECK(member_named(e, "name").required);
  CHECK(member_named(e, "id").required);
  CHECK(member_named(e, "id").type.k == kind::integer);
  CHECK_THROWS_AS(load(R"({"allOf":[{"type":"string"},{"type":"integer"}]})"), input_error);
}

TEST_CASE("unions pick a discriminator when every object variant has a const tag") {
  SECTION("const property") {
    auto m = load(R"({"title":"Doc","type":"object","properties":{"s":{"oneOf":[
        {"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"number"}},"required":["kind","x"]},
        {"type":"object","properties":{"kind":{"const":"b"}},"required":["kind"]}]}}})");
    const auto& v = type_named(m, "DocS");
    CHECK(v.k == nkind::variant);
    CHECK(v.discriminator == "kind");
    CHECK(v.tags == std::vector<std::string>{"a", "b"});
    // Each variant keeps its own required fields.
    CHECK(member_named(m.types[v.alternatives[0].ref], "x").required);
  }
  SECTION("no common const: by shape") {
    auto m = load(R"({"title":"Doc","type":"object","properties":{"s":{"anyOf":[{"type":"string"},{"type":"integer"}]}}})");
    const auto& v = type_named(m, "DocS");
    CHECK(v.discriminator.empty());
    CHECK(v.alternatives.size() == 2);
  }
  SECTION("null branches make the value nullable, one branch left is no variant") {
    auto m = load(R"({"title":"Doc","type":"object","properties":{"s":{"oneOf":[{"type":"string"},{"type":"null"}]}}})");
    const auto& s = member_named(type_named(m, "Doc"), "s");
    CHECK(s.type.k == kind::string);
    CHECK(s.type.nullable);
  }
  SECTION("string constants only: an enum") {
    auto m = load(R"({"title":"Doc","type":"object","properties":{"s":{"oneOf":[{"const":"x"},{"const":"y"}]}}})");
    CHECK(type_named(m, "DocS").k == nkind::enumeration);
  }
}

TEST_CASE("enums, consts, maps, tuples and untyped schemas") {
  auto m = load(R"({"title":"T","type":"object","properties":{
      "e":{"type":"string","enum":["low","EOF",""]}, "n":{"enum":[1,2,3]}, "c":{"const":"fixed"},
      "m":{"type":"object","additionalProperties":{"type":"integer"}}, "t":{"type":"array","prefixItems":[{"type":"number"},{"type":"string"}],"items":false},
      "any":{}, "obj":{"type":"object"}}})");
  const auto& t = type_named(m, "T");
  const auto& e = m.types[member_named(t, "e").type.ref];
  CHECK(e.k == nkind::enumeration);
  REQUIRE(e.enumerators.size() == 3);
  CHECK(e.enumerators[1].name == "kEOF");
  CHECK(e.enumerators[2].name == "kEmpty");
  CHECK(m.types[member_named(t, "n").type.ref].k == nkind::checked);
  CHECK(member_named(t, "c").const_value == ojson("fixed"));
  CHECK(member_named(t, "m").type.k == kind::map);
  CHECK(member_named(t, "t").type.k == kind::tuple);
  CHECK(member_named(t, "t").type.tuple_exact);
  CHECK(member_named(t, "any").type.k == kind::any);
  CHECK(member_named(t, "obj").type.k == kind::any_object);
}

TEST_CASE("a schema that allows only null is checked, not typed as any value") {
  auto m = load(R"({"title":"N","type":"object","properties":{"a":{"type":"null"},"b":{"const":null},"c":{"enum":[null]}}})");
  for (const char* name : {"a", "b", "c"}) {
    const auto& t = member_named(type_named(m, "N"), name).type;
    REQUIRE(t.k == kind::named);
    CHECK(m.types[t.ref].k == nkind::checked);
    CHECK(m.types[t.ref].allowed == std::vector<ojson>{nullptr});
  }
}

TEST_CASE("a root that is a $ref names an alias, and an object target carries json_schema()") {
  auto m = load(R"({"title":"Doc","$ref":"#/$defs/Body","$defs":{"Body":{"type":"object","properties":{"x":{"type":"string"}}}}})");
  CHECK(m.types[m.root].name == "Doc");
  CHECK(m.types[m.root].k == nkind::alias);
  CHECK(type_named(m, "Body").is_root);
}

TEST_CASE("member names that collide after sanitising get deterministic suffixes") {
  auto m = load(R"({"title":"K","type":"object","properties":{"user_id":{"type":"integer"},"userId":{"type":"integer"},"UserID":{"type":"integer"},"json_schema":{"type":"string"}}})");
  const auto& k = type_named(m, "K");
  CHECK(member_named(k, "user_id").name == "user_id");
  CHECK(member_named(k, "userId").name == "user_id_2");
  CHECK(member_named(k, "UserID").name == "user_id_3");
  CHECK(member_named(k, "json_schema").name == "json_schema_2");
}

TEST_CASE("defaults are kept and named, never applied") {
  auto m = load(R"({"title":"D","type":"object","properties":{"paid":{"type":"boolean","default":false},"n":{"type":"integer","default":"x"}}})");
  const auto& d = type_named(m, "D");
  CHECK(member_named(d, "paid").default_name == "default_paid");
  CHECK(*member_named(d, "paid").default_value == ojson(false));
  CHECK_FALSE(member_named(d, "n").default_value.has_value());
}

TEST_CASE("unsupported and unknown keywords warn with their pointer") {
  diagnostics w;
  load(R"({"title":"W","type":"object","properties":{"a":{"type":"string","not":{"const":"x"}},"b":{"type":"string","porperties":{}}}})", w);
  REQUIRE(w.size() == 2);
  CHECK(w[0].level == diagnostic::severity::warning);
  CHECK(w[0].pointer == "/properties/a/not");
  CHECK(w[0].file == "probe.json");
  CHECK(w[1].pointer == "/properties/b/porperties");
  CHECK(w[1].message.find("unknown keyword") != std::string::npos);
}

TEST_CASE("invalid schemas throw input_error naming the pointer") {
  CHECK(error_of(R"({"type":"object","properties":{"a":{"$ref":"#/$defs/Nope"}}})").pointer == "/properties/a/$ref");
  CHECK(error_of(R"({"type":"object","properties":{"a":{"type":"strnig"}}})").pointer == "/properties/a/type");
  CHECK(error_of(R"({"type":"object","properties":{"a":{"type":"string"}},"required":"a"})").pointer == "/required");
  CHECK(error_of(R"({"type":"object","properties":{"a":{"type":"object","properties":[]}}})").pointer == "/properties/a/properties");
  CHECK(error_of(R"({"type":"object","properties":{"a":{"anyOf":[]}}})").pointer == "/properties/a/anyOf");
  CHECK(error_of(R"({"type":"object","properties":{"a":{"$ref":"other.json#/x"}}})").message.find("outside this file") != std::string::npos);
  CHECK(error_of(R"({"type":"object","properties":{"a":{"type":"string","nullable":"yes"}}})").pointer == "/properties/a/nullable");
  CHECK(error_of(R"([1,2])").file == "probe.json");
}
