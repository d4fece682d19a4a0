// Memory for large tensor storages, owned by the addon and recycled.
//
// A JS ArrayBuffer's memory counts as V8 "external memory": every ~64 MB of fresh outputs starts a
// full (concurrently marked) collection that takes the second core from the kernels, and a dead
// output's memory comes back only then, cold in the caches. PyTorch frees a tensor the moment its
// last reference goes and malloc hands the same warm block to the next op.
//
// Here each storage gets a SharedArrayBuffer over a block of ours. V8 does not count shared
// backing stores as external memory; the JS side (src/backends/native/tensor-memory.ts) counts the
// bytes itself and asks for young-generation collections, which are cheap when little survives.
// When V8 frees a dead storage's buffer (on any thread, after such a collection), the deleter
// gives its block back here, and the next storages reuse the memory while it is still warm.
//
// Blocks are carved out of segments mapped from the OS, as PyTorch's CUDA caching allocator does:
// a request takes the smallest free block that fits (best fit), splitting off what it does not
// need, and a block given back merges with free neighbours. So the memory of a dead large tensor
// (a dataset's intermediate, an evaluation batch's activations) serves smaller ones instead of
// sitting in a size class of its own: the peak memory of a Fashion-MNIST epoch fell from 1.2 GB
// with one free list per size class. Requests up to 1 MiB share 2 MiB segments, those up to 10 MiB
// 20 MiB ones, and larger ones get a segment of their own size (2 MiB granules); the small and
// large pools never share segments, so small long-lived tensors cannot pin large segments.
// Segments are 2 MiB-aligned and advised as transparent huge pages (MADV_HUGEPAGE; Linux's
// default THP mode "madvise" gives huge pages only to regions that ask): one TLB entry covers
// 2 MiB, so streaming ops stop missing the TLB every 4 KiB (a 10M-float sum 0.64-0.70 -> 0.47-0.54
// ms, add 10M 3.3-4.3 -> 2.7-2.9 ms), and faulting memory in costs a quarter (400 MB: 35 against
// 159 ms). An earlier try dropped them after a 505 ms stall for 188 MB: that was the hypervisor
// backing guest memory touched for the first time (834 ms for 400 MB once per VM for that memory,
// with 4 KiB pages as well, and no compaction stall counted). TORCH_TS_HUGE_PAGES=0 turns them off.
#include "tensor_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

namespace tts {
namespace {

constexpr size_t kPage = size_t{4} << 10;
constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kHugePage = 2 * kMiB;
/** Requests up to this size come from the small pool. */
constexpr size_t kSmallRequest = 1 * kMiB;
constexpr size_t kSmallSegment = 2 * kMiB;
/** Requests below this size (and above kSmallRequest) share segments of kMediumSegment bytes. */
constexpr size_t kMediumRequest = 10 * kMiB;
constexpr size_t kMediumSegment = 20 * kMiB;
constexpr size_t kLargeGranule = 2 * kMiB;
/** A large-pool block is split only when at least this much would be left over. */
constexpr size_t kLargeSplitRemainder = 1 * kMiB;

struct Segment;

struct Block {
  char* ptr;
  size_t size;
  Segment* segment;
  Block* prev;  // neighbours in the segment, by address
  Block* next;
  bool free;
  bool zero;      // its pages are known to read as zero (never written, or released)
  bool released;  // free and handed back to the OS with madvise: mapped but not resident
  size_t requested = 0;  // in use: the bytes its buffer asked for
};

struct Segment {
  char* base;
  size_t size;
  bool small;
  size_t allocated = 0;   // bytes in blocks in use
  uint64_t last_use = 0;  // `age` when a block was last taken from it or it became wholly free
  Block* first = nullptr;
};

struct BySizeThenAddress {
  bool operator()(const Block* a, const Block* b) const {
    return a->size != b->size ? a->size < b->size : a->ptr < b->ptr;
  }
};
using Pool = std::set<Block*, BySizeThenAddress>;

std::mutex mu;
Pool small_pool, large_pool;
std::unordered_map<void*, Block*> in_use;  // by address
std::set<Segment*> segments;
uint64_t age = 0;
TensorMemoryStats stats;

Pool& pool_of(const Segment* s) { return s->small ? small_pool : large_pool; }

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

size_t segment_size(size_t size) {
  if (size <= kSmallRequest) return kSmallSegment;
  if (size < kMediumRequest) return kMediumSegment;
  return round_up(size, kLargeGranule);
}

bool worth_splitting(const Block* b, size_t size) {
  const size_t rest = b->size - size;
  return b->segment->small ? rest >= kPage : rest >= kLargeSplitRemainder;
}

// The smallest free block of the pool that holds `size` bytes, resident ones before released ones
// of the same size (the set orders by size only; released blocks are rare).
Block* best_fit(Pool& pool, size_t size) {
  Block key{nullptr, size, nullptr, nullptr, nullptr, true, false, false};
  auto it = pool.lower_bound(&key);
  return it == pool.end() ? nullptr : *it;
}

bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* v = std::getenv("TORCH_TS_HUGE_PAGES");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }();
  return wanted;
}

