// Elementwise kernels for AVX2 + FMA: the portable loops vectorised by the compiler, plus explicit
// float kernels for exp, log, tanh, sigmoid, silu, softmax and sums (8 lanes, masked tail): those
// of elementwise_avx512.cc, with the same bits.
#include <cmath>

#include "elementwise.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#include "elementwise_impl.h"
#include "softmax_cols_impl.h"

template <typename T> struct Vec;
template <> struct Vec<float> {
  using R = __m256;
  static constexpr index_t W = 8;
  static R load(const float* p) { return _mm256_loadu_ps(p); }
  static R set1(float v) { return _mm256_set1_ps(v); }
  static R fmadd(R x, R y, R z) { return _mm256_fmadd_ps(x, y, z); }
  static void stream(float* p, R v) { _mm256_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
};
template <> struct Vec<double> {
  using R = __m256d;
  static constexpr index_t W = 4;
  static R load(const double* p) { return _mm256_loadu_pd(p); }
  static R set1(double v) { return _mm256_set1_pd(v); }
  static R fmadd(R x, R y, R z) { return _mm256_fmadd_pd(x, y, z); }
  static void stream(double* p, R v) { _mm256_stream_pd(p, v); }
  static void fence() { _mm_sfence(); }
};
#include "binary_stream_impl.h"

#include "avx2_exp.h"

// log(x) for float, Cephes' logf: x = f * 2^e with f in [sqrt(1/2), sqrt(2)), a degree-9
// polynomial in f - 1 (log_ps of elementwise_avx512.cc). The exponent and mantissa bits stand in
// for getexp/getmant: a denormal is first scaled by 2^23 (exactly), so both match for every
// positive finite x; zero, infinite, negative and NaN x are replaced at the end.
inline __m256 log_ps(__m256 x) {
  const __m256 ax = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  const __m256 denormal = _mm256_cmp_ps(ax, _mm256_set1_ps(1.17549435e-38f), _CMP_LT_OQ);
  const __m256i bits = _mm256_castps_si256(_mm256_blendv_ps(ax, _mm256_mul_ps(ax, _mm256_set1_ps(8388608.0f)), denormal));
  __m256 f = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                                 _mm256_set1_epi32(0x3f800000)));
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
  e = _mm256_sub_ps(e, _mm256_and_ps(denormal, _mm256_set1_ps(23.0f)));
  const __m256 big = _mm256_cmp_ps(f, _mm256_set1_ps(1.41421356237f), _CMP_GT_OQ);
  f = _mm256_blendv_ps(f, _mm256_mul_ps(f, _mm256_set1_ps(0.5f)), big);
  e = _mm256_blendv_ps(e, _mm256_add_ps(e, _mm256_set1_ps(1.0f)), big);
  __m256 t = _mm256_sub_ps(f, _mm256_set1_ps(1.0f));
  __m256 z = _mm256_mul_ps(t, t);
  __m256 p = _mm256_set1_ps(7.0376836292e-2f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.1514610310e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.1676998740e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.2420140846e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.4249322787e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.6668057665e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(2.0000714765e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-2.4999993993e-1f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(3.3333331174e-1f));
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, z), t);
  y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  __m256 r = _mm256_add_ps(t, y);
  r = _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), r);
  // Special cases: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, log(NaN) = NaN.
  const __m256 zero = _mm256_setzero_ps();
  r = _mm256_blendv_ps(r, _mm256_set1_ps(-INFINITY), _mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, x, _mm256_cmp_ps(x, _mm256_set1_ps(INFINITY), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, _mm256_set1_ps(NAN), _mm256_cmp_ps(x, zero, _CMP_NGE_UQ));
  return r;
}

// tanh(x) for float: Cephes' odd polynomial for |x| < 0.625, else 1 - 2 / (exp(2|x|) + 1).
inline __m256 tanh_ps(__m256 x) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 ax = _mm256_and_ps(x, abs_mask);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
  __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  __m256 e = exp_ps(_mm256_add_ps(ax, ax));
  __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                             _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  // Copy the sign of x onto the large-|x| result (tanh is odd).
  big = _mm256_or_ps(_mm256_and_ps(big, abs_mask), _mm256_andnot_ps(abs_mask, x));
  return _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

