// Elementwise kernels for AVX-512: the portable loops vectorised by the compiler, plus explicit
// float kernels for exp, log, tanh, sigmoid, silu, softmax and sums (16 lanes, masked tail).
#include <cmath>

#include "elementwise.h"

// GCC 12's AVX-512 intrinsics start from a self-initialised "undefined" register, which
// -Wmaybe-uninitialized reports after inlining (GCC bug 105593); nothing is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#define TTS_ROUND_VIA_NEARBYINT 1
#include "elementwise_impl.h"
#include "softmax_cols_impl.h"
#undef TTS_ROUND_VIA_NEARBYINT

#include "avx512_exp.h"

template <typename T> struct Vec;
template <> struct Vec<float> {
  using R = __m512;
  static constexpr index_t W = 16;
  static R load(const float* p) { return _mm512_loadu_ps(p); }
  static R set1(float v) { return _mm512_set1_ps(v); }
  static R fmadd(R x, R y, R z) { return _mm512_fmadd_ps(x, y, z); }
  static void stream(float* p, R v) { _mm512_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
};
template <> struct Vec<double> {
  using R = __m512d;
  static constexpr index_t W = 8;
  static R load(const double* p) { return _mm512_loadu_pd(p); }
  static R set1(double v) { return _mm512_set1_pd(v); }
  static R fmadd(R x, R y, R z) { return _mm512_fmadd_pd(x, y, z); }
  static void stream(double* p, R v) { _mm512_stream_pd(p, v); }
  static void fence() { _mm_sfence(); }
};
#include "binary_stream_impl.h"

// log(x) for float, Cephes' logf: x = f * 2^e with f in [sqrt(1/2), sqrt(2)), a degree-9
// polynomial in f - 1. getexp/getmant also normalise denormals.
inline __m512 log_ps(__m512 x) {
  __m512 f = _mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
  __m512 e = _mm512_getexp_ps(x);
  __mmask16 big = _mm512_cmp_ps_mask(f, _mm512_set1_ps(1.41421356237f), _CMP_GT_OQ);
  f = _mm512_mask_mul_ps(f, big, f, _mm512_set1_ps(0.5f));
  e = _mm512_mask_add_ps(e, big, e, _mm512_set1_ps(1.0f));
  __m512 t = _mm512_sub_ps(f, _mm512_set1_ps(1.0f));
  __m512 z = _mm512_mul_ps(t, t);
  __m512 p = _mm512_set1_ps(7.0376836292e-2f);
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.1514610310e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.1676998740e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.2420140846e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.4249322787e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.6668057665e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(2.0000714765e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-2.4999993993e-1f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(3.3333331174e-1f));
  __m512 y = _mm512_mul_ps(_mm512_mul_ps(p, z), t);
  y = _mm512_fmadd_ps(e, _mm512_set1_ps(-2.12194440e-4f), y);
  y = _mm512_fnmadd_ps(z, _mm512_set1_ps(0.5f), y);
  __m512 r = _mm512_add_ps(t, y);
  r = _mm512_fmadd_ps(e, _mm512_set1_ps(0.693359375f), r);
  // Special cases: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, log(NaN) = NaN.
  const __m512 zero = _mm512_setzero_ps();
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(x, zero, _CMP_EQ_OQ), _mm512_set1_ps(-INFINITY));
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(x, _mm512_set1_ps(INFINITY), _CMP_EQ_OQ), x);
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(x, zero, _CMP_NGE_UQ), _mm512_set1_ps(NAN));
  return r;
}

// tanh(x) for float: Cephes' odd polynomial for |x| < 0.625, else 1 - 2 / (exp(2|x|) + 1).
inline __m512 tanh_ps(__m512 x) {
  __m512 ax = _mm512_abs_ps(x);
  __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
  __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  __m512 e = exp_ps(_mm512_add_ps(ax, ax));
  __m512 big = _mm512_sub_ps(_mm512_set1_ps(1.0f),
                             _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f))));
  // Copy the sign of x onto the large-|x| result (tanh is odd).
  big = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
      _mm512_castps_si512(big), _mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff), 0xe4));
  __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm512_mask_mov_ps(big, is_small, small);
}

// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|): no
// overflow, and tiny results for very negative x keep their (denormal) value.
inline __m512 sigmoid_ps(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)));
  __m512 num = _mm512_mask_mov_ps(one, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), e);
  return _mm512_div_ps(num, _mm512_add_ps(one, e));
}

// silu(x) = x * sigmoid(x); for x < 0 the numerator x * exp(x) is scaled in one step, so that
// tiny (denormal) results keep their precision.
inline __m512 silu_ps(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 p, n;
  exp_parts(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)), p, n);
  __m512 e = _mm512_scalef_ps(p, n);
  __m512 num = _mm512_mask_mov_ps(x, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ),
                                  _mm512_scalef_ps(_mm512_mul_ps(x, p), n));
  // Below -110 the result rounds to -0 (exp_parts clamps its argument, so p * 2^n no longer
  // matches exp(x) there); 0 * x also gives silu(-inf) = NaN as the formula does.
  num = _mm512_mask_mul_ps(num, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-110.0f), _CMP_LT_OQ), x,
                           _mm512_setzero_ps());
  return _mm512_div_ps(num, _mm512_add_ps(one, e));
}

template <__m512 (*F)(__m512)>
void map_ps(index_t n, const float* x, float* y) {
  index_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i)));
  if (i < n) {
    __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, F(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

// The cascade sum (elementwise_cascade.h) of n values given by `value`: value.full(i) is the
// vector of values i .. i + 15, value.part(i, m) the same with the lanes outside m set to +0
// (adding +0 leaves a lane as the portable loop leaves it: a lane that started at +0 never holds
// -0). Four 16-lane accumulators are the 64 lanes of a leaf; level k of the counter holds the sum
// of 2^k leaves; the occupied levels are added in double into out[0:16].
template <class Value>
inline __m512 leaf_ps(index_t base, index_t len, const Value& value) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  index_t i = 0;
  for (; i + 64 <= len; i += 64) {
    a0 = _mm512_add_ps(a0, value.full(base + i));
    a1 = _mm512_add_ps(a1, value.full(base + i + 16));
    a2 = _mm512_add_ps(a2, value.full(base + i + 32));
    a3 = _mm512_add_ps(a3, value.full(base + i + 48));
  }
  if (i < len) {
    auto part = [&](index_t at) {
      const index_t rest = len - at;
      if (rest <= 0) return _mm512_setzero_ps();
      return value.part(base + at, rest >= 16 ? __mmask16(0xffff) : __mmask16((1u << rest) - 1));
    };
    a0 = _mm512_add_ps(a0, part(i));
    a1 = _mm512_add_ps(a1, part(i + 16));
    a2 = _mm512_add_ps(a2, part(i + 32));
    a3 = _mm512_add_ps(a3, part(i + 48));
  }
  return _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
}

template <class Value>
void cascade_lanes_ps(index_t n, const Value& value, double* out) {
  __m512 level[64];
  uint64_t count = 0;
  for (index_t base = 0; base < n; base += kSumLeaf) {
    __m512 carry = leaf_ps(base, min_i(kSumLeaf, n - base), value);
    int k = 0;
    for (; (count >> k) & 1; ++k) carry = _mm512_add_ps(level[k], carry);
    level[k] = carry;
    ++count;
  }
  __m512d lo = _mm512_setzero_pd(), hi = lo;
  bool started = false;
  for (uint64_t rest = count; rest != 0; rest &= rest - 1) {
    const int k = __builtin_ctzll(rest);
    const __m512d l = _mm512_cvtps_pd(_mm512_castps512_ps256(level[k]));
    const __m512d h = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(level[k]), 1)));
    lo = started ? _mm512_add_pd(l, lo) : l;
    hi = started ? _mm512_add_pd(h, hi) : h;
    started = true;
  }
  _mm512_storeu_pd(out, lo);
  _mm512_storeu_pd(out + 8, hi);
}

