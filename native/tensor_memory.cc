// Memory for large tensor storages, owned by the addon and recycled.
//
// A JS ArrayBuffer's memory counts as V8 "external memory": every ~64 MB of fresh outputs starts a
// full (concurrently marked) collection that takes the second core from the kernels, and a dead
// output's memory comes back only then, cold in the caches. PyTorch frees a tensor the moment its
// last reference goes and malloc hands the same warm block to the next op.
//
// Here each storage gets a SharedArrayBuffer over a block of ours. V8 does not count shared
// backing stores as external memory; the JS side (src/core/native-memory.ts) counts the bytes
// itself and asks for young-generation collections, which are cheap when little survives. When V8
// frees a dead storage's buffer (on any thread, after such a collection), the deleter puts the
// block on a free list keyed by its size class, and the next storage of that class reuses it, still
// warm. (Transparent huge pages were tried for the large blocks: a fault that must compact memory
// to find a 2 MiB page stalled far longer than 512 small faults, 505 vs 95 ms for 188 MB.)
#include "tensor_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tts {
namespace {

constexpr size_t kLargeGranule = size_t{2} << 20;
constexpr size_t kSmallGranule = size_t{64} << 10;

std::mutex mu;
struct FreeBlock {
  void* data;
  uint64_t age;  // the value of `age` when it came back
};
std::unordered_map<size_t, std::vector<FreeBlock>> free_blocks;  // size class -> blocks, newest last
uint64_t age = 0;
TensorMemoryStats stats;

// Size classes: multiples of 64 KiB up to 2 MiB; above, four classes per power of two rounded
// to 2 MiB (at most 25% slack), so that tensors of nearby sizes share blocks.
size_t size_class(size_t bytes) {
  if (bytes <= kLargeGranule) return (bytes + kSmallGranule - 1) / kSmallGranule * kSmallGranule;
  size_t pow2 = kLargeGranule;
  while (pow2 * 2 < bytes) pow2 *= 2;
  const size_t step = pow2 / 4;
  size_t c = (bytes + step - 1) / step * step;
  return (c + kLargeGranule - 1) / kLargeGranule * kLargeGranule;
}

void* map_block(size_t capacity) {
  void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

TensorBlock tensor_memory_take(size_t bytes) {
  const size_t capacity = size_class(bytes == 0 ? 1 : bytes);
  {
    std::lock_guard<std::mutex> lock(mu);
    // The newest free block of this size class, else of one of the next three classes up to twice
    // the size (as malloc splits a larger free chunk: a pass's big dead output serves the next,
    // smaller one instead of new memory).
    size_t c = capacity;
    for (int step = 0; step < 4 && c <= 2 * capacity; ++step, c = size_class(c + 1)) {
      auto it = free_blocks.find(c);
      if (it == free_blocks.end() || it->second.empty()) continue;
      void* p = it->second.back().data;
      it->second.pop_back();
      stats.cached -= c;
      stats.outstanding += c;
      ++stats.reused;
      return {p, c, true};
    }
  }
  void* p = map_block(capacity);
  if (p == nullptr) return {nullptr, 0, false};
  std::lock_guard<std::mutex> lock(mu);
  stats.outstanding += capacity;
  stats.mapped += capacity;
  if (stats.mapped > stats.peak_mapped) stats.peak_mapped = stats.mapped;
  ++stats.fresh;
  return {p, capacity, false};
}

void tensor_memory_give_back(void* data, size_t capacity) {
  std::lock_guard<std::mutex> lock(mu);
  stats.outstanding -= capacity;
  ++stats.returned;
  if (stats.cached + capacity <= stats.cache_limit) {
    free_blocks[capacity].push_back({data, age});
    stats.cached += capacity;
    return;
  }
  munmap(data, capacity);
  stats.mapped -= capacity;
}

// Unmaps free blocks (oldest first within a class) while more than keep_bytes are cached, and
// every free block that came back before age `min_age`.
void trim(size_t keep_bytes, uint64_t min_age) {
  std::vector<std::pair<void*, size_t>> to_unmap;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [capacity, blocks] : free_blocks) {
      size_t kept = 0;
      for (const FreeBlock& b : blocks) {
        if (b.age < min_age) {
          to_unmap.emplace_back(b.data, capacity);
        } else {
          blocks[kept++] = b;
        }
      }
      const size_t dropped = blocks.size() - kept;
      blocks.resize(kept);
      stats.cached -= dropped * capacity;
      stats.mapped -= dropped * capacity;
      // Over the limit: the oldest go first.
      size_t first = 0;
      while (first < blocks.size() && stats.cached > keep_bytes) {
        to_unmap.emplace_back(blocks[first++].data, capacity);
        stats.cached -= capacity;
        stats.mapped -= capacity;
      }
      blocks.erase(blocks.begin(), blocks.begin() + first);
    }
  }
  for (auto& [p, capacity] : to_unmap) munmap(p, capacity);
}

void tensor_memory_trim(size_t keep_bytes) { trim(keep_bytes, 0); }

void tensor_memory_age() {
  uint64_t min_age;
  {
    std::lock_guard<std::mutex> lock(mu);
    min_age = age > 0 ? age - 1 : 0;
    ++age;
  }
  trim(SIZE_MAX, min_age);
}

void tensor_memory_set_cache_limit(size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu);
    stats.cache_limit = bytes;
  }
  tensor_memory_trim(bytes);
}

TensorMemoryStats tensor_memory_stats() {
  std::lock_guard<std::mutex> lock(mu);
  return stats;
}

}  // namespace tts
