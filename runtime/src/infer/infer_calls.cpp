// SPDX-License-Identifier: MIT
// The public entry points of infer_schema.hpp: bind the inference loop to a client and spawn it on
// the client's executor, and the blocking twin.
#include <schemaforge/infer_schema.hpp>

#include "infer/infer_engine.hpp"
#include "structure/client_binding.hpp"

#include <boost/asio/co_spawn.hpp>

namespace schemaforge {
namespace detail {

void start_infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                        std::string description, infer_options options, infer_handler handler) {
  endpoint_io io = endpoint_of(c, options);
  boost::asio::co_spawn(c.get_executor(),
                        cancellable(run_infer_schema(std::move(io), std::move(samples), std::move(name),
                                                     std::move(description), std::move(options))),
                        std::move(handler));
}

}  // namespace detail

infer_result infer_schema(const client& c, std::vector<schema_sample> samples, std::string name,
                          std::string description, infer_options options) {
  return detail::run_blocking_impl<infer_result>(c, [&](auto handler) {
    detail::start_infer_schema(c, std::move(samples), std::move(name), std::move(description), std::move(options),
                               detail::infer_handler(std::move(handler)));
  });
}

}  // namespace schemaforge