struct LoadValues {
  const float* x;
  __m512 full(index_t i) const { return _mm512_loadu_ps(x + i); }
  __m512 part(index_t i, __mmask16 m) const { return _mm512_maskz_loadu_ps(m, x + i); }
};

// Max of x[0:n] (n >= 1), NaN if any element is NaN.
inline float max_f32(index_t n, const float* x) {
  __m512 m = _mm512_set1_ps(-INFINITY);
  __mmask16 nan = 0;
  index_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 v = _mm512_loadu_ps(x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    m = _mm512_max_ps(m, v);
  }
  float r = _mm512_reduce_max_ps(m);
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    r = x[i] > r ? x[i] : r;
  }
  return nan ? NAN : r;
}

#include "float_kernels_impl.h"

// exp(x - m) for float, with x - m carried exactly (TwoSum) so that the rounding of the
// difference does not cost accuracy when |x - m| is large. An infinite x (a masked-out score,
// -inf) makes the error term NaN, which must not reach exp(-inf) = 0: it is dropped there.
inline __m512 exp_diff_ps(__m512 x, __m512 m) {
  __m512 s = _mm512_sub_ps(x, m);
  __m512 bb = _mm512_sub_ps(s, x);
  __m512 err = _mm512_sub_ps(_mm512_sub_ps(x, _mm512_sub_ps(s, bb)), _mm512_add_ps(m, bb));
  err = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(err, err, _CMP_ORD_Q), err);
  __m512 e = exp_ps(s);
  return _mm512_fmadd_ps(e, err, e);
}

// exp(x - m) of a row for the softmax sum, each value also stored to y when `store` (softmax
// keeps them; log_softmax only needs their sum).
template <bool store>
struct ExpDiffValues {
  const float* x;
  float* y;
  __m512 m;
  __m512 full(index_t i) const {
    __m512 e = exp_diff_ps(_mm512_loadu_ps(x + i), m);
    if (store) _mm512_storeu_ps(y + i, e);
    return e;
  }
  __m512 part(index_t i, __mmask16 k) const {
    __m512 e = _mm512_maskz_mov_ps(k, exp_diff_ps(_mm512_maskz_loadu_ps(k, x + i), m));
    if (store) _mm512_mask_storeu_ps(y + i, k, e);
    return e;
  }
};

// Per row: the max, the cascade sum of exp(x - max) in float (the softmax values stored on the
// way), then y = e / sum, or y = x - (max + log(sum)) with max + log(sum) carried as two floats
// hi + lo: x - hi is exact where the result is small (Sterbenz), so the result keeps its
// accuracy near 0 without a pass in double.
void softmax_f32(bool log, index_t rows, index_t cols, const float* x, float* y) {
  const index_t whole = cols / 16 * 16;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - whole)) - 1);
  for (index_t r = 0; r < rows; ++r, x += cols, y += cols) {
    const float mf = max_f32(cols, x);
    const __m512 m = _mm512_set1_ps(mf);
    double lanes[kSumLanes];
    if (log) cascade_lanes_ps(cols, ExpDiffValues<false>{x, y, m}, lanes);
    else cascade_lanes_ps(cols, ExpDiffValues<true>{x, y, m}, lanes);
    const double sum = fold_lanes(lanes);
    if (log) {
      const double lse = static_cast<double>(mf) + std::log(sum);
      const float hi_f = static_cast<float>(lse);
      const __m512 hi = _mm512_set1_ps(hi_f), lo = _mm512_set1_ps(static_cast<float>(lse - hi_f));
      for (index_t j = 0; j < whole; j += 16)
        _mm512_storeu_ps(y + j, _mm512_sub_ps(_mm512_sub_ps(_mm512_loadu_ps(x + j), hi), lo));
      if (whole < cols)
        _mm512_mask_storeu_ps(y + whole, tail, _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + whole), hi), lo));
    } else {
      const __m512 inv = _mm512_set1_ps(static_cast<float>(1.0 / sum));
      for (index_t j = 0; j < whole; j += 16) _mm512_storeu_ps(y + j, _mm512_mul_ps(_mm512_loadu_ps(y + j), inv));
      if (whole < cols)
        _mm512_mask_storeu_ps(y + whole, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, y + whole), inv));
    }
  }
}

