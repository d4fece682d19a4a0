// The direct convolution kernel of conv_direct.h, compiled for AVX-512 (used only after the CPU
// check). Off x86-64 it is never available and the GEMM path runs.
#include "conv_direct.h"

#include "threadpool.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace tts {
namespace {

constexpr int kMR = static_cast<int>(kDirectMR);
constexpr int kNV = 3;             // vectors of positions per tile
constexpr int kNW = 16 * kNV;      // positions per tile

index_t tiles_of(const DirectConv& d, index_t wp) { return (d.oh * wp + kNW - 1) / kNW; }

}  // namespace

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace avx512 {

// acc[i][v] = sum over k of wp[k*8 + i] * xp[off[k] + 16v + lane]; written to out[i*ldo + 16v].
inline void direct_tile(index_t K, const float* xp, const int32_t* off, const float* wp, float* out,
                        index_t ldo) {
  __m512 acc0[kMR], acc1[kMR], acc2[kMR];
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) acc0[i] = acc1[i] = acc2[i] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (index_t k = 0; k < K; ++k) {
    const float* b = xp + off[k];
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
    const float* a = wp + k * kMR;
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      const __m512 av = _mm512_set1_ps(a[i]);
      acc0[i] = _mm512_fmadd_ps(av, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(av, b1, acc1[i]);
      acc2[i] = _mm512_fmadd_ps(av, b2, acc2[i]);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
    _mm512_storeu_ps(out + i * ldo, acc0[i]);
    _mm512_storeu_ps(out + i * ldo + 16, acc1[i]);
    _mm512_storeu_ps(out + i * ldo + 32, acc2[i]);
  }
}


}  // namespace avx512

namespace avx512 {
// The whole image pass sits in the AVX-512 region so that its copies vectorise too.
void direct_image(const DirectConv& d, const float* x, const float* wpk, const float* bias,
                  float* y, float* scratch, bool parallel) {
  const index_t hp = d.ih + 2 * d.ph, wp = d.iw + 2 * d.pw;
  const index_t plane = hp * wp, K = d.cin * d.kh * d.kw;
  const index_t reach = tiles_of(d, wp) * kNW + (d.cin - 1) * plane + (d.kh - 1) * wp + d.kw;
  const index_t xp_len = max_i(reach, d.cin * plane);
  float* xp = scratch;
  int32_t* off = reinterpret_cast<int32_t*>(xp + xp_len);
  // The zero-padded input.
  for (index_t c = 0; c < d.cin; ++c) {
    float* dst = xp + c * plane;
    for (index_t r = 0; r < hp; ++r) {
      float* row = dst + r * wp;
      const index_t sr = r - d.ph;
      if (sr < 0 || sr >= d.ih) {
        for (index_t j = 0; j < wp; ++j) row[j] = 0.0f;
        continue;
      }
      for (index_t j = 0; j < d.pw; ++j) row[j] = 0.0f;
      std::memcpy(row + d.pw, x + (c * d.ih + sr) * d.iw, sizeof(float) * d.iw);
      for (index_t j = d.pw + d.iw; j < wp; ++j) row[j] = 0.0f;
    }
  }
  for (index_t i = d.cin * plane; i < xp_len; ++i) xp[i] = 0.0f;
  index_t k = 0;
  for (index_t c = 0; c < d.cin; ++c)
    for (index_t a = 0; a < d.kh; ++a)
      for (index_t b = 0; b < d.kw; ++b) off[k++] = static_cast<int32_t>(c * plane + a * wp + b);

  const index_t tiles = tiles_of(d, wp), blocks = (d.cout + kMR - 1) / kMR;
  const index_t L = d.oh * d.ow, ldo = tiles * kNW;
  // The output on the wide grid, every block of channels, then compacted into y.
  float* wide = reinterpret_cast<float*>(off + round_up(K, 16));
  auto run = [&](index_t lo, index_t hi) {
    for (index_t q = lo; q < hi; ++q) {
      // Tile-major: the channel blocks of one tile reuse its input rows from cache.
      const index_t tile = q / blocks, blk = q % blocks;
      direct_tile(K, xp + tile * kNW, off, wpk + blk * K * kMR, wide + blk * kMR * ldo + tile * kNW, ldo);
    }
  };
  auto compact = [&](index_t lo, index_t hi) {
    for (index_t co = lo; co < hi; ++co) {
      const __m512 b = _mm512_set1_ps(bias != nullptr ? bias[co] : 0.0f);
      for (index_t r = 0; r < d.oh; ++r) {
        const float* src = wide + co * ldo + r * wp;
        float* dst = y + co * L + r * d.ow;
        for (index_t c = 0; c < d.ow; c += 16) {
          const index_t n = min_i(16, d.ow - c);
          const __mmask16 m = static_cast<__mmask16>(n == 16 ? 0xFFFF : (1u << n) - 1);
          _mm512_mask_storeu_ps(dst + c, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, src + c), b));
        }
      }
    }
  };
  if (parallel) {
    parallel_for(0, blocks * tiles, 1, run);
    parallel_for(0, d.cout, 1, compact);
  } else {
    run(0, blocks * tiles);
    compact(0, d.cout);
  }
}
}  // namespace avx512
#pragma GCC pop_options

bool conv_direct_available() { return active_isa() == Isa::avx512; }

index_t conv_direct_scratch(const DirectConv& d) {
  const index_t hp = d.ih + 2 * d.ph, wp = d.iw + 2 * d.pw;
  const index_t plane = hp * wp, k = d.cin * d.kh * d.kw;
  const index_t reach = tiles_of(d, wp) * kNW + (d.cin - 1) * plane + (d.kh - 1) * wp + d.kw;
  // padded input (with the slack that the last tiles read), the tap offsets, the wide output
  const index_t blocks = (d.cout + kMR - 1) / kMR;
  return max_i(reach, d.cin * plane) + round_up(k, 16) + blocks * kMR * tiles_of(d, wp) * kNW;
}

void conv_direct_image(const DirectConv& d, const float* x, const float* wpk, const float* bias,
                       float* y, float* scratch, bool parallel) {
  avx512::direct_image(d, x, wpk, bias, y, scratch, parallel);
}

}  // namespace tts

#else

namespace tts {
bool conv_direct_available() { return false; }
index_t conv_direct_scratch(const DirectConv&) { return 0; }
void conv_direct_image(const DirectConv&, const float*, const float*, const float*, float*, float*,
                       bool) {}
}  // namespace tts

#endif
