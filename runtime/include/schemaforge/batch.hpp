// SPDX-License-Identifier: MIT
#pragma once

// Many inputs structured concurrently: results in input order, one per input, each a value or an
// error. Bounded concurrency (an item waiting for a retry keeps its slot), RPM/TPM limits on the
// endpoint's shared limiter, progress, stop-on-first-error and cancellation. Several clients
// (endpoints) spread one batch: each item goes to the endpoint with the fewest items in flight,
// each endpoint keeps its own limiter. Items can start from recorded answers (OpenAI's Batch API,
// see recorded.hpp) and be reasked online. The runner is compiled once in the library and works
// on nlohmann::json; typed batches decode per item.

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/recorded.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/structure.hpp>
#include <schemaforge/structure_options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace schemaforge {

// Counts after each finished item (the callback runs on the client's executor; keep it short).
struct batch_progress {
  std::size_t done = 0, ok = 0, failed = 0, total = 0;
};

// One input's outcome: exactly one of `result` and `failure` is set.
template <typename T>
struct batch_item {
  std::optional<structure_result<T>> result;
  std::optional<schemaforge::error> failure;  // code, message, HTTP status, ledger
  bool ok() const noexcept { return result.has_value(); }
};

struct batch_options {
  std::size_t max_concurrency = 16;  // items in flight; an item waiting for a retry keeps its slot
  // With several clients: at most this many items in flight on any one endpoint (0: no cap but
  // max_concurrency). An endpoint at its cap gets no new item until one of its items ends.
  // Both are this batch's own windows over items; the process-wide cap on requests to an
  // endpoint, shared with every other call, is client_options::max_concurrent_requests.
  std::size_t max_concurrency_per_endpoint = 0;
  // Limits of the endpoint's limiter (shared by every call to the same base URL in the process),
  // 0 for none of our own; with several clients each endpoint gets these limits. The endpoint's x-ratelimit-* headers and 429s apply in any case.
  double rpm = 0;
  double tpm = 0;
  bool stop_on_first_error = false;  // the first failure cancels the rest: they end as `cancelled`
  std::function<void(const batch_progress&)> on_progress;
  // Called as each item finishes, in completion order, before it is stored (for streaming the
  // results out, e.g. to a file). Runs on the client's executor.
  std::function<void(std::size_t index, const batch_item<nlohmann::json>&)> on_item;
  structure_options item_options;  // per-item structure options (mode, reasks, deadline, ...)
};

namespace detail {

using batch_json_items = std::vector<batch_item<nlohmann::json>>;
using batch_signature = void(std::exception_ptr, batch_json_items);
using batch_handler = boost::asio::any_completion_handler<batch_signature>;

// Runs the batch on the clients' executor (they must share one); completes once every item has
// its result. `recorded` is empty, or holds one recorded first answer per input (see recorded.hpp).
// An item whose endpoint could not be reached (errc::connection) runs again on another endpoint.
void start_batch(std::vector<client> clients, std::vector<input> inputs, std::vector<recorded_answer> recorded,
                 schema target, batch_options options, batch_handler handler);

inline void start_batch(const client& c, std::vector<input> inputs, schema target, batch_options options,
                        batch_handler handler) {
  start_batch(std::vector<client>{c}, std::move(inputs), {}, std::move(target), std::move(options),
              std::move(handler));
}

// "Summarise: {item}" with every "{item}" replaced by `item`.
std::string fill_template(std::string_view prompt_template, std::string_view item);
std::vector<input> inputs_from_template(std::string_view prompt_template, const std::vector<std::string>& items);

template <typename T>
std::vector<batch_item<T>> decode_items(batch_json_items generic) {
  std::vector<batch_item<T>> typed(generic.size());
  for (std::size_t i = 0; i < generic.size(); ++i) {
    if (generic[i].failure) {
      typed[i].failure = std::move(generic[i].failure);
      continue;
    }
    structure_result<nlohmann::json>& r = *generic[i].result;
    try {
      structure_result<T> value;
      value.value = r.value.template get<T>();
      value.usage = r.usage;
      value.mode = r.mode;
      value.ledger = std::move(r.ledger);
      typed[i].result = std::move(value);
    } catch (const std::exception& e) {
      try {
        std::rethrow_exception(decode_failure(e, std::move(r.ledger)));
      } catch (const error& failure) {
        typed[i].failure = failure;
      }
    }
  }
  return typed;
}

template <typename T>
class batch_as_op {
 public:
  batch_as_op(std::vector<client> clients, std::vector<input> inputs, std::vector<recorded_answer> recorded,
              schema target, batch_options options)
      : clients_(std::move(clients)),
        inputs_(std::move(inputs)),
        recorded_(std::move(recorded)),
        target_(std::move(target)),
        options_(std::move(options)) {}

  template <typename Self>
  void operator()(Self& self) {
    self.reset_cancellation_state(boost::asio::enable_total_cancellation());
    // Moving `self` moves this object: take the arguments out first.
    std::vector<client> clients = std::move(clients_);
    std::vector<input> inputs = std::move(inputs_);
    std::vector<recorded_answer> recorded = std::move(recorded_);
    schema target = std::move(target_);
    batch_options options = std::move(options_);
    start_batch(std::move(clients), std::move(inputs), std::move(recorded), std::move(target), std::move(options),
                batch_handler(std::move(self)));
  }

  template <typename Self>
  void operator()(Self& self, std::exception_ptr failure, batch_json_items generic) {
    if (failure) return self.complete(failure, std::vector<batch_item<T>>{});
    if constexpr (std::is_same_v<T, nlohmann::json>) {
      self.complete(nullptr, std::move(generic));
    } else {
      self.complete(nullptr, decode_items<T>(std::move(generic)));
    }
  }

