// Elementwise losses of an input x and a target y of the same length (contiguous): mse, l1,
// smooth_l1, huber, binary cross-entropy on probabilities and on logits. The forward pass writes
// the elementwise loss (or only sums it) and returns the sum; the backward pass writes the
// gradient with respect to x. Nothing is validated here: src/backends/native/pointwise-loss.ts
// checks every length, dtype and overlap first.
#pragma once

#include "common.h"
#include "elementwise.h"

namespace tts {

enum class PointwiseLoss : int { mse = 0, l1 = 1, smooth_l1 = 2, huber = 3, bce = 4, bce_logits = 5 };

// The operands of one call: w (a weight per element) and pw (bce_logits' pos_weight per element)
// may be null; `param` is smooth_l1's beta or huber's delta; `unary` is the active ISA's
// elementwise unary kernel (log, exp, sigmoid of the cross-entropies).
template <typename T>
struct LossOperands {
  const T* x;
  const T* y;
  const T* w;
  const T* pw;
  double param;
  void (*unary)(UnaryOp op, index_t n, const T* x, T* y);
};

// Per-ISA loops over elements [0, n) of the operands advanced to one chunk.
template <typename T>
struct LossKernels {
  // out (may be null) = loss per element; returns the sum in double; *bad = 1 when bce meets an
  // input or target outside [0, 1] (NaN included).
  double (*forward)(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* out, int* bad);
  // gx = coef * d loss / d x, coef = (g ? g[i] : g0) * scale (times w[i] when w is set).
  void (*backward)(PointwiseLoss kind, index_t n, const LossOperands<T>& o, const T* g, double g0,
                   double scale, T* gx);
};

template <typename T>
LossKernels<T> loss_kernels_generic();
template <typename T>
LossKernels<T> loss_kernels_avx2();
template <typename T>
LossKernels<T> loss_kernels_avx512();

// Drivers over the thread pool. The sum adds fixed chunks' partial sums in order, so it does not
// depend on the thread count.
template <typename T>
double pointwise_loss_forward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* out,
                              int* bad);
template <typename T>
void pointwise_loss_backward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, const T* g,
                             double g0, double scale, T* gx);

}  // namespace tts
