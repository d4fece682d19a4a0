// Typed elementwise kernels for AVX2: the portable loops, vectorised by the compiler for AVX2.
#include <cmath>
#include <type_traits>

#include "typed_binary.h"
#include "unary_math.h"

#if TTS_X86_64
#include <immintrin.h>

// Calls through libmvec's vector functions pass vectors in registers (see unary_math_avx512.cc).
#pragma GCC diagnostic ignored "-Wpsabi"
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#define TTS_LIBMVEC_LANES 4
#include "typed_binary_impl.h"
#undef TTS_LIBMVEC_LANES
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
TypedKernels typed_kernels_avx2() { return avx2::typed_kernels_portable(); }
}  // namespace tts
#else
namespace tts {
TypedKernels typed_kernels_avx2() { return typed_kernels_generic(); }
}  // namespace tts
#endif
