// SPDX-License-Identifier: MIT
// The batch runner behind batch.hpp: a window of at most max_concurrency items in flight, each an
// ordinary async_structure call with its own cancellation signal; results stored by input index.
#include <schemaforge/batch.hpp>

#include "http/client_state.hpp"
#include "limit/endpoint_limiter.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <deque>
#include <future>
#include <map>
#include <memory>

namespace schemaforge {
namespace detail {
namespace {

namespace asio = boost::asio;

error cancelled_error(const std::string& why) { return error(make_error_code(errc::cancelled), why); }

class batch_run : public std::enable_shared_from_this<batch_run> {
 public:
  batch_run(std::vector<client> clients, std::vector<input> inputs, std::vector<recorded_answer> recorded,
            schema target, batch_options options, batch_handler handler)
      : clients_(std::move(clients)),
        inputs_(std::move(inputs)),
        recorded_(std::move(recorded)),
        target_(std::move(target)),
        options_(std::move(options)),
        handler_(std::move(handler)),
        results_(inputs_.size()),
        endpoint_load_(clients_.size(), 0) {
    progress_.total = inputs_.size();
  }

  void begin() {
    if (options_.max_concurrency == 0) {
      return complete(std::make_exception_ptr(
          error(make_error_code(errc::invalid_argument), "batch_options::max_concurrency must be at least 1")));
    }
    if (!recorded_.empty() && recorded_.size() != inputs_.size()) {
      return complete(std::make_exception_ptr(
          error(make_error_code(errc::invalid_argument), "a batch from recorded answers needs one answer per input")));
    }
    if (options_.rpm > 0 || options_.tpm > 0) {
      for (const auto& c : clients_)
        state_of(c).limiter()->set_limits(options_.rpm > 0 ? options_.rpm : -1, options_.tpm > 0 ? options_.tpm : -1);
    }
    const std::size_t window = std::min(options_.max_concurrency, inputs_.size());
    signals_ = std::make_unique<asio::cancellation_signal[]>(window);
    window_ = window;
    for (std::size_t k = 0; k < window; ++k) free_signals_.push_back(window - 1 - k);
    if (auto slot = asio::get_associated_cancellation_slot(handler_); slot.is_connected()) {
      outer_slot_ = slot;
      slot.assign([weak = weak_from_this()](asio::cancellation_type) {
        if (auto self = weak.lock()) self->stop("the batch was cancelled");
      });
    }
    launch();
    finish_if_done();
  }

 private:
  // Items waiting to run again on another endpoint go first, then new ones.
  void launch() {
    while (!stopping_ && !free_signals_.empty() && (!rerun_.empty() || next_ < inputs_.size())) {
      const bool again = !rerun_.empty();
      const std::size_t index = again ? rerun_.front() : next_;
      const std::optional<std::size_t> endpoint = pick_endpoint(index);
      if (!endpoint) return;  // every endpoint is at its cap: the next finished item launches more
      if (again) rerun_.pop_front();
      else ++next_;
      start(index, *endpoint);
    }
  }

  // The endpoint with the fewest items in flight and room under its cap, not yet tried for this
  // item; ties go round-robin so that equal endpoints share the work evenly.
  std::optional<std::size_t> pick_endpoint(std::size_t index) {
    const std::size_t cap = options_.max_concurrency_per_endpoint;
    const std::vector<std::size_t>* tried = nullptr;
    if (auto it = failover_.find(index); it != failover_.end()) tried = &it->second.tried;
    std::optional<std::size_t> best;
    for (std::size_t step = 0; step < clients_.size(); ++step) {
      const std::size_t e = (round_robin_ + step) % clients_.size();
      if (cap != 0 && endpoint_load_[e] >= cap) continue;
      if (tried && std::find(tried->begin(), tried->end(), e) != tried->end()) continue;
      if (!best || endpoint_load_[e] < endpoint_load_[*best]) best = e;
    }
    if (best) round_robin_ = (*best + 1) % clients_.size();
    return best;
  }

  void start(std::size_t index, std::size_t endpoint) {
    const std::size_t k = free_signals_.back();
    free_signals_.pop_back();
    ++in_flight_;
    ++endpoint_load_[endpoint];
    // With one endpoint nothing can run again: the input is not needed any more, so memory stays
    // bounded by the window. With several, it is kept until the item has its result.
    input in;
    if (clients_.size() == 1) {
      in = std::move(inputs_[index]);
      inputs_[index] = input{};
    } else {
      in = inputs_[index];
    }
    auto done = asio::bind_cancellation_slot(
        signals_[k].slot(), [self = shared_from_this(), index, k, endpoint](std::exception_ptr e,
                                                                            structure_result<nlohmann::json> r) {
          self->finished(index, k, endpoint, e, std::move(r));
        });
    // A recorded answer is used once: an item that runs again elsewhere starts online.
    if (!recorded_.empty() && !failover_.count(index)) {
      recorded_answer answer = std::move(recorded_[index]);
      recorded_[index] = recorded_answer{};
      async_structure_from(clients_[endpoint], std::move(in), target_, options_.item_options, std::move(answer),
                           std::move(done));
    } else {
      async_structure(clients_[endpoint], std::move(in), target_, options_.item_options, std::move(done));
    }
  }

