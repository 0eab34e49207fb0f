// SPDX-License-Identifier: MIT
#include "validation/error_report.hpp"

#include "json_pointer_token.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

namespace schemaforge::detail {
namespace {

// valijson prints bounds with std::to_string(double): "5.000000" reads better as "5".
std::string tidy_numbers(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '.' && i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1])) && i + 1 < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      std::size_t end = i + 1;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      std::string fraction = text.substr(i + 1, end - i - 1);
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
      if (fraction.empty()) {
        out.pop_back();
      } else {
        out += fraction;
      }
      i = end - 1;
    }
  }
  return out;
}

std::string json_type(const nlohmann::json* value) {
  if (!value) return "value";
  switch (value->type()) {
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
      return "number";
    default:
      return value->type_name();
  }
}

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::string instance_pointer(const nlohmann::json& instance, const std::vector<std::string>& context) {
  std::string pointer;
  const nlohmann::json* at = &instance;
  for (std::size_t i = 1; i < context.size(); ++i) {  // context[0] is "<root>"
    const std::string& step = context[i];
    std::string_view token(step);
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') token = token.substr(1, token.size() - 2);
    pointer += '/';
    append_pointer_token(pointer, token);
    if (!at) continue;
    if (at->is_object()) {
      auto found = at->find(std::string(token));
      at = found == at->end() ? nullptr : &*found;
    } else if (at->is_array()) {
      std::size_t index = 0;
      for (char c : token) index = index * 10 + static_cast<std::size_t>(c - '0');
      at = index < at->size() ? &(*at)[index] : nullptr;
    } else {
      at = nullptr;
    }
  }
  return pointer;
}

namespace {

std::string unescape_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::vector<std::string> pointer_tokens(const std::string& pointer) {
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < pointer.size()) {
    std::size_t next = pointer.find('/', pos + 1);
    if (next == std::string::npos) next = pointer.size();
    tokens.push_back(unescape_token(std::string_view(pointer).substr(pos + 1, next - pos - 1)));
    pos = next;
  }
  return tokens;
}

// Collects the `type`s of every subschema that applies at `tokens` (a path into the instance),
// looking through $ref and allOf/anyOf/oneOf. Only for wording an error: never for verdicts.
class expected_type_finder {
 public:
  explicit expected_type_finder(const nlohmann::json& root) : root_(root) {}

  void collect(const nlohmann::json& schema, const nlohmann::json* instance, const std::vector<std::string>& tokens,
               std::size_t at, int depth) {
    if (!schema.is_object() || depth > 32 || types.size() > 8) return;
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      // Translated references are "#<pointer>" with '%' written as "%25".
      const std::string& reference = ref->get_ref<const std::string&>();
      std::string pointer;
      for (std::size_t i = 1; i < reference.size(); ++i) {
        pointer += reference[i];
        if (reference.compare(i, 3, "%25") == 0) i += 2;
      }
      auto json_pointer = nlohmann::json::json_pointer(pointer);
      if (root_.contains(json_pointer)) collect(root_[json_pointer], instance, tokens, at, depth + 1);
      return;  // draft-07 semantics: siblings of $ref do not apply
    }
    for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
      if (auto list = schema.find(keyword); list != schema.end() && list->is_array()) {
        for (const auto& entry : *list) collect(entry, instance, tokens, at, depth + 1);
      }
    }
    if (at == tokens.size()) {
      const auto type = schema.find("x-schemaforge-type") != schema.end() ? schema.find("x-schemaforge-type")
                                                                           : schema.find("type");
      if (type == schema.end()) return;
      if (type->is_string()) types.push_back(type->get<std::string>());
      if (type->is_array()) {
        for (const auto& name : *type) {
          if (name.is_string()) types.push_back(name.get<std::string>());
        }
      }
      return;
    }
    const std::string& token = tokens[at];
    if (!instance) return;
    if (instance->is_object()) {
      const nlohmann::json* child = instance->contains(token) ? &(*instance)[token] : nullptr;
      if (auto properties = schema.find("properties"); properties != schema.end() && properties->contains(token)) {
        collect((*properties)[token], child, tokens, at + 1, depth + 1);
      } else if (auto additional = schema.find("additionalProperties"); additional != schema.end()) {
        collect(*additional, child, tokens, at + 1, depth + 1);
      }
    } else if (instance->is_array()) {
      std::size_t index = std::strtoull(token.c_str(), nullptr, 10);
      const nlohmann::json* child = index < instance->size() ? &(*instance)[index] : nullptr;
      if (auto items = schema.find("items"); items != schema.end()) {
        if (items->is_array()) {
          if (index < items->size()) {
            collect((*items)[index], child, tokens, at + 1, depth + 1);
          } else if (auto additional = schema.find("additionalItems"); additional != schema.end()) {
            collect(*additional, child, tokens, at + 1, depth + 1);
          }
        } else {
          collect(*items, child, tokens, at + 1, depth + 1);
        }
      }
    }
  }

  std::vector<std::string> types;

 private:
  const nlohmann::json& root_;
};

