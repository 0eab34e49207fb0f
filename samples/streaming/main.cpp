// SPDX-License-Identifier: MIT
// Streaming: show an object while the model is still writing it. open_stream_structure runs the
// same engine as async_structure (schema sent per mode, local repair, validation, reasks) but
// streams every request, so a coroutine can read the call as a sequence of events: the object so
// far ("partial object", completed to valid JSON), each field once it can no longer change, and
// at the end the validated value - enough to fill a UI progressively.
//
//   streaming ["a text"]      (endpoint from OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL)
#include "recipe.hpp"  // generated at build time from recipe.schema.json (see CMakeLists.txt)

#include <schemaforge/client.hpp>
#include <schemaforge/stream_structure.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

namespace asio = boost::asio;
using recipes::Recipe;

namespace {

constexpr const char* default_text =
    "Grandma's pancakes, enough for four: whisk 200 g flour, 300 ml milk, 2 eggs and a pinch of salt "
    "into a smooth batter, let it rest for ten minutes, then fry thin pancakes in a hot buttered pan.";

asio::awaitable<void> stream_recipe(schemaforge::client client, std::string text) {
  // The call starts at once; its events wait in a queue until async_next reads them.
  schemaforge::input in(std::move(text), "Extract the recipe from the user's text.");
  auto stream = schemaforge::open_stream_structure<Recipe>(client, std::move(in));

  using kind = schemaforge::structure_stream_event::kind;
  while (auto event = co_await stream.async_next(asio::use_awaitable)) {
    switch (event->type) {
      case kind::partial_object:  // as the model wrote it so far: not yet repaired or validated
        std::cout << "partial: " << event->value.dump() << '\n';
        break;
      case kind::field_complete:  // this value will not change any more ("" is the whole object)
        std::cout << "  field " << (event->pointer.empty() ? "(root)" : event->pointer)
                  << " complete: " << event->value.dump() << '\n';
        break;
      case kind::restart:  // a retry of a broken stream, or a reask: every partial before is void
        std::cout << "(new request: "
                  << (event->reason == schemaforge::attempt::kind::reask ? "reask" : "retry") << ")\n";
        break;
      case kind::value:  // the last event: repaired if needed and valid against the schema
        std::cout << "value: " << event->value.dump() << '\n';
        break;
      default:  // text and tool-argument deltas: the same answer as raw text
        break;
    }
  }
  // async_next ended with nullopt, so the call succeeded (a failure throws schemaforge::error from
  // async_next); result() decodes the validated value into the generated type.
  schemaforge::structure_result<Recipe> result = stream.result();
  const Recipe& recipe = result.value;
  std::cout << "final: " << recipe.name << " for " << recipe.servings << ", " << recipe.ingredients.size()
            << " ingredient(s), " << recipe.steps.size() << " step(s)\n";
  for (const auto& ingredient : recipe.ingredients) std::cout << "  - " << ingredient.quantity << ' ' << ingredient.item << '\n';
  std::cout << "usage: " << result.usage.total_tokens << " tokens, mode: " << schemaforge::to_string(result.mode)
            << ", " << result.ledger.size() << " request(s)\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = argc > 1 ? argv[1] : default_text;
  try {
    asio::io_context io;
    schemaforge::client client(io.get_executor());  // OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL
    std::exception_ptr failure;
    asio::co_spawn(io, stream_recipe(client, text), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {  // schemaforge::error: truncated stream, provider error, no endpoint ...
    std::cerr << "streaming: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
