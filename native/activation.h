// Activation functions (gelu, softplus, elu family, leaky_relu, hardtanh, hardswish, mish, ...)
// forward and backward on contiguous float/double buffers, one kernel table per ISA.
// The enum's numeric values are part of the JS interface (src/backends/native/activation.ts).
#pragma once

#include "common.h"

namespace tts {

// Forward y = f(x) and backward out = g * f'(x) (x the op's input), with the parameters of
// ActivationParams where noted.
enum class ActivationOp : int {
  gelu = 0,     // x * Phi(x) (the erf form)
  gelu_tanh,    // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
  softplus,     // a = beta, b = threshold: x * beta > threshold ? x : log1p(exp(x * beta)) / beta
  elu,          // a = alpha * scale, b = scale, c = input_scale: x <= 0 ? a * expm1(x * c) : b * x
  leaky_relu,   // a = negative slope
  hardtanh,     // a = min_val, b = max_val
  hardswish,    // x * min(max(x + 3, 0), 6) / 6
  hardsigmoid,  // min(max(x + 3, 0), 6) / 6
  mish,         // x * tanh(softplus(x))
  log_sigmoid,  // min(x, 0) - log1p(exp(-|x|))
  softsign,     // x / (1 + |x|)
  threshold,    // a = threshold, b = value: x <= a ? b : x
  hardshrink,   // a = lambda: |x| <= a ? 0 : x
  softshrink,   // a = lambda: x > a ? x - a : x < -a ? x + a : 0
  tanhshrink,   // x - tanh(x)
  silu,         // x * sigmoid(x)
  count
};

struct ActivationParams {
  double a = 0, b = 0, c = 0;
};

template <typename T>
struct ActivationKernels {
  // y[i] = f(x[i]); y may equal x.
  void (*forward)(ActivationOp op, const ActivationParams& p, index_t n, const T* x, T* y);
  // out[i] = g[i] * f'(x[i]); out may equal g or x.
  void (*backward)(ActivationOp op, const ActivationParams& p, index_t n, const T* g, const T* x,
                   T* out);
  // PReLU over `blocks` blocks of [channels, inner] values: out = x > 0 ? v : w[c] * v, with v
  // = x forward and v = g backward (g is ignored forward); out may equal x or g.
  void (*prelu_blocks)(bool backward, index_t blocks, index_t channels, index_t inner, const T* g,
                       const T* x, const T* w, T* out);
};

template <typename T>
ActivationKernels<T> activation_kernels_generic();
template <typename T>
ActivationKernels<T> activation_kernels_avx2();
template <typename T>
ActivationKernels<T> activation_kernels_avx512();

// Drivers: the kernels of the active ISA, split over the thread pool when large.
template <typename T>
void activation_forward(ActivationOp op, const ActivationParams& p, index_t n, const T* x, T* y);
template <typename T>
void activation_backward(ActivationOp op, const ActivationParams& p, index_t n, const T* g,
                         const T* x, T* out);

// PReLU with one weight per channel, x viewed as [outer, channels, inner] (contiguous):
// y = x > 0 ? x : w[c] * x, and its input gradient gx = x > 0 ? g : w[c] * g (leaky_relu's
// kernels per row of `inner` values). y may equal x; gx may equal g or x.
template <typename T>
void prelu_forward(index_t outer, index_t channels, index_t inner, const T* x, const T* w, T* y);
template <typename T>
void prelu_input_grad(index_t outer, index_t channels, index_t inner, const T* g, const T* x,
                      const T* w, T* gx);

}  // namespace tts
