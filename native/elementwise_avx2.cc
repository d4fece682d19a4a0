// Elementwise kernels for AVX2 + FMA: the portable loops, vectorised by the compiler for AVX2.
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
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
ElementwiseKernels<T> elementwise_kernels_avx2() {
  return {&avx2::unary_generic<T>,      &avx2::binary_generic<T>,
          &avx2::reduce_row_generic<T>, &avx2::sum_lanes_generic<T>, &avx2::reduce_cols_generic<T>,
          &avx2::softmax_generic<T>,
          &avx2::softmax_cols_generic<T>,
          &avx2::softmax_col_sums_generic<T>,
          &avx2::softmax_grad_rows_generic<T, &avx2::exp_to_double_generic<T>>,
          &avx2::softmax_rows_backward_generic<T, &avx2::exp_to_double_generic<T>>,
          &avx2::adam_generic<T>,
          &avx2::sgd_generic<T>,
          &avx2::binary_stream<T>};
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