std::string expected_types(const nlohmann::json& translated, const nlohmann::json& instance, const std::string& pointer) {
  expected_type_finder finder(translated);
  finder.collect(translated, &instance, pointer_tokens(pointer), 0, 0);
  std::vector<std::string> unique;
  for (const auto& type : finder.types) {
    if (std::find(unique.begin(), unique.end(), type) == unique.end()) unique.push_back(type);
  }
  std::string text;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == unique.size() ? " or " : ", ") + unique[i];
  }
  return text;
}

std::string short_message(const std::string& description, const nlohmann::json* value) {
  // A parent's summary of a child failure; the child's own error says more.
  for (std::string_view wrapper :
       {"Failed to validate item #", "Failed to validate against schema associated with",
        "Failed to validate against additional properties schema", "Failed to validate against a conditional schema",
        "Failed to validate against child schema #", "Failed to validate against dependent schema"}) {
    if (starts_with(description, wrapper)) return "";
  }
  if (starts_with(description, "Value type not permitted")) return "type " + json_type(value) + " is not allowed here";
  if (tidy_numbers(description) == "Value should be a multiple of 1") return "expected an integer, got a number with a fraction";
  if (starts_with(description, "Object contains a property that could not be validated")) {
    auto quote = description.find(": '");
    std::string name = quote == std::string::npos ? "" : description.substr(quote + 3);
    if (name.size() >= 2) name.erase(name.size() - 2);  // "'."
    return "property '" + name + "' is not allowed";
  }
  if (description == "Failed to match against any enum values.") return "value is not one of the allowed enum values";
  if (starts_with(description, "Failed to match expected value set by 'const'")) return "value is not the required const value";
  if (starts_with(description, "Failed to match regex")) return "string does not match the pattern";
  if (starts_with(description, "Failed to validate against any schemas allowed by anyOf")) return "matches none of the anyOf schemas";
  if (starts_with(description, "Failed to validate against any child schemas allowed by oneOf")) return "matches none of the oneOf schemas";
  if (starts_with(description, "Failed to validate against exactly one child schema")) return "matches more than one of the oneOf schemas";
  if (starts_with(description, "Target should not validate against schema specified in 'not'")) return "must not match the 'not' schema";
  if (starts_with(description, "Failed to any values against subschema in 'contains'")) return "no item matches the 'contains' schema";
  if (starts_with(description, "Missing dependency '")) {
    return "missing property " + description.substr(19, description.size() - 20) + " required by a dependency";
  }

  std::string message = tidy_numbers(description);
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  if (!message.empty() && std::isupper(static_cast<unsigned char>(message[0])) &&
      !(message.size() > 1 && std::isupper(static_cast<unsigned char>(message[1])))) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return message;
}

}  // namespace

bool pointer_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    // Both sit at a '/': compare the next tokens.
    std::size_t a_end = a.find('/', i + 1), b_end = b.find('/', j + 1);
    if (a_end == std::string::npos) a_end = a.size();
    if (b_end == std::string::npos) b_end = b.size();
    std::string_view x(a.data() + i + 1, a_end - i - 1), y(b.data() + j + 1, b_end - j - 1);
    auto numeric = [](std::string_view t) {
      return !t.empty() && t.size() < 19 && t.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (x != y) {
      if (numeric(x) && numeric(y)) return std::stoull(std::string(x)) < std::stoull(std::string(y));
      return x < y;
    }
    i = a_end;
    j = b_end;
  }
  return a.size() - i < b.size() - j;
}

std::optional<validation_error> describe(const nlohmann::json& translated, const nlohmann::json& instance,
                                         const std::vector<std::string>& context, const std::string& description) {
  validation_error result{instance_pointer(instance, context), ""};
  const nlohmann::json* value = nullptr;
  if (auto pointer = nlohmann::json::json_pointer(result.pointer); instance.contains(pointer)) {
    value = &instance[pointer];
  }
  result.message = short_message(description, value);
  if (result.message.empty()) return std::nullopt;
  if (starts_with(description, "Value type not permitted")) {
    if (std::string expected = expected_types(translated, instance, result.pointer); !expected.empty()) {
      result.message = "expected " + expected + ", got " + json_type(value);
    }
  }
  // valijson names an unexpected property at its parent; it is clearer at the property itself.
  const std::string prefix = "property '", suffix = "' is not allowed";
  if (result.message.size() > prefix.size() + suffix.size() && starts_with(result.message, prefix) &&
      result.message.compare(result.message.size() - suffix.size(), suffix.size(), suffix) == 0) {
    result.pointer += '/';
    append_pointer_token(result.pointer, std::string_view(result.message).substr(prefix.size(), result.message.size() - prefix.size() - suffix.size()));
    result.message = "property is not allowed here";
  }
  return result;
}

}  // namespace schemaforge::detail
