// SPDX-License-Identifier: MIT
#include <schemaforge/gen/infer.hpp>

#include "emit.hpp"
#include "shape.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace schemaforge::gen {

struct schema_inferrer::impl {
  infer_options options;
  detail::shape root;
  std::uint64_t samples = 0;
};

schema_inferrer::schema_inferrer(infer_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
}
schema_inferrer::~schema_inferrer() = default;
schema_inferrer::schema_inferrer(schema_inferrer&&) noexcept = default;
schema_inferrer& schema_inferrer::operator=(schema_inferrer&&) noexcept = default;

void schema_inferrer::add(const nlohmann::json& sample) {
  detail::observe(impl_->root, sample, impl_->options);
  ++impl_->samples;
}

void schema_inferrer::add(const nlohmann::ordered_json& sample) {
  detail::observe(impl_->root, sample, impl_->options);
  ++impl_->samples;
}

std::uint64_t schema_inferrer::sample_count() const noexcept { return impl_->samples; }

nlohmann::ordered_json schema_inferrer::schema() const {
  if (impl_->samples == 0) throw std::logic_error("schema_inferrer::schema(): no samples were added");
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  out["title"] = impl_->options.title;
  nlohmann::ordered_json root = detail::emit_schema(impl_->root, impl_->options, nullptr);
  for (auto& [key, value] : root.items()) out[key] = std::move(value);
  return out;
}

std::vector<std::string> schema_inferrer::explain() const {
  std::vector<std::string> notes;
  notes.push_back("(samples): " + std::to_string(impl_->samples));
  if (impl_->samples) detail::emit_schema(impl_->root, impl_->options, &notes);
  return notes;
}

namespace detail {
shape& inferrer_access::root(schema_inferrer& inferrer) { return inferrer.impl_->root; }
const infer_options& inferrer_access::options(const schema_inferrer& inferrer) { return inferrer.impl_->options; }
void inferrer_access::add_count(schema_inferrer& inferrer, std::uint64_t samples) { inferrer.impl_->samples += samples; }
}  // namespace detail

namespace {
template <class Json>
nlohmann::ordered_json infer_all(const std::vector<Json>& samples, const infer_options& options) {
  schema_inferrer inferrer(options);
  for (const auto& sample : samples) inferrer.add(sample);
  return inferrer.schema();
}
}  // namespace

nlohmann::ordered_json infer_schema(const std::vector<nlohmann::json>& samples, const infer_options& options) {
  return infer_all(samples, options);
}
nlohmann::ordered_json infer_schema(const std::vector<nlohmann::ordered_json>& samples, const infer_options& options) {
  return infer_all(samples, options);
}

}  // namespace schemaforge::gen
