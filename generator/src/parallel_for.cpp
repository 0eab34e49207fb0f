// SPDX-License-Identifier: MIT
#include "parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace schemaforge::gen::detail {
namespace {

#ifdef __linux__
// A thread that starts on another CPU than the calling one, then may run anywhere this process
// may. Left to the scheduler, a new thread is queued on its parent's CPU, which is busy with the
// parent's share of the work, and waited there 0.5 to 4 ms before another CPU took it (measured
// on a 2-core machine, other CPU idle): up to a quarter of a 100-schema generate call.
class worker_thread {
 public:
  explicit worker_thread(std::function<void()> body) : start_(std::make_unique<start>(start{std::move(body), {}})) {
    if (sched_getaffinity(0, sizeof start_->allowed, &start_->allowed) != 0) CPU_ZERO(&start_->allowed);
    cpu_set_t elsewhere = start_->allowed;
    const int here = sched_getcpu();
    if (here >= 0) CPU_CLR(here, &elsewhere);
    int failed = EINVAL;
    if (CPU_COUNT(&elsewhere) > 0) {
      pthread_attr_t attr;
      pthread_attr_init(&attr);
      pthread_attr_setaffinity_np(&attr, sizeof elsewhere, &elsewhere);
      failed = pthread_create(&thread_, &attr, &run, start_.get());
      pthread_attr_destroy(&attr);
    }
    if (failed == EINVAL) failed = pthread_create(&thread_, nullptr, &run, start_.get());  // no usable other CPU
    if (failed) throw std::system_error(failed, std::generic_category(), "cannot start a thread");
  }
  worker_thread(const worker_thread&) = delete;
  worker_thread& operator=(const worker_thread&) = delete;
  ~worker_thread() { pthread_join(thread_, nullptr); }

 private:
  struct start {
    std::function<void()> body;
    cpu_set_t allowed;
  };
  static void* run(void* arg) {
    auto* s = static_cast<start*>(arg);
    if (CPU_COUNT(&s->allowed) > 0) sched_setaffinity(0, sizeof s->allowed, &s->allowed);  // free to move again
    s->body();
    return nullptr;
  }

  std::unique_ptr<start> start_;
  pthread_t thread_{};
};

unsigned usable_cpus() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) return static_cast<unsigned>(CPU_COUNT(&allowed));
  return std::max(1u, std::thread::hardware_concurrency());
}
#else
using worker_thread = std::jthread;
unsigned usable_cpus() { return std::max(1u, std::thread::hardware_concurrency()); }
#endif

}  // namespace

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) work(i);
  };
  if (threads == 0) threads = usable_cpus();
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
  std::vector<std::unique_ptr<worker_thread>> helpers;  // joined when destroyed, before this function returns
  for (unsigned t = 1; t < threads; ++t) helpers.push_back(std::make_unique<worker_thread>(worker));
  worker();
}

}  // namespace schemaforge::gen::detail