// -|x|, as 0 - |x| (the AVX-512 kernels' _mm512_sub_ps(0, abs(x))).
inline __m256 neg_abs_ps(__m256 x) {
  return _mm256_sub_ps(_mm256_setzero_ps(), _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))));
}

// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|): no
// overflow, and tiny results for very negative x keep their (denormal) value.
inline __m256 sigmoid_ps(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = exp_ps(neg_abs_ps(x));
  __m256 num = _mm256_blendv_ps(one, e, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
  return _mm256_div_ps(num, _mm256_add_ps(one, e));
}

// silu(x) = x * sigmoid(x); for x < 0 the numerator x * exp(x) is scaled in one step, so that
// tiny (denormal) results keep their precision.
inline __m256 silu_ps(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 p, n;
  exp_parts(neg_abs_ps(x), p, n);
  __m256 e = scalef_ps(p, n);
  __m256 num = _mm256_blendv_ps(x, scalef_ps(_mm256_mul_ps(x, p), n), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
  // Below -110 the result rounds to -0 (exp_parts clamps its argument, so p * 2^n no longer
  // matches exp(x) there); 0 * x also gives silu(-inf) = NaN as the formula does.
  num = _mm256_blendv_ps(num, _mm256_mul_ps(x, _mm256_setzero_ps()), _mm256_cmp_ps(x, _mm256_set1_ps(-110.0f), _CMP_LT_OQ));
  return _mm256_div_ps(num, _mm256_add_ps(one, e));
}

template <__m256 (*F)(__m256)>
void map_ps(index_t n, const float* x, float* y) {
  index_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = first_lanes_ps(n - i);
    _mm256_maskstore_ps(y + i, m, F(_mm256_maskload_ps(x + i, m)));
  }
}

// The cascade sum (elementwise_cascade.h) of n values given by `value`, as cascade_lanes_ps of
// elementwise_avx512.cc: the 16 lanes of the cascade are two 8-lane vectors (lo: 0-7, hi: 8-15).
// value.full(i) is the vector of values i .. i + 7, value.part(i, rest) the same with the lanes
// from `rest` on set to +0 (adding +0 leaves a lane as the portable loop leaves it: a lane that
// started at +0 never holds -0). Eight 8-lane accumulators are the 64 lanes of a leaf (a[k] holds
// lanes 8k .. 8k + 7) and fold to 16 as (a[j] + a[16 + j]) + (a[32 + j] + a[48 + j]).
struct Lanes16 {
  __m256 lo, hi;
};

template <class Value>
inline Lanes16 leaf_ps(index_t base, index_t len, const Value& value) {
  __m256 a[8];
  for (int k = 0; k < 8; ++k) a[k] = _mm256_setzero_ps();
  index_t i = 0;
  for (; i + 64 <= len; i += 64)
    for (int k = 0; k < 8; ++k) a[k] = _mm256_add_ps(a[k], value.full(base + i + 8 * k));
  if (i < len)
    for (int k = 0; k < 8 && i + 8 * k < len; ++k) a[k] = _mm256_add_ps(a[k], value.part(base + i + 8 * k, len - i - 8 * k));
  return {_mm256_add_ps(_mm256_add_ps(a[0], a[2]), _mm256_add_ps(a[4], a[6])),
          _mm256_add_ps(_mm256_add_ps(a[1], a[3]), _mm256_add_ps(a[5], a[7]))};
}

template <class Value>
void cascade_lanes_ps(index_t n, const Value& value, double* out) {
  Lanes16 level[64];
  uint64_t count = 0;
  for (index_t base = 0; base < n; base += kSumLeaf) {
    Lanes16 carry = leaf_ps(base, min_i(kSumLeaf, n - base), value);
    int k = 0;
    for (; (count >> k) & 1; ++k)
      carry = {_mm256_add_ps(level[k].lo, carry.lo), _mm256_add_ps(level[k].hi, carry.hi)};
    level[k] = carry;
    ++count;
  }
  __m256d d[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
  bool started = false;
  for (uint64_t rest = count; rest != 0; rest &= rest - 1) {
    const int k = __builtin_ctzll(rest);
    const __m256d l[4] = {low_pd(level[k].lo), high_pd(level[k].lo), low_pd(level[k].hi), high_pd(level[k].hi)};
    for (int j = 0; j < 4; ++j) d[j] = started ? _mm256_add_pd(l[j], d[j]) : l[j];
    started = true;
  }
  for (int j = 0; j < 4; ++j) _mm256_storeu_pd(out + 4 * j, d[j]);
}

struct LoadValues {
  const float* x;
  __m256 full(index_t i) const { return _mm256_loadu_ps(x + i); }
  __m256 part(index_t i, index_t rest) const { return _mm256_maskload_ps(x + i, first_lanes_ps(rest)); }
};

// Max of x[0:n] (n >= 1), NaN if any element is NaN.
inline float max_f32(index_t n, const float* x) {
  __m256 m = _mm256_set1_ps(-INFINITY), nan = _mm256_setzero_ps();
  index_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    m = _mm256_max_ps(m, v);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, m);
  float r = lanes[0];
  for (int j = 1; j < 8; ++j) r = lanes[j] > r ? lanes[j] : r;
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    r = x[i] > r ? x[i] : r;
  }
  return _mm256_movemask_ps(nan) ? NAN : r;
}

