// AVX2 helpers shared by the GEMM packing and the channel-vector convolution kernels: 8 x 8 /
// 4 x 4 register transposes and partial-vector stores. Include it only between
// `#pragma GCC push_options` / `target("avx2,fma")` and `pop_options`, inside namespace
// tts::avx2, after <immintrin.h>.
#pragma once

// In-register transpose of 8 rows of 8 floats.
inline void transpose8(__m256 r[8]) {
  __m256 t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  // t[2q + h], 128-bit lane L: rows 2q, 2q+1 interleaved, columns 4L + 2h, 4L + 2h + 1.
  __m256 u[8];
  for (int i = 0; i < 8; i += 4) {
    for (int h = 0; h < 2; ++h) {
      u[i + 2 * h] = _mm256_shuffle_ps(t[i + h], t[i + 2 + h], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 2 * h + 1] = _mm256_shuffle_ps(t[i + h], t[i + 2 + h], _MM_SHUFFLE(3, 2, 3, 2));
    }
  }
  // u[4g + c], lane L: column 4L + c of rows 4g..4g+3.
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[c + 4] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

// In-register transpose of 4 rows of 4 doubles.
inline void transpose4(__m256d r[4]) {
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// Stores the first `width` (< 8) floats of v: plain 16/8/4-byte stores (AMD's masked stores
// are microcoded and slow).
inline void store_first(float* dst, __m256 v, int width) {
  __m128 half = _mm256_castps256_ps128(v);
  if (width >= 4) {
    _mm_storeu_ps(dst, half);
    half = _mm256_extractf128_ps(v, 1);
    dst += 4;
    width -= 4;
  }
  if (width >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(dst), half);
    half = _mm_movehl_ps(half, half);
    dst += 2;
    width -= 2;
  }
  if (width == 1) _mm_store_ss(dst, half);
}

// The first `width` (< 4) doubles of v.
inline void store_first(double* dst, __m256d v, int width) {
  __m128d half = _mm256_castpd256_pd128(v);
  if (width >= 2) {
    _mm_storeu_pd(dst, half);
    half = _mm256_extractf128_pd(v, 1);
    dst += 2;
    width -= 2;
  }
  if (width == 1) _mm_store_sd(dst, half);
}
