// The AVX-512 16 x 16 block transpose of copy_strided.cc (4-byte elements), used only after the
// CPU check; off x86-64 it is never available and the scalar tiles run.
#include "copy_strided.h"

#if TTS_X86_64
#include <immintrin.h>

namespace tts {

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace avx512 {
#include "avx512_transpose.h"
}  // namespace avx512

void transpose_block16(const uint32_t* src, index_t src_stride, uint32_t* dst, index_t dst_stride) {
  __m512 r[16];
  for (int k = 0; k < 16; ++k) r[k] = _mm512_loadu_ps(reinterpret_cast<const float*>(src + k * src_stride));
  avx512::transpose16(r);
  for (int k = 0; k < 16; ++k) _mm512_storeu_ps(reinterpret_cast<float*>(dst + k * dst_stride), r[k]);
}
#pragma GCC pop_options

bool transpose_block16_available() { return active_isa() == Isa::avx512; }

}  // namespace tts

#else

namespace tts {
void transpose_block16(const uint32_t*, index_t, uint32_t*, index_t) {}
bool transpose_block16_available() { return false; }
}  // namespace tts

#endif
