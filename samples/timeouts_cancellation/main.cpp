// SPDX-License-Identifier: MIT
// Bounding how long a call may take, and what a caller gets when it does not make it:
//   1. a per-attempt timeout that a transport retry recovers from;
//   2. the same timeout with no retry left: errc::timeout;
//   3. a deadline for the whole call, spanning attempts and the waits between them: errc::timeout;
//   4. cancelling a call from a timer through an Asio cancellation slot: errc::cancelled;
//   5. racing a call against a timer with awaitable operators (||): the loser is cancelled.
// Every failure is a schemaforge::error; its code() compares equal to a schemaforge::errc.
//
//   timeouts_cancellation ["a text"]   (endpoint from OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL)
// Against a real endpoint the short limits below may or may not be hit: lengthen or shorten them
// to see both outcomes.
#include "sentiment.hpp"  // generated at build time from sentiment.schema.json (see CMakeLists.txt)

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/structure.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <system_error>
#include <variant>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sentiments::Sentiment;

namespace {

std::string code_name(std::error_code ec) {
  if (ec.category() == schemaforge::error_category())
    return schemaforge::to_string(static_cast<schemaforge::errc>(ec.value()));
  return ec.message();
}

void print_ledger(const schemaforge::ledger& attempts) {
  for (const schemaforge::attempt& a : attempts) {
    std::cout << "    attempt: HTTP " << a.http_status;
    if (a.waited_before.count() > 0) std::cout << " after waiting " << a.waited_before.count() << " ms";
    std::cout << (a.error ? ", " + code_name(a.error) + ": " + a.message : std::string(", ok")) << '\n';
  }
}

void print_value(const schemaforge::structure_result<Sentiment>& r) {
  std::cout << "  ok: " << nlohmann::json(r.value).dump() << " after " << r.ledger.size() << " attempt(s)\n";
  print_ledger(r.ledger);
}

// What a caller sees on failure: the code (stable name and number), the one-line message, and
// every attempt that was made.
void print_error(const schemaforge::error& e) {
  std::cout << "  error: " << code_name(e.code()) << " (schemaforge::errc " << e.code().value() << "): " << e.what()
            << '\n';
  print_ledger(e.ledger);
}

// Runs one call and reports its value or its error; errors are the point here, so none escapes.
// References are safe because every caller awaits the call at once; copies would be temporaries
// inside the caller's co_await expression, which GCC 12 mishandles.
asio::awaitable<void> attempt(const char* title, const schemaforge::client& client, const std::string& text,
                              const schemaforge::structure_options& options) {
  std::cout << title << '\n';
  try {
    schemaforge::input in(text);  // named for the same reason
    print_value(co_await schemaforge::async_structure<Sentiment>(client, std::move(in), options, asio::use_awaitable));
  } catch (const schemaforge::error& e) {
    print_error(e);
  }
}

asio::awaitable<void> run(schemaforge::client client, std::string text) {
  {
    schemaforge::structure_options o;
    o.timeout = 200ms;  // each HTTP attempt; a timed-out attempt is retried like a dropped connection
    o.max_retries = 1;
    co_await attempt("1. per-attempt timeout 200 ms, one retry allowed", client, text, o);
  }
  {
    schemaforge::structure_options o;
    o.timeout = 200ms;
    o.max_retries = 0;
    co_await attempt("2. per-attempt timeout 200 ms, no retry", client, text, o);
  }
  {
    schemaforge::structure_options o;
    o.deadline = 400ms;  // the whole call: every attempt, backoff and Retry-After wait
    co_await attempt("3. deadline 400 ms for the whole call", client, text, o);
  }

  auto executor = co_await asio::this_coro::executor;
  {
    // 4. Cancel from anywhere on the executor: a timer here, a shutdown handler or a UI in practice.
    std::cout << "4. cancelled by a timer after 150 ms\n";
    asio::cancellation_signal cancel;
    asio::steady_timer timer(executor, 150ms);
    timer.async_wait([&cancel](boost::system::error_code ec) {
      if (!ec) cancel.emit(asio::cancellation_type::terminal);
    });
    try {
      schemaforge::input in(text);
      print_value(co_await schemaforge::async_structure<Sentiment>(
          client, std::move(in), asio::bind_cancellation_slot(cancel.slot(), asio::use_awaitable)));
    } catch (const schemaforge::error& e) {
      print_error(e);
    }
    timer.cancel();  // when the call won, the timer must not fire into a signal that is gone
  }
  {
    // 5. The same race written with awaitable operators: whichever finishes first cancels the other.
    using namespace asio::experimental::awaitable_operators;
    std::cout << "5. call || timer(150 ms)\n";
    asio::steady_timer timer(executor, 150ms);
    try {
      schemaforge::input in(text);
      auto call = schemaforge::async_structure<Sentiment>(client, std::move(in), asio::use_awaitable);
      auto wait = timer.async_wait(asio::use_awaitable);
      std::variant<schemaforge::structure_result<Sentiment>, std::monostate> winner =
          co_await (std::move(call) || std::move(wait));
      if (winner.index() == 0) print_value(std::get<0>(winner));
      else std::cout << "  the timer won: the call was cancelled\n";
    } catch (const schemaforge::error& e) {
      print_error(e);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = argc > 1 ? argv[1] : "The update fixed every crash I had. Thank you!";
  try {
    asio::io_context io;
    schemaforge::client client(io.get_executor());  // OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL
    std::exception_ptr failure;
    asio::co_spawn(io, [&] { return run(client, text); }, [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {  // e.g. no endpoint configured
    std::cerr << "timeouts_cancellation: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
