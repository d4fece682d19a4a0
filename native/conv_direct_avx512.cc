// The direct convolution kernel of conv_direct.h, compiled for AVX-512 (used only after the CPU
// check). Off x86-64 it is never available and the GEMM path runs.
#include "conv_direct.h"

#include <array>
#include <utility>

#include "threadpool.h"

#if TTS_X86_64
#include <immintrin.h>

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace tts {
namespace {

constexpr int kMR = static_cast<int>(kDirectMR);
constexpr int kNV = 3;             // vectors of positions per tile
constexpr int kNW = 16 * kNV;      // positions per tile

// Floats of one shifted copy of an input plane: hp rows of ow, then zeros that the last tile
// may read past the end (those lanes are never stored).
index_t shifted_plane(const DirectConv& d) {
  return round_up((d.ih + 2 * d.ph) * d.ow + kNW, 16);
}

}  // namespace

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
namespace avx512 {

inline __mmask16 lanes_mask(index_t n) {
  return static_cast<__mmask16>(n >= 16 ? 0xFFFF : n <= 0 ? 0 : (1u << n) - 1);
}

// y[i][p] = bias[i] + sum over k of wp[k*8 + i] * src[off[k] + p] for the channels i < rows of
// one block and the positions p < n (<= 16 * NV) of one tile; y rows of ldy. A tile short of
// 48 positions (the end of the plane) runs with as few vectors as hold them.
template <int NV>
void direct_tile(index_t K, const float* src, const int32_t* off, const float* wp, const float* bias,
                 index_t rows, float* y, index_t ldy, index_t n) {
  __m512 acc[NV][kMR];
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[v][i] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (index_t k = 0; k < K; ++k) {
    const float* b = src + off[k];
    __m512 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
    const float* a = wp + k * kMR;
#pragma GCC unroll 8
    for (int i = 0; i < kMR; ++i) {
      const __m512 av = _mm512_set1_ps(a[i]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[v][i] = _mm512_fmadd_ps(av, bv[v], acc[v][i]);
    }
  }
  __mmask16 m[NV];
#pragma GCC unroll 3
  for (int v = 0; v < NV; ++v) m[v] = lanes_mask(n - 16 * v);
#pragma GCC unroll 8
  for (int i = 0; i < kMR; ++i) {
    if (i >= rows) break;
    const __m512 bias_v = _mm512_set1_ps(bias != nullptr ? bias[i] : 0.0f);
    float* out = y + i * ldy;
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) _mm512_mask_storeu_ps(out + 16 * v, m[v], _mm512_add_ps(acc[v][i], bias_v));
  }
}

using DirectTile = void (*)(index_t, const float*, const int32_t*, const float*, const float*, index_t,
                            float*, index_t, index_t);

// The tile for n positions (1 <= n <= kNW).
DirectTile direct_tile_for(index_t n) {
  static_assert(kNV == 3, "tiles of 1 to 3 vectors");
  return n > 32 ? &direct_tile<3> : n > 16 ? &direct_tile<2> : &direct_tile<1>;
}

// Fetches the lines of rows x n outputs (rows of ldy) for writing, where the tile before them
// runs: without it each tile's stores wait on the lines they fill (read for ownership), as a
// fresh output is rarely in cache (a dead one comes back from the allocator only after a
// collection); it cut the CPU time of 32x3x32x32->64 by about 12% with 8 outputs in turn.
inline void prefetch_outputs(float* y, index_t rows, index_t ldy, index_t n) {
  for (index_t i = 0; i < rows; ++i) {
    const float* row = y + i * ldy;
    for (index_t j = 0; j < n; j += 16) __builtin_prefetch(row + j, 1, 3);
    __builtin_prefetch(row + n - 1, 1, 3);
  }
}

// Output positions are taken flat (l = oh*ow + c, no junk columns): for each kernel column b,
// a copy of every input plane shifted by b - pw columns, zero-filled, with ph zero rows above,
// so that tap (ci, a, b) at position l reads copy[b][ci][l + a*ow] (contiguous in l).
// Writes the shifted copies into xs and the tap offsets into off (see direct_image).
void shifted_copies(const DirectConv& d, const float* x, float* xs, int32_t* off) {
  const index_t plane = shifted_plane(d), in_plane = d.ih * d.iw;
  for (index_t b = 0; b < d.kw; ++b) {
    const index_t shift = b - d.pw;
    for (index_t c = 0; c < d.cin; ++c) {
      float* dst = xs + (b * d.cin + c) * plane;
      const float* xc = x + c * in_plane;
      for (index_t i = 0; i < d.ph * d.ow; i += 16) _mm512_mask_storeu_ps(dst + i, lanes_mask(d.ph * d.ow - i), _mm512_setzero_ps());
      float* inner = dst + d.ph * d.ow;
      if (d.iw == d.ow) {
        // Rows as wide as the input's: the inner rows are the plane read `shift` floats on, one
        // run of vectors, then the |shift| columns each row took from its neighbour are zeroed.
        for (index_t i = 0; i < in_plane; i += 16) {
          const index_t lo = min_i(16, max_i(0, -shift - i)), hi = min_i(16, in_plane - shift - i);
          const __mmask16 valid = hi > lo ? static_cast<__mmask16>(lanes_mask(hi) & ~lanes_mask(lo)) : 0;
          _mm512_mask_storeu_ps(inner + i, lanes_mask(in_plane - i), _mm512_maskz_loadu_ps(valid, xc + shift + i));
        }
        const index_t z0 = shift < 0 ? 0 : max_i(0, d.iw - shift), z1 = shift < 0 ? min_i(d.iw, -shift) : d.iw;
        if (shift != 0)
          for (index_t r = 0; r < d.ih; ++r)
            for (index_t j = z0; j < z1; ++j) inner[r * d.ow + j] = 0.0f;
      } else {
        for (index_t r = 0; r < d.ih; ++r) {
          float* row = inner + r * d.ow;
          const float* src = xc + r * d.iw + shift;
          for (index_t j = 0; j < d.ow; j += 16) {
            // Lane i: output column j + i reads input column j + i + shift.
            const index_t lo = min_i(16, max_i(0, -shift - j)), hi = min_i(16, d.iw - shift - j);
            const __mmask16 valid = hi > lo ? static_cast<__mmask16>(lanes_mask(hi) & ~lanes_mask(lo)) : 0;
            _mm512_mask_storeu_ps(row + j, lanes_mask(d.ow - j), _mm512_maskz_loadu_ps(valid, src + j));
          }
        }
      }
      // The padding rows below, then the slack the last tile may read.
      for (index_t i = (d.ph + d.ih) * d.ow; i < plane; i += 16) _mm512_mask_storeu_ps(dst + i, lanes_mask(plane - i), _mm512_setzero_ps());
    }
  }
  index_t k = 0;
  for (index_t c = 0; c < d.cin; ++c)
    for (index_t a = 0; a < d.kh; ++a)
      for (index_t b = 0; b < d.kw; ++b) off[k++] = static_cast<int32_t>((b * d.cin + c) * plane + a * d.ow);
}

// Output positions are taken flat (l = oh*ow + c, no junk columns): for each kernel column b,
// a copy of every input plane shifted by b - pw columns, zero-filled, with ph zero rows above,
// so that tap (ci, a, b) at position l reads copy[b][ci][l + a*ow] (contiguous in l).
void direct_image(const DirectConv& d, const float* x, const float* wpk, const float* bias,
                  float* y, float* scratch, bool parallel) {
  const index_t K = d.cin * d.kh * d.kw, L = d.oh * d.ow;
  float* xs = scratch;
  int32_t* off = reinterpret_cast<int32_t*>(xs + d.kw * d.cin * shifted_plane(d));
  shifted_copies(d, x, xs, off);
  const index_t tiles = (L + kNW - 1) / kNW, blocks = (d.cout + kMR - 1) / kMR;
  auto run = [&](index_t lo, index_t hi) {
    for (index_t q = lo; q < hi; ++q) {
      // Tile-major: the channel blocks of one tile reuse its input rows from cache.
      const index_t tile = q / blocks, blk = q % blocks;
      const index_t rows = min_i(kMR, d.cout - blk * kMR), n = min_i(kNW, L - tile * kNW);
      float* yt = y + blk * kMR * L + tile * kNW;
      if (tile + 1 < tiles) prefetch_outputs(yt + kNW, rows, L, min_i(kNW, L - (tile + 1) * kNW));
      direct_tile_for(n)(K, xs + tile * kNW, off, wpk + blk * K * kMR, bias != nullptr ? bias + blk * kMR : nullptr,
                         rows, yt, L, n);
    }
  };
  if (parallel) {
    parallel_for(0, blocks * tiles, 1, run);
  } else {
    run(0, blocks * tiles);
  }
}

// acc[i][j] (16 lanes of partial sums, rows of NK*16 floats, i < MR channels, j < NK taps) +=
// gy[i*L + l] * xs[off[j] + l] over the positions l < L, 16 at a time; gY's lanes past L are
// masked to zero (the copies' slack is zero too).
template <int MR, int NK>
void direct_weight_tile(index_t L, const float* gy, const float* xs, const int32_t* off,
                        float* acc_out) {
  __m512 acc[MR][NK];
  const float* xk[NK];
#pragma GCC unroll 9
  for (int j = 0; j < NK; ++j) {
    xk[j] = xs + off[j];
#pragma GCC unroll 3
    for (int i = 0; i < MR; ++i) acc[i][j] = _mm512_loadu_ps(acc_out + (i * NK + j) * 16);
  }
  for (index_t l = 0; l < L; l += 16) {
    const __mmask16 m = lanes_mask(L - l);
    __m512 g[MR];
#pragma GCC unroll 3
    for (int i = 0; i < MR; ++i) g[i] = _mm512_maskz_loadu_ps(m, gy + i * L + l);
#pragma GCC unroll 9
    for (int j = 0; j < NK; ++j) {
      __m512 xv = _mm512_loadu_ps(xk[j] + l);
      asm("" : "+v"(xv));  // one load per tap, not one folded into each FMA
#pragma GCC unroll 3
      for (int i = 0; i < MR; ++i) acc[i][j] = _mm512_fmadd_ps(g[i], xv, acc[i][j]);
    }
  }
#pragma GCC unroll 9
  for (int j = 0; j < NK; ++j)
#pragma GCC unroll 3
    for (int i = 0; i < MR; ++i) _mm512_storeu_ps(acc_out + (i * NK + j) * 16, acc[i][j]);
}

// 27 accumulators, 3 + 1 loaded vectors.
constexpr int kWeightRows = static_cast<int>(kDirectWeightRows);
constexpr int kWeightTaps = static_cast<int>(kDirectWeightTaps);

using DirectWeightTile = void (*)(index_t, const float*, const float*, const int32_t*, float*);

template <int MR, int... J>
constexpr std::array<DirectWeightTile, sizeof...(J)> direct_weight_tiles(std::integer_sequence<int, J...>) {
  return {&direct_weight_tile<MR, J + 1>...};
}

DirectWeightTile direct_weight_tile_for(index_t rows, index_t taps) {
  static const auto t1 = direct_weight_tiles<1>(std::make_integer_sequence<int, kWeightTaps>());
  static const auto t2 = direct_weight_tiles<2>(std::make_integer_sequence<int, kWeightTaps>());
  static const auto t3 = direct_weight_tiles<3>(std::make_integer_sequence<int, kWeightTaps>());
  static_assert(kWeightRows <= 3, "tables for 1 to 3 rows");
  return rows == 1 ? t1[taps - 1] : rows == 2 ? t2[taps - 1] : t3[taps - 1];
}

// The weight gradient on the shifted copies of direct_image, for one image and group: gwv
// (cout x K tap sums, each 16 lanes of partial sums, in tiles as direct_weight_tile keeps them)
// += gy . x. No transpose of gY: positions stay in the lanes, sums are reduced at the end.
void direct_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwv,
                         float* scratch) {
  const index_t K = d.cin * d.kh * d.kw, L = d.oh * d.ow;
  float* xs = scratch;
  int32_t* off = reinterpret_cast<int32_t*>(xs + d.kw * d.cin * shifted_plane(d));
  shifted_copies(d, x, xs, off);
  const index_t tap_tiles = (K + kWeightTaps - 1) / kWeightTaps;
  for (index_t c0 = 0; c0 < d.cout; c0 += kWeightRows) {
    const index_t rows = min_i(kWeightRows, d.cout - c0);
    for (index_t t = 0; t < tap_tiles; ++t) {
      const index_t k0 = K * t / tap_tiles, k1 = K * (t + 1) / tap_tiles;
      direct_weight_tile_for(rows, k1 - k0)(L, gy + c0 * L, xs, off + k0, gwv + (c0 * K + rows * k0) * 16);
    }
  }
}

}  // namespace avx512

