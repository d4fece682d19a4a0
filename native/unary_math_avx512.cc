// unary_math.h's kernels for AVX-512: libmvec's 8-lane double functions where it has the op.
#include <cmath>
#include <type_traits>

#include "unary_math.h"

#if TTS_X86_64
#include <immintrin.h>

// Calls through libmvec's vector functions pass vectors in registers, which GCC notes as an ABI
// change between ISAs: intended here (only this ISA's code calls them).
#pragma GCC diagnostic ignored "-Wpsabi"
// GCC 12 reports its own AVX-512 intrinsics as maybe-uninitialized after inlining (bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace math_avx512 {
#define TTS_LIBMVEC_LANES 8
#include "unary_math_impl.h"
#undef TTS_LIBMVEC_LANES
}  // namespace math_avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
MathKernels<T> math_kernels_avx512() {
  return {&math_avx512::math_map<T>, &math_avx512::math_classify<T>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
MathKernels<T> math_kernels_avx512() {
  return math_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template MathKernels<float> math_kernels_avx512<float>();
template MathKernels<double> math_kernels_avx512<double>();
}  // namespace tts
