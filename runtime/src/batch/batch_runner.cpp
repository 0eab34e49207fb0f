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

#include <future>
#include <memory>

namespace schemaforge {
namespace detail {
namespace {

namespace asio = boost::asio;

error cancelled_error(const std::string& why) { return error(make_error_code(errc::cancelled), why); }

class batch_run : public std::enable_shared_from_this<batch_run> {
 public:
  batch_run(client c, std::vector<input> inputs, schema target, batch_options options, batch_handler handler)
      : client_(std::move(c)),
        inputs_(std::move(inputs)),
        target_(std::move(target)),
        options_(std::move(options)),
        handler_(std::move(handler)),
        results_(inputs_.size()) {
    progress_.total = inputs_.size();
  }

  void begin() {
    if (options_.max_concurrency == 0) {
      return complete(std::make_exception_ptr(
          error(make_error_code(errc::invalid_argument), "batch_options::max_concurrency must be at least 1")));
    }
    if (options_.rpm > 0 || options_.tpm > 0) {
      const auto& limiter = state_of(client_).limiter();
      limiter->set_limits(options_.rpm > 0 ? options_.rpm : -1, options_.tpm > 0 ? options_.tpm : -1);
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
  void launch() {
    while (!stopping_ && next_ < inputs_.size() && !free_signals_.empty()) {
      const std::size_t index = next_++;
      const std::size_t k = free_signals_.back();
      free_signals_.pop_back();
      ++in_flight_;
      input in = std::move(inputs_[index]);
      inputs_[index] = input{};  // the text is not needed any more: memory stays bounded by the window
      async_structure(client_, std::move(in), target_, options_.item_options,
                      asio::bind_cancellation_slot(
                          signals_[k].slot(),
                          [self = shared_from_this(), index, k](std::exception_ptr e, structure_result<nlohmann::json> r) {
                            self->finished(index, k, e, std::move(r));
                          }));
    }
  }

  void finished(std::size_t index, std::size_t k, std::exception_ptr failure, structure_result<nlohmann::json> r) {
    --in_flight_;
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
    while (next_ < inputs_.size()) {
      const std::size_t index = next_++;
      inputs_[index] = input{};
      batch_item<nlohmann::json> item;
      item.failure = cancelled_error(why);
      record(index, std::move(item));
    }
    finish_if_done();
  }

  void finish_if_done() {
    if (completed_ || in_flight_ != 0 || next_ < inputs_.size()) return;
    complete(nullptr);
  }

  void complete(std::exception_ptr failure) {
    if (completed_) return;
    completed_ = true;
    if (outer_slot_.is_connected()) outer_slot_.clear();
    // Never inline from inside the run; then onto the handler's own executor (a strand, a
    // thread pool) as any Asio operation would.
    asio::post(client_.get_executor(), [handler = std::move(handler_), failure, results = std::move(results_)]() mutable {
      auto ex = asio::get_associated_executor(handler);
      asio::dispatch(ex, [handler = std::move(handler), failure, results = std::move(results)]() mutable {
        std::move(handler)(failure, std::move(results));
      });
    });
  }

  client client_;
  std::vector<input> inputs_;
  schema target_;
  batch_options options_;
  batch_handler handler_;
  batch_json_items results_;
  std::unique_ptr<asio::cancellation_signal[]> signals_;  // one per slot of the window (not movable: an array)
  std::size_t window_ = 0;
  std::vector<std::size_t> free_signals_;
  std::size_t next_ = 0, in_flight_ = 0;
  batch_progress progress_;
  bool stopping_ = false, completed_ = false;
  asio::cancellation_slot outer_slot_;
};

}  // namespace

void start_batch(const client& c, std::vector<input> inputs, schema target, batch_options options,
                 batch_handler handler) {
  auto run = std::make_shared<batch_run>(c, std::move(inputs), std::move(target), std::move(options),
                                         std::move(handler));
  // Everything of the run happens on the client's executor, whoever started it.
  asio::post(c.get_executor(), [run] { run->begin(); });
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

batch_json_items run_batch_blocking_json(const client& c, std::vector<input> inputs, schema target,
                                         batch_options options) {
  auto ex = c.get_executor();
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
    start_batch(c, std::move(inputs), std::move(target), std::move(options), batch_handler(std::move(on_done)));
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
    start_batch(c, std::move(inputs), std::move(target), std::move(options),
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

std::vector<batch_item<nlohmann::json>> map(const client& c, std::string_view prompt_template,
                                            const std::vector<std::string>& items, const schema& target,
                                            batch_options options) {
  return detail::run_batch_blocking_json(c, detail::inputs_from_template(prompt_template, items), target,
                                         std::move(options));
}

}  // namespace schemaforge
