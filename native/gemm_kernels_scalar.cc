// Portable GEMM micro-kernel: plain C++ that the compiler may vectorise for the baseline ISA
// (SSE2 on x86-64, NEON on arm64). Used where no ISA-specific kernel applies.
#include "gemm.h"

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
      for (int j = 0; j < NR; ++j) row[j] = alpha * acc[i][j] + beta * row[j];
    }
  }
}
}  // namespace

template <>
MicroKernel<float> micro_kernel_scalar<float>() {
  return {&micro_kernel_portable<float, 4, 8>, 4, 8, 256, 512};
}
template <>
MicroKernel<double> micro_kernel_scalar<double>() {
  return {&micro_kernel_portable<double, 4, 4>, 4, 4, 256, 256};
}
}  // namespace tts
