// SPDX-License-Identifier: MIT
// Many texts structured at once, without overrunning the endpoint: at most --concurrency requests
// in flight and at most --rpm requests per minute. Items finish in any order; the results come
// back in input order, each one a value or an error, so one bad text never loses the others.
//
//   concurrent_limit [TEXTS_FILE] [--concurrency N] [--rpm N]     (one text per line)
#include "review.hpp"  // generated at build time from review.schema.json (see CMakeLists.txt)

#include <schemaforge/batch.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace asio = boost::asio;
using reviews::Review;

namespace {

struct settings {
  std::string texts_file = SAMPLE_TEXTS;
  std::size_t concurrency = 4;  // what the endpoint serves well at once
  double rpm = 600;             // the account's requests-per-minute budget
};

std::string code_name(std::error_code ec) {
  if (ec.category() == schemaforge::error_category())
    return schemaforge::to_string(static_cast<schemaforge::errc>(ec.value()));
  return ec.message();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

asio::awaitable<void> structure_all(schemaforge::client client, std::vector<std::string> texts, settings s) {
  schemaforge::batch_options options;
  options.max_concurrency = s.concurrency;
  // rpm paces requests evenly on the endpoint's limiter, which every call to the same base URL in
  // this process shares; retries and reasks count too. 429s and x-ratelimit-* headers still apply.
  options.rpm = s.rpm;
  options.item_options.max_reasks = 1;  // one second chance per text, then report it as failed
  // Runs as each item ends, in completion order: handy for progress or for writing results out.
  options.on_item = [](std::size_t index, const schemaforge::batch_item<nlohmann::json>& item) {
    std::cout << "finished #" << index + 1 << (item.ok() ? " (ok)" : " (failed)") << '\n';
  };

  // "{item}" is replaced by each text; every item is structured into a Review.
  std::vector<schemaforge::batch_item<Review>> results = co_await schemaforge::async_map<Review>(
      client, "Extract the product review from this customer message:\n{item}", texts, options,
      asio::use_awaitable);

  // Input order, whatever order the answers came in.
  std::size_t failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& item = results[i];
    std::cout << '[' << i + 1 << "] ";
    if (item.ok()) {
      const Review& r = item.result->value;
      std::cout << r.product << ": " << r.stars << "/5, " << nlohmann::json(r.sentiment).get<std::string>()
                << " - " << r.summary << " (" << item.result->ledger.size() << " request(s), "
                << item.result->usage.total_tokens << " tokens)\n";
    } else {
      const schemaforge::error& e = *item.failure;
      std::cout << "FAILED " << code_name(e.code()) << ": " << e.what() << '\n';
      // The ledger says what went wrong at each request (a first answer that broke the schema,
      // then a reask that did no better, ...).
      for (std::size_t k = 0; k < e.ledger.size(); ++k)
        std::cout << "      request " << k + 1 << ": " << code_name(e.ledger[k].error) << ": " << e.ledger[k].message << '\n';
      ++failed;
    }
  }
  std::cout << results.size() - failed << " ok, " << failed << " failed, " << results.size() << " texts\n";
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--concurrency" && i + 1 < argc) s.concurrency = std::stoul(argv[++i]);
    else if (arg == "--rpm" && i + 1 < argc) s.rpm = std::stod(argv[++i]);
    else if (!arg.empty() && arg[0] != '-') s.texts_file = arg;
    else {
      std::cerr << "usage: concurrent_limit [TEXTS_FILE] [--concurrency N] [--rpm N]\n";
      return 2;
    }
  }
  try {
    asio::io_context io;
    schemaforge::client client(io.get_executor());  // OPENAI_BASE_URL, OPENAI_API_KEY, SCHEMAFORGE_MODEL
    std::exception_ptr failure;
    asio::co_spawn(io, structure_all(client, read_lines(s.texts_file), s),
                   [&failure](std::exception_ptr e) { failure = e; });
    io.run();  // one thread drives every request: no thread per text
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {  // a batch that could not start: no endpoint, bad options, no file
    std::cerr << "concurrent_limit: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
  // Failed items are reported above and are part of a normal run; the exit status says the batch ran.
  return EXIT_SUCCESS;
}
