// Activation kernels for AVX512: the portable loops of activation_impl.h, vectorised by the
// compiler for this ISA.
#include <cmath>
#include <limits>
#include <vector>

#include "activation.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#define TTS_ACT_FMA 1
#include "activation_impl.h"
#undef TTS_ACT_FMA
}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
ActivationKernels<T> activation_kernels_avx512() {
  return {&avx512::activation_forward_loop<T>, &avx512::activation_backward_loop<T>,
          &avx512::prelu_blocks_loop<T>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
ActivationKernels<T> activation_kernels_avx512() {
  return activation_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template ActivationKernels<float> activation_kernels_avx512<float>();
template ActivationKernels<double> activation_kernels_avx512<double>();
}  // namespace tts
