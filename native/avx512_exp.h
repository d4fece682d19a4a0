// exp(x) for float in AVX-512 lanes, shared by the kernels that need it. Included inside an
// ISA namespace after `#pragma GCC target("avx512f,...")` and <immintrin.h>, as
// elementwise_impl.h is.
#pragma once

// exp(x) for float, Cephes' polynomial on [-ln2/2, ln2/2] after a Cody-Waite reduction: within
// about 1 ulp. exp(x) = p * 2^n; scalef applies 2^n with overflow to inf and gradual underflow to
// denormals and 0 in one rounding, so callers may fold a factor into p first (silu does).
inline void exp_parts(__m512 x, __m512& p, __m512& n) {
  // min/max with x second keep a NaN in x (they return the second operand on NaN). Below -104
  // exp(x) rounds to 0 however far the clamp is; clamping at -110 rather than there keeps p * 2^n
  // exact for silu's x * p * 2^n, whose denormal results reach down to x = -110.
  x = _mm512_max_ps(_mm512_set1_ps(-110.0f), _mm512_min_ps(_mm512_set1_ps(89.0f), x));
  n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
  p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
}

inline __m512 exp_ps(__m512 x) {
  __m512 p, n;
  exp_parts(x, p, n);
  return _mm512_scalef_ps(p, n);
}
