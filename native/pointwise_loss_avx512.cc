// The pointwise loss loops (pointwise_loss_impl.h) compiled for avx512.
#include <algorithm>
#include <cmath>

#include "pointwise_loss.h"

// Comparisons and selects that may not trap vectorise as blends (no FP exceptions are read).
#pragma GCC optimize("no-trapping-math")
// The block buffers are written before the unary kernel (behind a pointer) reads them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace loss_avx512 {
#include "pointwise_loss_impl.h"
}  // namespace loss_avx512

template <typename T>
LossKernels<T> loss_kernels_avx512() {
  return loss_avx512::make_loss_kernels<T>();
}
template LossKernels<float> loss_kernels_avx512<float>();
template LossKernels<double> loss_kernels_avx512<double>();
}  // namespace tts
#pragma GCC pop_options
#else
namespace tts {
// Without x86-64 the portable loops stand in.
template <typename T>
LossKernels<T> loss_kernels_avx512() {
  return loss_kernels_generic<T>();
}
template LossKernels<float> loss_kernels_avx512<float>();
template LossKernels<double> loss_kernels_avx512<double>();
}  // namespace tts
#endif
