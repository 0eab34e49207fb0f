// SPDX-License-Identifier: MIT
#pragma once

#include "structure/structure_engine.hpp"

#include <schemaforge/recorded.hpp>

namespace schemaforge::detail {

// The engine's endpoint for a call whose first answer was recorded elsewhere (Batch API): the
// first send returns `answer` (and records it as an attempt); later sends (reasks) go to
// `online.send`, or fail with invalid_argument when there is none. Without an online
// transport_failure, a recorded non-2xx answer is reported as the HTTP layer would report it.
endpoint_io replaying(recorded_answer answer, endpoint_io online);

}  // namespace schemaforge::detail
