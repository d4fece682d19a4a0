// Elementwise kernels for the baseline ISA (any x86-64, arm64, ...).
#include <cmath>

#include "elementwise.h"

namespace tts {
namespace generic {
#include "elementwise_impl.h"
#include "softmax_cols_impl.h"
}  // namespace generic

template <typename T>
ElementwiseKernels<T> elementwise_kernels_generic() {
  return {&generic::unary_generic<T>,       &generic::binary_generic<T>,
          &generic::reduce_row_generic<T>, &generic::sum_lanes_generic<T>,  &generic::reduce_cols_generic<T>,
          &generic::softmax_generic<T>,
          &generic::softmax_cols_generic<T>,
          &generic::softmax_col_sums_generic<T>,
          &generic::softmax_grad_rows_generic<T, &generic::exp_to_double_generic<T>>,
          &generic::softmax_rows_backward_generic<T, &generic::exp_to_double_generic<T>>,
          &generic::adam_generic<T>,
          &generic::sgd_generic<T>,
          nullptr};
}
template ElementwiseKernels<float> elementwise_kernels_generic<float>();
template ElementwiseKernels<double> elementwise_kernels_generic<double>();
}  // namespace tts