 private:
  std::vector<client> clients_;
  std::vector<input> inputs_;
  std::vector<recorded_answer> recorded_;
  schema target_;
  batch_options options_;
};

// The executor of a batch over `clients`; throws invalid_argument for an empty list.
client::executor_type batch_executor(const std::vector<client>& clients);

batch_json_items run_batch_blocking_json(std::vector<client> clients, std::vector<input> inputs,
                                         std::vector<recorded_answer> recorded, schema target, batch_options options);

inline batch_json_items run_batch_blocking_json(const client& c, std::vector<input> inputs, schema target,
                                                batch_options options) {
  return run_batch_blocking_json(std::vector<client>{c}, std::move(inputs), {}, std::move(target), std::move(options));
}

}  // namespace detail

// Structures every input against a schema known at run time. Completion signature:
// void(std::exception_ptr, std::vector<batch_item<nlohmann::json>>), the items in input order.
// The exception is set only for a batch that could not start (e.g. bad options); a failed item
// is in its batch_item. Cancellation (any type) stops new items and cancels those in flight;
// every item still gets a result (`cancelled`).
template <typename CompletionToken>
auto async_batch_structure(const client& c, std::vector<input> inputs, schema target, batch_options options,
                           CompletionToken&& token) {
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, std::vector<batch_item<nlohmann::json>>)>(
      detail::batch_as_op<nlohmann::json>({c}, std::move(inputs), {}, std::move(target), std::move(options)), token,
      c.get_executor());
}

// One batch spread over several endpoints (clients sharing one executor): each item goes to the
// endpoint with the fewest items in flight (options.max_concurrency_per_endpoint caps each), each
// endpoint is paced by its own limiter, and an item whose endpoint cannot be reached runs again
// on another. Same completion signature and guarantees as above.
template <typename CompletionToken>
auto async_batch_structure(const std::vector<client>& clients, std::vector<input> inputs, schema target,
                           batch_options options, CompletionToken&& token) {
  auto ex = detail::batch_executor(clients);
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, std::vector<batch_item<nlohmann::json>>)>(
      detail::batch_as_op<nlohmann::json>(clients, std::move(inputs), {}, std::move(target), std::move(options)),
      token, ex);
}

// Items whose first answer was recorded elsewhere (answers[i] for inputs[i], e.g. imported from
// OpenAI's Batch API): each is judged like an online answer, and an invalid one is reasked
// online through the clients (options.item_options.max_reasks). Valid answers cost no request.
// Throws invalid_argument at once when the two vectors differ in size.
template <typename CompletionToken>
auto async_batch_structure_from(const std::vector<client>& clients, std::vector<input> inputs,
                                std::vector<recorded_answer> answers, schema target, batch_options options,
                                CompletionToken&& token) {
  auto ex = detail::batch_executor(clients);
  if (answers.size() != inputs.size())
    throw error(make_error_code(errc::invalid_argument), "async_batch_structure_from needs one recorded answer per input");
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, std::vector<batch_item<nlohmann::json>>)>(
      detail::batch_as_op<nlohmann::json>(clients, std::move(inputs), std::move(answers), std::move(target),
                                          std::move(options)),
      token, ex);
}

// As above into a generated type T; an item whose value does not decode into T fails alone.
template <typename T, typename CompletionToken>
auto async_batch_structure(const client& c, std::vector<input> inputs, batch_options options,
                           CompletionToken&& token) {
  return boost::asio::async_compose<CompletionToken, void(std::exception_ptr, std::vector<batch_item<T>>)>(
      detail::batch_as_op<T>({c}, std::move(inputs), {}, detail::schema_of<T>(), std::move(options)), token,
      c.get_executor());
}

// Maps a prompt template over items: item i becomes the text `prompt_template` with every
// "{item}" replaced by items[i] ("Summarise: {item}").
template <typename CompletionToken>
auto async_map(const client& c, std::string_view prompt_template, const std::vector<std::string>& items,
               schema target, batch_options options, CompletionToken&& token) {
  return async_batch_structure(c, detail::inputs_from_template(prompt_template, items), std::move(target),
                               std::move(options), std::forward<CompletionToken>(token));
}

template <typename T, typename CompletionToken>
auto async_map(const client& c, std::string_view prompt_template, const std::vector<std::string>& items,
               batch_options options, CompletionToken&& token) {
  return async_batch_structure<T>(c, detail::inputs_from_template(prompt_template, items), std::move(options),
                                  std::forward<CompletionToken>(token));
}

// Blocking twins: they run the client's io_context on the calling thread until every item ends
// (no other thread may run it meanwhile). Throw only for a batch that cannot start.
std::vector<batch_item<nlohmann::json>> batch_structure(const client& c, std::vector<input> inputs,
                                                        const schema& target, batch_options options = {});
std::vector<batch_item<nlohmann::json>> batch_structure(const std::vector<client>& clients, std::vector<input> inputs,
                                                        const schema& target, batch_options options = {});

template <typename T>
std::vector<batch_item<T>> batch_structure(const client& c, std::vector<input> inputs, batch_options options = {}) {
  return detail::decode_items<T>(
      detail::run_batch_blocking_json(c, std::move(inputs), detail::schema_of<T>(), std::move(options)));
}

std::vector<batch_item<nlohmann::json>> map(const client& c, std::string_view prompt_template,
                                            const std::vector<std::string>& items, const schema& target,
                                            batch_options options = {});

template <typename T>
std::vector<batch_item<T>> map(const client& c, std::string_view prompt_template, const std::vector<std::string>& items,
                               batch_options options = {}) {
  return batch_structure<T>(c, detail::inputs_from_template(prompt_template, items), std::move(options));
}

}  // namespace schemaforge