// softmax_f32 down the columns of a block of `cols` <= kSoftmaxCols columns whose rows are ld
// apart: column maxima (a NaN left out: its exp makes the column NaN anyway), then exp(x - max)
// by exp_diff_ps (stored for softmax) with column sums in double, then y = e * float(1 / sum), or
// y = x - hi - lo with hi + lo = max + log(sum), as the row kernel finishes.
void softmax_cols_f32(bool log, index_t size, index_t cols, index_t ld, const float* x, float* y) {
  alignas(64) float m[kSoftmaxCols], hi[kSoftmaxCols], lo[kSoftmaxCols];
  alignas(64) double s[kSoftmaxCols];
  const index_t whole = cols / 16 * 16;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - whole)) - 1);
  for (index_t j = 0; j < cols; j += 16) {
    _mm512_store_ps(m + j, _mm512_set1_ps(-INFINITY));
    _mm512_store_pd(s + j, _mm512_setzero_pd());
    _mm512_store_pd(s + j + 8, _mm512_setzero_pd());
  }
  for (index_t r = 0; r < size; ++r) {
    const float* xr = x + r * ld;
    index_t j = 0;
    prefetch_ahead(r, size, cols, ld, x);
    for (; j < whole; j += 16) _mm512_store_ps(m + j, _mm512_max_ps(_mm512_loadu_ps(xr + j), _mm512_load_ps(m + j)));
    if (j < cols) _mm512_store_ps(m + j, _mm512_max_ps(_mm512_maskz_loadu_ps(tail, xr + j), _mm512_load_ps(m + j)));
  }
  auto add_sums = [&](index_t j, __m512 e) {
    const __m512d e_lo = _mm512_cvtps_pd(_mm512_castps512_ps256(e));
    const __m512d e_hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1)));
    _mm512_store_pd(s + j, _mm512_add_pd(_mm512_load_pd(s + j), e_lo));
    _mm512_store_pd(s + j + 8, _mm512_add_pd(_mm512_load_pd(s + j + 8), e_hi));
  };
  for (index_t r = 0; r < size; ++r) {
    const float* xr = x + r * ld;
    float* yr = y + r * ld;
    index_t j = 0;
    prefetch_ahead(r, size, cols, ld, x);
    for (; j < whole; j += 16) {
      const __m512 e = exp_diff_ps(_mm512_loadu_ps(xr + j), _mm512_load_ps(m + j));
      if (!log) _mm512_storeu_ps(yr + j, e);
      add_sums(j, e);
    }
    if (j < cols) {
      const __m512 e = _mm512_maskz_mov_ps(tail, exp_diff_ps(_mm512_maskz_loadu_ps(tail, xr + j), _mm512_load_ps(m + j)));
      if (!log) _mm512_mask_storeu_ps(yr + j, tail, e);
      add_sums(j, e);
    }
  }
  if (log) {
    for (index_t j = 0; j < cols; ++j) {
      const double lse = static_cast<double>(m[j]) + std::log(s[j]);
      hi[j] = static_cast<float>(lse);
      lo[j] = static_cast<float>(lse - static_cast<double>(hi[j]));
    }
    for (index_t r = 0; r < size; ++r) {
      const float* xr = x + r * ld;
      float* yr = y + r * ld;
      index_t j = 0;
      for (; j < whole; j += 16)
        _mm512_storeu_ps(yr + j, _mm512_sub_ps(_mm512_sub_ps(_mm512_loadu_ps(xr + j), _mm512_load_ps(hi + j)), _mm512_load_ps(lo + j)));
      if (j < cols)
        _mm512_mask_storeu_ps(yr + j, tail, _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, xr + j), _mm512_load_ps(hi + j)), _mm512_load_ps(lo + j)));
    }
  } else {
    float* inv = hi;
    for (index_t j = 0; j < cols; j += 8)
      _mm256_store_ps(inv + j, _mm512_cvtpd_ps(_mm512_div_pd(_mm512_set1_pd(1.0), _mm512_load_pd(s + j))));
    for (index_t r = 0; r < size; ++r) {
      float* yr = y + r * ld;
      index_t j = 0;
      for (; j < whole; j += 16) _mm512_storeu_ps(yr + j, _mm512_mul_ps(_mm512_loadu_ps(yr + j), _mm512_load_ps(inv + j)));
      if (j < cols) _mm512_mask_storeu_ps(yr + j, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, yr + j), _mm512_load_ps(inv + j)));
    }
  }
}

