// SPDX-License-Identifier: MIT
#include "openai/chat_completion.hpp"
#include "stream/chat_stream_assembler.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;
using schemaforge::detail::chat_stream_assembler;
using schemaforge::detail::chat_stream_handlers;
using schemaforge::detail::chat_stream_options;
using schemaforge::detail::partial_json_source;
using schemaforge::detail::stream_status;

namespace {

const std::filesystem::path traffic_dir = std::filesystem::path(SCHEMAFORGE_SHARED_DIR) / "fixtures" / "provider-traffic";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct stream_fixture {
  std::string file;
  std::string body;
  json expect;
};

std::vector<stream_fixture> stream_fixtures() {
  const json manifest = json::parse(read_file(traffic_dir / "MANIFEST.json"));
  std::vector<stream_fixture> out;
  for (const json& entry : manifest) {
    const std::string file = entry.at("file");
    if (file.rfind("stream/", 0) != 0) continue;
    out.push_back({file, read_file(traffic_dir / file), entry.at("expect")});
  }
  return out;
}

// Everything the handlers saw, to compare with what the assembler accumulated.
struct observed {
  std::vector<std::string> text;                                   // per choice
  std::vector<std::string> refusal;                                // per choice
  std::vector<std::vector<std::string>> arguments;                 // per choice, per tool call
  std::size_t partials = 0;
  json last_partial;
  std::vector<std::string> fields;

  chat_stream_handlers handlers() {
    chat_stream_handlers h;
    h.on_text = [this](std::size_t c, std::string_view t) { grow(text, c).append(t); };
    h.on_refusal = [this](std::size_t c, std::string_view t) { grow(refusal, c).append(t); };
    h.on_tool_arguments = [this](std::size_t c, std::size_t k, std::string_view t) {
      if (arguments.size() <= c) arguments.resize(c + 1);
      if (arguments[c].size() <= k) arguments[c].resize(k + 1);
      arguments[c][k].append(t);
    };
    h.on_partial = [this](const json& v) {
      ++partials;
      last_partial = v;
    };
    h.on_field_complete = [this](std::string_view p, const json&) { fields.emplace_back(p); };
    return h;
  }

  static std::string& grow(std::vector<std::string>& v, std::size_t i) {
    if (v.size() <= i) v.resize(i + 1);
    return v[i];
  }
};

void feed_in_random_chunks(chat_stream_assembler& a, std::string_view body, std::mt19937& rng) {
  std::size_t pos = 0;
  while (pos < body.size()) {
    // Mostly small pieces, sometimes large ones, as a network delivers them.
    const std::size_t len = std::uniform_int_distribution<int>(0, 3)(rng) == 0
                                ? std::uniform_int_distribution<std::size_t>(1, 2048)(rng)
                                : std::uniform_int_distribution<std::size_t>(1, 16)(rng);
    a.feed(body.substr(pos, len));
    pos += len;
  }
  a.finish();
}

bool is_json_container(const std::string& text) {
  const json v = json::parse(text, nullptr, false);
  return !v.is_discarded() && v.is_structured();
}

}  // namespace

