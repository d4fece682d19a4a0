// nn kernels for AVX2 + FMA: the portable loops, vectorised by the compiler.
#include <cmath>

#include "nn_kernels.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#include "nn_kernels_impl.h"
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
NnKernels<T> nn_kernels_avx2() {
  return {&avx2::max_pool_2x2_rows_generic<T>, &avx2::act_grad_generic<T>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
NnKernels<T> nn_kernels_avx2() {
  return nn_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template NnKernels<float> nn_kernels_avx2<float>();
template NnKernels<double> nn_kernels_avx2<double>();
}  // namespace tts
