// SPDX-License-Identifier: MIT
#pragma once

#include "fake_server.hpp"

#include <schemaforge/client.hpp>

namespace schemaforge::testing {

// Client options that talk to `server`: its base URL, model "fake-model", and no transport
// retries unless a test asks for them (so that a scripted failure is seen once).
inline client_options options_for(const fake_server& server, int max_retries = 0) {
  client_options o;
  o.base_url = server.base_url();
  o.model = "fake-model";
  o.max_retries = max_retries;
  return o;
}

}  // namespace schemaforge::testing