TEST_CASE("stream assembly: every recorded provider stream matches its manifest") {
  const auto fixtures = stream_fixtures();
  REQUIRE(fixtures.size() >= 27);
  for (const stream_fixture& f : fixtures) {
    INFO(f.file);
    const json& e = f.expect;
    observed seen;
    chat_stream_assembler a(seen.handlers());
    a.feed(f.body);
    a.finish();

    CHECK(a.choice_count() == e.at("n_choices").get<std::size_t>());
    CHECK(a.done_marker() == e.at("done_marker").get<bool>());
    CHECK(a.usage().has_value() == e.at("usage_seen").get<bool>());
    CHECK(a.comment_lines() == e.at("sse_comment_lines").get<std::size_t>());
    CHECK(a.data_events() == e.at("events").get<std::size_t>());

    const bool error = e.at("error").get<bool>();
    CHECK((a.status() == stream_status::provider_error) == error);
    if (error) {
      REQUIRE(a.provider_error());
      CHECK_FALSE(a.provider_error()->message.empty());
      REQUIRE(a.error());
    } else {
      // Every recorded stream ended with [DONE] or a finish_reason on each choice.
      CHECK(a.status() == stream_status::complete);
      CHECK_FALSE(a.error());
    }

    REQUIRE(!a.choices().empty());
    const auto& c0 = a.choices()[0];
    if (e.at("finish_reason").is_null()) {
      CHECK_FALSE(c0.finish_reason);
    } else {
      REQUIRE(c0.finish_reason);
      CHECK(*c0.finish_reason == e.at("finish_reason").get<std::string>());
    }
    CHECK(!c0.refusal.empty() == e.at("refusal").get<bool>());

    bool any_tool_calls = false;
    bool all_json = true;
    for (const auto& c : a.choices()) {
      if (!c.seen) continue;
      any_tool_calls |= !c.tool_calls.empty();
      all_json &= is_json_container(c.content);
      // What the handlers saw adds up to what was assembled.
      CHECK(observed::grow(seen.text, c.index) == c.content);
      CHECK(observed::grow(seen.refusal, c.index) == c.refusal);
      for (std::size_t k = 0; k < c.tool_calls.size(); ++k) {
        const auto& call = c.tool_calls[k];
        CHECK_FALSE(call.name.empty());
        CHECK_FALSE(call.id.empty());
        CHECK(is_json_container(call.arguments));
        REQUIRE(seen.arguments.size() > c.index);
        REQUIRE(seen.arguments[c.index].size() > k);
        CHECK(seen.arguments[c.index][k] == call.arguments);
      }
    }
    CHECK(any_tool_calls == e.at("has_tool_calls").get<bool>());
    CHECK(all_json == e.at("content_json_valid").get<bool>());

    // The non-streaming shape carries the same answer.
    const json completion = a.to_completion();
    CHECK(completion.at("choices").size() == a.choice_count());
    CHECK(completion.contains("usage") == a.usage().has_value());
  }
}

TEST_CASE("stream assembly: the assembled answer goes through the non-streaming response parser") {
  for (const stream_fixture& f : stream_fixtures()) {
    INFO(f.file);
    chat_stream_assembler a;
    a.feed(f.body);
    a.finish();
    const auto parsed = schemaforge::detail::parse_chat_completion(a.to_completion().dump());
    REQUIRE(parsed.choices.size() == a.choice_count());
    for (const auto& choice : parsed.choices) {
      const auto& assembled = a.choices().at(static_cast<std::size_t>(choice.index));
      CHECK(choice.content.value_or("") == assembled.content);
      CHECK(choice.refusal == assembled.refusal);
      CHECK(choice.reasoning == assembled.reasoning);
      CHECK(choice.finish_reason == assembled.finish_reason);
      REQUIRE(choice.tool_calls.size() == assembled.tool_calls.size());
      for (std::size_t k = 0; k < choice.tool_calls.size(); ++k) {
        CHECK(choice.tool_calls[k].id == assembled.tool_calls[k].id);
        CHECK(choice.tool_calls[k].name == assembled.tool_calls[k].name);
        CHECK(choice.tool_calls[k].arguments == assembled.tool_calls[k].arguments);
      }
    }
    if (a.usage()) CHECK(parsed.usage.total_tokens == a.usage()->total_tokens);
  }
}

TEST_CASE("stream assembly: random chunk sizes give the same result") {
  std::mt19937 rng(6);
  for (const stream_fixture& f : stream_fixtures()) {
    INFO(f.file);
    chat_stream_assembler whole;
    whole.feed(f.body);
    whole.finish();
    for (int round = 0; round < 8; ++round) {
      observed seen;
      chat_stream_assembler a(seen.handlers());
      feed_in_random_chunks(a, f.body, rng);
      CHECK(a.status() == whole.status());
      CHECK(a.data_events() == whole.data_events());
      CHECK(a.comment_lines() == whole.comment_lines());
      CHECK(a.to_completion() == whole.to_completion());
    }
  }
}

