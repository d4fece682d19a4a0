// Mask kernels for AVX2: the portable loops, vectorised by the compiler for AVX2.
#include <cstring>

#include "masks.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace avx2 {
#include "masks_impl.h"
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
MaskKernels mask_kernels_avx2() { return avx2::mask_kernels_portable(); }
}  // namespace tts
#else
namespace tts {
MaskKernels mask_kernels_avx2() { return mask_kernels_generic(); }
}  // namespace tts
#endif
