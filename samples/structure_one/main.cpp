// SPDX-License-Identifier: MIT
// The smallest useful schemaforge program: one text in, one value of a generated C++ type out,
// with what it cost (token usage) and how it got there (every HTTP attempt). The same call is
// made twice: from a C++20 coroutine, and from plain code through a std::future.
//
//   structure_one ["some text"]      (endpoint from OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL)
#include "meeting.hpp"  // generated at build time from meeting.schema.json (see CMakeLists.txt)

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/structure.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <exception>
#include <future>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

namespace asio = boost::asio;
using meetings::Meeting;

namespace {

constexpr const char* default_text =
    "Hi all - can we get together on Tuesday 14 April 2026 at 10:30 to plan the Q3 roadmap? "
    "45 minutes should do. Ana, Ben and Chloe please; room Orion, or join by video.";

// Instructions travel as a system message before the text; the schema itself is sent by the library.
constexpr const char* instructions = "Extract the meeting this message proposes.";

// "timeout", "rate_limited", ...: the stable names of schemaforge::errc.
std::string code_name(std::error_code ec) {
  if (ec.category() == schemaforge::error_category()) return schemaforge::to_string(static_cast<schemaforge::errc>(ec.value()));
  return ec.message();
}

const char* reason_of(const schemaforge::attempt& a) {
  switch (a.reason) {
    case schemaforge::attempt::kind::initial: return "first try";
    case schemaforge::attempt::kind::retry: return "transport retry";
    case schemaforge::attempt::kind::reask: return "reask";
  }
  return "?";
}

void print(const char* style, const schemaforge::structure_result<Meeting>& r) {
  const Meeting& m = r.value;
  // Typed access: required fields are plain members, optional ones std::optional.
  std::cout << style << ": \"" << m.topic << "\" on " << m.date << " at " << m.start_time.value_or("?") << ", "
            << m.attendees.size() << " attendee(s)\n";
  std::cout << nlohmann::json(m).dump(2) << '\n';
  std::cout << "usage: " << r.usage.prompt_tokens << " prompt + " << r.usage.completion_tokens
            << " completion = " << r.usage.total_tokens << " tokens\n";
  std::cout << "mode: " << schemaforge::to_string(r.mode) << ", attempts: " << r.ledger.size() << '\n';
  int n = 0;
  for (const schemaforge::attempt& a : r.ledger) {
    std::cout << "  attempt " << ++n << " (" << reason_of(a) << "): HTTP " << a.http_status << ", "
              << a.latency.count() << " ms";
    if (a.waited_before.count() > 0) std::cout << " after waiting " << a.waited_before.count() << " ms";
    if (a.error) std::cout << ", " << code_name(a.error) << ": " << a.message;
    std::cout << '\n';
  }
}

// Style 1: a coroutine. Failures arrive as a thrown schemaforge::error.
asio::awaitable<void> structure_in_coroutine(schemaforge::client client, std::string text) {
  // Named, not a temporary inside the co_await: GCC 12 mishandles those.
  schemaforge::input in(std::move(text), instructions);
  auto result = co_await schemaforge::async_structure<Meeting>(client, std::move(in), asio::use_awaitable);
  print("coroutine", result);
}

// Style 2: a std::future, for code that is not asynchronous itself. The io_context runs on its own
// thread, and this thread blocks in get(), which rethrows the call's schemaforge::error.
void structure_with_future(const std::string& text) {
  asio::io_context io;
  schemaforge::client client(io.get_executor());
  auto keep_running = asio::make_work_guard(io);  // run() must not return before the call starts
  std::thread io_thread([&io] { io.run(); });

  std::future<schemaforge::structure_result<Meeting>> pending =
      schemaforge::async_structure<Meeting>(client, schemaforge::input(text, instructions), asio::use_future);
  std::optional<schemaforge::structure_result<Meeting>> result;
  std::exception_ptr failure;
  try {
    result = pending.get();
  } catch (...) {
    failure = std::current_exception();
  }
  // The client keeps idle connections open, so run() would not run out of work: stop it, and
  // only then let the client and the io_context go.
  io.stop();
  io_thread.join();
  if (failure) std::rethrow_exception(failure);
  print("future", *result);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = argc > 1 ? argv[1] : default_text;
  try {
    asio::io_context io;
    // client_options::from_environment(): OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL.
    schemaforge::client client(io.get_executor());
    std::exception_ptr failure;
    asio::co_spawn(io, structure_in_coroutine(client, text), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);

    structure_with_future(text);
  } catch (const schemaforge::error& e) {
    // code() is a stable schemaforge::errc; the ledger says what every attempt got.
    std::cerr << "structure_one: " << code_name(e.code()) << ": " << e.what() << " (" << e.ledger.size() << " attempt(s))\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