TEST_CASE("stream assembly: details of particular providers") {
  auto assemble = [](const std::string& name) {
    auto a = std::make_unique<chat_stream_assembler>();
    a->feed(read_file(traffic_dir / "stream" / name));
    a->finish();
    return a;
  };

  SECTION("a gateway whose first tool call has index 1") {
    const auto a = assemble("anthropic-gateway-tool-call-index1.sse");
    const auto& c = a->choices().at(0);
    CHECK(c.content == "Reading it.");
    REQUIRE(c.tool_calls.size() == 1);
    CHECK(c.tool_calls[0].index == 1);
    CHECK(c.tool_calls[0].id == "toolu_sanitized");
    CHECK(c.tool_calls[0].name == "read_file");
    CHECK(json::parse(c.tool_calls[0].arguments) == json{{"path", "a.txt"}});
  }
  SECTION("continuation deltas repeating id \"\" and name \"\"") {
    const auto a = assemble("alibaba-tool-call.sse");
    REQUIRE(a->choices().at(0).tool_calls.size() == 1);
    CHECK(a->choices()[0].tool_calls[0].id == "call_eee11723464a4b9eb8cee71d");
    CHECK(json::parse(a->choices()[0].tool_calls[0].arguments) == json{{"location", "San Francisco"}});
    const auto b = assemble("mistral-tool-call-incremental.sse");
    REQUIRE(b->choices().at(0).tool_calls.size() == 1);
    CHECK(b->choices()[0].tool_calls[0].name == "webSearchTool");
  }
  SECTION("a tool call without index") {
    const auto a = assemble("mistral-tool-call.sse");
    REQUIRE(a->choices().at(0).tool_calls.size() == 1);
    CHECK_FALSE(a->choices()[0].tool_calls[0].index);
    CHECK(a->choices()[0].tool_calls[0].name == "weather");
  }
  SECTION("parallel tool calls") {
    const auto a = assemble("openai-tool-calls-parallel.sse");
    REQUIRE(a->choices().at(0).tool_calls.size() == 2);
    CHECK(a->choices()[0].tool_calls[0].index == 0);
    CHECK(a->choices()[0].tool_calls[1].index == 1);
  }
  SECTION("content as typed parts: only text parts are the answer") {
    CHECK(assemble("mistral-reasoning-content-parts.sse")->choices().at(0).content == "2 + 2 = 4");
  }
  SECTION("reasoning deltas are not content") {
    const auto a = assemble("xai-tool-call-reasoning.sse");
    CHECK(a->choices().at(0).content.empty());
    CHECK(a->choices()[0].reasoning == "First, the user is");
    CHECK(assemble("mistral-reasoning-content-parts.sse")->choices().at(0).reasoning ==
          "The user is asking for 2+2. This is basic arithmetic. 2+2=4.");
    CHECK(a->usage()->total_tokens == 513);
  }
  SECTION("trailing chunks after the usage chunk") {
    const auto a = assemble("openai-gpt5-moderation-trailing-chunk.sse");
    CHECK(a->choices().at(0).content == "Paris.");
    CHECK(a->usage()->prompt_tokens == 13);
    CHECK(a->usage()->completion_tokens == 11);
    CHECK(a->usage()->total_tokens == 24);
  }
  SECTION("an error event in the middle of the stream") {
    const auto a = assemble("groq-error-midstream-tool-use-failed.sse");
    REQUIRE(a->provider_error());
    CHECK(a->provider_error()->message.rfind("Tool call validation failed", 0) == 0);
    CHECK(a->provider_error()->code == "tool_use_failed");
    CHECK(a->provider_error()->status_code == 400);
    const auto err = a->error();
    REQUIRE(err);
    CHECK(err->code() == schemaforge::errc::http_status);
    CHECK(err->http_status == 400);
    CHECK(err->provider_message == a->provider_error()->message);
  }
  SECTION("an error chunk after finish_reason length") {
    const auto a = assemble("openrouter-length-error-chunk.sse");
    CHECK(a->choices().at(0).finish_reason == "length");
    REQUIRE(a->provider_error());
    CHECK(a->provider_error()->message == "Token limit reached");
    CHECK(a->usage()->completion_tokens == 10);
  }
  SECTION("interleaved choices") {
    const auto a = assemble("openai-json-schema-n3.sse");
    REQUIRE(a->choice_count() == 3);
    for (const auto& c : a->choices()) CHECK(json::parse(c.content).is_object());
  }
  SECTION("refusal") {
    const auto a = assemble("openai-json-schema-refusal.sse");
    CHECK(a->choices().at(0).content.empty());
    CHECK_FALSE(a->choices()[0].refusal.empty());
    CHECK(a->to_completion()["choices"][0]["message"]["content"].is_null());
  }
}

