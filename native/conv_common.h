// Helpers shared by the NCHW (conv.cc) and NHWC (conv_nhwc.cc) convolution drivers: window
// ranges, per-thread column scratch, GEMM orientation and the image loop.
#pragma once

#include "common.h"
#include "conv.h"
#include "gemm.h"
#include "threadpool.h"

namespace tts {
namespace conv_detail {

inline index_t ceil_div(index_t a, index_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
inline index_t floor_div(index_t a, index_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Output positions [lo, hi) along one dim whose input index o*s - p + k*d lies in [0, size).
inline void valid_range(index_t k, index_t d, index_t p, index_t s, index_t size, index_t out,
                        index_t* lo, index_t* hi) {
  const index_t shift = k * d - p;
  *lo = min_i(out, max_i(0, ceil_div(-shift, s)));
  *hi = max_i(*lo, min_i(out, floor_div(size - 1 - shift, s) + 1));
}

// 1x1 kernel, stride 1, no padding: the column matrix is the input itself.
inline bool col_is_input(const ConvGeometry& g) {
  return g.kd == 1 && g.kh == 1 && g.kw == 1 && g.sd == 1 && g.sh == 1 && g.sw == 1 &&
         g.pd == 0 && g.ph == 0 && g.pw == 0;
}

inline bool is_depthwise(const ConvGeometry& g) {
  return g.groups > 1 && g.cin == g.groups && !col_is_input(g);
}

// Per-thread column scratch (grow-only, reused across calls).
template <typename T>
T* col_scratch(index_t n) {
  thread_local ScratchBuffer buf;
  return static_cast<T*>(buf.get(sizeof(T) * static_cast<size_t>(max_i(n, 1))));
}

// How much of the micro-kernel's register tiles an m x n product fills.
inline double tile_fill(index_t m, index_t n, int mr, int nr) {
  return static_cast<double>(m * n) / static_cast<double>(round_up(m, mr) * round_up(n, nr));
}

// Runs image(t, parallel_gemm) for every t < n: one per task when there are at least two and
// two threads (each GEMM then runs on its own thread), else in order with threaded GEMMs.
template <class Body>
void for_images(index_t n, const Body& image) {
  if (ThreadPool::instance().size() > 1 && n >= 2) {
    parallel_tasks(n, [&](index_t t) { image(t, false); });
  } else {
    for (index_t t = 0; t < n; ++t) image(t, true);
  }
}

template <typename T>
void run_gemm(const GemmArgs<T>& a, bool parallel) {
  if (parallel) gemm(a);
  else gemm_serial(a);
}

// A weight gradient's work items (images, or image blocks) split into fixed chunks, each summing
// into its own buffer of wsize values, so that the summation order, hence the result, does not
// depend on thread timing; at most 2^24 values of buffers.
inline index_t weight_grad_chunks(index_t pieces, index_t wsize) {
  const index_t threads = ThreadPool::instance().size();
  index_t chunks = threads > 1 ? min_i(pieces, 2 * threads) : 1;
  while (chunks > 1 && chunks * wsize > (index_t{1} << 24)) --chunks;
  return chunks;
}

// gw = the chunks' partial weight gradients (acc: chunks x wsize) summed in chunk order; when
// `transposed`, each group's [rows, cout_g] block is written back as gw's [cout_g, rows].
template <typename T>
void sum_weight_grad_chunks(const T* acc, index_t chunks, index_t wsize, index_t rows, index_t cout_g, bool transposed, T* gw) {
  parallel_for(0, wsize, 4096, [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) {
      T v = acc[i];
      for (index_t c = 1; c < chunks; ++c) v += acc[c * wsize + i];
      if (transposed) {
        const index_t gi = i / (rows * cout_g), rem = i % (rows * cout_g);
        const index_t r = rem / cout_g, co = rem % cout_g;
        gw[(gi * cout_g + co) * rows + r] = v;
      } else {
        gw[i] = v;
      }
    }
  });
}

}  // namespace conv_detail
}  // namespace tts
