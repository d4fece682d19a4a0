// Recycled memory blocks for large tensor storages (see tensor_memory.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tts {

struct TensorBlock {
  void* data;
  bool recycled;  // false: pages known to read as zero; true: contents of a dead storage
};

struct TensorMemoryStats {
  size_t outstanding = 0;  // bytes in blocks that buffers still use (live or not yet collected)
  size_t cached = 0;       // bytes in free blocks
  size_t mapped = 0;       // bytes mapped from the OS
  size_t peak_mapped = 0;
  size_t requested = 0;       // bytes asked for by the buffers still using blocks (not page-rounded)
  size_t peak_requested = 0;  // the most `requested` since the start or the last reset
  size_t cache_limit = size_t{1} << 30;
  uint64_t fresh = 0, reused = 0, returned = 0;
};

// A block of at least `bytes` bytes: the smallest free one that holds them (split), or carved
// from a newly mapped segment. data is null when the OS refuses the memory.
TensorBlock tensor_memory_take(size_t bytes);
// Whether a free block holds `bytes` (tensor_memory_take would map nothing new).
bool tensor_memory_fits(size_t bytes);
// Called by V8 (any thread) when the buffer over a block is freed; the block is found by address.
void tensor_memory_give_back(void* data);
// Gives wholly free segments, then free blocks inside used ones, back to the OS until at most
// keep_bytes stay cached.
void tensor_memory_trim(size_t keep_bytes);
void tensor_memory_set_cache_limit(size_t bytes);
// Called after each collection the JS side requests: free blocks that came back before the
// previous call and were not reused since (sizes no longer asked for) go back to the OS, as far as
// more than `reserve` bytes are cached.
void tensor_memory_age(size_t reserve);
TensorMemoryStats tensor_memory_stats();
// The peak of `requested` restarts from its current value (torch.memory.resetPeakMemoryStats).
void tensor_memory_reset_peak();

}  // namespace tts
