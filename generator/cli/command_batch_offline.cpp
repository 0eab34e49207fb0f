// SPDX-License-Identifier: MIT
// `schemaforge batch export` and `batch import`: a batch that runs through OpenAI's Batch API (or
// vLLM's batch runner) instead of our own client. Export writes the engine's own first request of
// every item; import judges every returned answer by the engine's own repair and validation, and
// with --reask-online reasks the invalid ones through the endpoint flags.
#include "batch_lines.hpp"
#include "commands.hpp"
#include "exit_status.hpp"
#include "model_flags.hpp"

#include <schemaforge/batch.hpp>
#include <schemaforge/client.hpp>
#include <schemaforge/errors.hpp>
#include <schemaforge/recorded.hpp>
#include <schemaforge/schema.hpp>

#include <boost/asio/io_context.hpp>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace schemaforge::cli {
namespace {

using nlohmann::json;

// The Batch API wants custom_id as a string: the id itself, or a number's text.
std::string custom_id_of(const json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

// custom_id -> index into `lines`; two ids with one custom_id ("7" and 7) could not be told apart.
std::map<std::string, std::size_t> index_by_custom_id(const std::vector<input_line>& lines, const std::string& path) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto [at, inserted] = index.emplace(custom_id_of(lines[i].id), i);
    if (!inserted)
      throw command_failure(exit_bad_input,
                            "the ids on lines " + std::to_string(lines[at->second].line_number) + " and " +
                                std::to_string(lines[i].line_number) + " give the same custom_id \"" + at->first +
                                "\"; make the ids distinct as strings (" + path + ":" +
                                std::to_string(lines[i].line_number) + ": /id)");
  }
  return index;
}

// ---- export ---------------------------------------------------------------------------------

struct export_options {
  std::string schema_path, input_path, output_path, model, mode = "auto";
};

void run_export(const export_options& o) {
  model_flags flags;
  flags.mode = o.mode;
  flags.model = o.model;
  structure_options options = call_options_from(flags);
  const std::string model = client_options_from(flags).model;  // --model, else SCHEMAFORGE_MODEL; exit 2 when neither
  const schemaforge::schema target = load_schema(o.schema_path);
  const std::vector<input_line> lines = read_input_strictly(o.input_path);
  (void)index_by_custom_id(lines, o.input_path);

  output_file out(o.output_path, {});
  for (const auto& line : lines) {
    const json body = structure_request_body(input(line.text), target, options, model);
    // Built by hand so that custom_id comes first, as in OpenAI's examples.
    out.write("{\"custom_id\":" + json(custom_id_of(line.id)).dump() +
              ",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" +
              body.dump(-1, ' ', false, json::error_handler_t::replace) + "}");
  }
}

// ---- import ---------------------------------------------------------------------------------

struct import_options {
  std::string schema_path, input_path, output_path;
  std::vector<std::string> results_paths;  // OpenAI writes answers and errors to two files
  bool reask_online = false;
  bool resume = false;
  std::size_t concurrency = 16, endpoint_concurrency = 0;
  double rpm = 0, tpm = 0;
  model_flags model;
};

// What the results file says about one item.
struct returned_item {
  std::optional<recorded_answer> answer;
  std::string error_type, error_message;  // the Batch API did not run the request
};

[[noreturn]] void bad_result_line(const std::string& what, const std::string& path, std::size_t line,
                                  const std::string& pointer = {}) {
  throw command_failure(exit_bad_input, what + " (" + path + ":" + std::to_string(line) +
                                            (pointer.empty() ? std::string() : ": " + pointer) + ")");
}

// Where a custom_id was seen first: file and line.
struct seen_at {
  std::string path;
  std::size_t line = 0;
};

