// Small per-ISA loops of the neural-network kernels (pooling rows, activation gradients), compiled
// for each instruction set like the elementwise kernels and picked at run time.
#pragma once

#include "common.h"

namespace tts {

// Activation gradients: out = g * f'(x), with x the saved input, or the saved output where noted.
// The numeric values are part of the JS interface (src/backends/native/index.ts).
// (The other activations' gradients are native/activation.h's.)
enum class ActGradOp : int {
  relu = 0,      // x = relu's output: x <= 0 ? 0 : g
  sigmoid,       // x = sigmoid's output: g * (1 - x) * x
  tanh,          // x = tanh's output: g * (1 - x * x)
  mul,           // g * x (exp's gradient, x = exp's output)
  count
};

template <typename T>
struct NnKernels {
  // 2x2/stride-2 max pooling of `rows` output rows of width ow from the 2*rows input rows of
  // width 2*ow at x; idx (may be null) = base + the offset from x of each maximum. h, v, hi and vi
  // are scratch of 2*rows*ow elements each (hi, vi only with idx).
  void (*max_pool_2x2_rows)(index_t rows, index_t ow, const T* x, T* y, int64_t* idx, int64_t base,
                            T* h, int32_t* hi, T* v, int32_t* vi);
  // out[i] = g[i] * f'(x[i]) for i < n, evaluated in double; out may equal g.
  void (*act_grad)(ActGradOp op, index_t n, const T* g, const T* x, T* out);
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
void act_grad(ActGradOp op, index_t n, const T* g, const T* x, T* out);

}  // namespace tts
