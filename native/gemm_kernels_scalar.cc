// Portable GEMM micro-kernel: plain C++ that the compiler may vectorise for the baseline ISA
// (SSE2 on x86-64, NEON on arm64). Used where no ISA-specific kernel applies.
#include "gemm.h"

#include <cmath>

namespace tts {
namespace {
template <typename T, int MR, int NR>
void micro_kernel_portable(index_t kc, const T* ap, const T* bp, T* c, index_t ldc, T alpha,
                           T beta) {
  T acc[MR][NR] = {};
  for (index_t p = 0; p < kc; ++p) {
    for (int i = 0; i < MR; ++i) {
      T a = ap[i];
      for (int j = 0; j < NR; ++j) acc[i][j] += a * bp[j];
    }
    ap += MR;
    bp += NR;
  }
  for (int i = 0; i < MR; ++i) {
    T* row = c + i * ldc;
    if (beta == T(0)) {
      for (int j = 0; j < NR; ++j) row[j] = alpha * acc[i][j];
    } else {
      for (int j = 0; j < NR; ++j) row[j] = std::fma(alpha, acc[i][j], beta * row[j]);  // as the x86 kernels
    }
  }
}
}  // namespace

template <typename T>
void pack_transposed_scalar(index_t w, index_t valid, index_t kc, const T* src, index_t ld,
                            T* out) {
  // p outer: the `valid` source rows are read as parallel streams, the output written in order.
  for (index_t p = 0; p < kc; ++p) {
    T* dst = out + p * w;
    for (index_t i = 0; i < valid; ++i) dst[i] = src[i * ld + p];
    for (index_t i = valid; i < w; ++i) dst[i] = T(0);
  }
}
template void pack_transposed_scalar<float>(index_t, index_t, index_t, const float*, index_t,
                                            float*);
template void pack_transposed_scalar<double>(index_t, index_t, index_t, const double*, index_t,
                                             double*);

template <>
MicroKernel<float> micro_kernel_scalar<float>() {
  return {&micro_kernel_portable<float, 4, 8>, 4, 8, 256, 512, &pack_transposed_scalar<float>};
}
template <>
MicroKernel<double> micro_kernel_scalar<double>() {
  return {&micro_kernel_portable<double, 4, 4>, 4, 4, 256, 256, &pack_transposed_scalar<double>};
}
}  // namespace tts
