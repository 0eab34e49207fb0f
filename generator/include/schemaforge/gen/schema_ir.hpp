// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// The intermediate representation between a loaded schema and the rendered header: named C++
// types with their final (unique, escaped) names, members with their original JSON names, and
// anonymous type expressions (arrays, maps, tuples, nullable values, primitives).
namespace schemaforge::gen::ir {

struct type_expr {
  enum class kind {
    any,         // {} or true: nlohmann::json, any JSON value
    any_object,  // {"type":"object"} without properties: nlohmann::json holding an object
    boolean,     // bool
    integer,     // std::int64_t, integral values only
    number,      // double
    string,      // std::string
    array,       // std::vector<args[0]>
    map,         // std::map<std::string, args[0]>
    tuple,       // std::tuple<args...> (prefixItems)
    named,       // module::types[ref]
    boxed,       // schemaforge_detail::box<args[0]>: breaks a by-value cycle (set by layout)
  };
  kind k = kind::any;
  bool nullable = false;         // JSON null is allowed: std::optional<...> with null <-> empty
  std::vector<type_expr> args;   // element types (array, map, tuple, boxed)
  std::size_t ref = 0;           // named: index into module::types
  bool tuple_exact = false;      // tuple: no items allowed after the prefix

  static type_expr of(kind k) {
    type_expr t;
    t.k = k;
    return t;
  }
};

struct member {
  std::string json_name;  // original property name, used for I/O
  std::string name;       // C++ member name
  type_expr type;
  bool required = false;
  std::string description;
  std::string constraints;                    // "format: date, minimum: 0": kept as documentation
  std::optional<nlohmann::ordered_json> default_value;
  std::string default_name;                   // name of the default constant when default_value is set
  std::optional<nlohmann::ordered_json> const_value;
  std::string pointer;                        // JSON pointer of the property schema
};

struct enumerator {
  std::string value;  // JSON string
  std::string name;   // C++ enumerator
};

struct named_type {
  enum class kind {
    structure,    // struct with members
    enumeration,  // enum class from a string enum
    variant,      // using Name = std::variant<alternatives...>
    checked,      // using Name = <target>; values restricted to `allowed` (non-string enum, const)
    alias,        // using Name = <target>; a root schema that is not an object
  };
  kind k = kind::structure;
  std::string name;
  std::string description;
  std::string pointer;  // where the type was defined in the schema
  bool is_root = false;

  std::vector<member> members;          // structure
  std::vector<enumerator> enumerators;  // enumeration
  std::vector<type_expr> alternatives;  // variant
  std::string discriminator;            // variant: const property telling alternatives apart, or ""
  std::vector<std::string> tags;        // variant with discriminator: the const value per alternative
  type_expr target;                     // checked, alias
  std::vector<nlohmann::ordered_json> allowed;  // checked
};

struct module {
  std::vector<named_type> types;
  std::size_t root = 0;
  std::vector<std::size_t> order;  // definition order (dependencies first), filled by layout
  std::string source_name;         // schema file name without directories, for the header comment
  std::string stem;                // output stem: file name without ".json" and ".schema"
  nlohmann::ordered_json schema;   // the whole schema document, for json_schema()
};

}  // namespace schemaforge::gen::ir
