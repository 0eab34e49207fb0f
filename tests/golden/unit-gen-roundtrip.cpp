// SPDX-License-Identifier: MIT
// Compiled as C++17 with -Wall -Wextra -Werror against headers generated at build time by
// schemaforge_generate: the generated code compiles, several headers share one TU and one
// namespace, and JSON round-trips with the contract's optional/nullable/integer/error rules.
#include "contact.hpp"
#include "hostile_names.hpp"
#include "invoice.hpp"
#include "log_event.hpp"
#include "recursion.hpp"
#include "shared_a.hpp"
#include "shared_b.hpp"
#include "support_ticket.hpp"
#include "unions.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <type_traits>

using nlohmann::json;
namespace ex = examples;
namespace gm = golden::models;

namespace {

// Reads `text` into T, writes it back, and checks the JSON is unchanged.
template <class T>
T round_trip(const std::string& text) {
  json in = json::parse(text);
  T value = in.get<T>();
  json out = value;
  CHECK(out == in);
  CHECK(out.get<T>() == value);
  return value;
}

// The JSON pointer named by the error from reading `text` into T ("" when it reads fine).
template <class T>
std::string error_pointer(const std::string& text) {
  try {
    json::parse(text).get<T>();
  } catch (const gm::decode_error& e) {
    return e.pointer();
  }
  return "<no error>";
}

template <class T>
std::string error_text(const std::string& text) {
  try {
    json::parse(text).get<T>();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

json schema_file(const std::string& relative) {
  std::ifstream in(std::string(SCHEMAFORGE_SOURCE_DIR) + "/" + relative);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

const char* const invoice_text = R"({
  "invoice_number": "F-2024-001", "issue_date": "2024-03-01", "due_date": null, "currency": "EUR",
  "supplier": {"name": "ACME", "address": {"city": "Lyon", "country": "FR"}},
  "lines": [{"description": "Widget", "quantity": 3, "unit_price": 9.5}], "total": 28.5})";

}  // namespace

TEST_CASE("invoice: required, optional and nullable stay distinct") {
  auto inv = round_trip<ex::Invoice>(invoice_text);
  CHECK(inv.invoice_number == "F-2024-001");
  CHECK_FALSE(inv.due_date.has_value());  // required + nullable: written back as null
  CHECK_FALSE(inv.notes.has_value());     // absent optional: not written back at all
  CHECK(inv.currency == ex::InvoiceCurrency::kEUR);
  CHECK(inv.lines.at(0).quantity == 3);
  CHECK_FALSE(inv.customer.has_value());
  json written = inv;
  CHECK(written.contains("due_date"));
  CHECK(written["due_date"].is_null());
  CHECK_FALSE(written.contains("notes"));
  CHECK_FALSE(written.contains("paid"));  // from_json never fills defaults
  CHECK(ex::Invoice::default_paid == false);
  CHECK(ex::Invoice::default_currency == ex::InvoiceCurrency::kEUR);
  CHECK(ex::InvoiceLinesItem::default_vat_rate == 0.2);
}

TEST_CASE("invoice: errors name the JSON pointer") {
  json j = json::parse(invoice_text);
  SECTION("missing required") {
    j["lines"][0].erase("unit_price");
    CHECK_THROWS_WITH(j.get<ex::Invoice>(), "/lines/0/unit_price: missing required property");
  }
  SECTION("required nullable must be present") {
    j.erase("due_date");
    CHECK_THROWS_WITH(j.get<ex::Invoice>(), "/due_date: missing required property");
  }
  SECTION("optional but not nullable rejects null") {
    j["notes"] = nullptr;
    CHECK_THROWS_WITH(j.get<ex::Invoice>(), Catch::StartsWith("/notes: null is not allowed"));
  }
  SECTION("wrong type") {
    j["total"] = "28.5";
    CHECK_THROWS_WITH(j.get<ex::Invoice>(), "/total: expected a number, got string");
  }
  SECTION("unknown enum value") {
    j["currency"] = "XYZ";
    CHECK_THROWS_WITH(j.get<ex::Invoice>(), Catch::StartsWith("/currency: unknown value \"XYZ\""));
  }
  SECTION("root type") {
    CHECK_THROWS_WITH(json::array().get<ex::Invoice>(), "(root): expected an object, got array");
  }
}

TEST_CASE("integers accept 2 and 2.0 and reject 1.9 and out-of-range values") {
  json j = json::parse(invoice_text);
  j["lines"][0]["quantity"] = 2.0;
  CHECK(j.get<ex::Invoice>().lines[0].quantity == 2);
  j["lines"][0]["quantity"] = 1.9;
  CHECK_THROWS_WITH(j.get<ex::Invoice>(), "/lines/0/quantity: expected an integer, got 1.9");
  j["lines"][0]["quantity"] = json::parse("18446744073709551615");
  CHECK_THROWS_WITH(j.get<ex::Invoice>(), Catch::Contains("out of range"));
  j["lines"][0]["quantity"] = 1e19;
  CHECK_THROWS_AS(j.get<ex::Invoice>(), ex::decode_error);
  j["lines"][0]["quantity"] = -9223372036854775807LL - 1;
  CHECK(j.get<ex::Invoice>().lines[0].quantity == INT64_MIN);
}

TEST_CASE("support ticket: a tagged union keeps each variant's required fields") {
  auto t = round_trip<ex::SupportTicket>(R"({"summary": "Refund please", "category": "billing", "priority": "high",
      "customer": {"name": null, "email": "a@b.c"},
      "actions": [{"type": "reply", "message": "Sorry"}, {"type": "refund", "amount": 12.5}, {"type": "escalate", "team": "L2"}]})");
  REQUIRE(t.actions.size() == 3);
  CHECK(std::holds_alternative<ex::Reply>(t.actions[0]));
  CHECK(std::get<ex::Refund>(t.actions[1]).amount == 12.5);
  CHECK(std::get<ex::Escalate>(t.actions[2]).team == "L2");
  CHECK(error_pointer<ex::SupportTicket>(R"({"summary": "x", "category": "bug", "priority": "low", "customer": {"name": "n", "email": "e"},
      "actions": [{"type": "escalate"}]})") == "/actions/0/team");
  CHECK(error_pointer<ex::SupportTicket>(R"({"summary": "x", "category": "bug", "priority": "low", "customer": {"name": "n", "email": "e"},
      "actions": [{"type": "reply", "message": "m"}, {"type": "call"}]})") == "/actions/1/type");
}

