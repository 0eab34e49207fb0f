// SPDX-License-Identifier: MIT
#pragma once

#include <schemaforge/infer_schema.hpp>

#include "structure/structure_engine.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace schemaforge::detail {

// The inference loop: prompt with the samples → answer held to the meta-schema → check it
// (proposal_check) → reask with every problem (max_reasks) → the accepted schema and the report.
// Throws schemaforge::error carrying the ledger on failure.
boost::asio::awaitable<infer_result> run_infer_schema(endpoint_io io, std::vector<schema_sample> samples,
                                                      std::string name, std::string description,
                                                      infer_options options);

// The response_format schema for free-text samples: {"schema": <meta-schema>, "instances": [...]}.
nlohmann::json text_answer_schema(const nlohmann::json& meta);

}  // namespace schemaforge::detail
