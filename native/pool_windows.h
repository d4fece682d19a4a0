// The windows of average and adaptive average pooling, shared by the NCHW (pool.cc) and NHWC
// (pool_nhwc.cc) kernels: visit(o, d0, d1, h0, h1, w0, w1, divisor) for each output position o
// of a plane, with the input range of its window and the divisor of its sum.
#pragma once

#include "pool.h"

namespace tts {

// Visits every average-pooling window of one plane as ATen computes it: the padded window size
// counts only up to input + padding, and a window wholly in the padding is skipped.
template <class Visit>
inline void for_each_avg_window(const PoolGeometry& g, bool count_include_pad,
                               const double* divisor_override, const Visit& visit) {
  index_t o = 0;
  for (index_t od = 0; od < g.od; ++od) {
    index_t d0 = od * g.sd - g.pd, d1 = min_i(d0 + g.kd, g.id + g.pd);
    const index_t size_d = d1 - d0;
    d0 = max_i(d0, 0);
    d1 = min_i(d1, g.id);
    for (index_t oh = 0; oh < g.oh; ++oh) {
      index_t h0 = oh * g.sh - g.ph, h1 = min_i(h0 + g.kh, g.ih + g.ph);
      const index_t size_h = h1 - h0;
      h0 = max_i(h0, 0);
      h1 = min_i(h1, g.ih);
      for (index_t ow = 0; ow < g.ow; ++ow, ++o) {
        index_t w0 = ow * g.sw - g.pw, w1 = min_i(w0 + g.kw, g.iw + g.pw);
        const index_t size_w = w1 - w0;
        w0 = max_i(w0, 0);
        w1 = min_i(w1, g.iw);
        if (d0 >= d1 || h0 >= h1 || w0 >= w1) continue;
        const double divisor = divisor_override != nullptr ? *divisor_override
                               : count_include_pad
                                   ? static_cast<double>(size_d * size_h * size_w)
                                   : static_cast<double>((d1 - d0) * (h1 - h0) * (w1 - w0));
        visit(o, d0, d1, h0, h1, w0, w1, divisor);
      }
    }
  }
}

// Adaptive average pooling's windows: output o of n over an input of size s reads
// [floor(o*s/n), ceil((o+1)*s/n)); the divisor is the window's size.
template <class Visit>
inline void for_each_adaptive_window(const PoolGeometry& g, const Visit& visit) {
  const auto start = [](index_t o, index_t out, index_t in) { return o * in / out; };
  const auto end = [](index_t o, index_t out, index_t in) { return ((o + 1) * in + out - 1) / out; };
  index_t o = 0;
  for (index_t od = 0; od < g.od; ++od) {
    const index_t d0 = start(od, g.od, g.id), d1 = end(od, g.od, g.id);
    for (index_t oh = 0; oh < g.oh; ++oh) {
      const index_t h0 = start(oh, g.oh, g.ih), h1 = end(oh, g.oh, g.ih);
      for (index_t ow = 0; ow < g.ow; ++ow, ++o) {
        const index_t w0 = start(ow, g.ow, g.iw), w1 = end(ow, g.ow, g.iw);
        visit(o, d0, d1, h0, h1, w0, w1, static_cast<double>((d1 - d0) * (h1 - h0) * (w1 - w0)));
      }
    }
  }
}

}  // namespace tts
