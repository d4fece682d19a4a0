// Direct 2-d convolution with stride 1 and dilation 1 for float32 on AVX-512: the GEMM micro-kernel
// idea without im2col or packing of the input. For each kernel column, every input plane is
// copied once shifted by that column's offset (zero-filled, with the padding rows); output
// positions are then taken flat (l = oh*ow + c, no junk), and tap (ci, kh, kw) reads its copy at
// l + kh*ow: contiguous in l, so three unaligned vector loads feed 8 output channels x 48
// positions of accumulators per tap, and the tile is stored straight into y.
#pragma once

#include "common.h"

namespace tts {

// Output channels per register block; weights are packed in such blocks.
constexpr index_t kDirectMR = 8;

struct DirectConv {
  index_t cin, cout;  // channels of this group
  index_t ih, iw, oh, ow, kh, kw, ph, pw;
};

// Whether the direct kernel can run here (x86-64 build and the active ISA is AVX-512).
bool conv_direct_available();

// Floats of per-thread scratch that conv_direct_image needs.
index_t conv_direct_scratch(const DirectConv& d);

// y[co][oh][ow] = bias[co] + sum over (ci, kh, kw) of w(co, ci, kh, kw) * x[ci][oh+kh-ph][ow+kw-pw]
// for one image and group, with wp the weights packed as [cout/8 blocks][ci][kh][kw][8] (zero
// rows past cout). bias may be null. Tiles of the image are split over the pool when `parallel`.
void conv_direct_image(const DirectConv& d, const float* x, const float* wp, const float* bias,
                       float* y, float* scratch, bool parallel);

// The weight gradient on the same shifted copies, for one image and group: gwv += the products
// of gy and x, kept as 16 lanes of partial sums per (output channel, tap k = (ci, kh, kw)):
// the channel block of c0 (3 channels, fewer at the end) holds its rows x K taps from
// gwv[c0 * K * 16], tap tile by tap tile (of up to 9 taps), each [rows][taps][16].
// conv_direct_weight_sum turns them into gw[co][k]. Scratch: conv_direct_scratch.
void conv_direct_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwv,
                              float* scratch);

constexpr index_t kDirectWeightRows = 3;  // channels per weight tile
constexpr index_t kDirectWeightTaps = 9;  // most taps per weight tile (split evenly over K)

// Where in gwv the 16 lanes of (co, k) start, for cout channels and K taps.
inline index_t conv_direct_weight_slot(index_t co, index_t k, index_t cout, index_t K) {
  const index_t c0 = co / kDirectWeightRows * kDirectWeightRows;
  const index_t rows = min_i(kDirectWeightRows, cout - c0);
  const index_t tiles = (K + kDirectWeightTaps - 1) / kDirectWeightTaps;
  index_t t = k * tiles / K;
  while (K * (t + 1) / tiles <= k) ++t;
  while (K * t / tiles > k) --t;
  const index_t k0 = K * t / tiles, k1 = K * (t + 1) / tiles;
  return (c0 * K + rows * k0 + (co - c0) * (k1 - k0) + (k - k0)) * 16;
}

// ---- channel-vector kernels: a vector holds the lanes' output channels at one output position -
// Each input value is broadcast from a zero-padded copy of the image, so no lane is spent on
// padding or on junk columns (the kernel above computes Wp - ow of those per row); the price is
// a transpose of every output (or output gradient) block (16 x 16 on AVX-512, 8 x 8 on AVX2),
// about 2% of the work when a sum runs over 32 channels x 9 taps. Output channels are padded to
// whole vectors of the active ISA (cv_lanes()).
constexpr index_t kCvLanesAvx512 = 16;
constexpr index_t kCvLanesAvx2 = 8;

// Whether the channel-vector kernels can run here (x86-64 build, active ISA AVX-512 or AVX2).
bool conv_cv_available();

// Output channels per vector of the active ISA's channel-vector kernels (16 or 8).
index_t cv_lanes();

// off[k] = where tap k = (ci, a, b) starts in a padded image of planes of `plane` floats and rows
// of wp (the channel-vector kernels of both ISAs); returns K = cin * kh * kw.
inline index_t cv_tap_offsets(const DirectConv& d, index_t wp, index_t plane, int32_t* off) {
  index_t k = 0;
  for (index_t c = 0; c < d.cin; ++c)
    for (index_t a = 0; a < d.kh; ++a)
      for (index_t b = 0; b < d.kw; ++b) off[k++] = static_cast<int32_t>(c * plane + a * wp + b);
  return k;
}

// Output channels rounded up to whole vectors.
inline index_t cv_channels(index_t cout) { return round_up(cout, cv_lanes()); }

// Floats of per-thread scratch that conv_cv_forward_image / conv_cv_weight_image need.
index_t conv_cv_forward_scratch(const DirectConv& d);
index_t conv_cv_weight_scratch(const DirectConv& d);

// y as conv_direct_image computes it, for one image and group, with wt the weights packed as
// [ci][kh][kw][cv_channels(cout)] (zero past cout; on AVX2 then reordered by
// conv_cv_block_weights_avx2). Rows of the image are split over the pool
// when `parallel`. next_x (or null): the input of the image this thread computes next, fetched
// into cache meanwhile.
void conv_cv_forward_image(const DirectConv& d, const float* x, const float* wt, const float* bias,
                           float* y, float* scratch, bool parallel, const float* next_x);

// gwt[k][co] += sum over output positions l of gy[co][l] * x_padded[k-th tap at l] for one image
// and group, k = (ci, kh, kw) and gwt of [cin*kh*kw][cv_channels(cout)] (lanes past cout get 0).
// next_x, next_gy (or null): the next image's, fetched into cache meanwhile.
void conv_cv_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwt,
                          float* scratch, const float* next_x, const float* next_gy);

// The functions above dispatch (conv.cc) to one of these: conv_direct_avx512.cc (16 lanes),
// conv_cv_avx2.cc (8 lanes). Each rounds channels to its own lanes.
index_t conv_cv_forward_scratch_avx512(const DirectConv& d);
index_t conv_cv_weight_scratch_avx512(const DirectConv& d);
void conv_cv_forward_image_avx512(const DirectConv& d, const float* x, const float* wt,
                                  const float* bias, float* y, float* scratch, bool parallel,
                                  const float* next_x);
void conv_cv_weight_image_avx512(const DirectConv& d, const float* x, const float* gy, float* gwt,
                                 float* scratch, const float* next_x, const float* next_gy);
// AVX2's forward (and input gradient) reads one group's weights blocked: its blocks of up to 3
// channel vectors (split evenly) one after another, each [k][its channels]; this reorders the
// K * cv_channels(cout) floats packed [k][cv_channels(cout)] (wt) into that order (out).
void conv_cv_block_weights_avx2(const DirectConv& d, const float* wt, float* out);
index_t conv_cv_forward_scratch_avx2(const DirectConv& d);
index_t conv_cv_weight_scratch_avx2(const DirectConv& d);
void conv_cv_forward_image_avx2(const DirectConv& d, const float* x, const float* wt,
                                const float* bias, float* y, float* scratch, bool parallel,
                                const float* next_x);
void conv_cv_weight_image_avx2(const DirectConv& d, const float* x, const float* gy, float* gwt,
                               float* scratch, const float* next_x, const float* next_gy);

}  // namespace tts
