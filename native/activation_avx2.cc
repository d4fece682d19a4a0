// Activation kernels for AVX2: the portable loops of activation_impl.h, vectorised by the
// compiler for this ISA.
#include <cmath>
#include <limits>
#include <vector>

#include "activation.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#define TTS_ACT_FMA 1
#include "activation_impl.h"
#undef TTS_ACT_FMA
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
ActivationKernels<T> activation_kernels_avx2() {
  return {&avx2::activation_forward_loop<T>, &avx2::activation_backward_loop<T>,
          &avx2::prelu_blocks_loop<T>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
ActivationKernels<T> activation_kernels_avx2() {
  return activation_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template ActivationKernels<float> activation_kernels_avx2<float>();
template ActivationKernels<double> activation_kernels_avx2<double>();
}  // namespace tts
