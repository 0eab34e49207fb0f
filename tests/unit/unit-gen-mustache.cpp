// SPDX-License-Identifier: MIT
#include "mustache/mustache_template.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace schemaforge::gen::mustache;
using nlohmann::json;
using Catch::Contains;

namespace {

std::string render(const std::map<std::string, std::string>& templates, const json& data) {
  auto source = [&](const std::string& name) -> std::optional<std::string> {
    auto it = templates.find(name);
    if (it == templates.end()) return std::nullopt;
    return it->second;
  };
  std::string out;
  render_template(compile_template("main", source), from_json(data), out);
  return out;
}

std::string render(const std::string& text, const json& data) { return render({{"main", text}}, data); }

std::string render_tidy(const std::string& text, const json& data) {
  std::string out;
  render_template(compile_template("main", [&](const std::string&) -> std::optional<std::string> { return text; }), from_json(data), out,
                  /*tidy=*/true);
  return out;
}

std::string compile_error(const std::map<std::string, std::string>& templates) {
  try {
    render(templates, json::object());
  } catch (const template_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("variables render strings and numbers as they are, nothing for other values") {
  json data = {{"s", "a<b>&\"c\""}, {"i", -3}, {"u", 7u}, {"f", 1.5}, {"t", true}, {"n", nullptr}, {"o", {{"k", 1}}}, {"l", {1, 2}}};
  CHECK(render("{{s}}|{{{s}}}|{{& s }}|{{i}}|{{u}}|{{f}}|{{t}}|{{n}}|{{o}}|{{l}}|{{missing}}", data) ==
        "a<b>&\"c\"|a<b>&\"c\"|a<b>&\"c\"|-3|7|1.5|||||");
}

TEST_CASE("sections: arrays repeat, other truthy values push once, falsy values skip") {
  json data = {{"items", {{{"name", "a"}}, {{"name", "b"}}}}, {"empty", json::array()}, {"no", false}, {"nothing", nullptr},
               {"zero", 0}, {"blank", ""}, {"obj", {{"name", "inner"}}}, {"name", "outer"}};
  CHECK(render("{{#items}}[{{name}}]{{/items}}", data) == "[a][b]");
  CHECK(render("{{#empty}}x{{/empty}}{{#no}}x{{/no}}{{#nothing}}x{{/nothing}}{{#missing}}x{{/missing}}", data).empty());
  CHECK(render("{{#zero}}0{{/zero}}{{#blank}}b{{/blank}}", data) == "0b");
  CHECK(render("{{#obj}}{{name}}{{/obj}} {{name}}", data) == "inner outer");
  CHECK(render("{{^empty}}e{{/empty}}{{^no}}n{{/no}}{{^missing}}m{{/missing}}{{^items}}x{{/items}}", data) == "enm");
  SECTION("names resolve outwards through the contexts, {{.}} is the innermost") {
    json nested = {{"outer", "o"}, {"list", {"x", "y"}}};
    CHECK(render("{{#list}}{{.}}{{outer}},{{/list}}", nested) == "xo,yo,");
  }
  SECTION("a dotted name is a path, tried in each context in turn") {
    json paths = {{"a", {{"b", {{"c", "deep"}}}}}, {"list", {{{"a", 1}}}}};
    CHECK(render("{{a.b.c}}|{{a.x}}|{{#list}}{{a.b.c}}{{/list}}", paths) == "deep||deep");
  }
}

TEST_CASE("standalone lines leave no trace, and a section line that rendered only blanks is dropped") {
  json data = {{"items", {"a", "b"}}, {"none", false}};
  CHECK(render("begin\n  {{#items}}\n  - {{.}}\n  {{/items}}\nend\n", data) == "begin\n  - a\n  - b\nend\n");
  CHECK(render("x\n  {{! a comment }}\ny\n", data) == "x\ny\n");
  // Not standalone (there is text), but the section left the line blank: the line goes.
  CHECK(render("a\n  {{#items}}{{none}}{{/items}}  \nb\n", data) == "a\nb\n");
  // A skipped section marks nothing: the blank line stays.
  CHECK(render("a\n  {{#none}}x{{/none}}\nb\n", data) == "a\n  \nb\n");
  CHECK(render("a\r\nb\r\n", data) == "a\r\nb\r\n");
  // Plain lines are rendered as one block; the line right after a section is still checked.
  CHECK(render("{{#items}}\n- {{.}}\n{{/items}}\n  \nfoo\n  \nbar\n", data) == "- a\n- b\nfoo\n  \nbar\n");
  CHECK(render("{{#none}}\nx\n{{/none}}\n\nfoo\nbar", data) == "\nfoo\nbar");
}

TEST_CASE("partials are compiled in place, with their own delimiters") {
  std::map<std::string, std::string> templates = {{"main", "{{=<% %>=}}<%#items%><%> item%><%/items%>"}, {"item", "({{.}})"}};
  CHECK(render(templates, json{{"items", {1, 2}}}) == "(1)(2)");
  CHECK(render("{{=| |=}}|name| {{name}}|={{ }}=|{{name}}", json{{"name", "n"}}) == "n {{name}}n");
}

TEST_CASE("broken templates are reported with the template and line") {
  CHECK_THAT(compile_error({{"main", "a\n{{#open}}\nb"}}), Contains("section \"open\" is never closed (main.mustache line 2)"));
  CHECK_THAT(compile_error({{"main", "{{/close}}"}}), Contains("section \"close\" is closed but was never opened"));
  CHECK_THAT(compile_error({{"main", "{{#a}}{{#b}}{{/a}}{{/b}}"}}), Contains("section \"b\" is not closed before \"a\" is"));
  CHECK_THAT(compile_error({{"main", "x\ny {{name"}}), Contains("unclosed tag \"{{name\" (main.mustache line 2)"));
  CHECK_THAT(compile_error({{"main", "{{> nope}}"}}), Contains("partial \"nope\" does not exist"));
  CHECK_THAT(compile_error({{"main", "{{> main}}"}}), Contains("a partial may not include itself"));
  CHECK_THAT(compile_error({{"main", "{{=<%>=}}"}}), Contains("invalid set-delimiter tag"));
}

TEST_CASE("view values: objects keep insertion order, operator[] finds or appends, JSON converts both ways") {
  view_value v;
  v["b"] = 1;
  v["a"] = "text";
  v["b"] = true;  // found, not appended
  v["list"].push_back(view_value::object({{"k", 2}}));
  REQUIRE(v.type() == view_value::kind::object);
  REQUIRE(v.members().size() == 3);
  CHECK(v.members()[0].key == "b");
  CHECK(v.members()[0].value.boolean());
  CHECK(v.find("a")->string() == "text");
  CHECK(v.find("missing") == nullptr);
  CHECK(v.find("list")->items()[0].find("k")->integer() == 2);
  json j = {{"n", nullptr}, {"i", -4}, {"s", "x"}, {"l", {true, 1}}, {"o", {{"z", 1}, {"a", 2}}}};
  CHECK(to_json(from_json(j)) == j);
}

TEST_CASE("view values: a reference reads as its target in lookups, sections and JSON") {
  view_value people = view_value::list();
  people.push_back(view_value::object({{"name", "Bea"}, {"age", 31}}));
  people.push_back(view_value::object({{"name", "Al"}, {"age", 40}}));
  view_value sorted = view_value::list();
  sorted.push_back(view_value::reference_to(people.items()[1]));
  sorted.push_back(view_value::reference_to(people.items()[0]));
  view_value root;
  root.add("title", "by name");
  root.add("people", std::move(people));
  root.add("sorted", std::move(sorted));  // `people`'s elements stayed where they were
  CHECK(root.find("sorted")->items()[0].find("name")->string() == "Al");
  CHECK(view_value::reference_to(root.find("sorted")->items()[0]).target().find("age")->integer() == 40);

  std::string out;
  render_template(compile_template("main", [](const std::string&) -> std::optional<std::string> {
                    return "{{#sorted}}{{name}} {{age}} ({{title}}); {{/sorted}}{{#people}}{{name}}; {{/people}}";
                  }),
                  root, out);
  CHECK(out == "Al 40 (by name); Bea 31 (by name); Bea; Al; ");
  CHECK(to_json(root)["sorted"] == json::array({{{"name", "Al"}, {"age", 40}}, {{"name", "Bea"}, {"age", 31}}}));
}

TEST_CASE("tidy rendering drops trailing blanks and repeated blank lines, and ends with one newline") {
  json data = {{"items", {"a", "b"}}, {"gap", "x  \n\n\n  y \n"}, {"none", false}};
  // Blocks of plain lines, lines with tags, and a value holding several lines.
  CHECK(render_tidy("one  \n\n\n\ntwo\t\n{{gap}}\n\n\nthree", data) == "one\n\ntwo\nx\n\n  y\n\nthree\n");
  // A blank line after a section's last blank line, and inside repeated sections.
  CHECK(render_tidy("{{#items}}\n{{.}}\n\n{{/items}}\n\nend\n\n\n", data) == "a\n\nb\n\nend\n");
  CHECK(render_tidy("  \n{{#none}}x{{/none}}\n  \n", data) == "\n");
  CHECK(render_tidy("", data).empty());
  // Without tidy the text is as the template says.
  CHECK(render("one  \n\n\ntwo", data) == "one  \n\n\ntwo");
}
