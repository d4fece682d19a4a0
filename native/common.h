// Shared definitions of the torch-ts native addon.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

// x86-64 gets the ISA-specific kernels; elsewhere (or with -DTTS_PORTABLE_ONLY) only the
// portable ones are built. They rely on GCC's `#pragma GCC target`, which clang ignores, so a
// clang build takes the portable kernels rather than fail.
#if defined(__x86_64__) && !defined(TTS_PORTABLE_ONLY) && !defined(__clang__)
#define TTS_X86_64 1
#else
#define TTS_X86_64 0
#endif

namespace tts {

using index_t = int64_t;

// Instruction sets with their own kernels, best last so that `<=` means "no better than".
enum class Isa : int { scalar = 0, avx2 = 1, avx512 = 2 };

// Best ISA that this CPU and OS support (cached after the first call).
Isa detected_isa();
// ISA the kernels use now: detected_isa() unless lowered with set_active_isa (for tests).
Isa active_isa();
// Returns the ISA applied: `want` clamped to what the CPU supports.
Isa set_active_isa(Isa want);

// The kernel table of the active ISA (tests lower the ISA at run time). Each ISA's table is built
// on its first use only: building one runs code compiled for its ISA (compilers vectorise the
// initialisation of a table of pointers), which would fault on a CPU without it.
template <class Table, Table (*Avx512)(), Table (*Avx2)(), Table (*Portable)()>
const Table& for_active_isa() {
  switch (active_isa()) {
    case Isa::avx512: {
      static const Table table = Avx512();
      return table;
    }
    case Isa::avx2: {
      static const Table table = Avx2();
      return table;
    }
    default: {
      static const Table table = Portable();
      return table;
    }
  }
}

inline index_t min_i(index_t a, index_t b) { return a < b ? a : b; }
inline index_t max_i(index_t a, index_t b) { return a > b ? a : b; }
inline index_t round_up(index_t x, index_t m) { return (x + m - 1) / m * m; }

// A grow-only 64-byte aligned scratch buffer; one per thread for GEMM packing.
class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ~ScratchBuffer() { std::free(ptr_); }
  void* get(size_t bytes) {
    if (bytes > size_) {
      std::free(ptr_);
      size_ = (bytes + 4095) / 4096 * 4096;
      ptr_ = std::aligned_alloc(64, size_);
      if (ptr_ == nullptr) std::abort();
    }
    return ptr_;
  }

 private:
  void* ptr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tts
