// random_transforms_impl.h compiled for AVX2+FMA (see there), and its normal transform written out on
// 8 lanes with intrinsics: PyTorch's normal_fill_16_AVX2 as it runs, 12.6 -> ~1.5 ns an element.
// random.cc picks these by the ISA.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "random.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace tts {
namespace random_avx2 {
#include "random_transforms_impl.h"
}  // namespace random_avx2

namespace random_avx2 {
// random_transforms_impl.h's avx_logf and avx_sincosf on 8 lanes, operation for operation (the same
// fused multiply-adds, the same selects): the compiler does not vectorise the lane loop itself.
inline __m256 log8(__m256 x0) {
  const __m256 invalid = _mm256_cmp_ps(x0, _mm256_setzero_ps(), _CMP_NGT_UQ);
  const __m256 min_norm = _mm256_set1_ps(kMinNormPos);
  const __m256 keep = _mm256_or_ps(_mm256_cmp_ps(x0, min_norm, _CMP_GT_OQ), _mm256_cmp_ps(x0, x0, _CMP_UNORD_Q));
  const __m256i bits = _mm256_castps_si256(_mm256_blendv_ps(min_norm, x0, keep));
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126)));
  __m256 x = _mm256_castsi256_ps(_mm256_or_si256(_mm256_andnot_si256(_mm256_set1_epi32(0x7f800000), bits),
                                                 _mm256_set1_epi32(0x3f000000)));
  const __m256 below = _mm256_cmp_ps(x, _mm256_set1_ps(kSqrtHf), _CMP_LT_OQ);
  const __m256 tmp0 = _mm256_and_ps(below, x);
  const __m256 one = _mm256_set1_ps(1.0f);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(below, one));
  x = _mm256_add_ps(x, tmp0);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_fmadd_ps(_mm256_set1_ps(kLogP[0]), x, _mm256_set1_ps(kLogP[1]));
  for (int k = 2; k < 9; ++k) y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[k]));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, _mm256_set1_ps(kLogQ1)));
  y = _mm256_sub_ps(y, _mm256_mul_ps(z, _mm256_set1_ps(0.5f)));
  const __m256 r = _mm256_fmadd_ps(e, _mm256_set1_ps(kLogQ2), _mm256_add_ps(x, y));
  return _mm256_blendv_ps(r, _mm256_set1_ps(NAN), invalid);
}

inline void sincos8(__m256 x0, __m256* sin_out, __m256* cos_out) {
  const __m256 sign_bit = _mm256_set1_ps(-0.0f);
  __m256 x = _mm256_andnot_ps(sign_bit, x0);
  __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(x, _mm256_set1_ps(kFourOverPi)));
  j = _mm256_and_si256(_mm256_add_epi32(j, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
  const __m256 y = _mm256_cvtepi32_ps(j);
  const __m256 swap_sign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29));
  const __m256 poly = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  x = _mm256_fmadd_ps(y, _mm256_set1_ps(kMinusDp1), x);
  x = _mm256_fmadd_ps(y, _mm256_set1_ps(kMinusDp2), x);
  x = _mm256_fmadd_ps(y, _mm256_set1_ps(kMinusDp3), x);
  const __m256 cos_sign = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_andnot_si256(_mm256_sub_epi32(j, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29));
  const __m256 sin_sign = _mm256_xor_ps(_mm256_and_ps(x0, sign_bit), swap_sign);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 c = _mm256_fmadd_ps(_mm256_set1_ps(kCosP0), z, _mm256_set1_ps(kCosP1));
  c = _mm256_fmadd_ps(c, z, _mm256_set1_ps(kCosP2));
  c = _mm256_mul_ps(c, z);
  c = _mm256_fmadd_ps(c, z, _mm256_xor_ps(_mm256_mul_ps(z, _mm256_set1_ps(0.5f)), sign_bit));
  c = _mm256_add_ps(c, _mm256_set1_ps(1.0f));
  __m256 s = _mm256_fmadd_ps(_mm256_set1_ps(kSinP0), z, _mm256_set1_ps(kSinP1));
  s = _mm256_fmadd_ps(s, z, _mm256_set1_ps(kSinP2));
  s = _mm256_mul_ps(s, z);
  s = _mm256_fmadd_ps(s, x, x);
  *sin_out = _mm256_xor_ps(_mm256_blendv_ps(c, s, poly), sin_sign);
  *cos_out = _mm256_xor_ps(_mm256_blendv_ps(s, c, poly), cos_sign);
}
}  // namespace random_avx2

void normal_fill_16_float_avx2(float* data, index_t blocks, float mean, float std_) {
  using namespace random_avx2;
  const __m256 vmean = _mm256_set1_ps(mean), vstd = _mm256_set1_ps(std_);
  for (index_t b = 0; b < blocks; ++b) {
    float* d = data + 16 * b;
    const __m256 u1 = _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_loadu_ps(d));
    const __m256 u2 = _mm256_loadu_ps(d + 8);
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), log8(u1)));
    __m256 sin_t, cos_t;
    sincos8(_mm256_mul_ps(_mm256_set1_ps(kTwoPi), u2), &sin_t, &cos_t);
    _mm256_storeu_ps(d, _mm256_fmadd_ps(_mm256_mul_ps(radius, cos_t), vstd, vmean));
    _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, sin_t), vstd, vmean));
  }
}
void uniform_floats_avx2(const uint32_t* words, index_t n, float range, float from, float* out) {
  random_avx2::uniform_fill(words, n, range, from, out);
}
}  // namespace tts
#pragma GCC pop_options
#endif
