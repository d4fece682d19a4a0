// Direct float32 NHWC convolution for AVX2 + FMA (conv_nhwc_avx2.cc): no column matrix. A tile
// of up to 6 output positions of one row x 16 output channels keeps 12 ymm sums; each step of
// the sum over (kh, kw, input channel) loads 16 packed weights and broadcasts one input value
// per position straight from a zero-padded copy of the image (a position's channels are
// contiguous in NHWC, so the broadcasts walk the channels). The input gradient of a stride-1
// convolution is the same kernel on gY with the kernel flipped. The weight gradient swaps the
// roles: 6 (tap, input channel) pairs x 16 output channels summed over the positions, gY's
// channels loaded as vectors, the inputs broadcast.
#pragma once

#include "common.h"

namespace tts {

// One image's convolution: the padded input xp [ihp][iwp][cin] (the window of output (oh, ow),
// tap (kh, kw) reads xp[oh*sh + kh*dh][ow*sw + kw*dw]), weights packed by
// conv_nhwc_direct_pack, output rows [oh][ow][cout].
struct NhwcDirect {
  index_t groups, cin, cout;  // channels of an input / output position (all groups)
  index_t cin_g, cout_g;
  index_t ihp, iwp;           // padded input size
  index_t oh, ow, kh, kw, sh, sw, dh, dw;
};

// Whether the kernel can run on this machine (x86-64 with AVX2 and FMA active).
bool conv_nhwc_direct_available();

// Packed weights: per group, blocks of 16 output channels, each [kh][kw][cin_g][16] (zeros past
// cout_g); at(gi, o, i, a, b) is the weight of group-local output o, input i, tap (a, b).
template <class At>
void conv_nhwc_direct_pack(const NhwcDirect& d, const At& at, float* out) {
  const index_t blocks = (d.cout_g + 15) / 16, K = d.kh * d.kw * d.cin_g;
  for (index_t gi = 0; gi < d.groups; ++gi)
    for (index_t b = 0; b < blocks; ++b) {
      float* dst = out + (gi * blocks + b) * K * 16;
      for (index_t a = 0, k = 0; a < d.kh; ++a)
        for (index_t c = 0; c < d.kw; ++c)
          for (index_t i = 0; i < d.cin_g; ++i, ++k)
            for (index_t l = 0; l < 16; ++l) {
              const index_t o = b * 16 + l;
              dst[k * 16 + l] = o < d.cout_g ? at(gi, o, i, a, c) : 0.0f;
            }
    }
}

inline index_t conv_nhwc_direct_packed_size(const NhwcDirect& d) {
  return d.groups * ((d.cout_g + 15) / 16) * d.kh * d.kw * d.cin_g * 16;
}

// The weight gradient of one image, added into acc [groups][kh][kw][cin_g][cout_g]:
// acc[gi][k][o] += sum over output positions p of xp[window of p at tap k][input channel of k] *
// gy[p][gi * cout_g + o]. Tiles of 6 k x 16 output channels keep their sums in registers over
// all positions. Needs cout_g % 8 == 0. Only taps [tap0, tap1) (of kh * kw): disjoint ranges
// write disjoint sums, so an image's taps can be split over threads.
void conv_nhwc_direct_weight_image_avx2(const NhwcDirect& d, const float* xp, const float* gy, float* acc,
                                        index_t tap0, index_t tap1);

// Output rows [oh0, oh1) of one image: y[oh][ow][c] = bias[c] (or 0) + the sums.
void conv_nhwc_direct_rows_avx2(const NhwcDirect& d, const float* xp, const float* wp, const float* bias,
                                float* y, index_t oh0, index_t oh1);

}  // namespace tts
