// nnk loops for AVX-512: the portable loops vectorised by the compiler, and float16 conversions
// with vcvtps2ph / vcvtph2ps (16 lanes, masked tail; NaN lanes rewritten as the JS encoders do).
#include <cmath>
#include <cstring>

#include "nnk.h"

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC bug 105593, as in elementwise_avx512.cc

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,f16c")
namespace tts {
namespace avx512 {
#include "nnk_kernels_impl.h"

inline __m256i f16_of_ps(__m512 v) {
  const __m256i h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  if (nan == 0) return h;
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i fixed = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x8000)),
                                        _mm512_set1_epi32(0x7e00));
  return _mm256_mask_mov_epi16(h, nan, _mm512_cvtepi32_epi16(fixed));
}

inline __mmask16 tail_mask(index_t k) { return static_cast<__mmask16>((1u << k) - 1); }

void f32_to_f16(index_t n, const float* x, uint16_t* y) {
  index_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), f16_of_ps(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm256_mask_storeu_epi16(y + i, m, f16_of_ps(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void f64_to_f16(index_t n, const double* x, uint16_t* y) {
  index_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(_mm512_loadu_pd(x + i))),
                                        _mm512_cvtpd_ps(_mm512_loadu_pd(x + i + 8)), 1);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), f16_of_ps(v));
  }
  f64_to_f16_generic(n - i, x + i, y + i);
}

void f16_to_f32(index_t n, const uint16_t* x, float* y) {
  const __m512 canonical = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fc00000));
  auto convert = [&](__m256i h) {
    const __m512 v = _mm512_cvtph_ps(h);
    return _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), canonical);
  };
  index_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, convert(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i))));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, m, convert(_mm256_maskz_loadu_epi16(m, x + i)));
  }
}

void f32_to_bf16(index_t n, const float* x, uint16_t* y) {
  const __m512i round = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1);
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff), inf = _mm512_set1_epi32(0x7f800000);
  const __m512i quiet = _mm512_set1_epi32(0x40);
  auto convert = [&](__m512i b) {
    const __m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(b, round), _mm512_and_si512(_mm512_srli_epi32(b, 16), one)), 16);
    const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(b, abs_mask), inf);
    const __m512i v = _mm512_mask_mov_epi32(r, nan, _mm512_or_si512(_mm512_srli_epi32(b, 16), quiet));
    return _mm512_cvtepi32_epi16(v);
  };
  index_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), convert(_mm512_loadu_si512(x + i)));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm256_mask_storeu_epi16(y + i, m, convert(_mm512_maskz_loadu_epi32(m, x + i)));
  }
}

void bf16_to_f32(index_t n, const uint16_t* x, float* y) {
  index_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i v = _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i))), 16);
    _mm512_storeu_si512(y + i, v);
  }
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    const __m512i v = _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, x + i)), 16);
    _mm512_mask_storeu_epi32(y + i, m, v);
  }
}
}  // namespace avx512
}  // namespace tts
#pragma GCC pop_options

namespace tts {
template <typename T>
NnkKernels<T> nnk_kernels_avx512() {
  return avx512::make_nnk_kernels<T>();
}

ConvertKernels convert_kernels_avx512() {
  return {&avx512::f32_to_f16, &avx512::f64_to_f16, &avx512::f16_to_f32,
          &avx512::f32_to_bf16, &avx512::f64_to_bf16_generic, &avx512::bf16_to_f32};
}
}  // namespace tts
#else
namespace tts {
template <typename T>
NnkKernels<T> nnk_kernels_avx512() {
  return nnk_kernels_generic<T>();
}
ConvertKernels convert_kernels_avx512() { return convert_kernels_generic(); }
}  // namespace tts
#endif

namespace tts {
template NnkKernels<float> nnk_kernels_avx512<float>();
template NnkKernels<double> nnk_kernels_avx512<double>();
}  // namespace tts