// exp(y) of the log-softmax gradient in double, by the float exp of the kernels above.
void exp_to_double_f32(index_t n, const float* y, double* e) {
  index_t i = 0;
  auto put = [&](__m512 v) {
    _mm512_storeu_pd(e + i, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    _mm512_storeu_pd(e + i + 8, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
  };
  for (; i + 16 <= n; i += 16) put(exp_ps(_mm512_loadu_ps(y + i)));
  if (i < n) {
    alignas(64) double rest[16];
    const __mmask16 k = static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512 v = exp_ps(_mm512_maskz_loadu_ps(k, y + i));
    _mm512_store_pd(rest, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    _mm512_store_pd(rest + 8, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
    for (index_t j = 0; i + j < n; ++j) e[i + j] = rest[j];
  }
}

}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <>
ElementwiseKernels<float> elementwise_kernels_avx512<float>() {
  return {&avx512::unary_f32,          &avx512::binary_generic<float>,
          &avx512::reduce_row_f32,     &avx512::sum_lanes_f32,
          &avx512::reduce_cols_generic<float>,
          &avx512::softmax_f32,
          &avx512::softmax_cols_f32,
          &avx512::softmax_col_sums_generic<float>,
          &avx512::softmax_grad_rows_generic<float, &avx512::exp_to_double_f32>,
          &avx512::softmax_rows_backward_generic<float, &avx512::exp_to_double_f32>,
          &avx512::adam_generic<float>,
          &avx512::sgd_generic<float>,
          &avx512::binary_stream<float>};
}
template <>
ElementwiseKernels<double> elementwise_kernels_avx512<double>() {
  return {&avx512::unary_generic<double>,      &avx512::binary_generic<double>,
          &avx512::reduce_row_generic<double>, &avx512::sum_lanes_generic<double>,
          &avx512::reduce_cols_generic<double>,
          &avx512::softmax_generic<double>,
          &avx512::softmax_cols_generic<double>,
          &avx512::softmax_col_sums_generic<double>,
          &avx512::softmax_grad_rows_generic<double, &avx512::exp_to_double_generic<double>>,
          &avx512::softmax_rows_backward_generic<double, &avx512::exp_to_double_generic<double>>,
          &avx512::adam_generic<double>,
          &avx512::sgd_generic<double>,
          &avx512::binary_stream<double>};
}
}  // namespace tts

#else
namespace tts {
template <>
ElementwiseKernels<float> elementwise_kernels_avx512<float>() {
  return elementwise_kernels_generic<float>();
}
template <>
ElementwiseKernels<double> elementwise_kernels_avx512<double>() {
  return elementwise_kernels_generic<double>();
}
}  // namespace tts
#endif
