// nn kernels for AVX-512: the portable loops, vectorised by the compiler.
#include <cmath>

#include "nn_kernels.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#include "nn_kernels_impl.h"
}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
NnKernels<T> nn_kernels_avx512() {
  return {&avx512::max_pool_2x2_rows_generic<T>, &avx512::act_grad_generic<T>};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
NnKernels<T> nn_kernels_avx512() {
  return nn_kernels_generic<T>();
}
}  // namespace tts
#endif

namespace tts {
template NnKernels<float> nn_kernels_avx512<float>();
template NnKernels<double> nn_kernels_avx512<double>();
}  // namespace tts