TEST_CASE("stream assembly: partial objects follow the JSON answer") {
  for (const stream_fixture& f : stream_fixtures()) {
    const bool json_content = f.expect.at("content_json_valid").get<bool>();
    const bool tool = f.expect.at("has_tool_calls").get<bool>() && !f.expect.at("error").get<bool>();
    if (!json_content && !tool) continue;
    for (const auto source : {partial_json_source::content, partial_json_source::tool_arguments}) {
      if (source == partial_json_source::content ? !json_content : !tool) continue;
      INFO(f.file << (source == partial_json_source::content ? " content" : " tool arguments"));
      observed seen;
      chat_stream_options opts;
      opts.partial = source;
      chat_stream_assembler a(seen.handlers(), opts);
      std::mt19937 rng(5);
      feed_in_random_chunks(a, f.body, rng);
      const auto& c0 = a.choices().at(0);
      const json final_value =
          json::parse(source == partial_json_source::content ? c0.content : c0.tool_calls.at(0).arguments);
      REQUIRE(a.partial() != nullptr);
      CHECK(a.partial()->complete());
      CHECK(a.partial()->value() == final_value);
      CHECK(seen.partials >= 1);
      CHECK(seen.last_partial == final_value);
      REQUIRE_FALSE(seen.fields.empty());
      CHECK(seen.fields.back().empty());  // the root is the last field to complete
    }
  }

  SECTION("the partial object grows while the stream is open") {
    observed seen;
    chat_stream_options opts;
    opts.partial = partial_json_source::content;
    chat_stream_assembler a(seen.handlers(), opts);
    auto chunk = [](const std::string& text) {
      return "data: " + json{{"choices", {{{"index", 0}, {"delta", {{"content", text}}}}}}}.dump() + "\n\n";
    };
    a.feed(chunk("```json\n{\"city\": \"Par"));
    CHECK(seen.last_partial == json{{"city", "Par"}});
    CHECK(seen.fields.empty());
    a.feed(chunk("is\", \"pop"));
    CHECK(seen.last_partial == json{{"city", "Paris"}});
    CHECK(seen.fields == std::vector<std::string>{"/city"});
    a.feed(chunk("ulation\": 2102650}\n```"));
    CHECK(seen.last_partial == json{{"city", "Paris"}, {"population", 2102650}});
    CHECK(seen.fields == std::vector<std::string>{"/city", "/population", ""});
  }
}

