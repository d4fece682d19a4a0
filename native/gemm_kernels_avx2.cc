// AVX2 + FMA GEMM micro-kernels: 6 x 16 (float) and 6 x 8 (double), 12 of the 16 ymm registers
// as accumulators.
#include "gemm.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
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
}  // namespace
}  // namespace tts

#define KERNEL_NS avx2
#include "gemm_kernels_x86.h"
#undef KERNEL_NS
#pragma GCC pop_options

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx2<float>() {
  return {&avx2::micro_kernel<F32x8, 6>, 6, 16, 256, 512, &pack_transposed_scalar<float>};
}
template <>
MicroKernel<double> micro_kernel_avx2<double>() {
  return {&avx2::micro_kernel<F64x4, 6>, 6, 8, 256, 256, &pack_transposed_scalar<double>};
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
