// The pointwise loss loops (pointwise_loss_impl.h) compiled for generic.
#include <algorithm>
#include <cmath>

#include "pointwise_loss.h"

// Comparisons and selects that may not trap vectorise as blends (no FP exceptions are read).
#pragma GCC optimize("no-trapping-math")
// The block buffers are written before the unary kernel (behind a pointer) reads them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace tts {
namespace loss_generic {
#include "pointwise_loss_impl.h"
}  // namespace loss_generic

template <typename T>
LossKernels<T> loss_kernels_generic() {
  return loss_generic::make_loss_kernels<T>();
}
template LossKernels<float> loss_kernels_generic<float>();
template LossKernels<double> loss_kernels_generic<double>();
}  // namespace tts
