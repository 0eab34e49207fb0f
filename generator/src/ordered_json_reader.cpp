// SPDX-License-Identifier: MIT
#include "ordered_json_reader.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

namespace schemaforge::gen::detail {
namespace {

using ojson = nlohmann::ordered_json;

// A SAX handler for nlohmann's parser: open containers wait on a stack until they are complete,
// then move into their parent. The stack's entries outlive the containers they held, so the
// next container at the same depth reuses their vectors' room instead of growing new ones.
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
    open(true);
    return true;
  }
  bool key(ojson::string_t& k) {
    innermost().key = std::move(k);
    return true;
  }
  bool end_object() {
    auto& members = innermost().members;
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
    close();
    return add(std::move(object));
  }

  bool start_array(std::size_t /*size*/) {
    open(false);
    return true;
  }
  bool end_array() {
    auto& items = innermost().items;
    ojson array(ojson::value_t::array);
    array.get_ref<ojson::array_t&>().assign(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    close();
    return add(std::move(array));
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& e) {
    throw e;
  }

  ojson take() { return std::move(root_); }

 private:
  struct open_container {
    bool is_object = false;
    std::vector<std::pair<std::string, ojson>> members;  // objects; a plain pair, so growing moves
    std::string key;                                     // objects: the key of the coming value
    std::vector<ojson> items;                            // arrays
  };

  void open(bool is_object) {
    if (depth_ == open_.size()) open_.emplace_back();
    open_container& c = open_[depth_++];
    c.is_object = is_object;
    c.members.clear();
    c.items.clear();
  }
  void close() {
    innermost().members.clear();  // moved-from values; their room stays for the next container
    innermost().items.clear();
    --depth_;
  }
  open_container& innermost() { return open_[depth_ - 1]; }

  bool has_duplicate_key(const std::vector<std::pair<std::string, ojson>>& members) {
    if (members.size() < 2) return false;
    sorted_keys_.clear();
    for (const auto& member : members) sorted_keys_.push_back(member.first);
    std::sort(sorted_keys_.begin(), sorted_keys_.end());
    return std::adjacent_find(sorted_keys_.begin(), sorted_keys_.end()) != sorted_keys_.end();
  }

  bool add(ojson value) {
    if (depth_ == 0) root_ = std::move(value);
    else if (innermost().is_object) innermost().members.emplace_back(std::move(innermost().key), std::move(value));
    else innermost().items.push_back(std::move(value));
    return true;
  }

  std::vector<open_container> open_;  // [0, depth_) are open, the rest wait to be reused
  std::size_t depth_ = 0;
  std::vector<std::string_view> sorted_keys_;  // has_duplicate_key's scratch
  ojson root_;
};

}  // namespace

nlohmann::ordered_json parse_ordered_json(const std::string& text) {
  bottom_up_builder builder;
  ojson::sax_parse(text, &builder);
  return builder.take();
}

}  // namespace schemaforge::gen::detail
