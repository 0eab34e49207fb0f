// SPDX-License-Identifier: MIT
// async_stream_chat: the transport hands the SSE body over chunk by chunk; a chat_stream_assembler
// turns it into events for the caller; the end of the body decides between the answer and an error.
#include <schemaforge/stream.hpp>

#include "http/async_send.hpp"
#include "http/http_error.hpp"
#include "openai/chat_completion.hpp"
#include "openai/request_builder.hpp"
#include "stream/chat_stream_assembler.hpp"
#include "stream/event_queue.hpp"
#include "stream/streamed_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>
#include <memory>
#include <tuple>
#include <optional>
#include <utility>

namespace schemaforge::detail {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

stream_event make_event(stream_event::kind type, std::string_view text = {}) {
  return make_stream_event<stream_event>(type, text);
}

// The state of one streamed call across its attempts.
class stream_call {
 public:
  explicit stream_call(stream_options options) : options_(std::move(options)) { reset(); }

  // `attempts_ended` is the ledger's size: it grows when an attempt ends, so a change between two
  // chunks means the transport retried and this chunk starts a new body.
  void on_chunk(std::string_view bytes, std::size_t attempts_ended) {
    if (attempts_ended != attempts_seen_) {
      attempts_seen_ = attempts_ended;
      if (received_) {
        const bool deltas_delivered = emitted_;
        reset();
        if (deltas_delivered) emit(make_event(stream_event::kind::restart));
      }
    }
    received_ = true;
    body_.feed(bytes);
  }

  void finish() { body_.assembler().finish(); }
  const streamed_body& body() const { return body_; }
  std::exception_ptr callback_failure() const { return failure_; }

  void emit(const stream_event& event) {
    emitted_ = true;
    if (failure_ || !options_.on_event) return;
    try {
      options_.on_event(event);
    } catch (...) {
      failure_ = std::current_exception();  // never thrown through libcurl's callback
    }
  }

 private:
  void reset() {
    chat_stream_options opts;
    opts.partial = options_.follow_json ? partial_json_source::content : partial_json_source::none;
    body_.reset(emitting_handlers<stream_event>([this](const stream_event& e) { emit(e); }), opts);
    emitted_ = false;
  }

  stream_options options_;
  streamed_body body_;
  std::size_t attempts_seen_ = 0;
  bool received_ = false;
  bool emitted_ = false;
  std::exception_ptr failure_;
};

error with_ledger(error e, const ledger& attempts, std::string_view request_id) {
  e.ledger = attempts;
  if (e.request_id.empty()) e.request_id = std::string(request_id);
  if (!e.ledger.empty()) {
    e.ledger.back().error = e.code();
    e.ledger.back().message = e.what();
  }
  return e;
}

// One streamed call: prepared before the coroutine starts, finished after the transfer. The
// coroutine itself only awaits the transport (GCC 12 miscompiles larger coroutine bodies).
struct stream_job {
  stream_job(const client& c, stream_options stream) : keep(c), call(std::move(stream)) {}

  client keep;  // holds the connection pool for the call
  stream_call call;
  http_request request;
  retry_settings retry;
  chat_result result;
  std::exception_ptr setup_failure;

  void prepare(const std::vector<message>& messages, const chat_options& options) {
    const client_options& settings = keep.options();
    const std::string model = options.model.empty() ? settings.model : options.model;
    if (model.empty())
      throw error(errc::invalid_argument,
                  "no model given: set SCHEMAFORGE_MODEL, client_options::model or call_options::model");
    json body = chat_body(options, model, wire_messages(messages));
    body["stream"] = true;
    body["stream_options"] = json{{"include_usage", true}};

    retry = retry_settings_from(settings);
    if (options.max_retries) retry.max_retries = std::max(0, *options.max_retries);
    if (options.timeout) retry.request_timeout = *options.timeout;
    if (options.deadline) retry.deadline = std::chrono::steady_clock::now() + *options.deadline;

    request.path = "/chat/completions";
    request.body = body.dump();
    request.headers.emplace_back("Accept", "text/event-stream");
    // The job outlives the transfer: the coroutine holds it until async_send completes.
    request.on_body_chunk = [this](std::string_view bytes) { call.on_chunk(bytes, result.ledger.size()); };
  }

  chat_result finish(std::error_code ec, const http_response& response) {
    call.finish();
    if (call.callback_failure()) std::rethrow_exception(call.callback_failure());
    const chat_stream_assembler& a = call.body().assembler();
    const std::string_view request_id = response.header("x-request-id");

    // A connection cut after every choice had its finish_reason lost nothing of the answer.
    const bool whole = a.status() == stream_status::complete && a.choice_count() > 0;
    if (ec && !(whole && ec == errc::connection)) throw make_transport_error(ec, response, result.ledger, keep.options());
    if (ec && !result.ledger.empty()) {
      result.ledger.back().error.clear();
      result.ledger.back().message.clear();
    }

    if (call.body().is_plain_json(response)) {
      from_plain_body(request_id);
    } else {
      from_stream(a, request_id);
    }
    if (call.callback_failure()) std::rethrow_exception(call.callback_failure());
    result.usage = total_usage(result.ledger);
    return std::move(result);
  }

