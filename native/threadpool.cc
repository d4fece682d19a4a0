#include "threadpool.h"

#include <chrono>

namespace tts {

namespace {
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// How long an idle worker spins before it sleeps: back-to-back kernels (a training step) then
// start without a futex wake-up, while an idle process costs nothing after this.
constexpr auto kSpin = std::chrono::microseconds(200);
}  // namespace

ThreadPool& ThreadPool::instance() {
  // Leaked on purpose: joining threads from a static destructor at process exit can deadlock.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() { set_size(0); }

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::set_size(int n) {
  if (n < 1) {
    unsigned hc = std::thread::hardware_concurrency();
    n = hc == 0 ? 1 : static_cast<int>(hc);
  }
  if (n > 256) n = 256;
  bool expected = false;
  while (!busy_.compare_exchange_weak(expected, true)) {
    expected = false;
    cpu_relax();
  }
  stop_workers();
  start_workers(n - 1);
  size_.store(n, std::memory_order_relaxed);
  busy_.store(false);
}

void ThreadPool::start_workers(int n) {
  stop_.store(false);
  // The worker starts from the generation of now, not of when its thread happens to run, so a
  // stop or job issued before it runs is still seen.
  uint64_t gen = generation_.load();
  for (int i = 0; i < n; ++i) workers_.emplace_back([this, gen] { worker_loop(gen); });
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

namespace {
constexpr int kIndexBits = 20;
constexpr uint64_t kIndexMask = (uint64_t{1} << kIndexBits) - 1;
constexpr index_t kMaxTasks = static_cast<index_t>(kIndexMask);
inline uint64_t pack(uint64_t seq, uint64_t ntasks, uint64_t next) {
  return (seq << (2 * kIndexBits)) | (ntasks << kIndexBits) | next;
}
}  // namespace

void ThreadPool::drain(uint64_t seq) {
  for (;;) {
    uint64_t v = claim_.load(std::memory_order_acquire);
    uint64_t next, ntasks;
    do {
      next = v & kIndexMask;
      ntasks = (v >> kIndexBits) & kIndexMask;
      if ((v >> (2 * kIndexBits)) != seq || next >= ntasks) return;
    } while (!claim_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel,
                                           std::memory_order_acquire));
    // The claimed task keeps the caller waiting, so fn_ and ctx_ stay as published.
    fn_(ctx_, static_cast<index_t>(next));
    done_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::worker_loop(uint64_t seen) {
  for (;;) {
    // Spin a little, then sleep until the generation changes.
    auto until = std::chrono::steady_clock::now() + kSpin;
    int spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen) {
      cpu_relax();
      if (++spins == 256) {
        spins = 0;
        if (std::chrono::steady_clock::now() > until) {
          std::unique_lock<std::mutex> lock(mutex_);
          sleeping_.fetch_add(1);
          wake_.wait(lock, [&] { return generation_.load() != seen; });
          sleeping_.fetch_sub(1);
          break;
        }
      }
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    drain(claim_.load(std::memory_order_acquire) >> (2 * kIndexBits));
  }
}

void ThreadPool::run(index_t ntasks, TaskFn fn, void* ctx) {
  if (ntasks <= 0) return;
  bool expected = false;
  // busy_ first: it also keeps set_size() from changing workers_ under us.
  if (ntasks == 1 || !busy_.compare_exchange_strong(expected, true)) {
    for (index_t t = 0; t < ntasks; ++t) fn(ctx, t);
    return;
  }
  if (workers_.empty()) {
    busy_.store(false, std::memory_order_release);
    for (index_t t = 0; t < ntasks; ++t) fn(ctx, t);
    return;
  }
  if (ntasks <= kMaxTasks) {
    run_job(ntasks, fn, ctx);
  } else {
    // Rare: more tasks than one job can count; run them in rounds.
    struct Round {
      TaskFn fn;
      void* ctx;
      index_t base;
    } round{fn, ctx, 0};
    for (; round.base < ntasks; round.base += kMaxTasks) {
      run_job(min_i(kMaxTasks, ntasks - round.base),
              [](void* p, index_t t) {
                auto* r = static_cast<Round*>(p);
                r->fn(r->ctx, r->base + t);
              },
              &round);
    }
  }
  busy_.store(false, std::memory_order_release);
}

void ThreadPool::run_job(index_t ntasks, TaskFn fn, void* ctx) {
  fn_ = fn;
  ctx_ = ctx;
  seq_ = (seq_ + 1) & ((uint64_t{1} << (64 - 2 * kIndexBits)) - 1);
  done_.store(0, std::memory_order_relaxed);
  claim_.store(pack(seq_, static_cast<uint64_t>(ntasks), 0), std::memory_order_release);
  {
    // The mutex orders the generation bump against a worker that is about to sleep.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  if (sleeping_.load() > 0) wake_.notify_all();
  drain(seq_);
  SpinWait pause;
  while (done_.load(std::memory_order_acquire) < ntasks) pause();
}

}  // namespace tts
