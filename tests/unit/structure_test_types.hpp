// SPDX-License-Identifier: MIT
#pragma once
// A type shaped like the generator's output (static json_schema() + ADL from_json), for the
// typed structure tests.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace structure_test {

struct Person {
  std::string name;
  std::int64_t age = 0;
  std::optional<std::string> email;

  static std::string_view json_schema() noexcept {
    return R"({"title": "Person", "type": "object",
      "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}, "email": {"type": "string"}},
      "required": ["name", "age"]})";
  }
};

inline void from_json(const nlohmann::json& j, Person& p) {
  j.at("name").get_to(p.name);
  j.at("age").get_to(p.age);
  if (auto it = j.find("email"); it != j.end() && !it->is_null()) p.email = it->get<std::string>();
}

}  // namespace structure_test
