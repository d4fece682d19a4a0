// Typed elementwise kernels for AVX-512: the portable loops, vectorised by the compiler for AVX-512.
#include <cmath>
#include <type_traits>

#include "typed_binary.h"
#include "unary_math.h"

#if TTS_X86_64
#include <immintrin.h>

// Calls through libmvec's vector functions pass vectors in registers (see unary_math_avx512.cc).
#pragma GCC diagnostic ignored "-Wpsabi"
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#define TTS_ROUND_VIA_NEARBYINT 1
#define TTS_LIBMVEC_LANES 8
#include "typed_binary_impl.h"
#undef TTS_LIBMVEC_LANES
#undef TTS_ROUND_VIA_NEARBYINT
}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
TypedKernels typed_kernels_avx512() { return avx512::typed_kernels_portable(); }
}  // namespace tts
#else
namespace tts {
TypedKernels typed_kernels_avx512() { return typed_kernels_generic(); }
}  // namespace tts
#endif