TEST_CASE("stream assembly: truncation is never a silent success") {
  const std::string body = read_file(traffic_dir / "stream" / "openai-text.sse");
  const auto finish_at = body.find("\"finish_reason\":\"stop\"");
  REQUIRE(finish_at != std::string::npos);
  const auto finish_event = body.rfind("data: ", finish_at);
  const auto done_event = body.find("data: [DONE]");
  REQUIRE(done_event != std::string::npos);

  SECTION("cut before the finish_reason chunk, on an event boundary") {
    chat_stream_assembler a;
    a.feed(body.substr(0, finish_event));
    a.finish();
    CHECK(a.status() == stream_status::truncated);
    CHECK_FALSE(a.ended_properly());
    const auto err = a.error();
    REQUIRE(err);
    CHECK(err->code() == schemaforge::errc::connection);
    CHECK(std::string(err->what()).find("ended before [DONE]") != std::string::npos);
  }
  SECTION("cut inside every event: truncated, not a protocol error") {
    for (std::size_t cut = 1; cut < finish_event; cut += 37) {
      INFO("cut at " << cut);
      chat_stream_assembler a;
      a.feed(body.substr(0, cut));
      a.finish();
      CHECK(a.status() == stream_status::truncated);
    }
  }
  SECTION("cut after the finish_reason but before [DONE]: the answer is whole") {
    chat_stream_assembler a;
    a.feed(body.substr(0, done_event));
    a.finish();
    CHECK(a.status() == stream_status::complete);
    CHECK(a.choices().at(0).content.size() > 0);
  }
  SECTION("several choices: each needs its finish_reason") {
    const std::string n3 = read_file(traffic_dir / "stream" / "openai-json-schema-n3.sse");
    const auto first_finish = n3.rfind("data: ", n3.find("\"finish_reason\":\"stop\""));
    const auto next_event = n3.find("data: ", first_finish + 1);
    chat_stream_assembler a;
    a.feed(n3.substr(0, next_event));
    a.finish();
    CHECK(a.status() == stream_status::truncated);
  }
  SECTION("an empty body") {
    chat_stream_assembler a;
    a.finish();
    CHECK(a.status() == stream_status::truncated);
  }
  SECTION("the partial object of a truncated stream stays partial") {
    chat_stream_options opts;
    opts.partial = partial_json_source::content;
    chat_stream_assembler a({}, opts);
    a.feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[1, 2\"}}]}\n\n");
    a.finish();
    CHECK(a.status() == stream_status::truncated);
    CHECK(a.partial()->value() == json::array({1}));  // 2 might have been 25
    CHECK_FALSE(a.partial()->complete());
  }
}

TEST_CASE("stream assembly: malformed and hostile streams") {
  SECTION("an event that is not JSON") {
    chat_stream_assembler a;
    a.feed("data: {\"choices\":[]}\n\ndata: <html>\n\ndata: [DONE]\n\n");
    a.finish();
    CHECK(a.status() == stream_status::protocol_error);
    REQUIRE(a.error());
    CHECK(a.error()->code() == schemaforge::errc::protocol);
  }
  SECTION("an error event with plain text") {
    chat_stream_assembler a;
    a.feed("event: error\ndata: upstream overloaded\n\n");
    a.finish();
    CHECK(a.status() == stream_status::provider_error);
    CHECK(a.provider_error()->message == "upstream overloaded");
  }
  SECTION("quota and rate limit errors map to their codes") {
    chat_stream_assembler q;
    q.feed("data: {\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\"}}\n\n");
    q.finish();
    CHECK(q.error()->code() == schemaforge::errc::quota);
    chat_stream_assembler r;
    r.feed("data: {\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}\n\n");
    r.finish();
    CHECK(r.error()->code() == schemaforge::errc::rate_limited);
  }
  SECTION("a huge choice index") {
    chat_stream_assembler a;
    a.feed("data: {\"choices\":[{\"index\":100000000,\"delta\":{\"content\":\"x\"}}]}\n\n");
    a.finish();
    CHECK(a.status() == stream_status::protocol_error);
  }
  SECTION("an event larger than the limit") {
    chat_stream_options opts;
    opts.max_event_bytes = 1024;
    chat_stream_assembler a({}, opts);
    a.feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + std::string(2000, 'x'));
    a.finish();
    CHECK(a.status() == stream_status::protocol_error);
  }
  SECTION("events after [DONE] are ignored") {
    chat_stream_assembler a;
    a.feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"
           "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n");
    a.finish();
    CHECK(a.status() == stream_status::complete);
    CHECK(a.choices().at(0).content == "a");
  }
  SECTION("the same tool index with a new id starts a new call") {
    chat_stream_assembler a;
    a.feed(R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{}"}}]}}]})"
           "\n\n"
           R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"b","function":{"name":"g","arguments":"{\"x\":"}}]}}]})"
           "\n\n"
           R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]})"
           "\n\n");
    a.finish();
    const auto& calls = a.choices().at(0).tool_calls;
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].name == "f");
    CHECK(calls[0].arguments == "{}");
    CHECK(calls[1].name == "g");
    CHECK(calls[1].arguments == "{\"x\":1}");
    CHECK(a.status() == stream_status::complete);
  }
}