TEST_CASE("contact: maps and OpenAPI nullable") {
  auto c = round_trip<ex::Contact>(R"({"full_name": "Ada", "social": {"github": "https://github.com/ada"},
      "phones": [{"number": "1", "kind": "work"}], "address": {"lines": ["1 Road"], "city": "London"}})");
  CHECK(c.social->at("github") == "https://github.com/ada");
  auto n = json::parse(R"({"full_name": "Ada", "birthday": null})").get<ex::Contact>();
  CHECK_FALSE(n.birthday.has_value());
  CHECK_FALSE(json(n).contains("birthday"));
}

TEST_CASE("log event: primitive union, recursion through an optional, free-form object") {
  auto e = round_trip<ex::LogEvent>(R"({"timestamp": "t", "level": "WARN", "message": "m", "status": 404,
      "fields": {"k": [1, 2]}, "error": {"type": "IOError", "cause": {"type": "Timeout", "cause": {"type": "Root"}}}})");
  CHECK(std::get<std::int64_t>(*e.status) == 404);
  CHECK((*e.error->cause)->type == "Timeout");
  CHECK(std::get<std::string>(round_trip<ex::LogEvent>(R"({"timestamp": "t", "level": "INFO", "message": "m", "status": "ok"})").status.value()) == "ok");
  CHECK(error_pointer<ex::LogEvent>(R"({"timestamp": "t", "level": "INFO", "message": "m", "fields": []})") == "/fields");
}

