// SPDX-License-Identifier: MIT
// Streaming structure: the structure engine (run_structure) with a streaming send. Each request the
// engine makes goes out with "stream": true; its SSE body is assembled as it arrives (events for
// the caller), and the assembled answer is handed back to the engine in the shape of a
// non-streamed completion, so that parsing, refusal/length checks, repair, validation, reasks and
// mode fallback are the very same code as for structure(). A reask is streamed again.
#include <schemaforge/stream_structure.hpp>

#include "http/async_send.hpp"
#include "http/http_error.hpp"
#include "http/retry_policy.hpp"
#include "stream/chat_stream_assembler.hpp"
#include "stream/event_queue.hpp"
#include "stream/streamed_body.hpp"
#include "structure/client_binding.hpp"
#include "structure/structure_engine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace schemaforge::detail {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using event_kind = structure_stream_event::kind;

structure_stream_event make_event(event_kind type, const json* value = nullptr) {
  return make_stream_event<structure_stream_event>(type, {}, 0, {}, value);
}

// What a streamed send gave the engine, or that the stream was truncated and may be tried again.
struct send_outcome {
  transport_result result;
  bool retry_truncated = false;
};

// The state of one streamed structure call across all its requests (attempts, retries, reasks).
class structure_stream_call {
 public:
  explicit structure_stream_call(structure_stream_options options) : options_(std::move(options)) {}

  // A request is about to go out with this body. `first_kind` is the engine's reason for it, or
  // retry after a truncated stream. Deltas of an earlier request are void from now on.
  http_request begin_request(const std::string& body_text, attempt::kind first_kind, const ledger& attempts) {
    if (emitted_) announce_restart(first_kind);
    attempts_seen_ = attempts.size();
    ledger_ = &attempts;
    json body = json::parse(body_text);
    // In tools mode the answer is the forced call's arguments, elsewhere the content.
    source_ = body.contains("tools") ? partial_json_source::tool_arguments : partial_json_source::content;
    body["stream"] = true;
    body["stream_options"] = json{{"include_usage", true}};
    reset_body();

    http_request request;
    request.path = "/chat/completions";
    request.body = body.dump();
    request.headers.emplace_back("Accept", "text/event-stream");
    // The call outlives the transfer: the send coroutine holds it until async_send completes.
    request.on_body_chunk = [this](std::string_view bytes) { on_chunk(bytes); };
    return request;
  }

  // The transfer ended: the engine's transport_result, a truncation to retry, or an exception.
  send_outcome end_request(std::error_code ec, http_response& response, ledger& attempts) {
    body_.assembler().finish();
    rethrow_callback_failure();
    const chat_stream_assembler& a = body_.assembler();
    send_outcome out;
    out.result.status = response.status;
    out.result.request_id = std::string(response.header("x-request-id"));

    // A connection cut after every choice had its finish_reason lost nothing of the answer.
    const bool whole = a.status() == stream_status::complete && a.choice_count() > 0;
    if (ec && !(whole && ec == errc::connection)) {
      // HTTP errors (and exhausted transport retries) go to the engine as for a plain send: it
      // falls back to another mode or reports the failure.
      out.result.ec = ec;
      out.result.body = std::move(response.body);
      return out;
    }
    if (ec && !attempts.empty()) {
      attempts.back().error.clear();
      attempts.back().message.clear();
    }

    if (body_.is_plain_json(response)) {
      // The server ignored "stream": true: its one JSON body is the answer.
      out.result.body = std::move(body_.plain_body());
      return out;
    }
    if (a.status() == stream_status::truncated) {
      if (!attempts.empty()) {
        attempts.back().error = make_error_code(errc::connection);
        attempts.back().message = "the stream ended before [DONE] or a finish_reason";
      }
      out.retry_truncated = true;
      return out;
    }
    if (auto e = a.error()) {
      if (a.provider_error()) e->provider_message = a.provider_error()->message;
      throw failure_with_ledger(std::move(*e), attempts, out.result.request_id);
    }
    out.result.body = a.to_completion().dump();
    return out;
  }

  // The error for a stream that was still truncated when no retry was left.
  error truncation_failure(const ledger& attempts, std::string_view request_id) const {
    error e = *body_.assembler().error();
    return failure_with_ledger(std::move(e), attempts, request_id);
  }

  error cancelled_while_waiting(const ledger& attempts) const {
    error e(errc::cancelled, "the call was cancelled while waiting to retry a truncated stream");
    e.ledger = attempts;
    return e;
  }

  // The engine accepted this value: the last event.
  void announce_value(const json& value) {
    emit(make_event(event_kind::value, &value));
    rethrow_callback_failure();
  }

  void rethrow_callback_failure() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  void on_chunk(std::string_view bytes) {
    // The ledger grows when an attempt ends: a change means async_send retried a broken stream
    // and this chunk starts a new body.
    if (ledger_->size() != attempts_seen_) {
      attempts_seen_ = ledger_->size();
      if (emitted_) announce_restart(attempt::kind::retry);
      reset_body();
    }
    body_.feed(bytes);
  }

  void announce_restart(attempt::kind reason) {
    structure_stream_event e = make_event(event_kind::restart);
    e.reason = reason;
    emit(e);
    emitted_ = false;
  }

  void reset_body() {
    chat_stream_options opts;
    opts.partial = source_;
    body_.reset(emitting_handlers<structure_stream_event>([this](const structure_stream_event& e) { emit(e); }), opts);
  }


  void emit(const structure_stream_event& event) {
    if (event.type != event_kind::restart) emitted_ = true;
    if (failure_ || !options_.on_event) return;
    try {
      options_.on_event(event);
    } catch (...) {
      failure_ = std::current_exception();  // never thrown through libcurl's callback
    }
  }

