// torch.memory: the CPU caching allocator's statistics and controls, named after torch.cuda's.

export {
  memoryAllocated, maxMemoryAllocated, memoryReserved, memoryCached, resetPeakMemoryStats,
  emptyCache, memoryStats, isEnabled, setCacheLimit, getCacheLimit,
} from "./caching-allocator.js";
