// The channel-vector convolution kernels of conv_direct.h for AVX2 + FMA (used only after the
// CPU check): a ymm vector holds 8 output channels at one output position, the weights are
// packed [k][channels rounded up to 8] (for the forward, by blocks of up to 3 channel vectors:
// conv_cv_block_weights_avx2), input values are broadcast from a zero-padded copy of the image,
// and output (or output-gradient) blocks go through 8 x 8 register transposes. With
// 16 registers a tile keeps NV vectors x N positions (or taps) of accumulators, NV weight (or
// gY) vectors and one broadcast. Off x86-64 it is never available and the GEMM path runs.
#include <array>
#include <utility>

#include "conv_direct.h"
#include "threadpool.h"

#if TTS_X86_64
#include <immintrin.h>

namespace tts {
namespace {

constexpr index_t kLanes = kCvLanesAvx2;

// Floats of `rows` rows of `width` of every plane of the zero-padded image, with the slack that
// its 8-float row stores run over.
index_t padded_floats(const DirectConv& d, index_t rows, index_t width) {
  return round_up(d.cin * rows * width + kLanes, kLanes);
}

// The forward runs in bands of output positions: `rows` whole rows, or where one row is too
// long, `cols` columns of one row. A band's padded input and its outputs in channel vectors take
// at most 64K floats (256 KiB, half of Zen 3's L2; the weights have the other half), bands of
// even size. Measured on 32x64x32x32->64 (3 bands instead of 552 KiB per image) and
// 1d 32x64x1024->64 (2 bands instead of 524 KiB), where one band per image ran slower than GEMM.
struct Band {
  index_t rows, cols;
};

Band forward_band(const DirectConv& d) {
  constexpr index_t kBudget = index_t{1} << 16;
  const index_t cp = round_up(d.cout, kLanes), in_row = d.cin * (d.iw + 2 * d.pw);
  const index_t rows_fit = (kBudget - (d.kh - 1) * in_row) / (in_row + d.ow * cp);
  if (rows_fit >= 1) {
    const index_t bands = (d.oh + rows_fit - 1) / rows_fit;
    return {(d.oh + bands - 1) / bands, d.ow};
  }
  const index_t cols_fit = max_i(1, (kBudget - d.cin * d.kh * (d.kw - 1)) / (d.cin * d.kh + cp));
  const index_t bands = (d.ow + cols_fit - 1) / cols_fit;
  return {1, (d.ow + bands - 1) / bands};
}

// Vectors [v0, v1) of block b when nvec vectors are split evenly into blocks of at most `most`
// (7 vectors as 2 + 2 + 3, not 3 + 3 + 1).
struct VectorBlocks {
  index_t nvec, count;
  VectorBlocks(index_t nvec_, int most) : nvec(nvec_), count((nvec_ + most - 1) / most) {}
  index_t begin(index_t b) const { return nvec * b / count; }
  int size(index_t b) const { return static_cast<int>(nvec * (b + 1) / count - nvec * b / count); }
};

}  // namespace

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
namespace {

#include "avx2_transpose.h"

// Most channel vectors per block, and per block of nv vectors the most positions per forward
// tile and taps per weight tile: nv*N accumulators + nv loaded vectors + one broadcast <= 16
// registers, N <= 8 taps keeps the weight tile's tap pointers in general registers.
constexpr int kForwardVectors = 3;
constexpr int kWeightVectors = 2;
constexpr int cv_positions(int nv) { return nv == 1 ? 12 : nv == 2 ? 6 : 4; }
constexpr int cv_taps(int nv) { return nv == 1 ? 8 : nv == 2 ? 6 : 4; }

// The first n lanes (n clamped to [0, 8]) as a maskload mask.
inline __m256i first_lanes(index_t n) {
  const int k = static_cast<int>(n < 0 ? 0 : n > 8 ? 8 : n);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Rows [p0, p1) x columns [q0, q1) of the image zero-padded by (ph, pw) on each side, plane c
// from xp + c * plane in rows of ldr, written row after row by whole vectors (AMD's masked
// stores are microcoded and slow): a store that runs past its row lands on the next one, written
// afterwards, on floats no tap reads, or on the slack after the last (padded_floats). A row's
// last input vector is a masked load, which reads nothing past the input.
void pad_image(const DirectConv& d, const float* x, float* xp, index_t p0, index_t p1, index_t q0,
               index_t q1, index_t ldr, index_t plane) {
  // Input columns [s0, s1) land from `lead` on; zeros before and after them.
  const index_t s0 = max_i(0, q0 - d.pw), s1 = min_i(d.iw, q1 - d.pw), n = max_i(0, s1 - s0);
  const index_t lead = n > 0 ? s0 + d.pw - q0 : q1 - q0, tail = q1 - q0 - lead - n;
  const __m256 zero = _mm256_setzero_ps();
  for (index_t c = 0; c < d.cin; ++c) {
    float* row = xp + c * plane;
    for (index_t r = p0; r < p1; ++r, row += ldr) {
      const index_t sr = r - d.ph;
      if (sr < 0 || sr >= d.ih) {
        for (index_t j = 0; j < q1 - q0; j += kLanes) _mm256_storeu_ps(row + j, zero);
        continue;
      }
      const float* src = x + (c * d.ih + sr) * d.iw + s0;
      for (index_t j = 0; j < lead; j += kLanes) _mm256_storeu_ps(row + j, zero);
      float* inner = row + lead;
      index_t j = 0;
      for (; j + kLanes <= n; j += kLanes) _mm256_storeu_ps(inner + j, _mm256_loadu_ps(src + j));
      if (j < n) _mm256_storeu_ps(inner + j, _mm256_maskload_ps(src + j, first_lanes(n - j)));
      for (index_t k = 0; k < tail; k += kLanes) _mm256_storeu_ps(inner + n + k, zero);
    }
  }
}

// out[l][c] = in[c][l] for c < channels (rows of `ld_in`), l < positions; lanes of out from
// `channels` up to cp (a multiple of 8) are zero.
void to_channel_vectors(const float* in, index_t channels, index_t positions, index_t ld_in,
                        float* out, index_t cp) {
  for (index_t c0 = 0; c0 < cp; c0 += kLanes) {
    for (index_t l0 = 0; l0 < positions; l0 += kLanes) {
      const index_t n = min_i(kLanes, positions - l0);
      const __m256i m = first_lanes(n);
      __m256 r[8];
      for (int i = 0; i < 8; ++i) {
        const float* src = in + (c0 + i) * ld_in + l0;
        r[i] = c0 + i >= channels ? _mm256_setzero_ps() : n == kLanes ? _mm256_loadu_ps(src) : _mm256_maskload_ps(src, m);
      }
      transpose8(r);
      for (index_t q = 0; q < n; ++q) _mm256_storeu_ps(out + (l0 + q) * cp + c0, r[q]);
    }
  }
}

// out[c][l] = in[l][c] + bias[c] for c in [c_lo, c_hi) (a multiple of 8 apart from the end),
// l < positions; in has rows of cp.
void from_channel_vectors(const float* in, index_t cp, index_t positions, index_t c_lo,
                          index_t c_hi, const float* bias, float* out, index_t ld_out) {
  for (index_t c0 = c_lo; c0 < c_hi; c0 += kLanes) {
    const index_t rows = min_i(kLanes, c_hi - c0);
    for (index_t l0 = 0; l0 < positions; l0 += kLanes) {
      const index_t n = min_i(kLanes, positions - l0);
      __m256 r[8];
      for (index_t q = 0; q < 8; ++q) r[q] = q < n ? _mm256_loadu_ps(in + (l0 + q) * cp + c0) : _mm256_setzero_ps();
      transpose8(r);
      for (index_t i = 0; i < rows; ++i) {
        const __m256 v = bias != nullptr ? _mm256_add_ps(r[i], _mm256_set1_ps(bias[c0 + i])) : r[i];
        float* dst = out + (c0 + i) * ld_out + l0;
        if (n == kLanes) _mm256_storeu_ps(dst, v);
        else store_first(dst, v, static_cast<int>(n));
      }
    }
  }
}

// out[p][8v + lane] (+)= sum over taps k of wt[k][8v + lane] * x[off[k] + p] for NP positions
// p of one output row; wt advances by ldw per tap. With `accumulate` the sums start from out
// (a previous chunk of taps: the same order of additions as one pass over all taps).
template <int NV, int NP, bool accumulate>
void cv_forward_tile(index_t K, const int32_t* off, const float* x, const float* wt, index_t ldw,
                     float* out, index_t ldo) {
  __m256 acc[NV][NP];
#pragma GCC unroll 12
  for (int p = 0; p < NP; ++p)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[v][p] = accumulate ? _mm256_loadu_ps(out + p * ldo + kLanes * v) : _mm256_setzero_ps();
  // The weights are fetched 8 taps ahead: a chunk's first tile reads them from L2, the others
  // find them in L1 (fetching for the first tile only measured the same; before the chunks,
  // when every tile read K's weights from L2, the fetch made 32x64x32x32->64 6-7% faster).
  // 4 taps per loop: 1-2% faster.
#pragma GCC unroll 4
  for (index_t k = 0; k < K; ++k, wt += ldw) {
    const float* xk = x + off[k];
    __builtin_prefetch(wt + 8 * ldw, 0, 3);
    __builtin_prefetch(wt + 8 * ldw + kLanes * NV - 1, 0, 3);
    __m256 w[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) w[v] = _mm256_loadu_ps(wt + kLanes * v);
#pragma GCC unroll 12
    for (int p = 0; p < NP; ++p) {
      const __m256 xv = _mm256_broadcast_ss(xk + p);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[v][p] = _mm256_fmadd_ps(w[v], xv, acc[v][p]);
    }
  }
#pragma GCC unroll 12
  for (int p = 0; p < NP; ++p)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(out + p * ldo + kLanes * v, acc[v][p]);
}

using CvForwardTile = void (*)(index_t, const int32_t*, const float*, const float*, index_t, float*,
                               index_t);

template <int NV, bool A, int... P>
constexpr std::array<CvForwardTile, sizeof...(P)> forward_tiles(std::integer_sequence<int, P...>) {
  return {&cv_forward_tile<NV, P + 1, A>...};
}

// The forward tile for nv vectors of channels and np positions (np <= cv_positions(nv)), its
// sums starting from zero or (accumulate) from its outputs.
CvForwardTile forward_tile(int nv, index_t np, bool accumulate) {
  static_assert(kForwardVectors <= 3, "tables for 1 to 3 vectors");
  static const auto t1 = forward_tiles<1, false>(std::make_integer_sequence<int, cv_positions(1)>());
  static const auto t2 = forward_tiles<2, false>(std::make_integer_sequence<int, cv_positions(2)>());
  static const auto t3 = forward_tiles<3, false>(std::make_integer_sequence<int, cv_positions(3)>());
  static const auto a1 = forward_tiles<1, true>(std::make_integer_sequence<int, cv_positions(1)>());
  static const auto a2 = forward_tiles<2, true>(std::make_integer_sequence<int, cv_positions(2)>());
  static const auto a3 = forward_tiles<3, true>(std::make_integer_sequence<int, cv_positions(3)>());
  if (accumulate) return nv == 1 ? a1[np - 1] : nv == 2 ? a2[np - 1] : a3[np - 1];
  return nv == 1 ? t1[np - 1] : nv == 2 ? t2[np - 1] : t3[np - 1];
}

// Taps per chunk of the K loop for a block of nv vectors: the block's weights for one chunk
// (nv * 32 bytes per tap) take at most 12 KiB of the 32 KiB L1, reused by every tile of a row
// (8, 16 and 20 KiB measured the same within the noise on 32x64x32x32->64; L1 misses of the
// whole forward 4x fewer than with K's weights per tile).
index_t chunk_taps(int nv) { return 12 * 1024 / (nv * kLanes * 4); }

// The forward in bands of output positions (forward_band): each band's padded input, then its
// rows of positions, then its outputs transposed into y. A task (one output row of one block of
// channel vectors) runs the taps in chunks, all the row's tiles per chunk, the tiles' sums kept
// in yt between chunks: with the weights blocked (conv_cv_block_weights_avx2) a chunk's weights
// are contiguous and stay in L1 for the whole row.
void cv_forward_image(const DirectConv& d, const float* x, const float* wt, const float* bias,
                      float* y, float* scratch, bool parallel, const float* next_x) {
  const Band band = forward_band(d);
  const index_t wb = band.cols + d.kw - 1, plane = (band.rows + d.kh - 1) * wb;
  const index_t cp = round_up(d.cout, kLanes), L = d.oh * d.ow, nvec = cp / kLanes;
  float* xp = scratch;
  float* yt = xp + padded_floats(d, band.rows + d.kh - 1, wb);  // [band positions][cp]
  int32_t* off = reinterpret_cast<int32_t*>(yt + band.rows * band.cols * cp);
  const index_t K = cv_tap_offsets(d, wb, plane, off);
  // Tasks: one output row of one block of channel vectors.
  const VectorBlocks blocks(nvec, kForwardVectors);
  // The next image's input is fetched into L2 a slice per task while this one computes.
  const index_t col_bands = (d.ow + band.cols - 1) / band.cols, tasks = blocks.count * d.oh * col_bands;
  const index_t x_lines = next_x != nullptr ? (d.cin * d.ih * d.iw * 4 + 63) / 64 : 0;
  for (index_t band_start = 0; band_start < L; band_start += band.rows * band.cols) {
    // Rows [r0, r0 + nr) of columns [q0, q0 + nc).
    const index_t r0 = band_start / d.ow, q0 = band_start % d.ow;
    const index_t nr = min_i(band.rows, d.oh - r0), nc = min_i(band.cols, d.ow - q0);
    pad_image(d, x, xp, r0, r0 + nr + d.kh - 1, q0, q0 + nc + d.kw - 1, wb, plane);
    auto rows = [&](index_t lo, index_t hi) {
      for (index_t q = lo; q < hi; ++q) {
        const index_t done = blocks.count * (r0 * col_bands + q0 / band.cols) + q;
        for (index_t i = x_lines * done / tasks; i < x_lines * (done + 1) / tasks; ++i)
          _mm_prefetch(reinterpret_cast<const char*>(next_x) + 64 * i, _MM_HINT_T1);
        const index_t blk = q / nr, r = q % nr, c_off = blocks.begin(blk) * kLanes;
        const int nv = blocks.size(blk);
        const index_t most = cv_positions(nv), width = nv * kLanes;
        // Positions split evenly (5 + 5 + 4 rather than 6 + 6 + 2): no short tile where
        // avoidable; tile t ends at nc * (t + 1) / tiles, stepped without a division per tile
        // (the divisions stood out in perf annotate). The taps split evenly too.
        const index_t tiles = (nc + most - 1) / most, step = nc / tiles, step_rem = nc % tiles;
        const index_t chunks = (K + chunk_taps(nv) - 1) / chunk_taps(nv);
        const float* wblk = wt + K * c_off;  // the block's [k][width]
        const float* xr = xp + r * wb;
        float* out = yt + r * nc * cp + c_off;
        for (index_t ch = 0; ch < chunks; ++ch) {
          const index_t k0 = K * ch / chunks, k1 = K * (ch + 1) / chunks;
          const int32_t* offk = off + k0;
          const float* wk = wblk + k0 * width;
          for (index_t t = 0, c0 = 0, rem = 0; t < tiles; ++t) {
            index_t c1 = c0 + step;
            rem += step_rem;
            if (rem >= tiles) rem -= tiles, ++c1;
            forward_tile(nv, c1 - c0, ch > 0)(k1 - k0, offk, xr + c0, wk, width, out + c0 * cp, cp);
            c0 = c1;
          }
        }
      }
    };
    auto store = [&](index_t lo, index_t hi) {
      // Positions contiguous in y: whole rows, or columns of one row.
      from_channel_vectors(yt, cp, nr * nc, lo * kLanes, min_i(hi * kLanes, d.cout), bias, y + r0 * d.ow + q0, L);
    };
    if (parallel) {
      parallel_for(0, blocks.count * nr, 1, rows);
      parallel_for(0, nvec, 1, store);
    } else {
      rows(0, blocks.count * nr);
      store(0, nvec);
    }
  }
}

// acc[j][8v + lane] += sum over output positions (r, c) of gy[(r*ow + c)*ldg + 8v + lane] *
// x[off[j] + r*wp + c], for NK taps j; acc rows of lda.
template <int NV, int NK>
void cv_weight_tile(index_t oh, index_t ow, index_t wp, const float* x, const int32_t* off,
                    const float* gy, index_t ldg, float* acc_out, index_t lda) {
  __m256 acc[NV][NK];
  const float* xk[NK];
#pragma GCC unroll 8
  for (int j = 0; j < NK; ++j) {
    xk[j] = x + off[j];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[v][j] = _mm256_loadu_ps(acc_out + j * lda + kLanes * v);
  }
  for (index_t r = 0; r < oh; ++r) {
    const float* g = gy + r * ow * ldg;
    for (index_t c = 0; c < ow; ++c, g += ldg) {
      __builtin_prefetch(g + 8 * ldg, 0, 3);  // gY's rows of ldg, 8 positions ahead
      __builtin_prefetch(g + 8 * ldg + kLanes * NV - 1, 0, 3);
      __m256 gv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) gv[v] = _mm256_loadu_ps(g + kLanes * v);
#pragma GCC unroll 8
      for (int j = 0; j < NK; ++j) {
        const __m256 xv = _mm256_broadcast_ss(xk[j] + c);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[v][j] = _mm256_fmadd_ps(gv[v], xv, acc[v][j]);
      }
    }
#pragma GCC unroll 8
    for (int j = 0; j < NK; ++j) xk[j] += wp;
  }
#pragma GCC unroll 8
  for (int j = 0; j < NK; ++j)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(acc_out + j * lda + kLanes * v, acc[v][j]);
}

using CvWeightTile = void (*)(index_t, index_t, index_t, const float*, const int32_t*,
                              const float*, index_t, float*, index_t);

template <int NV, int... J>
constexpr std::array<CvWeightTile, sizeof...(J)> weight_tiles(std::integer_sequence<int, J...>) {
  return {&cv_weight_tile<NV, J + 1>...};
}

// The weight tile for nv vectors of channels and nk taps (nk <= cv_taps(nv)).
CvWeightTile weight_tile(int nv, index_t nk) {
  static_assert(kWeightVectors <= 3, "tables for 1 to 3 vectors");
  static const auto t1 = weight_tiles<1>(std::make_integer_sequence<int, cv_taps(1)>());
  static const auto t2 = weight_tiles<2>(std::make_integer_sequence<int, cv_taps(2)>());
  static const auto t3 = weight_tiles<3>(std::make_integer_sequence<int, cv_taps(3)>());
  return nv == 1 ? t1[nk - 1] : nv == 2 ? t2[nk - 1] : t3[nk - 1];
}

void cv_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwt,
                     float* scratch, const float* next_x, const float* next_gy) {
  const index_t wp = d.iw + 2 * d.pw;
  const index_t cp = round_up(d.cout, kLanes), L = d.oh * d.ow;
  const index_t hp = d.ih + 2 * d.ph;
  float* xp = scratch;
  float* gyt = xp + padded_floats(d, hp, wp);  // [L][cp]
  int32_t* off = reinterpret_cast<int32_t*>(gyt + L * cp);
  pad_image(d, x, xp, 0, hp, 0, wp, wp, hp * wp);
  to_channel_vectors(gy, d.cout, L, L, gyt, cp);
  const index_t K = cv_tap_offsets(d, wp, hp * wp, off);
  const VectorBlocks blocks(cp / kLanes, kWeightVectors);
  // As in cv_forward_image: the next image's x and gY are fetched a slice per tile.
  const index_t x_lines = next_x != nullptr ? (d.cin * d.ih * d.iw * 4 + 63) / 64 : 0;
  const index_t gy_lines = next_gy != nullptr ? (d.cout * L * 4 + 63) / 64 : 0;
  index_t all = 0;
  for (index_t blk = 0; blk < blocks.count; ++blk) all += (K + cv_taps(blocks.size(blk)) - 1) / cv_taps(blocks.size(blk));
  index_t done = 0;
  for (index_t blk = 0; blk < blocks.count; ++blk) {
    const int nv = blocks.size(blk);
    const index_t most = cv_taps(nv), c_off = blocks.begin(blk) * kLanes;
    const index_t tiles = (K + most - 1) / most;
    for (index_t t = 0; t < tiles; ++t, ++done) {
      for (index_t i = x_lines * done / all; i < x_lines * (done + 1) / all; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(next_x) + 64 * i, _MM_HINT_T1);
      for (index_t i = gy_lines * done / all; i < gy_lines * (done + 1) / all; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(next_gy) + 64 * i, _MM_HINT_T1);
      const index_t k0 = K * t / tiles, k1 = K * (t + 1) / tiles;
      weight_tile(nv, k1 - k0)(d.oh, d.ow, wp, xp, off + k0, gyt + c_off, cp, gwt + k0 * cp + c_off, cp);
    }
  }
}

}  // namespace
}  // namespace avx2
#pragma GCC pop_options

