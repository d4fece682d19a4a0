// A small persistent thread pool: the calling thread plus (size - 1) workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common.h"

namespace tts {

class ThreadPool {
 public:
  using TaskFn = void (*)(void* ctx, index_t task);

  static ThreadPool& instance();

  // Threads that share the work, the caller included (>= 1).
  int size() const { return size_.load(std::memory_order_relaxed); }
  // Replaces the workers; n < 1 means hardware_concurrency.
  void set_size(int n);

  // Runs fn(ctx, t) for every t in [0, ntasks), spread over the pool; returns when all are done.
  // Runs everything on the calling thread when the pool is busy (a nested call, or a call from
  // another thread such as a Node worker), so it never deadlocks.
  void run(index_t ntasks, TaskFn fn, void* ctx);

  ~ThreadPool();

 private:
  ThreadPool();
  void start_workers(int n);
  void stop_workers();
  void worker_loop(uint64_t seen);
  void drain(uint64_t seq);

  std::atomic<int> size_{1};
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> busy_{false};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> sleeping_{0};

  // The job being run. `claim_` packs (job sequence, task count, next task) into one word so that
  // a worker late from an earlier job can never claim a task of the current one by mistake.
  void run_job(index_t ntasks, TaskFn fn, void* ctx);
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  uint64_t seq_ = 0;
  std::atomic<uint64_t> claim_{0};
  std::atomic<index_t> done_{0};
};

// Waits politely: spins briefly, then yields the core (a busy machine may have descheduled the
// thread being waited for, and spinning would only delay it).
struct SpinWait {
  int spins = 0;
  void operator()() {
    if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
};

// Calls body(lo, hi) over [begin, end) split into chunks of at least `grain` elements (the
// whole range on the calling thread when it is shorter than two grains). Up to 4 chunks per
// thread, claimed as threads come free: a worker that starts late (its core busy with another
// process) still takes a share instead of leaving it all to the caller or holding it up.
template <class Body>
void parallel_for(index_t begin, index_t end, index_t grain, const Body& body) {
  index_t n = end - begin;
  if (n <= 0) return;
  ThreadPool& pool = ThreadPool::instance();
  index_t threads = pool.size();
  if (grain < 1) grain = 1;
  index_t chunks = threads <= 1 ? 1 : min_i(4 * threads, n / grain);
  if (chunks <= 1) {
    body(begin, end);
    return;
  }
  struct Ctx {
    const Body* body;
    index_t begin, n, chunks;
  } ctx{&body, begin, n, chunks};
  pool.run(
      chunks,
      [](void* p, index_t t) {
        const Ctx& c = *static_cast<const Ctx*>(p);
        index_t lo = c.begin + c.n * t / c.chunks;
        index_t hi = c.begin + c.n * (t + 1) / c.chunks;
        (*c.body)(lo, hi);
      },
      &ctx);
}

// Calls body(t) for t in [0, ntasks) spread over the pool.
template <class Body>
void parallel_tasks(index_t ntasks, const Body& body) {
  if (ntasks <= 0) return;
  if (ntasks == 1) {
    body(index_t{0});
    return;
  }
  ThreadPool::instance().run(
      ntasks, [](void* p, index_t t) { (*static_cast<const Body*>(p))(t); },
      const_cast<Body*>(&body));
}

}  // namespace tts