// Maps `size` bytes (a multiple of 2 MiB), 2 MiB-aligned and advised as transparent huge pages.
void* map_aligned(size_t size) {
  if (!huge_pages_wanted()) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  }
  const size_t span = size + kHugePage;
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = start + span, aligned_end = aligned + size;
  if (end > aligned_end) munmap(reinterpret_cast<void*>(aligned_end), end - aligned_end);
#if defined(MADV_HUGEPAGE)
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

Segment* map_segment(size_t size, bool small) {
  void* p = map_aligned(size);
  if (p == nullptr) return nullptr;
  auto* s = new Segment{static_cast<char*>(p), size, small};
  s->first = new Block{s->base, size, s, nullptr, nullptr, true, true, false};
  segments.insert(s);
  stats.mapped += size;
  stats.cached += size;
  if (stats.mapped > stats.peak_mapped) stats.peak_mapped = stats.mapped;
  pool_of(s).insert(s->first);
  return s;
}

void unmap_segment(Segment* s) {
  Pool& pool = pool_of(s);
  for (Block* b = s->first; b != nullptr;) {
    Block* next = b->next;
    pool.erase(b);
    if (!b->released) {
      stats.cached -= b->size;
      stats.mapped -= b->size;
    }
    delete b;
    b = next;
  }
  munmap(s->base, s->size);
  segments.erase(s);
  delete s;
}

// Takes free block `b` out of its pool for `size` bytes, splitting off the rest as a free block.
void take_block(Block* b, size_t size) {
  Pool& pool = pool_of(b->segment);
  pool.erase(b);
  if (worth_splitting(b, size)) {
    auto* rest = new Block{b->ptr + size, b->size - size, b->segment, b, b->next, true, b->zero, b->released};
    if (b->next) b->next->prev = rest;
    b->next = rest;
    b->size = size;
    pool.insert(rest);
  }
  b->free = false;
  if (b->released) {
    b->released = false;
    stats.mapped += b->size;
    if (stats.mapped > stats.peak_mapped) stats.peak_mapped = stats.mapped;
  } else {
    stats.cached -= b->size;
  }
  stats.outstanding += b->size;
  b->segment->allocated += b->size;
  b->segment->last_use = age;
  in_use[b->ptr] = b;
}

// Merges free block `b` with its free neighbour `n` (n follows b); both are out of the pool.
void absorb_next(Block* b, Block* n) {
  b->size += n->size;
  b->zero = b->zero && n->zero;
  b->next = n->next;
  if (n->next) n->next->prev = b;
  delete n;
}

bool mergeable(const Block* a, const Block* b) {
  return b != nullptr && b->free && a->released == b->released;
}

// Unmaps wholly free segments that were last used before `min_age` (least recently used first)
// while more than `reserve` bytes are cached; then, while more than `keep_bytes` stay cached, the
// other wholly free segments (least recently used first) and then the free blocks of segments in
// use (given back to the OS with madvise, their address range kept).
void trim_locked(size_t keep_bytes, uint64_t min_age, size_t reserve) {
  std::vector<Segment*> stale, idle;
  for (Segment* s : segments) {
    if (s->allocated == 0) (s->last_use < min_age ? stale : idle).push_back(s);
  }
  const auto by_last_use = [](const Segment* a, const Segment* b) { return a->last_use < b->last_use; };
  std::sort(stale.begin(), stale.end(), by_last_use);
  for (Segment* s : stale) {
    if (stats.cached <= reserve) idle.push_back(s); else unmap_segment(s);
  }
  if (stats.cached <= keep_bytes) return;
  std::sort(idle.begin(), idle.end(), by_last_use);
  for (Segment* s : idle) {
    if (stats.cached <= keep_bytes) return;
    unmap_segment(s);
  }
  for (Pool* pool : {&large_pool, &small_pool}) {
    std::vector<Block*> resident;
    for (Block* b : *pool)
      if (!b->released) resident.push_back(b);
    // Largest first: the fewest madvise calls for the bytes.
    for (auto it = resident.rbegin(); it != resident.rend() && stats.cached > keep_bytes; ++it) {
      Block* b = *it;
      pool->erase(b);
      madvise(b->ptr, b->size, MADV_DONTNEED);
      b->released = true;
      b->zero = true;
      stats.cached -= b->size;
      stats.mapped -= b->size;
      // Released neighbours merge with it now that it is released too.
      if (mergeable(b, b->next)) {
        pool->erase(b->next);
        absorb_next(b, b->next);
      }
      if (mergeable(b, b->prev)) {
        Block* p = b->prev;
        pool->erase(p);
        absorb_next(p, b);
        b = p;
      }
      pool->insert(b);
    }
  }
}

}  // namespace

