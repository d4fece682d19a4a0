// Direct 2-d convolution with stride 1 and dilation 1 for float32 on AVX-512: the GEMM micro-kernel
// idea without im2col or packing of the input. The image is copied once into a zero-padded
// buffer of row width Wp = iw + 2*pw; output positions are then taken on that wide grid
// (l = oh*Wp + ow, Wp - ow junk columns per row), where every kernel tap (ci, kh, kw) reads the
// padded input at l + ci*Hp*Wp + kh*Wp + kw: contiguous in l, so three unaligned vector loads
// feed 8 output channels x 48 positions of accumulators per tap.
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

}  // namespace tts
