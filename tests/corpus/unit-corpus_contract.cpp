// SPDX-License-Identifier: MIT
// The generated-header contract, checked on corpus headers, with one TEST_CASE per fault that
// quicktype 26's C++ output is known to have (issue 4). Compiled as C++17, -Wall -Wextra -Werror.

// Macros a careless generator collides with (EOF, NULL, errno, major, minor, BUFSIZ, ...) are
// defined before any generated header.
#include <cerrno>
#include <cstdio>
#include <sys/sysmacros.h>

#include "a/integer_bounds.hpp"
#include "a/macro_enums.hpp"
#include "a/nullable_matrix.hpp"
#include "a/payment.hpp"
#include "a/geometry_shapes.hpp"
#include "a/probe_macro_enum.hpp"
#include "a/probe_union_a.hpp"
#include "a/probe_union_b.hpp"
#include "a/untitled_record.hpp"
#include "a/supplier_invoice.hpp"
#include "a/purchase_order.hpp"
#include "a/address_book.hpp"
#include "a/news_entities.hpp"
#include "a/flight_booking.hpp"
#include "a/expression_tree.hpp"
#include "a/org_chart.hpp"
#include "a/defs_and_definitions.hpp"
#include "a/peer_order.hpp"
#include "a/peer_enums.hpp"
#include "a/peer_shape_oneof.hpp"
#include "a/peer_tree.hpp"
#include "a/peer_nullable.hpp"
#include "a/peer_maps.hpp"
#include "a/map_values.hpp"
#include "a/draft07_legacy.hpp"
#include "a/keyword_soup.hpp"
// The same schemas generated into two more namespaces, one of them nested (--namespace a::b).
#include "ns1/payment.hpp"
#include "ns1/probe_union_a.hpp"
#include "ns2/payment.hpp"
#include "ns2/probe_union_b.hpp"
// route_plan.schema.json copied to zz_not_the_title.json before generating.
#include "zz_not_the_title.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