#include "float_kernels_impl.h"

// exp(x - m) for float, with x - m carried exactly (TwoSum) so that the rounding of the
// difference does not cost accuracy when |x - m| is large. An infinite x (a masked-out score,
// -inf) makes the error term NaN, which must not reach exp(-inf) = 0: it is dropped there.
inline __m256 exp_diff_ps(__m256 x, __m256 m) {
  __m256 s = _mm256_sub_ps(x, m);
  __m256 bb = _mm256_sub_ps(s, x);
  __m256 err = _mm256_sub_ps(_mm256_sub_ps(x, _mm256_sub_ps(s, bb)), _mm256_add_ps(m, bb));
  err = _mm256_and_ps(err, _mm256_cmp_ps(err, err, _CMP_ORD_Q));
  __m256 e = exp_ps(s);
  return _mm256_fmadd_ps(e, err, e);
}

// exp(x - m) of a row for the softmax sum, each value also stored to y when `store` (softmax
// keeps them; log_softmax only needs their sum).
template <bool store>
struct ExpDiffValues {
  const float* x;
  float* y;
  __m256 m;
  __m256 full(index_t i) const {
    __m256 e = exp_diff_ps(_mm256_loadu_ps(x + i), m);
    if (store) _mm256_storeu_ps(y + i, e);
    return e;
  }
  __m256 part(index_t i, index_t rest) const {
    const __m256i k = first_lanes_ps(rest);
    __m256 e = _mm256_and_ps(_mm256_castsi256_ps(k), exp_diff_ps(_mm256_maskload_ps(x + i, k), m));
    if (store) _mm256_maskstore_ps(y + i, k, e);
    return e;
  }
};

