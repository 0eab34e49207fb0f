// SPDX-License-Identifier: MIT
// Cost of schemaforge::schema on a typical extraction target (an invoice): compiling the schema,
// and validating a valid answer with validate() and is_valid(). Run by hand:
//   build/bin/bench_validate [iterations]
#include <schemaforge/schema.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  const auto document = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "invoice_number": {"type": "string", "pattern": "^INV-[0-9]+$"},
      "date": {"type": "string", "format": "date"},
      "total": {"type": "number", "minimum": 0},
      "currency": {"enum": ["EUR", "USD", "GBP"]},
      "lines": {"type": "array", "items": {"type": "object", "properties": {
        "description": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}, "unit_price": {"type": "number"}},
        "required": ["description", "quantity", "unit_price"], "additionalProperties": false}},
      "customer": {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": ["string", "null"]}},
        "required": ["name"]}
    },
    "required": ["invoice_number", "date", "total", "currency", "lines", "customer"],
    "additionalProperties": false
  })");
  const auto answer = nlohmann::json::parse(R"({"invoice_number": "INV-2024", "date": "2024-03-01", "total": 123.5,
    "currency": "EUR", "lines": [{"description": "a", "quantity": 2, "unit_price": 10},
    {"description": "b", "quantity": 1, "unit_price": 103.5}, {"description": "c", "quantity": 3, "unit_price": 0}],
    "customer": {"name": "Ada", "email": null}})");

  using clock = std::chrono::steady_clock;
  auto micros = [](clock::duration d, int n) { return std::chrono::duration<double, std::micro>(d).count() / n; };

  const int compilations = iterations / 100 + 1;
  auto start = clock::now();
  for (int i = 0; i < compilations; ++i) schemaforge::schema compiled(document);
  const double compile_us = micros(clock::now() - start, compilations);

  const schemaforge::schema schema(document);
  std::size_t errors = 0;
  start = clock::now();
  for (int i = 0; i < iterations; ++i) errors += schema.validate(answer).size();
  const double validate_us = micros(clock::now() - start, iterations);
  start = clock::now();
  for (int i = 0; i < iterations; ++i) errors += schema.is_valid(answer) ? 0 : 1;
  const double is_valid_us = micros(clock::now() - start, iterations);

  if (errors != 0) {
    std::cerr << "bench_validate: the sample answer should be valid\n";
    return 1;
  }
  std::cout << "compile " << compile_us << " us, validate " << validate_us << " us, is_valid " << is_valid_us
            << " us per call (" << iterations << " calls)\n";
  return 0;
}
