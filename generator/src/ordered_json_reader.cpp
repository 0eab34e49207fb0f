// SPDX-License-Identifier: MIT
#include "ordered_json_reader.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::gen::detail {
namespace {

using ojson = nlohmann::ordered_json;

// A SAX handler for nlohmann's parser: open containers wait on a stack until they are complete,
// then move into their parent.
class bottom_up_builder {
 public:
  bool null() { return add(ojson(nullptr)); }
  bool boolean(bool v) { return add(ojson(v)); }
  bool number_integer(ojson::number_integer_t v) { return add(ojson(v)); }
  bool number_unsigned(ojson::number_unsigned_t v) { return add(ojson(v)); }
  bool number_float(ojson::number_float_t v, const ojson::string_t& /*text*/) { return add(ojson(v)); }
  bool string(ojson::string_t& v) { return add(ojson(std::move(v))); }
  bool binary(ojson::binary_t& v) { return add(ojson::binary(std::move(v))); }

  bool start_object(std::size_t /*size*/) {
    open_.push_back({true, {}, {}, {}});
    return true;
  }
  bool key(ojson::string_t& k) {
    open_.back().key = std::move(k);
    return true;
  }
  bool end_object() {
    std::vector<std::pair<std::string, ojson>> members = std::move(open_.back().members);
    open_.pop_back();
    ojson object(ojson::value_t::object);
    auto& map = object.get_ref<ojson::object_t&>();
    map.reserve(members.size());
    if (has_duplicate_key(members)) {
      for (auto& [k, v] : members) {
        auto [at, inserted] = map.emplace(k, std::move(v));  // moves v only when inserted
        if (!inserted) at->second = std::move(v);
      }
    } else {
      // ordered_map::emplace searches the keys before it appends: quadratic in a wide object.
      for (auto& [k, v] : members) map.emplace_back(std::move(k), std::move(v));
    }
    return add(std::move(object));
  }

  bool start_array(std::size_t /*size*/) {
    open_.push_back({false, {}, {}, ojson::array()});
    return true;
  }
  bool end_array() {
    ojson array = std::move(open_.back().array);
    open_.pop_back();
    return add(std::move(array));
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& e) {
    throw e;
  }

  ojson take() { return std::move(root_); }

 private:
  struct open_container {
    bool is_object;
    std::vector<std::pair<std::string, ojson>> members;  // objects; a plain pair, so growing moves
    std::string key;                                     // objects: the key of the coming value
    ojson array;                                         // arrays
  };

  static bool has_duplicate_key(const std::vector<std::pair<std::string, ojson>>& members) {
    if (members.size() < 2) return false;
    std::vector<std::string_view> keys;
    keys.reserve(members.size());
    for (const auto& member : members) keys.push_back(member.first);
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
  }

  bool add(ojson value) {
    if (open_.empty()) root_ = std::move(value);
    else if (open_.back().is_object) open_.back().members.emplace_back(std::move(open_.back().key), std::move(value));
    else open_.back().array.push_back(std::move(value));
    return true;
  }

  std::vector<open_container> open_;
  ojson root_;
};

}  // namespace

nlohmann::ordered_json parse_ordered_json(const std::string& text) {
  bottom_up_builder builder;
  ojson::sax_parse(text, &builder);
  return builder.take();
}

}  // namespace schemaforge::gen::detail