// Per row: the max, the cascade sum of exp(x - max) in float (the softmax values stored on the
// way), then y = e / sum, or y = x - (max + log(sum)) with max + log(sum) carried as two floats
// hi + lo: x - hi is exact where the result is small (Sterbenz), so the result keeps its
// accuracy near 0 without a pass in double (softmax_f32 of elementwise_avx512.cc).
void softmax_f32(bool log, index_t rows, index_t cols, const float* x, float* y) {
  const index_t whole = cols / 8 * 8;
  const __m256i tail = first_lanes_ps(cols - whole);
  for (index_t r = 0; r < rows; ++r, x += cols, y += cols) {
    const float mf = max_f32(cols, x);
    const __m256 m = _mm256_set1_ps(mf);
    double lanes[kSumLanes];
    if (log) cascade_lanes_ps(cols, ExpDiffValues<false>{x, y, m}, lanes);
    else cascade_lanes_ps(cols, ExpDiffValues<true>{x, y, m}, lanes);
    const double sum = fold_lanes(lanes);
    if (log) {
      const double lse = static_cast<double>(mf) + std::log(sum);
      const float hi_f = static_cast<float>(lse);
      const __m256 hi = _mm256_set1_ps(hi_f), lo = _mm256_set1_ps(static_cast<float>(lse - hi_f));
      for (index_t j = 0; j < whole; j += 8)
        _mm256_storeu_ps(y + j, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), hi), lo));
      if (whole < cols)
        _mm256_maskstore_ps(y + whole, tail, _mm256_sub_ps(_mm256_sub_ps(_mm256_maskload_ps(x + whole, tail), hi), lo));
    } else {
      const __m256 inv = _mm256_set1_ps(static_cast<float>(1.0 / sum));
      for (index_t j = 0; j < whole; j += 8) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), inv));
      if (whole < cols)
        _mm256_maskstore_ps(y + whole, tail, _mm256_mul_ps(_mm256_maskload_ps(y + whole, tail), inv));
    }
  }
}

// softmax_f32 down the columns of a block of `cols` <= kSoftmaxCols columns whose rows are ld
// apart (softmax_cols_f32 of elementwise_avx512.cc): column maxima (a NaN left out: its exp makes
// the column NaN anyway), then exp(x - max) by exp_diff_ps (stored for softmax) with column sums
// in double, then y = e * float(1 / sum), or y = x - hi - lo with hi + lo = max + log(sum).
void softmax_cols_f32(bool log, index_t size, index_t cols, index_t ld, const float* x, float* y) {
  alignas(32) float m[kSoftmaxCols], hi[kSoftmaxCols], lo[kSoftmaxCols];
  alignas(32) double s[kSoftmaxCols];
  const index_t whole = cols / 8 * 8;
  const __m256i tail = first_lanes_ps(cols - whole);
  for (index_t j = 0; j < cols; j += 8) {
    _mm256_store_ps(m + j, _mm256_set1_ps(-INFINITY));
    _mm256_store_pd(s + j, _mm256_setzero_pd());
    _mm256_store_pd(s + j + 4, _mm256_setzero_pd());
  }
  for (index_t r = 0; r < size; ++r) {
    const float* xr = x + r * ld;
    index_t j = 0;
    prefetch_ahead(r, size, cols, ld, x);
    for (; j < whole; j += 8) _mm256_store_ps(m + j, _mm256_max_ps(_mm256_loadu_ps(xr + j), _mm256_load_ps(m + j)));
    if (j < cols) _mm256_store_ps(m + j, _mm256_max_ps(_mm256_maskload_ps(xr + j, tail), _mm256_load_ps(m + j)));
  }
  auto add_sums = [&](index_t j, __m256 e) {
    _mm256_store_pd(s + j, _mm256_add_pd(_mm256_load_pd(s + j), low_pd(e)));
    _mm256_store_pd(s + j + 4, _mm256_add_pd(_mm256_load_pd(s + j + 4), high_pd(e)));
  };
  for (index_t r = 0; r < size; ++r) {
    const float* xr = x + r * ld;
    float* yr = y + r * ld;
    index_t j = 0;
    prefetch_ahead(r, size, cols, ld, x);
    for (; j < whole; j += 8) {
      const __m256 e = exp_diff_ps(_mm256_loadu_ps(xr + j), _mm256_load_ps(m + j));
      if (!log) _mm256_storeu_ps(yr + j, e);
      add_sums(j, e);
    }
    if (j < cols) {
      const __m256 e = _mm256_and_ps(_mm256_castsi256_ps(tail), exp_diff_ps(_mm256_maskload_ps(xr + j, tail), _mm256_load_ps(m + j)));
      if (!log) _mm256_maskstore_ps(yr + j, tail, e);
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
      for (; j < whole; j += 8)
        _mm256_storeu_ps(yr + j, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + j), _mm256_load_ps(hi + j)), _mm256_load_ps(lo + j)));
      if (j < cols)
        _mm256_maskstore_ps(yr + j, tail, _mm256_sub_ps(_mm256_sub_ps(_mm256_maskload_ps(xr + j, tail), _mm256_load_ps(hi + j)), _mm256_load_ps(lo + j)));
    }
  } else {
    float* inv = hi;
    for (index_t j = 0; j < cols; j += 4)
      _mm_store_ps(inv + j, _mm256_cvtpd_ps(_mm256_div_pd(_mm256_set1_pd(1.0), _mm256_load_pd(s + j))));
    for (index_t r = 0; r < size; ++r) {
      float* yr = y + r * ld;
      index_t j = 0;
      for (; j < whole; j += 8) _mm256_storeu_ps(yr + j, _mm256_mul_ps(_mm256_loadu_ps(yr + j), _mm256_load_ps(inv + j)));
      if (j < cols) _mm256_maskstore_ps(yr + j, tail, _mm256_mul_ps(_mm256_maskload_ps(yr + j, tail), _mm256_load_ps(inv + j)));
    }
  }
}