// ---- channel-vector kernels ------------------------------------------------------------------

namespace avx512 {

constexpr int kLanes = static_cast<int>(kCvLanesAvx512);

// Most positions per forward tile and taps per weight tile for NV vectors of channels: NV*N
// accumulators, NV loaded vectors and one broadcast stay within the 32 registers; N <= 8 keeps
// the weight tile's tap pointers in general registers.
constexpr int cv_positions(int nv) { return nv == 4 ? 6 : nv == 3 ? 8 : 14; }
constexpr int cv_taps(int nv) { return nv == 4 ? 6 : 8; }

// The image, zero-padded by (ph, pw) on each side: cin planes of hp x wp. Rows are written
// 16 floats at a time with masked loads (lanes outside the row neither read nor fault), which
// beats a memcpy call per row of 14 or 28 floats.
void pad_image(const DirectConv& d, const float* x, float* xp) {
  const index_t hp = d.ih + 2 * d.ph, wp = d.iw + 2 * d.pw;
  for (index_t c = 0; c < d.cin; ++c) {
    float* dst = xp + c * hp * wp;
    for (index_t r = 0; r < hp; ++r) {
      float* row = dst + r * wp;
      const index_t sr = r - d.ph;
      if (sr < 0 || sr >= d.ih) {
        for (index_t j = 0; j < wp; j += 16) _mm512_mask_storeu_ps(row + j, lanes_mask(wp - j), _mm512_setzero_ps());
        continue;
      }
      // Lane i of block j holds padded column j + i, input column j + i - pw.
      const float* src = x + (c * d.ih + sr) * d.iw - d.pw;
      for (index_t j = 0; j < wp; j += 16) {
        const index_t lo = max_i(0, d.pw - j), hi = min_i(16, d.pw + d.iw - j);
        const __mmask16 valid = hi > lo ? static_cast<__mmask16>(lanes_mask(hi) & ~lanes_mask(lo)) : 0;
        const __m512 v = _mm512_maskz_loadu_ps(valid, src + j);
        _mm512_mask_storeu_ps(row + j, lanes_mask(wp - j), v);
      }
    }
  }
}

// off[k] = where tap k = (ci, a, b) starts in the padded image (planes of hp x wp); returns K.
index_t tap_offsets(const DirectConv& d, index_t wp, int32_t* off) {
  return cv_tap_offsets(d, wp, (d.ih + 2 * d.ph) * wp, off);
}

#include "avx512_transpose.h"

// out[l][c] = in[c][l] for c < channels (rows of `ld_in`), l < positions; lanes of out from
// `channels` up to cp (a multiple of 16) are zero.
void to_channel_vectors(const float* in, index_t channels, index_t positions, index_t ld_in,
                        float* out, index_t cp) {
  for (index_t c0 = 0; c0 < cp; c0 += 16) {
    for (index_t l0 = 0; l0 < positions; l0 += 16) {
      const __mmask16 m = lanes_mask(positions - l0);
      __m512 r[16];
      for (int i = 0; i < 16; ++i)
        r[i] = c0 + i < channels ? _mm512_maskz_loadu_ps(m, in + (c0 + i) * ld_in + l0) : _mm512_setzero_ps();
      transpose16(r);
      const index_t n = min_i(16, positions - l0);
      for (index_t q = 0; q < n; ++q) _mm512_storeu_ps(out + (l0 + q) * cp + c0, r[q]);
    }
  }
}

// out[c][l] = in[l][c] + bias[c] for c in [c_lo, c_hi) (a multiple of 16 apart from the end),
// l < positions; in has rows of cp.
void from_channel_vectors(const float* in, index_t cp, index_t positions, index_t c_lo,
                          index_t c_hi, const float* bias, float* out, index_t ld_out) {
  for (index_t c0 = c_lo; c0 < c_hi; c0 += 16) {
    for (index_t l0 = 0; l0 < positions; l0 += 16) {
      const index_t n = min_i(16, positions - l0);
      __m512 r[16];
      for (index_t q = 0; q < 16; ++q) r[q] = q < n ? _mm512_loadu_ps(in + (l0 + q) * cp + c0) : _mm512_setzero_ps();
      transpose16(r);
      const __mmask16 m = lanes_mask(n);
      const index_t rows = min_i(16, c_hi - c0);
      for (index_t i = 0; i < rows; ++i) {
        const __m512 v = bias != nullptr ? _mm512_add_ps(r[i], _mm512_set1_ps(bias[c0 + i])) : r[i];
        _mm512_mask_storeu_ps(out + (c0 + i) * ld_out + l0, m, v);
      }
    }
  }
}

// out[p][16v + lane] = sum over taps k of wt[k][16v + lane] * x[off[k] + p] for NP positions p
// of one output row; wt advances by ldw per tap.
template <int NV, int NP>
void cv_forward_tile(index_t K, const int32_t* off, const float* x, const float* wt, index_t ldw,
                     float* out, index_t ldo) {
  __m512 acc[NV][NP];
#pragma GCC unroll 16
  for (int p = 0; p < NP; ++p)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[v][p] = _mm512_setzero_ps();
  for (index_t k = 0; k < K; ++k, wt += ldw) {
    const float* xk = x + off[k];
    __m512 w[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) w[v] = _mm512_loadu_ps(wt + 16 * v);
#pragma GCC unroll 16
    for (int p = 0; p < NP; ++p) {
      const __m512 xv = _mm512_set1_ps(xk[p]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[v][p] = _mm512_fmadd_ps(w[v], xv, acc[v][p]);
    }
  }
#pragma GCC unroll 16
  for (int p = 0; p < NP; ++p)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_storeu_ps(out + p * ldo + 16 * v, acc[v][p]);
}

using CvForwardTile = void (*)(index_t, const int32_t*, const float*, const float*, index_t, float*,
                               index_t);

template <int NV, int... P>
constexpr std::array<CvForwardTile, sizeof...(P)> forward_tiles(std::integer_sequence<int, P...>) {
  return {&cv_forward_tile<NV, P + 1>...};
}

// The forward tile for nv vectors of channels and np positions (np <= cv_positions(nv)).
CvForwardTile forward_tile(int nv, index_t np) {
  static const auto t1 = forward_tiles<1>(std::make_integer_sequence<int, cv_positions(1)>());
  static const auto t2 = forward_tiles<2>(std::make_integer_sequence<int, cv_positions(2)>());
  static const auto t3 = forward_tiles<3>(std::make_integer_sequence<int, cv_positions(3)>());
  static const auto t4 = forward_tiles<4>(std::make_integer_sequence<int, cv_positions(4)>());
  switch (nv) {
    case 1: return t1[np - 1];
    case 2: return t2[np - 1];
    case 3: return t3[np - 1];
    default: return t4[np - 1];
  }
}

void cv_forward_image(const DirectConv& d, const float* x, const float* wt, const float* bias,
                      float* y, float* scratch, bool parallel, const float* next_x) {
  const index_t hp = d.ih + 2 * d.ph, wp = d.iw + 2 * d.pw, plane = hp * wp;
  const index_t cp = round_up(d.cout, kLanes), nvec = cp / kLanes, L = d.oh * d.ow;
  float* xp = scratch;
  float* yt = scratch + round_up(d.cin * plane, 16);  // [L][cp]
  int32_t* off = reinterpret_cast<int32_t*>(yt + L * cp);
  pad_image(d, x, xp);
  const index_t K = tap_offsets(d, wp, off);
  // Tasks: one output row of one block of up to 4 channel vectors.
  const index_t blocks = (nvec + 3) / 4;
  // The next image's input is fetched into L2 a slice per row while this one computes: on its
  // own, the copy into the padded buffer would wait on memory with nothing to overlap.
  const index_t tasks = blocks * d.oh;
  const index_t x_lines = next_x != nullptr ? (d.cin * d.ih * d.iw * 4 + 63) / 64 : 0;
  auto rows = [&](index_t lo, index_t hi) {
    for (index_t q = lo; q < hi; ++q) {
      for (index_t i = x_lines * q / tasks; i < x_lines * (q + 1) / tasks; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(next_x) + 64 * i, _MM_HINT_T1);
      const index_t blk = q / d.oh, r = q % d.oh;
      const int nv = static_cast<int>(min_i(4, nvec - 4 * blk));
      const index_t most = cv_positions(nv);
      // Positions split evenly (5 + 5 + 4 rather than 6 + 6 + 2): no short tile where avoidable.
      const index_t tiles = (d.ow + most - 1) / most;
      for (index_t t = 0; t < tiles; ++t) {
        const index_t c0 = d.ow * t / tiles, c1 = d.ow * (t + 1) / tiles;
        forward_tile(nv, c1 - c0)(K, off, xp + r * wp + c0, wt + blk * 4 * kLanes, cp,
                                  yt + (r * d.ow + c0) * cp + blk * 4 * kLanes, cp);
      }
    }
  };
  auto store = [&](index_t lo, index_t hi) {
    from_channel_vectors(yt, cp, L, lo * kLanes, min_i(hi * kLanes, d.cout), bias, y, L);
  };
  if (parallel) {
    parallel_for(0, blocks * d.oh, 1, rows);
    parallel_for(0, nvec, 1, store);
  } else {
    rows(0, blocks * d.oh);
    store(0, nvec);
  }
}

// acc[j][16v + lane] += sum over output positions (r, c) of gy[(r*ow + c)*ldg + 16v + lane] *
// x[off[j] + r*wp + c], for NK taps j; acc rows of lda.
template <int NV, int NK>
void cv_weight_tile(index_t oh, index_t ow, index_t wp, const float* x, const int32_t* off,
                    const float* gy, index_t ldg, float* acc_out, index_t lda) {
  __m512 acc[NV][NK];
  const float* xk[NK];
#pragma GCC unroll 8
  for (int j = 0; j < NK; ++j) {
    xk[j] = x + off[j];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[v][j] = _mm512_loadu_ps(acc_out + j * lda + 16 * v);
  }
  for (index_t r = 0; r < oh; ++r) {
    const float* g = gy + r * ow * ldg;
    for (index_t c = 0; c < ow; ++c, g += ldg) {
      __m512 gv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) gv[v] = _mm512_loadu_ps(g + 16 * v);
#pragma GCC unroll 8
      for (int j = 0; j < NK; ++j) {
        const __m512 xv = _mm512_set1_ps(xk[j][c]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[v][j] = _mm512_fmadd_ps(gv[v], xv, acc[v][j]);
      }
    }
#pragma GCC unroll 8
    for (int j = 0; j < NK; ++j) xk[j] += wp;
  }
#pragma GCC unroll 8
  for (int j = 0; j < NK; ++j)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_storeu_ps(acc_out + j * lda + 16 * v, acc[v][j]);
}

using CvWeightTile = void (*)(index_t, index_t, index_t, const float*, const int32_t*,
                              const float*, index_t, float*, index_t);

template <int NV, int... J>
constexpr std::array<CvWeightTile, sizeof...(J)> weight_tiles(std::integer_sequence<int, J...>) {
  return {&cv_weight_tile<NV, J + 1>...};
}

CvWeightTile weight_tile(int nv, index_t nk) {
  static const auto t1 = weight_tiles<1>(std::make_integer_sequence<int, cv_taps(1)>());
  static const auto t2 = weight_tiles<2>(std::make_integer_sequence<int, cv_taps(2)>());
  static const auto t3 = weight_tiles<3>(std::make_integer_sequence<int, cv_taps(3)>());
  static const auto t4 = weight_tiles<4>(std::make_integer_sequence<int, cv_taps(4)>());
  switch (nv) {
    case 1: return t1[nk - 1];
    case 2: return t2[nk - 1];
    case 3: return t3[nk - 1];
    default: return t4[nk - 1];
  }
}

void cv_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwt,
                     float* scratch, const float* next_x, const float* next_gy) {
  const index_t hp = d.ih + 2 * d.ph, wp = d.iw + 2 * d.pw, plane = hp * wp;
  const index_t cp = round_up(d.cout, kLanes), nvec = cp / kLanes, L = d.oh * d.ow;
  const index_t K = d.cin * d.kh * d.kw;
  float* xp = scratch;
  float* gyt = xp + round_up(d.cin * plane, 16);  // [L][cp]
  int32_t* off = reinterpret_cast<int32_t*>(gyt + L * cp);
  pad_image(d, x, xp);
  to_channel_vectors(gy, d.cout, L, L, gyt, cp);
  tap_offsets(d, wp, off);
  // As in cv_forward_image: the next image's x and gY are fetched a slice per tile.
  const index_t x_lines = next_x != nullptr ? (d.cin * d.ih * d.iw * 4 + 63) / 64 : 0;
  const index_t gy_lines = next_gy != nullptr ? (d.cout * L * 4 + 63) / 64 : 0;
  index_t all = 0;
  for (index_t blk = 0; blk * 4 < nvec; ++blk) all += (K + cv_taps(static_cast<int>(min_i(4, nvec - 4 * blk))) - 1) / cv_taps(static_cast<int>(min_i(4, nvec - 4 * blk)));
  index_t done = 0;
  for (index_t blk = 0; blk * 4 < nvec; ++blk) {
    const int nv = static_cast<int>(min_i(4, nvec - 4 * blk));
    const index_t most = cv_taps(nv);
    const index_t tiles = (K + most - 1) / most;
    for (index_t t = 0; t < tiles; ++t, ++done) {
      for (index_t i = x_lines * done / all; i < x_lines * (done + 1) / all; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(next_x) + 64 * i, _MM_HINT_T1);
      for (index_t i = gy_lines * done / all; i < gy_lines * (done + 1) / all; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(next_gy) + 64 * i, _MM_HINT_T1);
      const index_t k0 = K * t / tiles, k1 = K * (t + 1) / tiles;
      weight_tile(nv, k1 - k0)(d.oh, d.ow, wp, xp, off + k0, gyt + blk * 4 * kLanes, cp,
                               gwt + k0 * cp + blk * 4 * kLanes, cp);
    }
  }
}

}  // namespace avx512
#pragma GCC pop_options

