// AVX2 + FMA GEMM: the shared 6 x 16 (float) / 6 x 8 (double) micro-kernels of
// gemm_kernels_x86.h (12 of the 16 ymm registers as accumulators, 2 for a row of packed B, 1 for
// a broadcast of A), the blocking for a 32 KiB L1d / 512 KiB L2 core, and packing of operands
// whose k index is contiguous through 8 x 8 (float) / 4 x 4 (double) register transposes.
//
// Measured on Zen 3 (EPYC, 2 FMA pipes) with a 1-thread driver counting cycles: the kernel with
// its operands in L1 runs at ~31 of 32 float flops/cycle, and 6x16, 4x24 and 5x16 tiles are
// alike, so the losses are in the memory hierarchy. The driver keeps one 6-row A panel in L1
// while a group of packed B panels (kc x nc) streams from L2: with nc = 512 that group is the
// whole L2 (512 KiB) and spills; nc = 128 keeps it at a third of L2 (kc 384: 192 KiB), +7-9 %
// at n = 512 and 2048. The vector transposes replace a scalar loop that took ~2 % of a
// row-major A @ B. Double is less sensitive; nc = 64 keeps its group at 128 KiB.
#include "gemm.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
namespace {

struct F32x8 {
  using T = float;
  using R = __m256;
  static constexpr int width = 8;
  static R zero() { return _mm256_setzero_ps(); }
  static R set1(T x) { return _mm256_set1_ps(x); }
  static R load(const T* p) { return _mm256_load_ps(p); }
  static R loadu(const T* p) { return _mm256_loadu_ps(p); }
  static R broadcast(const T* p) { return _mm256_broadcast_ss(p); }
  static void storeu(T* p, R v) { _mm256_storeu_ps(p, v); }
  static R fmadd(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static R mul(R a, R b) { return _mm256_mul_ps(a, b); }
};
struct F64x4 {
  using T = double;
  using R = __m256d;
  static constexpr int width = 4;
  static R zero() { return _mm256_setzero_pd(); }
  static R set1(T x) { return _mm256_set1_pd(x); }
  static R load(const T* p) { return _mm256_load_pd(p); }
  static R loadu(const T* p) { return _mm256_loadu_pd(p); }
  static R broadcast(const T* p) { return _mm256_broadcast_sd(p); }
  static void storeu(T* p, R v) { _mm256_storeu_pd(p, v); }
  static R fmadd(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static R mul(R a, R b) { return _mm256_mul_pd(a, b); }
};

#include "avx2_transpose.h"

// pack_transposed (out[p * w + i] = src[i * ld + p]) through registers: blocks of 8 x 8 floats
// or 4 x 4 doubles, rows past `valid` as zeros, a panel's last partial block by narrower stores.
template <class T>
void pack_transposed(index_t w, index_t valid, index_t kc, const T* src, index_t ld, T* out) {
  constexpr int L = 32 / sizeof(T);
  index_t p = 0;
  for (; p + L <= kc; p += L) {
    for (index_t i0 = 0; i0 < w; i0 += L) {
      const int width = static_cast<int>(min_i(L, w - i0));
      if constexpr (sizeof(T) == 4) {
        __m256 r[8];
        for (int i = 0; i < 8; ++i)
          r[i] = i0 + i < valid ? _mm256_loadu_ps(src + (i0 + i) * ld + p) : _mm256_setzero_ps();
        transpose8(r);
        if (width == 8) {
          for (int q = 0; q < 8; ++q) _mm256_storeu_ps(out + (p + q) * w + i0, r[q]);
        } else {
          for (int q = 0; q < 8; ++q) store_first(out + (p + q) * w + i0, r[q], width);
        }
      } else {
        __m256d r[4];
        for (int i = 0; i < 4; ++i)
          r[i] = i0 + i < valid ? _mm256_loadu_pd(src + (i0 + i) * ld + p) : _mm256_setzero_pd();
        transpose4(r);
        if (width == 4) {
          for (int q = 0; q < 4; ++q) _mm256_storeu_pd(out + (p + q) * w + i0, r[q]);
        } else {
          for (int q = 0; q < 4; ++q) store_first(out + (p + q) * w + i0, r[q], width);
        }
      }
    }
  }
  if (p < kc) pack_transposed_scalar<T>(w, valid, kc - p, src + p, ld, out + p * w);
}

// pack_rows: whole vectors per k step (w is NR, 16 floats or 8 doubles, or MR = 6 with a
// scalar tail), no libc call per row.
template <class T>
void pack_rows(index_t w, index_t kc, const T* src, index_t ld, T* out) {
  constexpr index_t L = 32 / sizeof(T);
  const index_t whole = w / L * L;
  for (index_t p = 0; p < kc; ++p, src += ld, out += w) {
    index_t i = 0;
    for (; i < whole; i += L) {
      if constexpr (sizeof(T) == 4) _mm256_storeu_ps(out + i, _mm256_loadu_ps(src + i));
      else _mm256_storeu_pd(out + i, _mm256_loadu_pd(src + i));
    }
    for (; i < w; ++i) out[i] = src[i];
  }
}

}  // namespace
}  // namespace avx2
}  // namespace tts

#define KERNEL_NS avx2
#include "gemm_kernels_x86.h"
#undef KERNEL_NS
#pragma GCC pop_options

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx2<float>() {
  MicroKernel<float> mk{&avx2::micro_kernel<avx2::F32x8, 6>, 6, 16, 384, 128, &avx2::pack_transposed<float>};
  mk.pack_rows = &avx2::pack_rows<float>;
  return mk;
}
template <>
MicroKernel<double> micro_kernel_avx2<double>() {
  MicroKernel<double> mk{&avx2::micro_kernel<avx2::F64x4, 6>, 6, 8, 256, 64, &avx2::pack_transposed<double>};
  mk.pack_rows = &avx2::pack_rows<double>;
  return mk;
}
}  // namespace tts

#else

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx2<float>() {
  return micro_kernel_scalar<float>();
}
template <>
MicroKernel<double> micro_kernel_avx2<double>() {
  return micro_kernel_scalar<double>();
}
}  // namespace tts
#endif
