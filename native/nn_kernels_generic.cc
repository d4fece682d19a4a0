// Portable nn kernels (any CPU), and the choice of ISA.
#include <cmath>

#include "nn_kernels.h"
#include "threadpool.h"

namespace tts {
namespace generic {
#include "nn_kernels_impl.h"
}  // namespace generic

template <typename T>
NnKernels<T> nn_kernels_generic() {
  return {&generic::max_pool_2x2_rows_generic<T>, &generic::act_grad_generic<T>};
}

template <typename T>
const NnKernels<T>& nn_kernels() {
  return for_active_isa<NnKernels<T>, &nn_kernels_avx512<T>, &nn_kernels_avx2<T>, &nn_kernels_generic<T>>();
}

template <typename T>
void act_grad(ActGradOp op, index_t n, const T* g, const T* x, T* out) {
  const auto& k = nn_kernels<T>();
  const bool cheap = op == ActGradOp::relu || op == ActGradOp::mul;
  parallel_for(0, n, cheap ? 32768 : 4096, [&](index_t lo, index_t hi) {
    k.act_grad(op, hi - lo, g + lo, x + lo, out + lo);
  });
}

template void act_grad<float>(ActGradOp, index_t, const float*, const float*, float*);
template void act_grad<double>(ActGradOp, index_t, const double*, const double*, double*);
template NnKernels<float> nn_kernels_generic<float>();
template NnKernels<double> nn_kernels_generic<double>();
template const NnKernels<float>& nn_kernels<float>();
template const NnKernels<double>& nn_kernels<double>();
}  // namespace tts