  void finished(std::size_t index, std::size_t k, std::size_t endpoint, std::exception_ptr failure,
                structure_result<nlohmann::json> r) {
    --in_flight_;
    --endpoint_load_[endpoint];
    free_signals_.push_back(k);
    signals_[k].slot().clear();
    batch_item<nlohmann::json> item;
    if (!failure) {
      item.result = std::move(r);
    } else {
      try {
        std::rethrow_exception(failure);
      } catch (const error& e) {
        item.failure = e;
      } catch (const std::exception& e) {
        item.failure = error(make_error_code(errc::protocol), e.what());
      }
    }
    // An endpoint that cannot be reached does not sink its items while others can take them.
    if (item.failure && item.failure->code() == errc::connection && !stopping_ && clients_.size() > 1) {
      auto& history = failover_[index];
      history.tried.push_back(endpoint);
      history.attempts.insert(history.attempts.end(), item.failure->ledger.begin(), item.failure->ledger.end());
      if (history.tried.size() < clients_.size()) {
        rerun_.push_back(index);
        launch();
        return;
      }
    }
    if (auto it = failover_.find(index); it != failover_.end()) {
      // The ledger tells the whole story: the attempts on the unreachable endpoints come first.
      failover_history history = std::move(it->second);
      failover_.erase(it);
      const bool all_unreachable = item.failure && item.failure->code() == errc::connection &&
                                   history.tried.size() == clients_.size();
      ledger& attempts = item.ok() ? item.result->ledger : item.failure->ledger;
      if (all_unreachable) attempts = std::move(history.attempts);  // this failure's attempts are already there
      else attempts.insert(attempts.begin(), history.attempts.begin(), history.attempts.end());
      if (item.ok()) item.result->usage = total_usage(item.result->ledger);
    }
    if (clients_.size() > 1) inputs_[index] = input{};
    const bool failed = item.failure.has_value();
    record(index, std::move(item));
    if (failed && options_.stop_on_first_error && !stopping_)
      stop("cancelled: item " + std::to_string(index) + " failed and stop_on_first_error is set");
    launch();
    finish_if_done();
  }

  void record(std::size_t index, batch_item<nlohmann::json> item) {
    ++progress_.done;
    if (item.ok()) ++progress_.ok;
    else ++progress_.failed;
    if (options_.on_item) options_.on_item(index, item);
    results_[index] = std::move(item);
    if (options_.on_progress) options_.on_progress(progress_);
  }

  // No new items; those in flight are cancelled, those not started end as cancelled now.
  void stop(const std::string& why) {
    if (stopping_ || completed_) return;
    stopping_ = true;
    for (std::size_t k = 0; k < window_; ++k) signals_[k].emit(asio::cancellation_type::total);
    auto cancel = [&](std::size_t index) {
      inputs_[index] = input{};
      batch_item<nlohmann::json> item;
      item.failure = cancelled_error(why);
      record(index, std::move(item));
    };
    for (std::size_t index : rerun_) cancel(index);
    rerun_.clear();
    while (next_ < inputs_.size()) cancel(next_++);
    finish_if_done();
  }

  void finish_if_done() {
    if (completed_ || in_flight_ != 0 || next_ < inputs_.size() || !rerun_.empty()) return;
    complete(nullptr);
  }

  void complete(std::exception_ptr failure) {
    if (completed_) return;
    completed_ = true;
    if (outer_slot_.is_connected()) outer_slot_.clear();
    // Never inline from inside the run; then onto the handler's own executor (a strand, a
    // thread pool) as any Asio operation would.
    asio::post(clients_.front().get_executor(),
               [handler = std::move(handler_), failure, results = std::move(results_)]() mutable {
                 auto ex = asio::get_associated_executor(handler);
                 asio::dispatch(ex, [handler = std::move(handler), failure, results = std::move(results)]() mutable {
                   std::move(handler)(failure, std::move(results));
                 });
               });
  }

  struct failover_history {
    std::vector<std::size_t> tried;  // endpoints that could not be reached for this item
    ledger attempts;                 // their attempts
  };

