// SPDX-License-Identifier: MIT
#include <schemaforge/errors.hpp>

namespace schemaforge {
namespace {

class category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "schemaforge"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::connection: return "could not reach the endpoint";
      case errc::timeout: return "the request timed out";
      case errc::http_status: return "the endpoint answered with an error status";
      case errc::rate_limited: return "rate limited by the endpoint";
      case errc::quota: return "the account's quota is exhausted";
      case errc::invalid_output: return "the model's answer is not valid JSON";
      case errc::validation_failed: return "the model's answer does not match the schema";
      case errc::length: return "the answer was cut off by the token limit";
      case errc::refusal: return "the model refused to answer";
      case errc::cancelled: return "the operation was cancelled";
      case errc::invalid_argument: return "invalid argument";
      case errc::protocol: return "the endpoint's answer is not a chat completion";
    }
    return "unknown schemaforge error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category_impl instance;
  return instance;
}

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::connection: return "connection";
    case errc::timeout: return "timeout";
    case errc::http_status: return "http_status";
    case errc::rate_limited: return "rate_limited";
    case errc::quota: return "quota";
    case errc::invalid_output: return "invalid_output";
    case errc::validation_failed: return "validation_failed";
    case errc::length: return "length";
    case errc::refusal: return "refusal";
    case errc::cancelled: return "cancelled";
    case errc::invalid_argument: return "invalid_argument";
    case errc::protocol: return "protocol";
  }
  return "unknown";
}

}  // namespace schemaforge
