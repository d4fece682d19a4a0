// Small per-ISA loops of the neural-network kernels (pooling rows, activation gradients), compiled
// for each instruction set like the elementwise kernels and picked at run time.
#pragma once

#include "common.h"

namespace tts {

// Activation gradients: out = g * f'(x), with x the saved input, or the saved output where noted.
// The numeric values are part of the JS interface (src/backends/native/index.ts).
enum class ActGradOp : int {
  relu = 0,      // x = relu's output: x <= 0 ? 0 : g
  threshold,     // x <= alpha ? 0 : g
  leaky_relu,    // x > 0 ? g : g * alpha
  sigmoid,       // x = sigmoid's output: g * (1 - x) * x
  tanh,          // x = tanh's output: g * (1 - x * x)
  gelu,          // exact (erf) gelu
  gelu_tanh,     // tanh-approximated gelu
  silu,          // g * s * (1 + x * (1 - s)), s = sigmoid(x)
  mul,           // g * x (exp's gradient, x = exp's output)
  count
};

template <typename T>
struct NnKernels {
  // One row of 2x2/stride-2 max pooling: y[j] and idx[j] (idx may be null) from rows r0 and r1
  // (the input row below r0) for j < n; indices are base + offset within the plane, row width iw.
  void (*max_pool_2x2_row)(index_t n, const T* r0, const T* r1, T* y, int64_t* idx, int64_t base,
                           int64_t iw);
  // out[i] = g[i] * f'(x[i]) for i < n, evaluated in double; out may equal g.
  void (*act_grad)(ActGradOp op, index_t n, const T* g, const T* x, T* out, double alpha);
};

template <typename T>
NnKernels<T> nn_kernels_generic();
template <typename T>
NnKernels<T> nn_kernels_avx2();
template <typename T>
NnKernels<T> nn_kernels_avx512();

// The kernels of the active ISA.
template <typename T>
const NnKernels<T>& nn_kernels();

// act_grad of the active ISA over n elements, split over the thread pool when large.
template <typename T>
void act_grad(ActGradOp op, index_t n, const T* g, const T* x, T* out, double alpha);

}  // namespace tts
