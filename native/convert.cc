// float16 / bfloat16 <-> float32 conversion driver: the ISA's loops over chunks of the thread pool.
#include "nnk.h"
#include "threadpool.h"

namespace tts {
namespace {
const ConvertKernels& convert_kernels() {
  static const ConvertKernels k512 = convert_kernels_avx512();
  static const ConvertKernels k2 = convert_kernels_avx2();
  static const ConvertKernels kg = convert_kernels_generic();
#if TTS_X86_64
  // The AVX2 kernels use F16C, which the AVX2 check of isa.cc does not cover.
  static const bool f16c = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("f16c") != 0;
  }();
#else
  static const bool f16c = false;
#endif
  switch (active_isa()) {
    case Isa::avx512:
      return k512;
    case Isa::avx2:
      return f16c ? k2 : kg;
    default:
      return kg;
  }
}

template <typename S, typename D>
void run(index_t n, const void* src, void* dst, void (*f)(index_t, const S*, D*)) {
  const S* s = static_cast<const S*>(src);
  D* d = static_cast<D*>(dst);
  parallel_for(0, n, 65536, [&](index_t lo, index_t hi) { f(hi - lo, s + lo, d + lo); });
}
}  // namespace

void convert_16bit(int kind, index_t n, const void* src, void* dst) {
  const ConvertKernels& k = convert_kernels();
  switch (kind) {
    case 0: return run(n, src, dst, k.f32_to_f16);
    case 1: return run(n, src, dst, k.f16_to_f32);
    case 2: return run(n, src, dst, k.f32_to_bf16);
    case 3: return run(n, src, dst, k.bf16_to_f32);
    case 4: return run(n, src, dst, k.f64_to_f16);
    case 5: return run(n, src, dst, k.f64_to_bf16);
    default: return;
  }
}

}  // namespace tts
