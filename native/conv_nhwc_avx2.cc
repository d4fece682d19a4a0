// The direct NHWC convolution kernel of conv_nhwc_direct.h for AVX2 + FMA (run only after the
// CPU check; off x86-64 it is never available and conv_nhwc.cc runs its GEMM path).
#include "conv_nhwc_direct.h"

#if TTS_X86_64
#include <immintrin.h>

#include <cstring>

namespace tts {

bool conv_nhwc_direct_available() { return active_isa() >= Isa::avx2; }

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace {

// NP positions (NP <= 6) x NV vectors of 8 output channels (NV = 2, or 1 for a last block of
// at most 8 channels): sums over taps and input channels, then `valid` channels stored at y
// (position stride ys) with the bias added.
template <int NP, int NV>
void tile(const NhwcDirect& d, const float* x, const float* w, index_t K_tap, const float* bias, float* y,
          index_t ys, int valid) {
  // Every loop over j and v is unrolled: the sums stay in registers.
  __m256 acc[NP][NV];
#pragma GCC unroll 6
  for (int j = 0; j < NP; ++j)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) acc[j][v] = _mm256_setzero_ps();
  const index_t step = d.sw * d.cin;  // from one position's window to the next one's
  for (index_t a = 0; a < d.kh; ++a) {
    for (index_t b = 0; b < d.kw; ++b) {
      const float* xb = x + (a * d.dh * d.iwp + b * d.dw) * d.cin;
      const float* wb = w + (a * d.kw + b) * K_tap * 16;
      for (index_t i = 0; i < d.cin_g; ++i) {
        __m256 wv[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) wv[v] = _mm256_loadu_ps(wb + i * 16 + 8 * v);
#pragma GCC unroll 6
        for (int j = 0; j < NP; ++j) {
          const __m256 xv = _mm256_broadcast_ss(xb + j * step + i);
#pragma GCC unroll 2
          for (int v = 0; v < NV; ++v) acc[j][v] = _mm256_fmadd_ps(xv, wv[v], acc[j][v]);
        }
      }
    }
  }
#pragma GCC unroll 6
  for (int j = 0; j < NP; ++j) {
    float* yr = y + j * ys;
    if (valid == 8 * NV) {
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) {
        __m256 r = acc[j][v];
        if (bias != nullptr) r = _mm256_add_ps(r, _mm256_loadu_ps(bias + 8 * v));
        _mm256_storeu_ps(yr + 8 * v, r);
      }
    } else {
      alignas(32) float tmp[16];
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) _mm256_store_ps(tmp + 8 * v, acc[j][v]);
      for (int l = 0; l < valid; ++l) yr[l] = bias != nullptr ? tmp[l] + bias[l] : tmp[l];
    }
  }
}

template <int NV>
void tile_n(int np, const NhwcDirect& d, const float* x, const float* w, index_t K_tap, const float* bias, float* y,
            index_t ys, int valid) {
  switch (np) {
    case 6: tile<6, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
    case 5: tile<5, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
    case 4: tile<4, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
    case 3: tile<3, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
    case 2: tile<2, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
    default: tile<1, NV>(d, x, w, K_tap, bias, y, ys, valid); break;
  }
}

// The weight-gradient tile: NK consecutive input channels of one tap (at offset `off` from a
// position's window) x NV vectors of output channels, summed over the output rows [oh0, oh1)
// into acc (row stride ldacc), which holds the sums so far.
template <int NK, int NV>
void weight_tile(const NhwcDirect& d, index_t oh0, index_t oh1, const float* xp, index_t off, const float* gy,
                 float* acc, index_t ldacc) {
  __m256 s[NK][NV];
#pragma GCC unroll 6
  for (int j = 0; j < NK; ++j)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) s[j][v] = _mm256_loadu_ps(acc + j * ldacc + 8 * v);
  const index_t step = d.sw * d.cin;
  for (index_t oh = oh0; oh < oh1; ++oh) {
    const float* x = xp + oh * d.sh * d.iwp * d.cin + off;
    const float* g = gy + oh * d.ow * d.cout;
    for (index_t ow = 0; ow < d.ow; ++ow, x += step, g += d.cout) {
      __m256 gv[NV];
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) gv[v] = _mm256_loadu_ps(g + 8 * v);
#pragma GCC unroll 6
      for (int j = 0; j < NK; ++j) {
        const __m256 xv = _mm256_broadcast_ss(x + j);
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) s[j][v] = _mm256_fmadd_ps(xv, gv[v], s[j][v]);
      }
    }
  }
