// SPDX-License-Identifier: MIT
// `infer --llm` in the model-free program: main() hands such a command line to schemaforge-model
// before parsing (needs_model_program), so this is reached only if that hand-over was bypassed.
// It keeps the runtime's HTTP layer, and libcurl with it, out of the model-free program.
#include "exit_status.hpp"
#include "infer_llm.hpp"

namespace schemaforge::cli {

std::string infer_with_model(const infer_llm_request&) {
  throw command_failure(exit_work_failed,
                        "infer --llm runs in schemaforge-model, which this program starts for it (schemaforge)");
}

}  // namespace schemaforge::cli
