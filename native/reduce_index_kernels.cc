// The loops of reduce_index.h for each ISA: the portable ones (reduce_index_kernels_impl.h)
// compiled three times, plus AVX-512 and AVX2 sums of exp(x - m) through vectorised exp
// polynomials (the same bits on both).
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

// Shared by the AVX2 and AVX-512 exp sums below, so that both give the same bits: the order in
// which their 8 double lanes are folded, and exp_nonpositive_pd's Taylor coefficients (1/13! .. 1).
inline double fold_exp_sum_lanes(const double* lanes) {
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}
constexpr double kExpInverseFactorials[14] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
    1.0 / 40320.0,      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,     1.0 / 24.0,
    1.0 / 6.0,          0.5,               1.0,              1.0};

}  // namespace tts

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#define TTS_SIMD_BYTES 32
#include "reduce_index_kernels_impl.h"
#include "avx2_exp.h"

// The AVX-512 sums of exp(x - m) below (exp_sum_row_f32 ... exp_sum_cols_f64) in 8 float or 4
// double lanes, with the same lanes, order and bits.
double exp_sum_row_f32(index_t n, const float* x, float m) {
  const __m256 mv = _mm256_set1_ps(m);
  __m256d a[8];
  for (int k = 0; k < 8; ++k) a[k] = _mm256_setzero_pd();
  index_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 4; ++k) {
      const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8 * k), mv));
      a[2 * k] = _mm256_add_pd(a[2 * k], low_pd(e));
      a[2 * k + 1] = _mm256_add_pd(a[2 * k + 1], high_pd(e));
    }
  // AVX-512's 16-lane tail steps: the first and second 8 values of each go where its lanes do.
  for (; i < n; i += 16)
    for (int k = 0; k < 2; ++k) {
      const index_t rest = n - i - 8 * k;
      if (rest <= 0) break;
      const __m256i mask = first_lanes_ps(rest);
      const __m256 e = _mm256_and_ps(_mm256_castsi256_ps(mask), exp_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i + 8 * k, mask), mv)));
      a[2 * k] = _mm256_add_pd(a[2 * k], low_pd(e));
      a[2 * k + 1] = _mm256_add_pd(a[2 * k + 1], high_pd(e));
    }
  // a[0..3] are AVX-512's a0, a1 (16 double lanes), a[4..7] its a2, a3.
  double lanes[8];
  for (int k = 0; k < 2; ++k)
    _mm256_storeu_pd(lanes + 4 * k, _mm256_add_pd(_mm256_add_pd(a[k], a[4 + k]), _mm256_add_pd(a[2 + k], a[6 + k])));
  return fold_exp_sum_lanes(lanes);
}

void exp_sum_cols_f32(index_t rows, index_t cols, index_t ld, const float* x, const float* m, double* s) {
  for (index_t c = 0; c < cols; ++c) s[c] = 0;
  for (index_t r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (index_t c = 0; c < cols; c += 8) {
      const index_t rest = cols - c;
      const __m256i k = first_lanes_ps(rest);
      const __m256i lo = first_lanes_pd(rest), hi = first_lanes_pd(rest - 4);
      const __m256 e = exp_ps(_mm256_sub_ps(_mm256_maskload_ps(row + c, k), _mm256_maskload_ps(m + c, k)));
      _mm256_maskstore_pd(s + c, lo, _mm256_add_pd(_mm256_maskload_pd(s + c, lo), low_pd(e)));
      _mm256_maskstore_pd(s + c + 4, hi, _mm256_add_pd(_mm256_maskload_pd(s + c + 4, hi), high_pd(e)));
    }
  }
}

// exp(x) for double lanes with x <= 0: exp_nonpositive_pd of the AVX-512 kernels below.
inline __m256d exp_nonpositive_pd(__m256d x) {
  x = _mm256_max_pd(x, _mm256_set1_pd(-746.0));
  const __m256d n = round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634)));
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93147180369123816490e-01), x);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.90821492927058770002e-10), r);
  __m256d p = _mm256_set1_pd(kExpInverseFactorials[0]);
  for (int k = 1; k < 14; ++k) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(kExpInverseFactorials[k]));
  return scalef_pd(p, n);
}

double exp_sum_row_f64(index_t n, const double* x, double m) {
  const __m256d mv = _mm256_set1_pd(m);
  __m256d a[4];
  for (int k = 0; k < 4; ++k) a[k] = _mm256_setzero_pd();
  index_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 4; ++k)
      a[k] = _mm256_add_pd(a[k], exp_nonpositive_pd(_mm256_sub_pd(_mm256_loadu_pd(x + i + 4 * k), mv)));
  // AVX-512's 8-lane tail steps, into its a0 (a[0] and a[1] here).
  for (; i < n; i += 8)
    for (int k = 0; k < 2; ++k) {
      const index_t rest = n - i - 4 * k;
      if (rest <= 0) break;
      const __m256i mask = first_lanes_pd(rest);
      const __m256d e = exp_nonpositive_pd(_mm256_sub_pd(_mm256_maskload_pd(x + i + 4 * k, mask), mv));
      a[k] = _mm256_add_pd(a[k], _mm256_and_pd(_mm256_castsi256_pd(mask), e));
    }
  // a[0], a[1] are AVX-512's a0, a[2], a[3] its a1.
  double lanes[8];
  _mm256_storeu_pd(lanes, _mm256_add_pd(a[0], a[2]));
  _mm256_storeu_pd(lanes + 4, _mm256_add_pd(a[1], a[3]));
  return fold_exp_sum_lanes(lanes);
}