bool conv_direct_available() { return active_isa() == Isa::avx512; }

index_t conv_direct_scratch(const DirectConv& d) {
  // the shifted copies of the input, the tap offsets (int32, counted as floats)
  return d.kw * d.cin * shifted_plane(d) + round_up(d.cin * d.kh * d.kw, 16);
}

void conv_direct_image(const DirectConv& d, const float* x, const float* wpk, const float* bias,
                       float* y, float* scratch, bool parallel) {
  avx512::direct_image(d, x, wpk, bias, y, scratch, parallel);
}

void conv_direct_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwv,
                              float* scratch) {
  avx512::direct_weight_image(d, x, gy, gwv, scratch);
}

index_t conv_cv_forward_scratch_avx512(const DirectConv& d) {
  const index_t plane = (d.ih + 2 * d.ph) * (d.iw + 2 * d.pw);
  // the padded image, the output in channel vectors, the tap offsets (int32, counted as floats)
  return round_up(d.cin * plane, 16) + d.oh * d.ow * round_up(d.cout, kCvLanesAvx512) + d.cin * d.kh * d.kw;
}

index_t conv_cv_weight_scratch_avx512(const DirectConv& d) {
  // the padded image, gY in channel vectors, the tap offsets
  return conv_cv_forward_scratch_avx512(d);
}