TEST_CASE("hostile names round-trip under their original JSON names") {
  auto h = round_trip<gm::Class>(R"({"class": "c", "first-name": "f", "int": 1, "token": "EOF", "2ndLine": "x",
      "données": "d", "": "empty", "a/b~c": "slash", "quote\"d": "q", "json_schema": "s", "userId": 2, "UserID": 3,
      "new": {"this": "t"}, "New": {"delete": true}})");
  CHECK(h.class_ == "c");
  CHECK(h.token == gm::ClassToken::kEOF2);  // "eof" came first: names differing only by case get suffixes
  CHECK(h.donn_u00e9es == "d");
  CHECK(h.unnamed == "empty");
  CHECK(h.user_id_2 == 2);
  CHECK(h.new_2->delete_ == true);
  CHECK(error_pointer<gm::Class>(R"({"class": "c", "first-name": "f", "int": 1, "token": "EOF", "a/b~c": 1})") == "/a~1b~0c");
}

TEST_CASE("recursive types") {
  auto t = round_trip<gm::TreeNode>(R"({"name": "root", "children": [{"name": "a", "children": [{"name": "a1", "children": []}]}],
      "parent": {"name": "up", "children": []}, "by_name": {"x": {"name": "x", "children": []}},
      "note": {"text": "n", "about": {"name": "r", "children": []}, "replies": [{"text": "r1"}]}})");
  CHECK(t.children[0].children[0].name == "a1");
  CHECK((*t.parent)->name == "up");
  CHECK(error_pointer<gm::TreeNode>(R"({"name": "root", "children": [{"name": "a", "children": [{"children": []}]}]})") == "/children/0/children/0/name");
}

TEST_CASE("unions by shape, tuples, checked enums and consts") {
  const std::string base = R"({"tagged": [{"kind": "circle", "radius": 1}, {"kind": "square", "side": 2}], "maybe": null, "version": 2, "by_shape": )";
  auto by_shape = [&](const std::string& v) { return round_trip<gm::Shapes>(base + v + "}").by_shape; };
  CHECK(by_shape("\"s\"").index() == 0);
  CHECK(by_shape("3").index() == 1);
  CHECK(by_shape("3.5").index() == 2);
  CHECK(by_shape("[\"a\"]").index() == 3);
  CHECK(by_shape("{\"x\": 1, \"y\": 2}").index() == 4);
  CHECK(by_shape("{\"label\": \"l\"}").index() == 5);
  CHECK(error_pointer<gm::Shapes>(base + "true}") == "/by_shape");
  auto s = round_trip<gm::Shapes>(base + R"("s", "pair": [1.5, "b"], "mixed_enum": true, "level": 3, "anything": null, "free_object": {"a": 1}})");
  CHECK(std::get<1>(*s.pair) == "b");
  CHECK(s.version == 2);
  CHECK(error_pointer<gm::Shapes>(base + R"("s", "level": 4})") == "/level");
  CHECK(error_pointer<gm::Shapes>(base + R"("s", "mixed_enum": "b"})") == "/mixed_enum");
  CHECK(error_pointer<gm::Shapes>(R"({"tagged": [], "maybe": null, "version": 3, "by_shape": 1})") == "/version");
  CHECK(error_pointer<gm::Shapes>(base + R"("s", "pair": [1.5]})") == "/pair");
  CHECK(error_pointer<gm::Shapes>(base + R"("s", "pair": [1.5, "b", 3]})") == "/pair");
}

TEST_CASE("headers sharing a type and a variant shape compile together in one namespace") {
  static_assert(std::is_same_v<decltype(gm::Shipment{}.to), decltype(gm::Warehouse{}.at)>);
  auto s = round_trip<gm::Shipment>(R"({"to": {"city": "Oslo"}, "reference": 7})");
  auto w = round_trip<gm::Warehouse>(R"({"at": {"city": "Oslo"}, "code": "W1"})");
  CHECK(s.to == w.at);
}

TEST_CASE("json_schema() returns the schema the type was generated from") {
  CHECK(json::parse(ex::Invoice::json_schema()) == schema_file("schemas/examples/invoice.schema.json"));
  CHECK(json::parse(gm::Class::json_schema()) == schema_file("tests/golden/schemas/hostile_names.json"));
  CHECK(json::parse(gm::TreeNode::json_schema()) == schema_file("tests/golden/schemas/recursion.json"));
  CHECK(noexcept(ex::Contact::json_schema()));
}
