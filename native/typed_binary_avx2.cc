// Typed elementwise kernels for AVX2: the portable loops, vectorised by the compiler for AVX2.
#include <cmath>
#include <type_traits>

#include "typed_binary.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#include "typed_binary_impl.h"
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
TypedKernels typed_kernels_avx2() { return avx2::typed_kernels_portable(); }
}  // namespace tts
#else
namespace tts {
TypedKernels typed_kernels_avx2() { return typed_kernels_generic(); }
}  // namespace tts
#endif
