// SPDX-License-Identifier: MIT
#include <schemaforge/gen/naming.hpp>

#include <catch2/catch.hpp>

namespace naming = schemaforge::gen::naming;

TEST_CASE("type names follow the contract's PascalCase rule") {
  SECTION("words split on space, underscore, dash and dot; first letter up, rest kept") {
    CHECK(naming::type_name("sensor grid") == "SensorGrid");
    CHECK(naming::type_name("http_URL") == "HttpURL");
    CHECK(naming::type_name("log-event.v2") == "LogEventV2");
    CHECK(naming::type_name("Invoice") == "Invoice");
  }
  SECTION("invalid identifiers are escaped, never dropped") {
    CHECK(naming::type_name("2nd line") == "T2ndLine");
    CHECK(naming::type_name("") == "Unnamed");
    CHECK(naming::type_name("données") == "DonnU00E9es");
    CHECK(naming::type_name("@type") == "Type");
  }
  SECTION("all-caps names cannot hit all-caps macros") {
    CHECK(naming::type_name("EOF") == "EOF_");
    CHECK(naming::type_name("NULL") == "NULL_");
    CHECK(naming::type_name("A") == "A");
  }
  SECTION("pascal_case is idempotent on its own output") {
    for (const char* s : {"sensor grid", "http_URL", "données", "a.b-c d"})
      CHECK(naming::pascal_case(naming::pascal_case(s)) == naming::pascal_case(s));
  }
}

TEST_CASE("member names are valid snake_case identifiers") {
  SECTION("camelCase and separators") {
    CHECK(naming::member_name("invoiceNumber") == "invoice_number");
    CHECK(naming::member_name("HTTPServer") == "http_server");
    CHECK(naming::member_name("first-name") == "first_name");
    CHECK(naming::member_name("last name") == "last_name");
    CHECK(naming::member_name("UserID") == "user_id");
  }
  SECTION("keywords, macros and names the generated code uses get a trailing underscore") {
    CHECK(naming::member_name("class") == "class_");
    CHECK(naming::member_name("delete") == "delete_");
    CHECK(naming::member_name("errno") == "errno_");
    CHECK(naming::member_name("major") == "major_");
    CHECK(naming::member_name("std") == "std_");
    CHECK(naming::member_name("nlohmann") == "nlohmann_");
  }
  SECTION("digits first, empty, punctuation and non-ASCII") {
    CHECK(naming::member_name("2ndLine") == "_2nd_line");
    CHECK(naming::member_name("") == "unnamed");
    CHECK(naming::member_name("$id") == "id");
    CHECK(naming::member_name("a__b") == "a_b");
    CHECK(naming::member_name("données") == "donn_u00e9es");
  }
}

TEST_CASE("enumerators cannot collide with macros") {
  CHECK(naming::enumerator_name("eof") == "kEof");
  CHECK(naming::enumerator_name("EOF") == "kEOF");
  CHECK(naming::enumerator_name("null") == "kNull");
  CHECK(naming::enumerator_name("errno") == "kErrno");
  CHECK(naming::enumerator_name("in-progress") == "kInProgress");
  CHECK(naming::enumerator_name("won't fix") == "kWonTFix");
  CHECK(naming::enumerator_name("") == "kEmpty");
  CHECK(naming::enumerator_name("2fa-required") == "k2faRequired");
  CHECK(naming::enumerator_name("+") == "kPlus");
  CHECK(naming::enumerator_name("**") == "kStarStar");
  CHECK(naming::enumerator_name(">=") == "kGreaterEquals");
}

TEST_CASE("a scope resolves collisions deterministically, ignoring case") {
  naming::scope types;
  CHECK(types.unique("Node") == "Node");
  CHECK(types.unique("node") == "node2");
  CHECK(types.unique("Node") == "Node3");
  naming::scope members;
  members.reserve("json_schema");
  CHECK(members.unique("json_schema", true) == "json_schema_2");
  CHECK(members.unique("user_id", true) == "user_id");
  CHECK(members.unique("user_id", true) == "user_id_2");
}

TEST_CASE("literals and comments are safe for any text") {
  SECTION("string literals escape quotes, backslashes and every non-printable byte in octal") {
    CHECK(naming::cpp_string_literal("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(naming::cpp_string_literal("\xc3\xa9" "1") == "\"\\303\\2511\"");
    CHECK(naming::cpp_string_literal("??=") == "\"\\077\\077=\"");
  }
  SECTION("comments cannot be closed, opened or spliced by the text") {
    CHECK(naming::comment_text("a */ b") == "a * / b");
    CHECK(naming::comment_text("a /* b") == "a / * b");
    CHECK(naming::comment_text("ends with \\\nnext") == "ends with \\ (backslash)\nnext");
    CHECK(naming::comment_text("tab\there\r\nline") == "tab here\nline");
    CHECK(naming::comment_text("what??/") == "what? ?/");
  }
}
