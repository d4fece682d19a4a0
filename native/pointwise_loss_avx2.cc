// The pointwise loss loops (pointwise_loss_impl.h) compiled for avx2.
#include <algorithm>
#include <cmath>

#include "pointwise_loss.h"

// Comparisons and selects that may not trap vectorise as blends (no FP exceptions are read).
#pragma GCC optimize("no-trapping-math")
// The block buffers are written before the unary kernel (behind a pointer) reads them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace loss_avx2 {
#include "pointwise_loss_impl.h"
}  // namespace loss_avx2

template <typename T>
LossKernels<T> loss_kernels_avx2() {
  return loss_avx2::make_loss_kernels<T>();
}
template LossKernels<float> loss_kernels_avx2<float>();
template LossKernels<double> loss_kernels_avx2<double>();
}  // namespace tts
#pragma GCC pop_options
#else
namespace tts {
// Without x86-64 the portable loops stand in.
template <typename T>
LossKernels<T> loss_kernels_avx2() {
  return loss_kernels_generic<T>();
}
template LossKernels<float> loss_kernels_avx2<float>();
template LossKernels<double> loss_kernels_avx2<double>();
}  // namespace tts
#endif