// exp(y) of the log-softmax gradient in double, by the float exp of the kernels above.
void exp_to_double_f32(index_t n, const float* y, double* e) {
  index_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = exp_ps(_mm256_loadu_ps(y + i));
    _mm256_storeu_pd(e + i, low_pd(v));
    _mm256_storeu_pd(e + i + 4, high_pd(v));
  }
  if (i < n) {
    const __m256 v = exp_ps(_mm256_maskload_ps(y + i, first_lanes_ps(n - i)));
    _mm256_maskstore_pd(e + i, first_lanes_pd(n - i), low_pd(v));
    if (n - i > 4) _mm256_maskstore_pd(e + i + 4, first_lanes_pd(n - i - 4), high_pd(v));
  }
}

}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <>
ElementwiseKernels<float> elementwise_kernels_avx2<float>() {
  return {&avx2::unary_f32,          &avx2::binary_generic<float>,
          &avx2::reduce_row_f32,     &avx2::sum_lanes_f32,
          &avx2::reduce_cols_generic<float>,
          &avx2::softmax_f32,
          &avx2::softmax_cols_f32,
          &avx2::softmax_col_sums_generic<float>,
          &avx2::softmax_grad_rows_generic<float, &avx2::exp_to_double_f32>,
          &avx2::softmax_rows_backward_generic<float, &avx2::exp_to_double_f32>,
          &avx2::adam_generic<float>,
          &avx2::sgd_generic<float>,
          &avx2::binary_stream<float>};
}
template <>
ElementwiseKernels<double> elementwise_kernels_avx2<double>() {
  return {&avx2::unary_generic<double>,      &avx2::binary_generic<double>,
          &avx2::reduce_row_generic<double>, &avx2::sum_lanes_generic<double>,
          &avx2::reduce_cols_generic<double>,
          &avx2::softmax_generic<double>,
          &avx2::softmax_cols_generic<double>,
          &avx2::softmax_col_sums_generic<double>,
          &avx2::softmax_grad_rows_generic<double, &avx2::exp_to_double_generic<double>>,
          &avx2::softmax_rows_backward_generic<double, &avx2::exp_to_double_generic<double>>,
          &avx2::adam_generic<double>,
          &avx2::sgd_generic<double>,
          &avx2::binary_stream<double>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
ElementwiseKernels<T> elementwise_kernels_avx2() {
  return elementwise_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template ElementwiseKernels<float> elementwise_kernels_avx2<float>();
template ElementwiseKernels<double> elementwise_kernels_avx2<double>();
}  // namespace tts
