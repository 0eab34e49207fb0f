// SPDX-License-Identifier: MIT
// Streaming: show an object while the model is still writing it. Each chunk of the answer turns
// into a "partial object" (the JSON so far, completed to valid JSON) and, when a value can no
// longer change, a "field complete" event - enough to fill a UI progressively. Once the stream
// ends, the whole object is validated against the schema and decoded into the generated type.
//
//   streaming ["a text"]      (endpoint from OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL)
#include "recipe.hpp"  // generated at build time from recipe.schema.json (see CMakeLists.txt)

#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/messages.hpp>
#include <schemaforge/schema.hpp>
#include <schemaforge/stream.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
using recipes::Recipe;

namespace {

constexpr const char* default_text =
    "Grandma's pancakes, enough for four: whisk 200 g flour, 300 ml milk, 2 eggs and a pinch of salt "
    "into a smooth batter, let it rest for ten minutes, then fry thin pancakes in a hot buttered pan.";

// The streamed call is a plain chat completion, so the schema goes into the instructions; the
// answer is checked against the same schema at the end.
std::vector<schemaforge::message> messages_for(const std::string& text) {
  return {schemaforge::system_message("Extract the recipe from the user's text. Answer with one JSON object "
                                      "that follows this JSON Schema, and nothing else:\n" +
                                      std::string(Recipe::json_schema())),
          schemaforge::user_message(text)};
}

asio::awaitable<void> stream_recipe(schemaforge::client client, std::string text) {
  // follow_json: read the content as JSON while it arrives (a ```json fence or prose before the
  // object is skipped), which is what produces partial_object and field_complete events.
  schemaforge::chat_stream stream = schemaforge::open_stream_chat(client, messages_for(text), {}, /*follow_json=*/true);

  nlohmann::json latest;  // the most complete view of the object so far
  using kind = schemaforge::stream_event::kind;
  while (std::optional<schemaforge::owned_stream_event> event = co_await stream.async_next(asio::use_awaitable)) {
    switch (event->type) {
      case kind::partial_object:
        latest = std::move(event->value);
        std::cout << "partial: " << latest.dump() << '\n';
        break;
      case kind::field_complete:
        std::cout << "  field " << (event->pointer.empty() ? "(root)" : event->pointer) << " complete: " << event->value.dump() << '\n';
        break;
      case kind::restart:  // the transport retried a broken stream: what came before is void
        latest = nlohmann::json();
        std::cout << "(stream restarted)\n";
        break;
      default:  // text deltas: the same content as raw text, not needed here
        break;
    }
  }
  // async_next ended with nullopt: the answer is whole (a broken stream would have thrown).
  schemaforge::chat_result answer = stream.result();

  // Streaming skips the structure engine's checks, so make them here: valid against the schema,
  // then decoded into the C++ type.
  static const schemaforge::schema recipe_schema(nlohmann::json::parse(Recipe::json_schema()));
  std::vector<schemaforge::validation_error> problems = recipe_schema.validate(latest);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cout << "invalid at '" << p.pointer << "': " << p.message << '\n';
    throw std::runtime_error("the streamed object does not match the schema");
  }
  Recipe recipe = latest.get<Recipe>();
  std::cout << "final: " << recipe.name << " for " << recipe.servings << ", " << recipe.ingredients.size()
            << " ingredient(s), " << recipe.steps.size() << " step(s)\n";
  for (const auto& ingredient : recipe.ingredients)
    std::cout << "  - " << ingredient.quantity << ' ' << ingredient.item << '\n';
  std::cout << "usage: " << answer.usage.total_tokens << " tokens, finish_reason: " << answer.finish_reason << '\n';
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
