// SPDX-License-Identifier: MIT
#pragma once

namespace schemaforge::cli {

// One-line descriptions of the model commands, shared by the program that runs them and the one
// that only lists them in its help (see model_program.hpp).
inline constexpr const char* structure_command_summary =
    "Structure a text into one JSON instance of a schema with a language model; prints it on stdout. "
    "Exit 0 ok, 1 the call failed (API error after retries, still invalid after reasks), 2 bad input.";
inline constexpr const char* batch_command_summary =
    "Structure every line of a JSONL file ({\"id\": ..., \"text\": \"...\"}) into the schema; writes one result "
    "line per id to OUT as items finish. Exit 0 all ok, 1 some failed (see OUT), 2 bad input.";

}  // namespace schemaforge::cli
