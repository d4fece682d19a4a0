// Drivers of the activation kernels: the ISA's table, and the split over the thread pool.
#include "activation.h"

#include "threadpool.h"

namespace tts {
namespace {

template <typename T>
const ActivationKernels<T>& kernels() {
  static const ActivationKernels<T> k512 = activation_kernels_avx512<T>();
  static const ActivationKernels<T> k2 = activation_kernels_avx2<T>();
  static const ActivationKernels<T> kg = activation_kernels_generic<T>();
  return for_active_isa(k512, k2, kg);
}

// Elements per thread below which splitting costs more than it saves: the piecewise-linear ops
// are memory-bound, the transcendental ones pay off sooner.
index_t grain(ActivationOp op) {
  switch (op) {
    case ActivationOp::leaky_relu: case ActivationOp::hardtanh: case ActivationOp::hardswish:
    case ActivationOp::hardsigmoid: case ActivationOp::threshold: case ActivationOp::hardshrink:
    case ActivationOp::softshrink: case ActivationOp::softsign:
      return 32768;
    default:
      return 4096;
  }
}

}  // namespace

template <typename T>
void activation_forward(ActivationOp op, const ActivationParams& p, index_t n, const T* x, T* y) {
  const auto& k = kernels<T>();
  parallel_for(0, n, grain(op), [&](index_t lo, index_t hi) { k.forward(op, p, hi - lo, x + lo, y + lo); });
}

template <typename T>
void activation_backward(ActivationOp op, const ActivationParams& p, index_t n, const T* g,
                         const T* x, T* out) {
  const auto& k = kernels<T>();
  parallel_for(0, n, grain(op), [&](index_t lo, index_t hi) {
    k.backward(op, p, hi - lo, g + lo, x + lo, out + lo);
  });
}

template void activation_forward<float>(ActivationOp, const ActivationParams&, index_t, const float*, float*);
template void activation_forward<double>(ActivationOp, const ActivationParams&, index_t, const double*, double*);
template void activation_backward<float>(ActivationOp, const ActivationParams&, index_t, const float*, const float*, float*);
template void activation_backward<double>(ActivationOp, const ActivationParams&, index_t, const double*, const double*, double*);

}  // namespace tts