TensorBlock tensor_memory_take(size_t bytes) {
  const size_t size = round_up(bytes == 0 ? 1 : bytes, kPage);
  const bool small = size <= kSmallRequest;
  std::lock_guard<std::mutex> lock(mu);
  Block* b = best_fit(small ? small_pool : large_pool, size);
  bool fresh_segment = false;
  if (b == nullptr) {
    const size_t seg_size = segment_size(size);
    Segment* s = map_segment(seg_size, small);
    if (s == nullptr) {
      // The OS refused: give every idle segment back and try once more.
      trim_locked(0, UINT64_MAX, 0);
      s = map_segment(seg_size, small);
      if (s == nullptr) return {nullptr, false};
    }
    b = s->first;
    fresh_segment = true;
  }
  const bool zero = b->zero;
  take_block(b, size);
  b->requested = bytes;
  stats.requested += bytes;
  if (stats.requested > stats.peak_requested) stats.peak_requested = stats.requested;
  if (fresh_segment) ++stats.fresh; else ++stats.reused;
  // A new segment's unused rest counts as cached: over the limit, it goes back to the OS too.
  if (stats.cached > stats.cache_limit) trim_locked(stats.cache_limit, 0, 0);
  return {b->ptr, !zero};
}

bool tensor_memory_fits(size_t bytes) {
  const size_t size = round_up(bytes == 0 ? 1 : bytes, kPage);
  std::lock_guard<std::mutex> lock(mu);
  return best_fit(size <= kSmallRequest ? small_pool : large_pool, size) != nullptr;
}

void tensor_memory_give_back(void* data) {
  std::lock_guard<std::mutex> lock(mu);
  auto found = in_use.find(data);
  if (found == in_use.end()) return;  // not ours: cannot happen, but never corrupt the pools
  Block* b = found->second;
  in_use.erase(found);
  Segment* s = b->segment;
  Pool& pool = pool_of(s);
  b->free = true;
  b->zero = false;
  stats.outstanding -= b->size;
  stats.requested -= b->requested;
  stats.cached += b->size;
  s->allocated -= b->size;
  ++stats.returned;
  if (mergeable(b, b->next)) {
    pool.erase(b->next);
    absorb_next(b, b->next);
  }
  if (mergeable(b, b->prev)) {
    Block* p = b->prev;
    pool.erase(p);
    absorb_next(p, b);
    b = p;
  }
  pool.insert(b);
  if (s->allocated == 0) s->last_use = age;
  if (stats.cached > stats.cache_limit) trim_locked(stats.cache_limit, 0, 0);
}

void tensor_memory_trim(size_t keep_bytes) {
  std::lock_guard<std::mutex> lock(mu);
  trim_locked(keep_bytes, 0, 0);
}

void tensor_memory_age(size_t reserve) {
  std::lock_guard<std::mutex> lock(mu);
  // Wholly free segments that no storage used since the collection before this one held sizes no
  // longer asked for (an evaluation pass's, once training resumes): back to the OS, but for
  // `reserve` bytes, so that a steady loop whose storages move between segments does not give
  // back memory it asks for again a moment later (page faults: 2x as many in a CNN step without).
  const uint64_t min_age = age > 0 ? age - 1 : 0;
  ++age;
  trim_locked(SIZE_MAX, min_age, reserve);
}

void tensor_memory_set_cache_limit(size_t bytes) {
  std::lock_guard<std::mutex> lock(mu);
  stats.cache_limit = bytes;
  trim_locked(bytes, 0, 0);
}

void tensor_memory_reset_peak() {
  std::lock_guard<std::mutex> lock(mu);
  stats.peak_requested = stats.requested;
}

TensorMemoryStats tensor_memory_stats() {
  std::lock_guard<std::mutex> lock(mu);
  return stats;
}

}  // namespace tts
