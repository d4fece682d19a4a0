// AVX-512 GEMM micro-kernels: 12 x 32 (float) and 12 x 16 (double), 24 of the 32 zmm registers
// as accumulators.
#include "gemm.h"

#if TTS_X86_64
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics start from a self-initialised "undefined" register, which
// -Wmaybe-uninitialized reports after inlining (GCC bug 105593); nothing is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace {
struct F32x16 {
  using T = float;
  using R = __m512;
  static constexpr int width = 16;
  static R zero() { return _mm512_setzero_ps(); }
  static R set1(T x) { return _mm512_set1_ps(x); }
  static R load(const T* p) { return _mm512_load_ps(p); }
  static R loadu(const T* p) { return _mm512_loadu_ps(p); }
  static R broadcast(const T* p) { return _mm512_set1_ps(*p); }
  static void storeu(T* p, R v) { _mm512_storeu_ps(p, v); }
  static R fmadd(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R mul(R a, R b) { return _mm512_mul_ps(a, b); }
};
struct F64x8 {
  using T = double;
  using R = __m512d;
  static constexpr int width = 8;
  static R zero() { return _mm512_setzero_pd(); }
  static R set1(T x) { return _mm512_set1_pd(x); }
  static R load(const T* p) { return _mm512_load_pd(p); }
  static R loadu(const T* p) { return _mm512_loadu_pd(p); }
  static R broadcast(const T* p) { return _mm512_set1_pd(*p); }
  static void storeu(T* p, R v) { _mm512_storeu_pd(p, v); }
  static R fmadd(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
  static R mul(R a, R b) { return _mm512_mul_pd(a, b); }
};
}  // namespace
}  // namespace tts

#define KERNEL_NS avx512
#include "gemm_kernels_x86.h"
#undef KERNEL_NS

namespace tts {
namespace avx512 {

#include "avx512_transpose.h"

// In-register transpose of 8 rows of 8 doubles.
inline void transpose8(__m512d r[8]) {
  __m512d t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
  }
  // t[2q + j], lane L: column 2L + j for rows 2q, 2q+1.
  for (int i = 0; i < 2; ++i) {
    r[i] = _mm512_shuffle_f64x2(t[i], t[i + 2], _MM_SHUFFLE(2, 0, 2, 0));
    r[i + 2] = _mm512_shuffle_f64x2(t[i], t[i + 2], _MM_SHUFFLE(3, 1, 3, 1));
    r[i + 4] = _mm512_shuffle_f64x2(t[i + 4], t[i + 6], _MM_SHUFFLE(2, 0, 2, 0));
    r[i + 6] = _mm512_shuffle_f64x2(t[i + 4], t[i + 6], _MM_SHUFFLE(3, 1, 3, 1));
  }
  for (int i = 0; i < 2; ++i) {
    t[i] = _mm512_shuffle_f64x2(r[i], r[i + 4], _MM_SHUFFLE(2, 0, 2, 0));
    t[i + 4] = _mm512_shuffle_f64x2(r[i], r[i + 4], _MM_SHUFFLE(3, 1, 3, 1));
    t[i + 2] = _mm512_shuffle_f64x2(r[i + 2], r[i + 6], _MM_SHUFFLE(2, 0, 2, 0));
    t[i + 6] = _mm512_shuffle_f64x2(r[i + 2], r[i + 6], _MM_SHUFFLE(3, 1, 3, 1));
  }
  for (int i = 0; i < 8; ++i) r[i] = t[i];
}

// pack_transposed for float: 16 x 16 blocks through registers, masked at the panel's edge.
void pack_transposed_f32(index_t w, index_t valid, index_t kc, const float* src, index_t ld,
                         float* out) {
  index_t p = 0;
  for (; p + 16 <= kc; p += 16) {
    for (index_t i0 = 0; i0 < w; i0 += 16) {
      __m512 r[16];
      for (int i = 0; i < 16; ++i)
        r[i] = i0 + i < valid ? _mm512_loadu_ps(src + (i0 + i) * ld + p) : _mm512_setzero_ps();
      transpose16(r);
      const index_t width = w - i0 < 16 ? w - i0 : 16;
      const __mmask16 m = static_cast<__mmask16>((1u << width) - 1);
      for (int q = 0; q < 16; ++q) _mm512_mask_storeu_ps(out + (p + q) * w + i0, m, r[q]);
    }
  }
  if (p < kc) pack_transposed_scalar<float>(w, valid, kc - p, src + p, ld, out + p * w);
}

void pack_transposed_f64(index_t w, index_t valid, index_t kc, const double* src, index_t ld,
                         double* out) {
  index_t p = 0;
  for (; p + 8 <= kc; p += 8) {
    for (index_t i0 = 0; i0 < w; i0 += 8) {
      __m512d r[8];
      for (int i = 0; i < 8; ++i)
        r[i] = i0 + i < valid ? _mm512_loadu_pd(src + (i0 + i) * ld + p) : _mm512_setzero_pd();
      transpose8(r);
      const index_t width = w - i0 < 8 ? w - i0 : 8;
      const __mmask8 m = static_cast<__mmask8>((1u << width) - 1);
      for (int q = 0; q < 8; ++q) _mm512_mask_storeu_pd(out + (p + q) * w + i0, m, r[q]);
    }
  }
  if (p < kc) pack_transposed_scalar<double>(w, valid, kc - p, src + p, ld, out + p * w);
}

}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx512<float>() {
  MicroKernel<float> mk{&avx512::micro_kernel<F32x16, 12>, 12, 32, 512, 256, &avx512::pack_transposed_f32};
  mk.edge[0] = &avx512::micro_kernel<F32x16, 4, 12>;
  mk.edge[1] = &avx512::micro_kernel<F32x16, 8, 12>;
  mk.edge_rows[0] = 4;
  mk.edge_rows[1] = 8;
  return mk;
}
template <>
MicroKernel<double> micro_kernel_avx512<double>() {
  MicroKernel<double> mk{&avx512::micro_kernel<F64x8, 12>, 12, 16, 256, 256, &avx512::pack_transposed_f64};
  mk.edge[0] = &avx512::micro_kernel<F64x8, 4, 12>;
  mk.edge[1] = &avx512::micro_kernel<F64x8, 8, 12>;
  mk.edge_rows[0] = 4;
  mk.edge_rows[1] = 8;
  return mk;
}
}  // namespace tts

#else  // not x86-64: never selected, but keep the symbols

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx512<float>() {
  return micro_kernel_scalar<float>();
}
template <>
MicroKernel<double> micro_kernel_avx512<double>() {
  return micro_kernel_scalar<double>();
}
}  // namespace tts
#endif
