// Drivers of the activation kernels: the ISA's table, and the split over the thread pool.
#include "activation.h"

#include "threadpool.h"

namespace tts {
namespace {

template <typename T>
const ActivationKernels<T>& kernels() {
  return for_active_isa<ActivationKernels<T>, &activation_kernels_avx512<T>, &activation_kernels_avx2<T>, &activation_kernels_generic<T>>();
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

namespace {

// Rows of `inner` values, channel c = row % channels: leaky_relu's kernel with slope w[c] per row
// when rows are long; else whole [channels, inner] blocks of one outer index.
template <typename T>
void prelu_rows(bool backward, index_t outer, index_t channels, index_t inner, const T* g,
                const T* x, const T* w, T* out) {
  const auto& k = kernels<T>();
  if (inner >= 64) {
    parallel_for(0, outer * channels, max_i(1, 32768 / inner), [&](index_t lo, index_t hi) {
      // The channel steps with the row (no division per row).
      for (index_t r = lo, c = lo % channels; r < hi; ++r, c = c + 1 == channels ? 0 : c + 1) {
        ActivationParams p;
        p.a = static_cast<double>(w[c]);
        const index_t at = r * inner;
        if (backward) k.backward(ActivationOp::leaky_relu, p, inner, g + at, x + at, out + at);
        else k.forward(ActivationOp::leaky_relu, p, inner, x + at, out + at);
      }
    });
    return;
  }
  const index_t block = max_i(channels * inner, 1);
  parallel_for(0, outer, max_i(1, 32768 / block), [&](index_t lo, index_t hi) {
    k.prelu_blocks(backward, hi - lo, channels, inner, backward ? g + lo * block : nullptr,
                   x + lo * block, w, out + lo * block);
  });
}

}  // namespace

template <typename T>
void prelu_forward(index_t outer, index_t channels, index_t inner, const T* x, const T* w, T* y) {
  prelu_rows<T>(false, outer, channels, inner, nullptr, x, w, y);
}

template <typename T>
void prelu_input_grad(index_t outer, index_t channels, index_t inner, const T* g, const T* x,
                      const T* w, T* gx) {
  prelu_rows<T>(true, outer, channels, inner, g, x, w, gx);
}

template void prelu_forward<float>(index_t, index_t, index_t, const float*, const float*, float*);
template void prelu_forward<double>(index_t, index_t, index_t, const double*, const double*, double*);
template void prelu_input_grad<float>(index_t, index_t, index_t, const float*, const float*, const float*, float*);
template void prelu_input_grad<double>(index_t, index_t, index_t, const double*, const double*, const double*, double*);
template void activation_forward<float>(ActivationOp, const ActivationParams&, index_t, const float*, float*);
template void activation_forward<double>(ActivationOp, const ActivationParams&, index_t, const double*, double*);
template void activation_backward<float>(ActivationOp, const ActivationParams&, index_t, const float*, const float*, float*);
template void activation_backward<double>(ActivationOp, const ActivationParams&, index_t, const double*, const double*, double*);

}  // namespace tts
