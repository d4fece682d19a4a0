// Convolution (1 to 3 spatial dims, lifted to 3) on contiguous N, C, D, H, W arrays: forward and
// the three backward pieces, as im2col + GEMM per image (images spread over the thread pool),
// direct AVX-512 (and AVX2 channel-vector) kernels for float32 stride-1 2-d/1-d convolutions
// (conv_direct.h; conv.cc choose_path says which), or direct loops for depthwise convolutions. The same geometry and
// layouts as the JS kernels (src/backends/js/conv.ts); a transposed convolution is the
// backward-input of a convolution.
#pragma once

#include "common.h"

namespace tts {

struct ConvGeometry {
  index_t n, cin, cout, groups;
  index_t id, ih, iw;  // input size
  index_t kd, kh, kw;  // kernel size
  index_t od, oh, ow;  // output size
  index_t sd, sh, sw;  // stride
  index_t pd, ph, pw;  // padding
  index_t dd, dh, dw;  // dilation
};

// y = conv(x, w) (+ bias[c] when bias is not null). x: [n, cin, in], w: [cout, cin/g, k],
// y: [n, cout, out].
template <typename T>
void conv_forward(const ConvGeometry& g, const T* x, const T* w, const T* bias, T* y);

// gx = the gradient of conv wrt x, from gy ([n, cout, out]) and w; gx is overwritten.
template <typename T>
void conv_backward_input(const ConvGeometry& g, const T* gy, const T* w, T* gx);

// gw = the gradient of conv wrt w, from x and gy; gw is overwritten.
template <typename T>
void conv_backward_weight(const ConvGeometry& g, const T* x, const T* gy, T* gw);

// Channels-last 2-d convolution (id = kd = od = 1) in conv_nhwc.cc: x [n, ih, iw, cin],
// w [cout, kh, kw, cin/groups] (the memory of a channels-last weight), y [n, oh, ow, cout];
// gradients in the same layouts, each output overwritten.
template <typename T>
void conv_nhwc_forward(const ConvGeometry& g, const T* x, const T* w, const T* bias, T* y);
template <typename T>
void conv_nhwc_backward_input(const ConvGeometry& g, const T* gy, const T* w, T* gx);
template <typename T>
void conv_nhwc_backward_weight(const ConvGeometry& g, const T* x, const T* gy, T* gw);

// out[c] = sum over n and l of x[n, c, l] (x: [n, c, l]), accumulated in double. With l == 1
// (the rows of a channels-last gradient) rows are summed in fixed chunks, whole rows at a time.
template <typename T>
void channel_sum(index_t n, index_t c, index_t l, const T* x, T* out);

}  // namespace tts
