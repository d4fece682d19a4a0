#include <atomic>

#include "common.h"

namespace tts {

Isa detected_isa() {
  static const Isa isa = [] {
#if TTS_X86_64
    __builtin_cpu_init();
    // libgcc also checks that the OS saves the wide registers (XCR0), so these are safe to use.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
      return Isa::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
#endif
    return Isa::scalar;
  }();
  return isa;
}

static std::atomic<int> g_active{-1};

Isa active_isa() {
  int v = g_active.load(std::memory_order_relaxed);
  if (v < 0) return detected_isa();
  return static_cast<Isa>(v);
}

Isa set_active_isa(Isa want) {
  Isa best = detected_isa();
  Isa use = static_cast<int>(want) <= static_cast<int>(best) ? want : best;
  g_active.store(static_cast<int>(use), std::memory_order_relaxed);
  return use;
}

}  // namespace tts