void conv_cv_forward_image_avx512(const DirectConv& d, const float* x, const float* wt,
                                  const float* bias, float* y, float* scratch, bool parallel,
                                  const float* next_x) {
  avx512::cv_forward_image(d, x, wt, bias, y, scratch, parallel, next_x);
}

void conv_cv_weight_image_avx512(const DirectConv& d, const float* x, const float* gy, float* gwt,
                                 float* scratch, const float* next_x, const float* next_gy) {
  avx512::cv_weight_image(d, x, gy, gwt, scratch, next_x, next_gy);
}

}  // namespace tts

#else

namespace tts {
bool conv_direct_available() { return false; }
index_t conv_direct_scratch(const DirectConv&) { return 0; }
void conv_direct_image(const DirectConv&, const float*, const float*, const float*, float*, float*,
                       bool) {}
void conv_direct_weight_image(const DirectConv&, const float*, const float*, float*, float*) {}
index_t conv_cv_forward_scratch_avx512(const DirectConv&) { return 0; }
index_t conv_cv_weight_scratch_avx512(const DirectConv&) { return 0; }
void conv_cv_forward_image_avx512(const DirectConv&, const float*, const float*, const float*,
                                  float*, float*, bool, const float*) {}
void conv_cv_weight_image_avx512(const DirectConv&, const float*, const float*, float*, float*,
                                 const float*, const float*) {}
}  // namespace tts

#endif
