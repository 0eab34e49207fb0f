// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>

namespace schemaforge::gen::detail {

// Calls work(i) for every i in [0, count) on up to `threads` threads (0: one per CPU this process
// may run on, never more than count), the calling thread among them; returns when all calls have
// returned. Each thread takes the next index until none is left. `work` must not throw.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& work);

}  // namespace schemaforge::gen::detail
