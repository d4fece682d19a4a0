// Activation kernels for the baseline ISA (any x86-64, arm64, ...).
#include <cmath>
#include <limits>
#include <vector>

#include "activation.h"

namespace tts {
namespace generic {
#include "activation_impl.h"
}  // namespace generic

template <typename T>
ActivationKernels<T> activation_kernels_generic() {
  return {&generic::activation_forward_loop<T>, &generic::activation_backward_loop<T>,
          &generic::prelu_blocks_loop<T>};
}
template ActivationKernels<float> activation_kernels_generic<float>();
template ActivationKernels<double> activation_kernels_generic<double>();
}  // namespace tts