void conv_cv_block_weights_avx2(const DirectConv& d, const float* wt, float* out) {
  const index_t cp = round_up(d.cout, kLanes), K = d.cin * d.kh * d.kw;
  const VectorBlocks blocks(cp / kLanes, avx2::kForwardVectors);
  for (index_t blk = 0; blk < blocks.count; ++blk) {
    const index_t c_off = blocks.begin(blk) * kLanes, width = blocks.size(blk) * kLanes;
    float* dst = out + K * c_off;
    for (index_t k = 0; k < K; ++k, dst += width)
      for (index_t j = 0; j < width; ++j) dst[j] = wt[k * cp + c_off + j];
  }
}

index_t conv_cv_forward_scratch_avx2(const DirectConv& d) {
  // a band of the padded image, its outputs in channel vectors, the tap offsets (int32, counted
  // as floats)
  const Band band = forward_band(d);
  return padded_floats(d, band.rows + d.kh - 1, band.cols + d.kw - 1) +
         band.rows * band.cols * round_up(d.cout, kLanes) + d.cin * d.kh * d.kw;
}

index_t conv_cv_weight_scratch_avx2(const DirectConv& d) {
  // the padded image, gY in channel vectors, the tap offsets
  return padded_floats(d, d.ih + 2 * d.ph, d.iw + 2 * d.pw) + d.oh * d.ow * round_up(d.cout, kLanes) +
         d.cin * d.kh * d.kw;
}

void conv_cv_forward_image_avx2(const DirectConv& d, const float* x, const float* wt,
                                const float* bias, float* y, float* scratch, bool parallel,
                                const float* next_x) {
  avx2::cv_forward_image(d, x, wt, bias, y, scratch, parallel, next_x);
}

void conv_cv_weight_image_avx2(const DirectConv& d, const float* x, const float* gy, float* gwt,
                               float* scratch, const float* next_x, const float* next_gy) {
  avx2::cv_weight_image(d, x, gy, gwt, scratch, next_x, next_gy);
}

}  // namespace tts

#else

namespace tts {
index_t conv_cv_forward_scratch_avx2(const DirectConv&) { return 0; }
index_t conv_cv_weight_scratch_avx2(const DirectConv&) { return 0; }
void conv_cv_forward_image_avx2(const DirectConv&, const float*, const float*, const float*,
                                float*, float*, bool, const float*) {}
void conv_cv_weight_image_avx2(const DirectConv&, const float*, const float*, float*, float*,
                               const float*, const float*) {}
void conv_cv_block_weights_avx2(const DirectConv&, const float*, float*) {}
}  // namespace tts

#endif
