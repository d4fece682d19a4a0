// The loops of reduce_index.h for each ISA: the portable ones (reduce_index_kernels_impl.h)
// compiled three times, plus AVX-512 float sums of exp(x - m) through the vectorised exp.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "reduce_index.h"

// GCC 12's AVX-512 intrinsics start from a self-initialised "undefined" register, which
// -Wmaybe-uninitialized reports after inlining (GCC bug 105593); nothing is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// The 64-byte vector types of reduce_index_kernels_impl.h only live inside inlined functions; GCC
// still notes that passing one by value would change with the ISA.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tts {

namespace generic {
#include "reduce_index_kernels_impl.h"
}  // namespace generic

template <typename T>
IndexKernels<T> index_kernels_generic() {
  return {&generic::select_row_generic<T>, &generic::select_cols_generic<T>, &generic::max_row_generic<T>,
          &generic::exp_sum_row_generic<T>, &generic::max_cols_generic<T>, &generic::exp_sum_cols_generic<T>};
}

}  // namespace tts

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#include "reduce_index_kernels_impl.h"
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#include "reduce_index_kernels_impl.h"
#include "avx512_exp.h"

inline __m512d low_pd(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline __m512d high_pd(__m512 v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

// Sum of exp(x - m) in double lanes: each term is within ~1 ulp of float, and the sum (at least
// 1, the term of the max) adds no float rounding of its own.
double exp_sum_row_f32(index_t n, const float* x, float m) {
  const __m512 mv = _mm512_set1_ps(m);
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  index_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_loadu_ps(x + i), mv));
    const __m512 f = exp_ps(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), mv));
    a0 = _mm512_add_pd(a0, low_pd(e));
    a1 = _mm512_add_pd(a1, high_pd(e));
    a2 = _mm512_add_pd(a2, low_pd(f));
    a3 = _mm512_add_pd(a3, high_pd(f));
  }
  for (; i < n; i += 16) {
    const index_t rest = n - i;
    const __mmask16 k = rest >= 16 ? __mmask16(0xffff) : __mmask16((1u << rest) - 1);
    const __m512 e = _mm512_maskz_mov_ps(k, exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), mv)));
    a0 = _mm512_add_pd(a0, low_pd(e));
    a1 = _mm512_add_pd(a1, high_pd(e));
  }
  double lanes[8];
  _mm512_storeu_pd(lanes, _mm512_add_pd(_mm512_add_pd(a0, a2), _mm512_add_pd(a1, a3)));
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}

void exp_sum_cols_f32(index_t rows, index_t cols, index_t ld, const float* x, const float* m, double* s) {
  for (index_t c = 0; c < cols; ++c) s[c] = 0;
  for (index_t r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (index_t c = 0; c < cols; c += 16) {
      const index_t rest = cols - c;
      const __mmask16 k = rest >= 16 ? __mmask16(0xffff) : __mmask16((1u << rest) - 1);
      const __mmask8 lo = static_cast<__mmask8>(k), hi = static_cast<__mmask8>(k >> 8);
      const __m512 e = exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + c), _mm512_maskz_loadu_ps(k, m + c)));
      _mm512_mask_storeu_pd(s + c, lo, _mm512_add_pd(_mm512_maskz_loadu_pd(lo, s + c), low_pd(e)));
      _mm512_mask_storeu_pd(s + c + 8, hi, _mm512_add_pd(_mm512_maskz_loadu_pd(hi, s + c + 8), high_pd(e)));
    }
  }
}

}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
IndexKernels<T> index_kernels_avx2() {
  return {&avx2::select_row_generic<T>, &avx2::select_cols_generic<T>, &avx2::max_row_generic<T>,
          &avx2::exp_sum_row_generic<T>, &avx2::max_cols_generic<T>, &avx2::exp_sum_cols_generic<T>};
}
template <typename T>
IndexKernels<T> index_kernels_avx512() {
  return {&avx512::select_row_generic<T>, &avx512::select_cols_generic<T>, &avx512::max_row_generic<T>,
          &avx512::exp_sum_row_generic<T>, &avx512::max_cols_generic<T>, &avx512::exp_sum_cols_generic<T>};
}
template <>
IndexKernels<float> index_kernels_avx512<float>() {
  return {&avx512::select_row_generic<float>, &avx512::select_cols_generic<float>, &avx512::max_row_generic<float>,
          &avx512::exp_sum_row_f32, &avx512::max_cols_generic<float>, &avx512::exp_sum_cols_f32};
}
}  // namespace tts

#else
namespace tts {
template <typename T>
IndexKernels<T> index_kernels_avx2() {
  return index_kernels_generic<T>();
}
template <typename T>
IndexKernels<T> index_kernels_avx512() {
  return index_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
#define TTS_INSTANTIATE(T)                                \
  template IndexKernels<T> index_kernels_generic<T>();    \
  template IndexKernels<T> index_kernels_avx2<T>();       \
  template IndexKernels<T> index_kernels_avx512<T>();
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
TTS_INSTANTIATE(int32_t)
#undef TTS_INSTANTIATE
}  // namespace tts