#pragma GCC unroll 6
  for (int j = 0; j < NK; ++j)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(acc + j * ldacc + 8 * v, s[j][v]);
}

template <int NV>
void weight_tile_n(int nk, const NhwcDirect& d, index_t oh0, index_t oh1, const float* xp, index_t off,
                   const float* gy, float* acc, index_t ldacc) {
  switch (nk) {
    case 6: weight_tile<6, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
    case 5: weight_tile<5, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
    case 4: weight_tile<4, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
    case 3: weight_tile<3, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
    case 2: weight_tile<2, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
    default: weight_tile<1, NV>(d, oh0, oh1, xp, off, gy, acc, ldacc); break;
  }
}

}  // namespace

void conv_nhwc_direct_rows_avx2(const NhwcDirect& d, const float* xp, const float* wp, const float* bias,
                                float* y, index_t oh0, index_t oh1) {
  const index_t blocks = (d.cout_g + 15) / 16, K = d.kh * d.kw * d.cin_g;
  for (index_t oh = oh0; oh < oh1; ++oh) {
    const float* xrow = xp + oh * d.sh * d.iwp * d.cin;
    float* yrow = y + oh * d.ow * d.cout;
    for (index_t gi = 0; gi < d.groups; ++gi)
      for (index_t b = 0; b < blocks; ++b) {
        const float* w = wp + (gi * blocks + b) * K * 16;
        const index_t c0 = gi * d.cout_g + b * 16;
        const int valid = static_cast<int>(min_i(16, d.cout_g - b * 16));
        const float* bb = bias != nullptr ? bias + c0 : nullptr;
        for (index_t ow0 = 0; ow0 < d.ow; ow0 += 6) {
          const int np = static_cast<int>(min_i(6, d.ow - ow0));
          const float* x = xrow + ow0 * d.sw * d.cin + gi * d.cin_g;
          float* yt = yrow + ow0 * d.cout + c0;
          if (valid > 8) tile_n<2>(np, d, x, w, d.cin_g, bb, yt, d.cout, valid);
          else tile_n<1>(np, d, x, w, d.cin_g, bb, yt, d.cout, valid);
        }
      }
  }
}

void conv_nhwc_direct_weight_image_avx2(const NhwcDirect& d, const float* xp, const float* gy, float* acc,
                                        index_t tap0, index_t tap1) {
  const index_t K = d.kh * d.kw * d.cin_g;
  // Bands of output rows whose gY (about 16 KiB) stays in L1 while every tile passes over it.
  const index_t band = max_i(1, (16 * 1024) / max_i(1, d.ow * d.cout * 4));
  for (index_t oh0 = 0; oh0 < d.oh; oh0 += band) {
    const index_t oh1 = min_i(d.oh, oh0 + band);
    for (index_t gi = 0; gi < d.groups; ++gi)
      for (index_t tap = tap0; tap < tap1; ++tap) {
        const index_t off = ((tap / d.kw) * d.dh * d.iwp + (tap % d.kw) * d.dw) * d.cin + gi * d.cin_g;
        for (index_t i0 = 0; i0 < d.cin_g; i0 += 6) {
          const int nk = static_cast<int>(min_i(6, d.cin_g - i0));
          for (index_t c0 = 0; c0 < d.cout_g; c0 += 16) {
            const float* g = gy + gi * d.cout_g + c0;
            float* a = acc + (gi * K + tap * d.cin_g + i0) * d.cout_g + c0;
            if (d.cout_g - c0 >= 16) weight_tile_n<2>(nk, d, oh0, oh1, xp, off + i0, g, a, d.cout_g);
            else weight_tile_n<1>(nk, d, oh0, oh1, xp, off + i0, g, a, d.cout_g);
          }
        }
      }
  }
}

#pragma GCC pop_options

}  // namespace tts

#else

namespace tts {
bool conv_nhwc_direct_available() { return false; }
void conv_nhwc_direct_rows_avx2(const NhwcDirect&, const float*, const float*, const float*, float*, index_t,
                                index_t) {}
void conv_nhwc_direct_weight_image_avx2(const NhwcDirect&, const float*, const float*, float*, index_t, index_t) {}
}  // namespace tts

#endif
