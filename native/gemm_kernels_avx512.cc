// AVX-512 GEMM micro-kernels: 12 x 32 (float) and 12 x 16 (double), 24 of the 32 zmm registers
// as accumulators.
#include "gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

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
#pragma GCC pop_options

namespace tts {
template <>
MicroKernel<float> micro_kernel_avx512<float>() {
  return {&avx512::micro_kernel<F32x16, 12>, 12, 32, 256, 512};
}
template <>
MicroKernel<double> micro_kernel_avx512<double>() {
  return {&avx512::micro_kernel<F64x8, 12>, 12, 16, 256, 256};
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
