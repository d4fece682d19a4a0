// Mask kernels for AVX-512: the portable loops vectorised by the compiler. GCC compares into mask
// registers and blends on them already (vcmpps -> k -> bytes, vpcmpneqb -> k -> vpblendmd); an
// explicit compare that packed 64 results into one mask and stored them with one masked byte move
// measured the same (the loops are bound by their loads), so it was not kept.
#include <cstring>

#include "masks.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace tts {
namespace avx512 {
#include "masks_impl.h"
}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
MaskKernels mask_kernels_avx512() { return avx512::mask_kernels_portable(); }
}  // namespace tts
#else
namespace tts {
MaskKernels mask_kernels_avx512() { return mask_kernels_generic(); }
}  // namespace tts
#endif