namespace {

using nlohmann::json;

template <class T>
struct is_variant : std::false_type {};
template <class... Ts>
struct is_variant<std::variant<Ts...>> : std::true_type {};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

json read_corpus_file(const std::string& relative) {
  std::ifstream in(std::string(SCHEMAFORGE_SOURCE_DIR) + "/tests/corpus/" + relative, std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

template <class T>
json round_trip(const json& j) {
  return json(j.get<T>());
}

// Decoding must fail, and the message must name the pointer (or a deeper one).
template <class T>
void require_rejected(const json& j, const std::string& pointer) {
  try {
    (void)j.get<T>();
    FAIL("accepted: " << j.dump());
  } catch (const std::exception& e) {
    std::string what = e.what();
    INFO("message: " << what);
    auto pos = what.find(pointer);
    REQUIRE(pos != std::string::npos);
  }
}

json card_payment() {
  return json::parse(R"({"amount": 10, "method": {"method": "card", "last4": "4242", "expiry_month": 1, "expiry_year": 2030}})");
}

}  // namespace

TEST_CASE("quicktype fault: oneOf of objects keeps each variant's own required fields", "[corpus][quicktype]") {
  static_assert(is_variant<decltype(corpus::Payment::method)>::value, "an object oneOf is a std::variant, not one merged struct");
  static_assert(std::is_class_v<corpus::CardPayment> && std::is_class_v<corpus::BankPayment> && std::is_class_v<corpus::WalletPayment>);
  static_assert(std::is_same_v<decltype(corpus::CardPayment::expiry_year), std::int64_t>, "a variant's required field is not optional");

  SECTION("the discriminator picks the variant and its fields survive") {
    auto payment = card_payment().get<corpus::Payment>();
    REQUIRE(std::holds_alternative<corpus::CardPayment>(payment.method));
    CHECK(std::get<corpus::CardPayment>(payment.method).expiry_year == 2030);
    CHECK(json(payment) == card_payment());
  }
  SECTION("a card without its own required expiry_year is rejected") {
    auto j = card_payment();
    j["method"].erase("expiry_year");
    require_rejected<corpus::Payment>(j, "/method");
  }
  SECTION("a wallet needs its provider, a bank transfer does not need one") {
    auto wallet = json::parse(R"({"amount": 1, "method": {"method": "wallet"}})");
    require_rejected<corpus::Payment>(wallet, "/method");
    auto bank = json::parse(R"({"amount": 1, "method": {"method": "bank_transfer", "iban": "X"}})");
    CHECK(std::holds_alternative<corpus::BankPayment>(bank.get<corpus::Payment>().method));
  }
  SECTION("without a discriminator the shape picks the variant") {
    auto j = json::parse(R"({"items": [{"x": 1, "y": 2}, {"center": {"x": 0, "y": 0}, "radius": 5}, {"text": "t"}]})");
    auto shapes = j.get<corpus::GeometryShapes>();
    REQUIRE(shapes.items.size() == 3);
    CHECK(std::holds_alternative<corpus::ShapePoint>(shapes.items[0]));
    CHECK(std::holds_alternative<corpus::ShapeCircle>(shapes.items[1]));
    CHECK(std::holds_alternative<corpus::ShapeLabel>(shapes.items[2]));
    j["items"][1].erase("radius");
    require_rejected<corpus::GeometryShapes>(j, "/items/1");
  }
}

TEST_CASE("quicktype fault: optional and nullable stay distinct", "[corpus][quicktype]") {
  using M = corpus::NullableMatrix;
  static_assert(std::is_same_v<decltype(M::req_int), std::int64_t>, "required, not nullable: a plain value");
  static_assert(std::is_same_v<decltype(M::req_null_int), std::optional<std::int64_t>>, "required + nullable: optional");
  static_assert(std::is_same_v<decltype(M::opt_int), std::optional<std::int64_t>>, "not required: optional");
  static_assert(std::is_same_v<decltype(M::opt_null_int), std::optional<std::int64_t>>, "not required + nullable: optional");
  static_assert(std::is_same_v<decltype(M::req_str), std::string>);
  static_assert(std::is_same_v<decltype(M::req_null_obj), std::optional<corpus::NullableInner>>);
  static_assert(is_optional<decltype(M::opt_arr)>::value);

  auto minimal = read_corpus_file("nullable_matrix/valid/minimal.json");
  SECTION("required + nullable: null is accepted and written back as null") {
    auto m = minimal.get<M>();
    CHECK_FALSE(m.req_null_int.has_value());
    auto out = json(m);
    REQUIRE(out.contains("req_null_int"));
    CHECK(out["req_null_int"].is_null());
  }
  SECTION("required + nullable: absence is not null") {
    auto j = minimal;
    j.erase("req_null_int");
    require_rejected<M>(j, "/req_null_int");
  }
  SECTION("optional, not nullable: null is rejected") {
    auto j = minimal;
    j["opt_int"] = nullptr;
    require_rejected<M>(j, "/opt_int");
  }
  SECTION("optional + nullable: null reads as empty") {
    auto j = minimal;
    j["opt_null_int"] = nullptr;
    CHECK_FALSE(j.get<M>().opt_null_int.has_value());
  }
  SECTION("required, not nullable: null is rejected") {
    auto j = minimal;
    j["req_int"] = nullptr;
    require_rejected<M>(j, "/req_int");
  }
}

TEST_CASE("quicktype fault: an absent optional is not written back as null", "[corpus][quicktype]") {
  auto minimal = read_corpus_file("nullable_matrix/valid/minimal.json");
  auto out = round_trip<corpus::NullableMatrix>(minimal);
  for (const auto* key : {"opt_str", "opt_int", "opt_num", "opt_bool", "opt_obj", "opt_arr", "opt_enum", "opt_null_str", "opt_null_int", "opt_null_obj", "openapi_nullable", "enum_with_null"}) {
    INFO(key);
    CHECK_FALSE(out.contains(key));
  }
  CHECK(out == minimal);

  auto order = read_corpus_file("purchase_order/valid/empty_items.json");
  CHECK_FALSE(round_trip<corpus::PurchaseOrder>(order).contains("approver"));
  CHECK_FALSE(round_trip<corpus::PurchaseOrder>(order).contains("notes"));
}

TEST_CASE("quicktype fault: an integer rejects 1.9 and out-of-range values", "[corpus][quicktype]") {
  using B = corpus::IntegerBounds;
  static_assert(std::is_same_v<decltype(B::plain), std::int64_t>);
  static_assert(std::is_same_v<decltype(B::number), std::optional<double>>);
  auto with = [](json value) { return json{{"plain", std::move(value)}}; };

  SECTION("whole numbers in range are accepted, also written as 2.0") {
    CHECK(with(2.0).get<B>().plain == 2);
    CHECK(with(-0.0).get<B>().plain == 0);
    CHECK(with(std::numeric_limits<std::int64_t>::max()).get<B>().plain == std::numeric_limits<std::int64_t>::max());
    CHECK(with(std::numeric_limits<std::int64_t>::min()).get<B>().plain == std::numeric_limits<std::int64_t>::min());
    CHECK(with(json::parse("9223372036854775807")).get<B>().plain == std::numeric_limits<std::int64_t>::max());
  }
  SECTION("fractions are rejected, never truncated") {
    require_rejected<B>(with(1.9), "/plain");
    require_rejected<B>(with(-1.9), "/plain");
    require_rejected<B>(with(0.5), "/plain");
  }
  SECTION("out of range is rejected, never wrapped") {
    require_rejected<B>(with(json::parse("9223372036854775808")), "/plain");
    require_rejected<B>(with(json::parse("18446744073709551615")), "/plain");
    require_rejected<B>(with(1e300), "/plain");
    require_rejected<B>(with(-1e300), "/plain");
    require_rejected<B>(with(-1e19), "/plain");
    require_rejected<B>(with(std::numeric_limits<double>::infinity()), "/plain");
  }
  SECTION("deep inside arrays the pointer names the element") {
    require_rejected<B>(json::parse(R"({"plain": 1, "list": [1, 2, 2.5]})"), "/list/2");
  }
}

TEST_CASE("quicktype fault: $defs and definitions keys name their types", "[corpus][quicktype]") {
  static_assert(std::is_class_v<corpus::InvoiceMoney> && std::is_class_v<corpus::InvoiceParty> && std::is_class_v<corpus::InvoicePostalAddress>);
  static_assert(std::is_class_v<corpus::PoShippingAddress> && std::is_class_v<corpus::PoLineItem>);
  static_assert(std::is_class_v<corpus::BookContact> && std::is_class_v<corpus::BookPhone>);
  static_assert(std::is_class_v<corpus::NewsPerson> && std::is_class_v<corpus::NewsOrganization> && std::is_class_v<corpus::NewsPlace>);
  static_assert(std::is_class_v<corpus::Airport>);
  static_assert(std::is_class_v<corpus::ExprNumber> && std::is_class_v<corpus::ExprBinary> && std::is_class_v<corpus::ExprCall>);
  static_assert(std::is_class_v<corpus::OrgCompany> && std::is_class_v<corpus::OrgPerson>);
  static_assert(std::is_class_v<corpus::ShippingLabel> && std::is_class_v<corpus::LabelParty> && std::is_class_v<corpus::LegacyRecord>);
  static_assert(std::is_enum_v<corpus::LegacyCode> && std::is_enum_v<corpus::NullableColor> && std::is_enum_v<corpus::Color>);
  static_assert(std::is_class_v<corpus::MapRecord> && std::is_class_v<corpus::Draft07Tag> && std::is_class_v<corpus::Warehouse>);
  static_assert(std::is_class_v<corpus::Address> && std::is_class_v<corpus::LineItem> && std::is_class_v<corpus::Image>);
  static_assert(std::is_class_v<corpus::Circle> && std::is_class_v<corpus::Rectangle> && std::is_class_v<corpus::Polygon> && std::is_class_v<corpus::Annotation>);
  static_assert(std::is_class_v<corpus::Typename>, "a $defs key that is a keyword still names its type");
  static_assert(std::is_same_v<decltype(corpus::SupplierInvoice::total), corpus::InvoiceMoney>);
  static_assert(std::is_same_v<decltype(corpus::DefsAndDefinitions::legacy), corpus::LegacyRecord>);
  SUCCEED("the names above exist (checked at compile time)");
}

TEST_CASE("quicktype fault: the root name never depends on the output file name", "[corpus][quicktype]") {
  // Same schema, different file name: the title still names the root type.
  static_assert(std::is_class_v<corpus_renamed::RoutePlan>);
  // No title: the file stem names it (untitled_record -> UntitledRecord).
  static_assert(std::is_class_v<corpus::UntitledRecord>);
  auto j = read_corpus_file("route_plan/valid/two_stops.json");
  CHECK(round_trip<corpus_renamed::RoutePlan>(j) == j);
}

TEST_CASE("quicktype fault: enumerators cannot collide with macros", "[corpus][quicktype]") {
  // <cstdio>, <cerrno> and <sys/sysmacros.h> came first; that this file compiled is half the test.
  auto all = read_corpus_file("macro_enums/valid/all_values.json");
  CHECK(round_trip<corpus::MacroEnums>(all) == all);
  for (const auto* value : {"eof", "null", "true", "errno", "assert", "int", "BUFSIZ"}) {
    json j = {{"k", value}};
    CHECK(round_trip<corpus::Tok>(j) == j);
  }
  require_rejected<corpus::Tok>(json{{"k", "EOF"}}, "/k");
}

TEST_CASE("quicktype fault: two headers sharing a variant shape compile in one TU", "[corpus][quicktype]") {
  // probe_union_a and probe_union_b both hold a string-or-integer variant; here they meet in one
  // namespace, and again in two other namespaces.
  CHECK(round_trip<corpus::A>(json{{"v", "s"}}) == json{{"v", "s"}});
  CHECK(round_trip<corpus::B>(json{{"w", 3}}) == json{{"w", 3}});
  CHECK(round_trip<corpus_ns1::A>(json{{"v", 4}}) == json{{"v", 4}});
  CHECK(round_trip<corpus_ns2::nested::B>(json{{"w", "x"}}) == json{{"w", "x"}});
  require_rejected<corpus::A>(json{{"v", 1.5}}, "/v");
}

TEST_CASE("headers in several namespaces meet in one TU", "[corpus]") {
  static_assert(!std::is_same_v<corpus::Payment, corpus_ns1::Payment>);
  static_assert(!std::is_same_v<corpus_ns1::Payment, corpus_ns2::nested::Payment>);
  auto j = card_payment();
  CHECK(round_trip<corpus_ns1::Payment>(j) == j);
  CHECK(round_trip<corpus_ns2::nested::Payment>(j) == j);
}

TEST_CASE("json_schema() returns the schema the header was generated from", "[corpus]") {
  CHECK(json::parse(std::string(corpus::Payment::json_schema())) == read_corpus_file("payment.schema.json"));
  CHECK(json::parse(std::string(corpus_ns2::nested::Payment::json_schema())) == read_corpus_file("payment.schema.json"));
  CHECK(json::parse(std::string(corpus::KeywordSoup::json_schema())) == read_corpus_file("keyword_soup.schema.json"));
  CHECK(json::parse(std::string(corpus::OrgChart::json_schema())) == read_corpus_file("org_chart.schema.json"));
}

TEST_CASE("recursive types hold values", "[corpus]") {
  auto tree = read_corpus_file("peer_tree/valid/nested.json");
  auto node = tree.get<corpus::TreeNode>();
  REQUIRE(node.children.size() == 1);
  CHECK(node.children[0].children[0].name == "a1");
  CHECK(json(node) == tree);
  auto org = read_corpus_file("org_chart/valid/holding.json");
  CHECK(round_trip<corpus::OrgChart>(org) == org);
}

TEST_CASE("a root that is a union reads and writes through ADL like any generated type", "[corpus]") {
  static_assert(is_variant<corpus::Expression>::value, "a oneOf root stays a std::variant");
  auto tree = read_corpus_file("expression_tree/valid/nested.json");
  auto expression = tree.get<corpus::Expression>();
  REQUIRE(std::holds_alternative<corpus::schemaforge_detail::box<corpus::ExprBinary>>(expression));
  const auto& binary = *std::get<corpus::schemaforge_detail::box<corpus::ExprBinary>>(expression);
  CHECK(binary.operator_ == corpus::ExprBinaryOperator::kPlus);
  CHECK(json(expression) == tree);
  CHECK(json(corpus::Expression(corpus::ExprNumber{"num", 2.5})) == json::parse(R"({"op": "num", "value": 2.5})"));
  SECTION("errors name the pointer, as for structs") {
    require_rejected<corpus::Expression>(json::parse(R"({"op": "bin", "operator": "+", "left": {"op": "num", "value": 1}, "right": {"op": "mul"}})"),
                                         "/right/op");
    require_rejected<corpus::Expression>(json::parse("[1]"), "(root)");
  }
  SECTION("containers of the union read through the same functions") {
    auto list = json::array({tree, json::parse(R"({"op": "num", "value": 1})")});
    CHECK(json(list.get<std::vector<corpus::Expression>>()) == list);
  }
}

TEST_CASE("defaults are exposed, never filled in by from_json", "[corpus]") {
  auto j = json::parse(R"({"invoice_number": "1", "issue_date": "d", "seller": {"name": "S", "vat_id": null, "address": {"street": "", "city": "", "country": "FR"}},
    "buyer": {"name": "B", "vat_id": null, "address": {"street": "", "city": "", "country": "FR"}}, "lines": [], "total": {"amount_minor": 1, "currency": "EUR"}})");
  auto invoice = j.get<corpus::SupplierInvoice>();
  CHECK_FALSE(invoice.paid.has_value());
  CHECK_FALSE(json(invoice).contains("paid"));
}