void exp_sum_cols_f64(index_t rows, index_t cols, index_t ld, const double* x, const double* m, double* s) {
  for (index_t c = 0; c < cols; ++c) s[c] = 0;
  for (index_t r = 0; r < rows; ++r) {
    const double* row = x + r * ld;
    for (index_t c = 0; c < cols; c += 4) {
      const __m256i k = first_lanes_pd(cols - c);
      const __m256d e = exp_nonpositive_pd(_mm256_sub_pd(_mm256_maskload_pd(row + c, k), _mm256_maskload_pd(m + c, k)));
      _mm256_maskstore_pd(s + c, k, _mm256_add_pd(_mm256_maskload_pd(s + c, k), e));
    }
  }
}
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
  return fold_exp_sum_lanes(lanes);
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

// exp(x) for double lanes with x <= 0 (a difference from the max): 2^n * p(r), r = x - n ln2 in
// two parts (Cody-Waite), p the Taylor polynomial of degree 13, within ~2 ulp on |r| <= ln2/2.
// Below -746 (-inf included) the result is 0.
inline __m512d exp_nonpositive_pd(__m512d x) {
  x = _mm512_max_pd(x, _mm512_set1_pd(-746.0));
  const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(6.93147180369123816490e-01), x);
  r = _mm512_fnmadd_pd(n, _mm512_set1_pd(1.90821492927058770002e-10), r);
  __m512d p = _mm512_set1_pd(kExpInverseFactorials[0]);
  for (int k = 1; k < 14; ++k) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(kExpInverseFactorials[k]));
  return _mm512_scalef_pd(p, n);
}

double exp_sum_row_f64(index_t n, const double* x, double m) {
  const __m512d mv = _mm512_set1_pd(m);
  __m512d a0 = _mm512_setzero_pd(), a1 = a0;
  index_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm512_add_pd(a0, exp_nonpositive_pd(_mm512_sub_pd(_mm512_loadu_pd(x + i), mv)));
    a1 = _mm512_add_pd(a1, exp_nonpositive_pd(_mm512_sub_pd(_mm512_loadu_pd(x + i + 8), mv)));
  }
  for (; i < n; i += 8) {
    const index_t rest = n - i;
    const __mmask8 k = rest >= 8 ? __mmask8(0xff) : __mmask8((1u << rest) - 1);
    a0 = _mm512_add_pd(a0, _mm512_maskz_mov_pd(k, exp_nonpositive_pd(_mm512_sub_pd(_mm512_maskz_loadu_pd(k, x + i), mv))));
  }
  double lanes[8];
  _mm512_storeu_pd(lanes, _mm512_add_pd(a0, a1));
  return fold_exp_sum_lanes(lanes);
}

void exp_sum_cols_f64(index_t rows, index_t cols, index_t ld, const double* x, const double* m, double* s) {
  for (index_t c = 0; c < cols; ++c) s[c] = 0;
  for (index_t r = 0; r < rows; ++r) {
    const double* row = x + r * ld;
    for (index_t c = 0; c < cols; c += 8) {
      const index_t rest = cols - c;
      const __mmask8 k = rest >= 8 ? __mmask8(0xff) : __mmask8((1u << rest) - 1);
      const __m512d e = exp_nonpositive_pd(_mm512_sub_pd(_mm512_maskz_loadu_pd(k, row + c), _mm512_maskz_loadu_pd(k, m + c)));
      _mm512_mask_storeu_pd(s + c, k, _mm512_add_pd(_mm512_maskz_loadu_pd(k, s + c), e));
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
template <>
IndexKernels<double> index_kernels_avx2<double>() {
  return {&avx2::select_row_generic<double>, &avx2::select_cols_generic<double>, &avx2::max_row_generic<double>,
          &avx2::exp_sum_row_f64, &avx2::max_cols_generic<double>, &avx2::exp_sum_cols_f64};
}
template <>
IndexKernels<float> index_kernels_avx2<float>() {
  return {&avx2::select_row_generic<float>, &avx2::select_cols_generic<float>, &avx2::max_row_generic<float>,
          &avx2::exp_sum_row_f32, &avx2::max_cols_generic<float>, &avx2::exp_sum_cols_f32};
}
template <typename T>
IndexKernels<T> index_kernels_avx512() {
  return {&avx512::select_row_generic<T>, &avx512::select_cols_generic<T>, &avx512::max_row_generic<T>,
          &avx512::exp_sum_row_generic<T>, &avx512::max_cols_generic<T>, &avx512::exp_sum_cols_generic<T>};
}
template <>
IndexKernels<double> index_kernels_avx512<double>() {
  return {&avx512::select_row_generic<double>, &avx512::select_cols_generic<double>, &avx512::max_row_generic<double>,
          &avx512::exp_sum_row_f64, &avx512::max_cols_generic<double>, &avx512::exp_sum_cols_f64};
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
