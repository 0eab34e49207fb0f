// SPDX-License-Identifier: MIT
#include "text_observer.hpp"

#include <schemaforge/gen/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <vector>

namespace schemaforge::gen::detail {
namespace {

class shape_sax {
 public:
  using json = nlohmann::json;
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  shape_sax(shape& root, const infer_options& options, bool split_array, text_error& error)
      : root_(root), options_(options), split_array_(split_array), error_(error) {}

  std::uint64_t samples() const noexcept { return samples_; }

  bool null() {
    ++target().nulls;
    return done();
  }
  bool boolean(bool) {
    ++target().booleans;
    return done();
  }
  bool number_integer(number_integer_t) {
    ++target().integers;
    return done();
  }
  bool number_unsigned(number_unsigned_t) {
    ++target().integers;
    return done();
  }
  // nlohmann reports every number written with a fraction or an exponent here, 1.0 included.
  bool number_float(number_float_t, const string_t&) {
    ++target().floats;
    return done();
  }
  bool string(string_t& value) {
    record_string(target(), value, options_);
    return done();
  }
  bool binary(binary_t&) { return done(); }  // not produced by JSON text

  bool start_object(std::size_t) {
    shape& s = target();
    // The position's object count numbers its instances: it only grows, so it never repeats.
    ++s.objects;
    push({&s, frame_kind::object, s.objects});
    return true;
  }
  bool key(string_t& key) {
    frame& f = stack_.back();
    shape& s = *f.s;
    if (s.collapsed) {
      ++s.key_total;
      next_ = s.collapsed.get();
      return true;
    }
    property& p = property_for(s, key);
    // A key repeated inside one object counts once: "required" compares with the object count.
    if (p.last_object != f.serial) {
      p.last_object = f.serial;
      ++p.present;
      ++s.key_total;
    }
    next_ = p.value.get();
    if (s.properties.size() > options_.map_key_limit) {
      collapse(s, options_);
      next_ = s.collapsed.get();
    }
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return done();
  }

  bool start_array(std::size_t) {
    if (stack_.empty() && split_array_) {
      push({&root_, frame_kind::samples, 0});  // the list of samples itself is not observed
      return true;
    }
    shape& s = target();
    ++s.arrays;
    push({&s, frame_kind::array, 0});
    return true;
  }
  bool end_array() {
    bool samples_list = stack_.back().kind == frame_kind::samples;
    stack_.pop_back();
    return samples_list ? true : done();
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_.byte = position;
    error_.message = e.what();
    return false;
  }

 private:
  enum class frame_kind { object, array, samples };
  struct frame {
    shape* s;
    frame_kind kind;
    std::uint64_t serial;  // object instance, to spot repeated keys
  };

  void push(frame f) {
    if (stack_.size() >= max_depth) {
      throw input_error({diagnostic::severity::error,
                         "sample nests deeper than " + std::to_string(max_depth) + " levels; flatten it", "", ""});
    }
    stack_.push_back(f);
  }

  // The position the next value belongs to.
  shape& target() {
    if (stack_.empty()) return root_;
    frame& f = stack_.back();
    switch (f.kind) {
      case frame_kind::object: return *next_;
      case frame_kind::samples: return root_;
      case frame_kind::array:
        if (!f.s->items) f.s->items = std::make_unique<shape>();
        ++f.s->elements;
        return *f.s->items;
    }
    return root_;
  }

  // A value is complete: it is a sample when it sits at the top, or directly in the list of samples.
  bool done() {
    if (stack_.empty() || (stack_.size() == 1 && stack_.back().kind == frame_kind::samples)) ++samples_;
    return true;
  }

  shape& root_;
  const infer_options& options_;
  bool split_array_;
  text_error& error_;
  std::vector<frame> stack_;
  shape* next_ = nullptr;
  std::uint64_t samples_ = 0;
};

template <class Input>
std::uint64_t observe_any(shape& root, Input& text, const infer_options& options, bool split_array, text_error& error) {
  shape_sax sax(root, options, split_array, error);
  nlohmann::json::sax_parse(text, &sax);
  return sax.samples();
}

}  // namespace

std::uint64_t observe_text(shape& root, const std::string& text, const infer_options& options, bool split_array,
                           text_error& error) {
  return observe_any(root, text, options, split_array, error);
}

std::uint64_t observe_text(shape& root, std::istream& text, const infer_options& options, bool split_array,
                           text_error& error) {
  return observe_any(root, text, options, split_array, error);
}

}  // namespace schemaforge::gen::detail