// Reads one Batch API output JSONL into `returned`: {"custom_id", "response": {"status_code",
// "request_id", "body"}, "error"}. Anything else is bad input naming the line and the JSON pointer.
void read_results(const std::string& path, const std::map<std::string, std::size_t>& by_custom_id,
                  std::vector<std::optional<returned_item>>& returned, std::vector<seen_at>& seen_on) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw command_failure(exit_bad_input, "cannot read the results file; check the path (" + path + ")");
  std::string raw;
  for (std::size_t number = 1; std::getline(in, raw); ++number) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.find_first_not_of(" \t") == std::string::npos) continue;
    json parsed;
    try {
      parsed = json::parse(raw);
    } catch (const json::parse_error& e) {
      bad_result_line("line " + std::to_string(number) + " of the results is not valid JSON: " + e.what(), path, number);
    }
    if (!parsed.is_object())
      bad_result_line("line " + std::to_string(number) + " of the results is not a JSON object", path, number);
    const auto id = parsed.find("custom_id");
    if (id == parsed.end() || !id->is_string())
      bad_result_line("line " + std::to_string(number) + " of the results has no custom_id string", path, number,
                      "/custom_id");
    const auto at = by_custom_id.find(id->get<std::string>());
    if (at == by_custom_id.end())
      bad_result_line("custom_id \"" + id->get<std::string>() +
                          "\" is not an id of the input; give import the --input that was exported",
                      path, number, "/custom_id");
    const std::size_t index = at->second;
    if (seen_on[index].line != 0)
      bad_result_line("custom_id \"" + id->get<std::string>() + "\" is on line " + std::to_string(seen_on[index].line) +
                          (seen_on[index].path == path ? std::string() : " of " + seen_on[index].path) +
                          " and on line " + std::to_string(number) + "; give each request's result once",
                      path, number, "/custom_id");
    seen_on[index] = {path, number};

    returned_item item;
    const auto response = parsed.find("response");
    const auto error = parsed.find("error");
    if (response != parsed.end() && !response->is_null()) {
      if (!response->is_object())
        bad_result_line("the response on line " + std::to_string(number) + " is not an object", path, number, "/response");
      const auto status = response->find("status_code");
      if (status == response->end() || !status->is_number_integer())
        bad_result_line("the response on line " + std::to_string(number) + " has no integer status_code", path, number,
                        "/response/status_code");
      const auto body = response->find("body");
      if (body == response->end() || !(body->is_object() || body->is_string()))
        bad_result_line("the response on line " + std::to_string(number) + " has no body (an object or a string)", path,
                        number, "/response/body");
      recorded_answer answer;
      answer.http_status = status->get<int>();
      answer.body = body->is_string() ? body->get<std::string>() : body->dump();
      if (auto rid = response->find("request_id"); rid != response->end() && rid->is_string())
        answer.request_id = rid->get<std::string>();
      item.answer = std::move(answer);
    } else if (error != parsed.end() && error->is_object()) {
      // The Batch API did not run this request (expired, cancelled, rejected).
      const std::string code = error->value("code", std::string());
      const std::string message = error->value("message", std::string());
      item.error_type = code == "batch_expired" ? "timeout" : code == "batch_cancelled" ? "cancelled" : "http_status";
      item.error_message = "the batch did not run this request: " + (code.empty() ? std::string() : code + ": ") +
                           (message.empty() ? std::string("no message") : message) + " (" + path + ":" +
                           std::to_string(number) + ")";
    } else {
      bad_result_line("line " + std::to_string(number) + " of the results has neither a response nor an error", path,
                      number, "/response");
    }
    returned[index] = std::move(item);
  }
  if (in.bad()) throw command_failure(exit_bad_input, "cannot read the results file (" + path + ")");
}

batch_item<json> as_item(std::exception_ptr failure, structure_result<json> value) {
  batch_item<json> item;
  if (!failure) {
    item.result = std::move(value);
    return item;
  }
  try {
    std::rethrow_exception(failure);
  } catch (const schemaforge::error& e) {
    item.failure = e;
  }
  return item;
}