  std::vector<client> clients_;
  std::vector<input> inputs_;
  std::vector<recorded_answer> recorded_;
  schema target_;
  batch_options options_;
  batch_handler handler_;
  batch_json_items results_;
  std::vector<std::size_t> endpoint_load_;  // items in flight per endpoint
  std::size_t round_robin_ = 0;
  std::map<std::size_t, failover_history> failover_;
  std::deque<std::size_t> rerun_;
  std::unique_ptr<asio::cancellation_signal[]> signals_;  // one per slot of the window (not movable: an array)
  std::size_t window_ = 0;
  std::vector<std::size_t> free_signals_;
  std::size_t next_ = 0, in_flight_ = 0;
  batch_progress progress_;
  bool stopping_ = false, completed_ = false;
  asio::cancellation_slot outer_slot_;
};

}  // namespace

client::executor_type batch_executor(const std::vector<client>& clients) {
  if (clients.empty())
    throw error(make_error_code(errc::invalid_argument), "a batch needs at least one client");
  for (const auto& c : clients)
    if (c.get_executor() != clients.front().get_executor())
      throw error(make_error_code(errc::invalid_argument),
                  "the clients of one batch must share one executor (one io_context)");
  return clients.front().get_executor();
}

void start_batch(std::vector<client> clients, std::vector<input> inputs, std::vector<recorded_answer> recorded,
                 schema target, batch_options options, batch_handler handler) {
  auto ex = batch_executor(clients);
  auto run = std::make_shared<batch_run>(std::move(clients), std::move(inputs), std::move(recorded), std::move(target),
                                         std::move(options), std::move(handler));
  // Everything of the run happens on the clients' executor, whoever started it.
  asio::post(ex, [run] { run->begin(); });
}

std::string fill_template(std::string_view prompt_template, std::string_view item) {
  static constexpr std::string_view placeholder = "{item}";
  std::string out;
  out.reserve(prompt_template.size() + item.size());
  std::size_t from = 0;
  for (std::size_t at; (at = prompt_template.find(placeholder, from)) != std::string_view::npos;
       from = at + placeholder.size()) {
    out.append(prompt_template.substr(from, at - from));
    out.append(item);
  }
  out.append(prompt_template.substr(from));
  return out;
}

std::vector<input> inputs_from_template(std::string_view prompt_template, const std::vector<std::string>& items) {
  std::vector<input> inputs;
  inputs.reserve(items.size());
  for (const auto& item : items) inputs.emplace_back(fill_template(prompt_template, item));
  return inputs;
}

batch_json_items run_batch_blocking_json(std::vector<client> clients, std::vector<input> inputs,
                                         std::vector<recorded_answer> recorded, schema target, batch_options options) {
  auto ex = batch_executor(clients);
  std::optional<batch_json_items> value;
  std::exception_ptr failure;
  bool done = false;
  auto on_done = [&](std::exception_ptr e, batch_json_items r) {
    failure = e;
    if (!e) value = std::move(r);
    done = true;
  };
  if (const auto* io_ex = ex.target<asio::io_context::executor_type>()) {
    if (io_ex->running_in_this_thread())
      throw error(make_error_code(errc::invalid_argument),
                  "a blocking batch was started from a handler of the client's own io_context; use the async form there");
    auto& context = io_ex->context();
    start_batch(std::move(clients), std::move(inputs), std::move(recorded), std::move(target), std::move(options),
                batch_handler(std::move(on_done)));
    if (context.stopped()) context.restart();
    while (!done) {
      if (context.run_one() == 0) break;
    }
    if (!done)
      throw error(make_error_code(errc::invalid_argument),
                  "the client's io_context ran out of work before the batch completed");
  } else {
    std::promise<batch_json_items> promise;
    auto future = promise.get_future();
    start_batch(std::move(clients), std::move(inputs), std::move(recorded), std::move(target), std::move(options),
                batch_handler([&promise](std::exception_ptr e, batch_json_items r) {
                  if (e) promise.set_exception(e);
                  else promise.set_value(std::move(r));
                }));
    return future.get();
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

}  // namespace detail

std::vector<batch_item<nlohmann::json>> batch_structure(const client& c, std::vector<input> inputs,
                                                        const schema& target, batch_options options) {
  return detail::run_batch_blocking_json(c, std::move(inputs), target, std::move(options));
}

std::vector<batch_item<nlohmann::json>> batch_structure(const std::vector<client>& clients, std::vector<input> inputs,
                                                        const schema& target, batch_options options) {
  return detail::run_batch_blocking_json(clients, std::move(inputs), {}, target, std::move(options));
}

std::vector<batch_item<nlohmann::json>> map(const client& c, std::string_view prompt_template,
                                            const std::vector<std::string>& items, const schema& target,
                                            batch_options options) {
  return detail::run_batch_blocking_json(c, detail::inputs_from_template(prompt_template, items), target,
                                         std::move(options));
}

}  // namespace schemaforge
