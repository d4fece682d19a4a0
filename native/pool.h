// Pooling kernels over 1 to 3 spatial dims (lifted to 3) on contiguous (planes, D, H, W) arrays:
// max pooling with int64 plane-local indices (as PyTorch returns them) and average pooling,
// forward and backward, planes spread over the thread pool. Semantics of the JS kernels
// (src/backends/js/pool.ts): the first maximum wins, a NaN wins over numbers.
#pragma once

#include "common.h"

namespace tts {

struct PoolGeometry {
  index_t planes;
  index_t id, ih, iw;  // input size
  index_t od, oh, ow;  // output size
  index_t kd, kh, kw;  // window
  index_t sd, sh, sw;  // stride
  index_t pd, ph, pw;  // padding
  index_t dd, dh, dw;  // dilation (max pooling only)
};

// y = window maxima; idx (may be null) = the flat index of each maximum within its input plane.
template <typename T>
void max_pool_forward(const PoolGeometry& g, const T* x, T* y, int64_t* idx);

// gx (planes x in_plane, overwritten) = each gy value added at its saved index; indices outside
// [0, in_plane) (-1 for an empty window) are skipped.
template <typename T>
void max_pool_backward(index_t planes, index_t in_plane, index_t out_plane, const T* gy,
                       const int64_t* idx, T* gx);

// Average pooling with ATen's divisor rules; divisor_override null means none.
template <typename T>
void avg_pool_forward(const PoolGeometry& g, bool count_include_pad, const double* divisor_override,
                      const T* x, T* y);

// gx (overwritten) = each gy / divisor spread over its window.
template <typename T>
void avg_pool_backward(const PoolGeometry& g, bool count_include_pad, const double* divisor_override,
                       const T* gy, T* gx);

// Channels-last 2-d pooling (pool_nhwc.cc): x [g.planes = batch, ih, iw, channels] and
// y [batch, oh, ow, channels], each position's channels one vector; indices as above (h * iw + w
// within the image). Values and index choices are those of the kernels above.
template <typename T>
void max_pool_nhwc_forward(const PoolGeometry& g, index_t channels, const T* x, T* y, int64_t* idx);
template <typename T>
void max_pool_nhwc_backward(index_t batch, index_t channels, index_t in_plane, index_t out_plane,
                            const T* gy, const int64_t* idx, T* gx);
template <typename T>
void avg_pool_nhwc_forward(const PoolGeometry& g, index_t channels, bool count_include_pad,
                           const double* divisor_override, const T* x, T* y);
template <typename T>
void avg_pool_nhwc_backward(const PoolGeometry& g, index_t channels, bool count_include_pad,
                            const double* divisor_override, const T* gy, T* gx);
// Adaptive average pooling (g's window fields unused): forward and backward.
template <typename T>
void adaptive_avg_pool_nhwc_forward(const PoolGeometry& g, index_t channels, const T* x, T* y);
template <typename T>
void adaptive_avg_pool_nhwc_backward(const PoolGeometry& g, index_t channels, const T* gy, T* gx);

}  // namespace tts