void run_import(const import_options& o) {
  structure_options item_options = call_options_from(o.model);
  if (o.concurrency == 0) throw command_failure(exit_bad_input, "--concurrency must be at least 1 (--concurrency)");
  if (o.rpm < 0 || o.tpm < 0) throw command_failure(exit_bad_input, "--rpm and --tpm must be 0 (no limit) or more (--rpm/--tpm)");
  std::vector<client_options> endpoints;
  if (o.reask_online) {
    endpoints = endpoint_options_from(o.model);
    for (auto& settings : endpoints) item_options.deadline = std::exchange(settings.total_timeout, std::nullopt);
  }
  const schemaforge::schema target = load_schema(o.schema_path);
  const std::vector<input_line> lines = read_input_strictly(o.input_path);
  const auto by_custom_id = index_by_custom_id(lines, o.input_path);
  std::vector<std::optional<returned_item>> returned(lines.size());
  std::vector<seen_at> seen_on(lines.size());
  for (const auto& path : o.results_paths) read_results(path, by_custom_id, returned, seen_on);
  std::string results_named;
  for (const auto& path : o.results_paths) results_named += (results_named.empty() ? "" : ", ") + path;

  // --resume as for `schemaforge batch`: the ok lines already in OUT stay, the rest is judged
  // (and reasked) again.
  const resumed_output kept = o.resume ? resumed_output(o.output_path, lines) : resumed_output();
  output_file out(o.output_path, kept.lines());
  std::size_t failed = 0;
  std::vector<input> inputs;
  std::vector<recorded_answer> answers;
  std::vector<json> run_ids;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (kept.finished(lines[i].id)) continue;
    if (!returned[i]) {
      out.write(failed_line(lines[i].id, "missing_result",
                            "the results have no line for custom_id \"" + custom_id_of(lines[i].id) +
                                "\"; run it online with `schemaforge batch --resume` on this output (" + results_named + ")"));
      ++failed;
    } else if (!returned[i]->answer) {
      out.write(failed_line(lines[i].id, returned[i]->error_type, returned[i]->error_message));
      ++failed;
    } else {
      inputs.emplace_back(lines[i].text);
      answers.push_back(std::move(*returned[i]->answer));
      run_ids.push_back(lines[i].id);
    }
  }
  returned.clear();

  if (!o.reask_online) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      std::exception_ptr failure;
      structure_result<json> value;
      try {
        value = check_recorded_answer(inputs[i], target, item_options, answers[i]);
      } catch (...) {
        failure = std::current_exception();
      }
      batch_item<json> item = as_item(failure, std::move(value));
      if (item.failure) {
        ++failed;
        const auto code = item.failure->code();
        if (code == errc::validation_failed || code == errc::invalid_output) {
          schemaforge::error hinted(code, std::string(item.failure->what()) + "; --reask-online asks the model again");
          item.failure = std::move(hinted);
        }
      }
      out.write(result_line(run_ids[i], item));
    }
  } else if (!inputs.empty()) {
    boost::asio::io_context context;
    const std::vector<client> clients = make_clients(context.get_executor(), endpoints);
    batch_options options;
    options.max_concurrency = o.concurrency;
    options.max_concurrency_per_endpoint = o.endpoint_concurrency;
    options.rpm = o.rpm;
    options.tpm = o.tpm;
    options.item_options = item_options;
    options.on_item = [&](std::size_t index, const batch_item<json>& item) {
      if (!item.ok()) ++failed;
      out.write(result_line(run_ids[index], item));
    };
    std::exception_ptr failure;
    async_batch_structure_from(clients, std::move(inputs), std::move(answers), target, std::move(options),
                               [&](std::exception_ptr e, std::vector<batch_item<json>>) { failure = e; });
    context.run();
    if (failure) std::rethrow_exception(failure);
  }
  fail_if_items_failed(failed, lines.size(), o.output_path);
}

}  // namespace

void add_batch_export_command(CLI::App& batch) {
  auto o = std::make_shared<export_options>();
  CLI::App* command = batch.add_subcommand(
      "export",
      "Write OpenAI Batch API input JSONL: one request per input line (custom_id = id), exactly the request "
      "`schemaforge batch` would send first in that mode. Runs on OpenAI's Batch API and vLLM's batch runner.");
  command->add_option("--schema", o->schema_path, "The JSON Schema file")->required();
  command->add_option("--input", o->input_path, "The input JSONL file ({\"id\": ..., \"text\": \"...\"})")->required();
  command->add_option("--output", o->output_path, "The Batch API input JSONL to write")->required();
  command->add_option("--model", o->model, "Model name (default: SCHEMAFORGE_MODEL)");
  command->add_option("--mode", o->mode, "json_schema | tools | json | prompt; auto exports json_schema (default auto)");
  command->callback([o] { run_export(*o); });
}

void add_batch_import_command(CLI::App& batch) {
  auto o = std::make_shared<import_options>();
  CLI::App* command = batch.add_subcommand(
      "import",
      "Read Batch API output JSONL, validate every answer like `schemaforge batch` does (repair, schema), and write "
      "the usual result lines to OUT. Exit 0 all ok, 1 some failed (see OUT), 2 bad input.");
  command->add_option("--schema", o->schema_path, "The JSON Schema file (as given to export)")->required();
  command->add_option("--input", o->input_path, "The input JSONL file (as given to export)")->required();
  command->add_option("--results", o->results_paths,
                      "The Batch API output JSONL; give it again for more files (OpenAI's output and error files)")
      ->required();
  command->add_option("--output", o->output_path, "The output JSONL file")->required();
  command->add_flag("--reask-online", o->reask_online,
                    "Reask invalid answers online through the endpoint flags, continuing each conversation");
  command->add_flag("--resume", o->resume,
                    "Keep the ok lines already in OUT (a run that was interrupted) and import only the rest");
  command->add_option("--concurrency", o->concurrency, "With --reask-online: items in flight (default 16)");
  command->add_option("--endpoint-concurrency", o->endpoint_concurrency,
                      "With --reask-online and several --base-url: items in flight per endpoint at most");
  command->add_option("--rpm", o->rpm, "With --reask-online: requests per minute for each endpoint");
  command->add_option("--tpm", o->tpm, "With --reask-online: tokens per minute for each endpoint");
  add_model_flags(*command, o->model, "With --reask-online: seconds for one item's reasks (default none)", true);
  command->callback([o] { run_import(*o); });
}

}  // namespace schemaforge::cli
