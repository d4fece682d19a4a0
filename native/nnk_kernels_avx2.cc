// nnk loops for AVX2: the portable loops vectorised by the compiler, and float16 conversions
// with F16C (8 lanes; NaN lanes rewritten as the JS encoders write them).
#include <cmath>
#include <cstring>

#include "nnk.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
namespace tts {
namespace avx2 {
#include "nnk_kernels_impl.h"

inline __m128i f16_of_ps(__m256 v) {
  const __m128i h = _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
  if (_mm256_testz_ps(nan, nan)) return h;
  // sign | 0x7e00 where the input is NaN.
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i fixed = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x8000)),
                                        _mm256_set1_epi32(0x7e00));
  const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(fixed), _mm256_extracti128_si256(fixed, 1));
  const __m256i m32 = _mm256_castps_si256(nan);
  const __m128i mask = _mm_packs_epi32(_mm256_castsi256_si128(m32), _mm256_extracti128_si256(m32, 1));
  return _mm_blendv_epi8(h, packed, mask);
}

void f32_to_f16(index_t n, const float* x, uint16_t* y) {
  index_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), f16_of_ps(_mm256_loadu_ps(x + i)));
  f32_to_f16_generic(n - i, x + i, y + i);
}

void f64_to_f16(index_t n, const double* x, uint16_t* y) {
  index_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_loadu_pd(x + i + 4)), _mm256_cvtpd_ps(_mm256_loadu_pd(x + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), f16_of_ps(v));
  }
  f64_to_f16_generic(n - i, x + i, y + i);
}

void f16_to_f32(index_t n, const uint16_t* x, float* y) {
  index_t i = 0;
  const __m256 canonical = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fc00000));
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(v, canonical, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
  }
  f16_to_f32_generic(n - i, x + i, y + i);
}
}  // namespace avx2
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
NnkKernels<T> nnk_kernels_avx2() {
  return avx2::make_nnk_kernels<T>();
}

ConvertKernels convert_kernels_avx2() {
  return {&avx2::f32_to_f16, &avx2::f64_to_f16, &avx2::f16_to_f32,
          &avx2::f32_to_bf16_generic, &avx2::f64_to_bf16_generic, &avx2::bf16_to_f32_generic};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
NnkKernels<T> nnk_kernels_avx2() {
  return nnk_kernels_generic<T>();
}
ConvertKernels convert_kernels_avx2() { return convert_kernels_generic(); }
}  // namespace tts
#endif

namespace tts {
template NnkKernels<float> nnk_kernels_avx2<float>();
template NnkKernels<double> nnk_kernels_avx2<double>();
}  // namespace tts