  // The server ignored "stream": true and answered with one JSON body.
  void from_plain_body(std::string_view request_id) {
    chat_completion completion = parse_chat_completion(call.body().plain_body());
    if (completion.error)
      throw with_ledger(error(errc::protocol, "the endpoint answered with an error: " + completion.error->message),
                        result.ledger, request_id);
    if (completion.choices.empty())
      throw with_ledger(error(errc::protocol, "the endpoint's answer has no choices; check the model name"),
                        result.ledger, request_id);
    auto& choice = completion.choices.front();
    result.content = choice.content.value_or("");
    if (!result.content.empty()) call.emit(make_event(stream_event::kind::text_delta, result.content));
    result.refusal = std::move(choice.refusal);
    result.reasoning = std::move(choice.reasoning);
    result.tool_calls = std::move(choice.tool_calls);
    result.finish_reason = choice.finish_reason.value_or("");
    result.model = std::move(completion.model);
    if (!result.ledger.empty()) result.ledger.back().usage = completion.usage;
  }

  void from_stream(const chat_stream_assembler& a, std::string_view request_id) {
    if (auto e = a.error()) {
      if (a.provider_error()) e->provider_message = a.provider_error()->message;
      throw with_ledger(std::move(*e), result.ledger, request_id);
    }
    const auto first = std::find_if(a.choices().begin(), a.choices().end(), [](const stream_choice& c) { return c.seen; });
    if (first == a.choices().end())
      throw with_ledger(error(errc::protocol, "the stream held no choices; check the model name"), result.ledger,
                        request_id);
    result.content = first->content;
    result.refusal = first->refusal;
    result.reasoning = first->reasoning;
    for (const stream_tool_call& t : first->tool_calls) result.tool_calls.push_back({t.id, t.name, t.arguments});
    result.finish_reason = first->finish_reason.value_or("");
    result.model = a.model();
    if (a.usage() && !result.ledger.empty()) result.ledger.back().usage = *a.usage();
  }
};

asio::awaitable<chat_result> run_stream_chat(std::shared_ptr<stream_job> job) {
  if (job->setup_failure) std::rethrow_exception(job->setup_failure);
  std::tuple<std::error_code, http_response> sent = co_await async_send(
      state_of(job->keep), std::move(job->request), job->retry, job->result.ledger, asio::as_tuple(asio::use_awaitable));
  co_return job->finish(std::get<0>(sent), std::get<1>(sent));
}

// Any cancellation type requested through the caller's slot ends the call.
asio::awaitable<chat_result> cancellable(asio::awaitable<chat_result> work) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  co_return co_await std::move(work);
}

}  // namespace

void start_stream_chat(const client& c, std::vector<message> messages, chat_options options, stream_options stream,
                       stream_chat_handler handler) {
  auto job = std::make_shared<stream_job>(c, std::move(stream));
  try {
    job->prepare(messages, options);
  } catch (...) {
    job->setup_failure = std::current_exception();  // reported through the handler, like any failure
  }
  asio::co_spawn(c.get_executor(), cancellable(run_stream_chat(std::move(job))), std::move(handler));
}

}  // namespace schemaforge::detail

namespace schemaforge {

namespace detail {

// The queue between a running streamed call and the reader of its events.
struct chat_stream_state : event_queue<owned_stream_event, chat_result, client::executor_type> {
  using event_queue::event_queue;
};

void next_stream_event(const std::shared_ptr<chat_stream_state>& state, next_event_handler handler) {
  chat_stream_state::next(state, std::move(handler));
}

}  // namespace detail

chat_stream open_stream_chat(const client& c, std::vector<message> messages, chat_options options, bool follow_json) {
  auto state = std::make_shared<detail::chat_stream_state>(c.get_executor());
  stream_options so;
  so.follow_json = follow_json;
  so.on_event = [state](const stream_event& e) {
    owned_stream_event owned;
    owned.type = e.type;
    owned.text = e.text;
    owned.tool_call = e.tool_call;
    owned.pointer = e.pointer;
    if (e.value != nullptr) owned.value = *e.value;
    state->push(std::move(owned));
  };
  detail::start_stream_chat(c, std::move(messages), std::move(options), std::move(so),
                            detail::stream_chat_handler(
                                boost::asio::bind_executor(c.get_executor(), [state](std::exception_ptr e, chat_result r) {
                                  state->finish(e, std::move(r));
                                })));
  return chat_stream(state);
}

chat_result chat_stream::result() const { return state_->result("chat_stream::result()"); }

chat_result stream_chat(const client& c, std::vector<message> messages, chat_options options, stream_options stream) {
  namespace asio = boost::asio;
  auto ex = c.get_executor();
  std::optional<chat_result> value;
  std::exception_ptr failure;
  bool done = false;
  auto start = [&](auto handler) {
    detail::start_stream_chat(c, std::move(messages), std::move(options), std::move(stream),
                              detail::stream_chat_handler(std::move(handler)));
  };
  if (const auto* io_ex = ex.target<asio::io_context::executor_type>()) {
    if (io_ex->running_in_this_thread())
      throw error(errc::invalid_argument,
                  "a blocking call was made from a handler of the client's own io_context; use the async form there");
    auto& context = io_ex->context();
    start([&](std::exception_ptr e, chat_result r) {
      failure = e;
      if (!e) value = std::move(r);
      done = true;
    });
    if (context.stopped()) context.restart();
    while (!done) {
      if (context.run_one() == 0) break;  // no work left: the call cannot complete
    }
    if (!done) throw error(errc::invalid_argument, "the client's io_context ran out of work before the call completed");
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
  }
  // Another executor (a thread pool, a strand run elsewhere): its threads finish the call.
  std::promise<chat_result> promise;
  auto future = promise.get_future();
  start([&promise](std::exception_ptr e, chat_result r) {
    if (e) {
      promise.set_exception(e);
    } else {
      promise.set_value(std::move(r));
    }
  });
  return future.get();
}

}  // namespace schemaforge