  static error failure_with_ledger(error e, const ledger& attempts, std::string_view request_id) {
    e.ledger = attempts;
    if (e.request_id.empty()) e.request_id = std::string(request_id);
    if (!e.ledger.empty()) {
      e.ledger.back().error = e.code();
      e.ledger.back().message = e.what();
    }
    return e;
  }

  structure_stream_options options_;
  streamed_body body_;
  partial_json_source source_ = partial_json_source::content;
  const ledger* ledger_ = nullptr;
  std::size_t attempts_seen_ = 0;
  bool emitted_ = false;  // events went out since the last restart
  std::exception_ptr failure_;
};

// The settings for the next request after a truncated stream, from the settings of the whole send:
// the retries it has left and the wait before the next request. Returns nullopt when none is left, or when the wait would pass the deadline.
std::optional<std::pair<retry_settings, std::chrono::milliseconds>> after_truncation(retry_settings settings,
                                                                                    int requests_made) {
  const int retries_used = requests_made - 1;
  if (retries_used >= settings.max_retries) return std::nullopt;
  const std::chrono::milliseconds wait = retry_wait(http_response{}, retries_used, settings);
  if (settings.deadline && std::chrono::steady_clock::now() + wait >= *settings.deadline) return std::nullopt;
  settings.max_retries -= requests_made;
  settings.first_attempt_kind = attempt::kind::retry;
  return std::make_pair(settings, wait);
}

// One send of the engine, streamed; a truncated stream is sent again while retries are left (they
// share the call's max_retries with the transport's own retries of this send). The coroutine only
// awaits; the work is in the call's plain functions (GCC 12 miscompiles larger coroutine bodies).
asio::awaitable<transport_result> send_streamed(std::shared_ptr<structure_stream_call> call, client keep,
                                                retry_settings settings, std::string body, attempt::kind first_kind,
                                                ledger& attempts) {
  settings.first_attempt_kind = first_kind;
  const retry_settings whole_send = settings;
  const std::size_t before = attempts.size();
  for (;;) {
    http_request request = call->begin_request(body, settings.first_attempt_kind, attempts);
    std::tuple<std::error_code, http_response> sent =
        co_await async_send(state_of(keep), std::move(request), settings, attempts, asio::as_tuple(asio::use_awaitable));
    send_outcome out = call->end_request(std::get<0>(sent), std::get<1>(sent), attempts);
    if (!out.retry_truncated) co_return std::move(out.result);
    auto next = after_truncation(whole_send, static_cast<int>(attempts.size() - before));
    if (!next) throw call->truncation_failure(attempts, out.result.request_id);
    asio::steady_timer timer(co_await asio::this_coro::executor, next->second);
    std::tuple<boost::system::error_code> waited = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (std::get<0>(waited)) throw call->cancelled_while_waiting(attempts);
    settings = next->first;
  }
}

asio::awaitable<structure_result<json>> run_and_announce(std::shared_ptr<structure_stream_call> call,
                                                         asio::awaitable<structure_result<json>> work) {
  structure_result<json> result = co_await std::move(work);
  call->announce_value(result.value);
  co_return result;
}

}  // namespace

void start_stream_structure(const client& c, input in, schema target, structure_options options,
                            structure_stream_options stream, structure_handler handler) {
  endpoint_io io = endpoint_of(c, options);
  auto call = std::make_shared<structure_stream_call>(std::move(stream));
  io.send = [keep = c, retry = call_retry_settings(c, options), call](std::string body, attempt::kind kind,
                                                                       ledger& attempts) {
    return send_streamed(call, keep, retry, std::move(body), kind, attempts);
  };
  asio::co_spawn(
      c.get_executor(),
      cancellable(run_and_announce(call, run_structure(std::move(io), std::move(in), std::move(target), std::move(options)))),
      std::move(handler));
}

// The queue between a running streamed structure call and the reader of its events.
struct structure_stream_state : event_queue<owned_structure_stream_event, structure_result<json>, client::executor_type> {
  using event_queue::event_queue;
};

std::shared_ptr<structure_stream_state> open_structure_stream(const client& c, input in, schema target,
                                                              structure_options options) {
  auto state = std::make_shared<structure_stream_state>(c.get_executor());
  structure_stream_options so;
  so.on_event = [state](const structure_stream_event& e) {
    owned_structure_stream_event owned;
    owned.type = e.type;
    owned.text = e.text;
    owned.tool_call = e.tool_call;
    owned.pointer = e.pointer;
    owned.reason = e.reason;
    if (e.value != nullptr) owned.value = *e.value;
    state->push(std::move(owned));
  };
  start_stream_structure(c, std::move(in), std::move(target), std::move(options), std::move(so),
                         structure_handler(asio::bind_executor(
                             c.get_executor(), [state](std::exception_ptr e, structure_result<json> r) {
                               state->finish(e, std::move(r));
                             })));
  return state;
}

void next_structure_event(const std::shared_ptr<structure_stream_state>& state, next_structure_event_handler handler) {
  structure_stream_state::next(state, std::move(handler));
}

structure_result<json> structure_stream_result(const structure_stream_state& state) {
  return state.result("structure_stream::result()");
}

}  // namespace schemaforge::detail

namespace schemaforge {

structure_result<nlohmann::json> stream_structure(const client& c, input in, const schema& target,
                                                  structure_options options, structure_stream_options stream) {
  return detail::run_blocking_impl<structure_result<nlohmann::json>>(c, [&](auto handler) {
    detail::start_stream_structure(c, std::move(in), target, std::move(options), std::move(stream),
                                   detail::structure_handler(std::move(handler)));
  });
}

}  // namespace schemaforge
