// exp(x) for float in AVX2 lanes, and the AVX2 stand-ins for the AVX-512 instructions that the
// explicit float kernels use (scalef, getexp/getmant, masked loads and stores), shared by the
// kernels that need them. Included inside an ISA namespace after `#pragma GCC target("avx2,fma")`
// and <immintrin.h>, as elementwise_impl.h is. Same algorithms, constants and operation order as
// avx512_exp.h, so both ISAs give the same bits.
#pragma once

// p * 2^n for integral n in [-252, 254] (NaN n comes with a NaN p, which the result keeps), in one
// rounding as _mm256_scalef_ps: 2^n is applied as two normal factors 2^(n >> 1) and
// 2^(n - (n >> 1)); the first product is exact wherever |p| * 2^(n >> 1) stays normal (exp's p is
// within [0.7, 1.5]), so the second rounds once: overflow to inf, gradual underflow to the same
// denormal or 0 as scalef.
inline __m256 scalef_ps(__m256 p, __m256 n) {
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 f1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  const __m256 f2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, f1), f2);
}

// The same for double lanes and integral n in [-2044, 2046], as _mm512_scalef_pd.
inline __m256d scalef_pd(__m256d p, __m256d n) {
  const __m128i ni = _mm256_cvtpd_epi32(n);
  const __m128i n1 = _mm_srai_epi32(ni, 1);
  const __m128i n2 = _mm_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi64x(1023);
  const __m256d f1 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(n1), bias), 52));
  const __m256d f2 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(n2), bias), 52));
  return _mm256_mul_pd(_mm256_mul_pd(p, f1), f2);
}

// Round to the nearest integer, ties to even (AVX-512's roundscale with the same flags).
inline __m256 round_ps(__m256 x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline __m256d round_pd(__m256d x) { return _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

// Lane masks for the first `rest` lanes (0 <= rest; all lanes from 8 / 4 on), for
// _mm256_maskload/_mm256_maskstore (which read and write nothing in the other lanes, and load 0
// there, as AVX-512's maskz loads).
inline __m256i first_lanes_ps(index_t rest) {
  const int k = rest >= 8 ? 8 : static_cast<int>(rest);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline __m256i first_lanes_pd(index_t rest) {
  const long long k = rest >= 4 ? 4 : static_cast<long long>(rest);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(k), _mm256_setr_epi64x(0, 1, 2, 3));
}

// The lanes of a float vector widened to double: the low four and the high four.
inline __m256d low_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline __m256d high_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }

// exp(x) for float, Cephes' polynomial on [-ln2/2, ln2/2] after a Cody-Waite reduction: within
// about 1 ulp. exp(x) = p * 2^n; scalef_ps applies 2^n with overflow to inf and gradual underflow
// to denormals and 0 in one rounding, so callers may fold a factor into p first (silu does).
inline void exp_parts(__m256 x, __m256& p, __m256& n) {
  // min/max with x second keep a NaN in x (they return the second operand on NaN). Below -104
  // exp(x) rounds to 0 however far the clamp is; clamping at -110 rather than there keeps p * 2^n
  // exact for silu's x * p * 2^n, whose denormal results reach down to x = -110.
  x = _mm256_max_ps(_mm256_set1_ps(-110.0f), _mm256_min_ps(_mm256_set1_ps(89.0f), x));
  n = round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)));
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
}

inline __m256 exp_ps(__m256 x) {
  __m256 p, n;
  exp_parts(x, p, n);
  return scalef_ps(p, n);
}
