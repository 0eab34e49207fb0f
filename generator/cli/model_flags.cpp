// SPDX-License-Identifier: MIT
#include "model_flags.hpp"

#include "exit_status.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/gen/json_file.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>

namespace schemaforge::cli {
namespace {

std::chrono::milliseconds seconds_flag(double seconds, const char* flag) {
  if (!(seconds > 0) || !std::isfinite(seconds) || seconds > 1e9)
    throw command_failure(exit_bad_input, std::string(flag) + " must be a positive number of seconds (" + flag + ")");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

}  // namespace

structure_options call_options_from(const model_flags& flags) {
  structure_options options;
  if (!from_string(flags.mode, options.mode))
    throw command_failure(exit_bad_input, "unknown mode '" + flags.mode + "'; use auto, json_schema, tools, json or prompt (--mode)");
  if (flags.max_reasks < 0) throw command_failure(exit_bad_input, "--max-reasks must be 0 or more (--max-reasks)");
  if (flags.max_retries && *flags.max_retries < 0)
    throw command_failure(exit_bad_input, "--max-retries must be 0 or more (--max-retries)");
  options.max_reasks = flags.max_reasks;
  return options;
}

client_options client_options_from(const model_flags& flags) {
  client_options settings = client_options::from_environment();
  if (!flags.base_url.empty()) settings.base_url = flags.base_url;
  if (!flags.api_key.empty()) settings.api_key = flags.api_key;
  if (!flags.model.empty()) settings.model = flags.model;
  if (flags.max_retries) settings.max_retries = *flags.max_retries;
  if (flags.timeout_seconds) settings.request_timeout = seconds_flag(*flags.timeout_seconds, "--timeout");
  if (flags.deadline_seconds) settings.total_timeout = seconds_flag(*flags.deadline_seconds, "--deadline");
  if (settings.model.empty())
    throw command_failure(exit_bad_input, "no model given: pass --model or set SCHEMAFORGE_MODEL (--model)");
  return settings;
}

std::vector<client_options> endpoint_options_from(const model_flags& flags) {
  std::vector<client_options> endpoints;
  if (flags.base_urls.empty()) {
    endpoints.push_back(client_options_from(flags));
    return endpoints;
  }
  for (const auto& url : flags.base_urls) {
    if (url.empty()) throw command_failure(exit_bad_input, "--base-url must not be empty (--base-url)");
    model_flags one = flags;
    one.base_url = url;
    endpoints.push_back(client_options_from(one));
  }
  return endpoints;
}

std::vector<client> make_clients(const client::executor_type& ex, const std::vector<client_options>& endpoints) {
  std::vector<client> clients;
  for (const auto& settings : endpoints) {
    try {
      clients.emplace_back(ex, settings);
    } catch (const schemaforge::error& e) {
      throw command_failure(e.code() == errc::invalid_argument ? exit_bad_input : exit_work_failed,
                            std::string(to_string(static_cast<errc>(e.code().value()))) + ": " + std::string(e.what()) +
                                " (" + (settings.base_url.empty() ? std::string(default_base_url) : settings.base_url) + ")");
    }
  }
  return clients;
}

schemaforge::schema load_schema(const std::string& path) {
  const nlohmann::json document = gen::read_json_file(path);
  try {
    return schemaforge::schema(document);
  } catch (const schemaforge::error& e) {
    throw command_failure(exit_bad_input, "invalid schema: " + std::string(e.what()) + " (" + path + ")");
  }
}

}  // namespace schemaforge::cli
