// The row walk of a contiguous output over broadcast/strided inputs, shared by kernels with any
// number of inputs: size-1 dims dropped, dims merged where every input is contiguous across them,
// then rows of the innermost dim handed out over the thread pool (an odometer per chunk).
#pragma once

#include "common.h"
#include "elementwise.h"
#include "threadpool.h"

namespace tts {

template <int K>
struct StridedRows {
  int nd = 0;  // dims left after merging; 0 means one element
  index_t shape[kMaxDims];
  index_t strides[K][kMaxDims];
  bool empty = false;

  StridedRows(int ndim, const index_t* shape_in, const index_t* const* strides_in) {
    for (int d = 0; d < ndim; ++d) {
      const index_t s = shape_in[d];
      if (s == 0) empty = true;
      if (s <= 1) continue;
      bool merge = nd > 0;
      for (int k = 0; k < K && merge; ++k) merge = strides[k][nd - 1] == strides_in[k][d] * s;
      if (merge) {
        shape[nd - 1] *= s;
        for (int k = 0; k < K; ++k) strides[k][nd - 1] = strides_in[k][d];
        continue;
      }
      shape[nd] = s;
      for (int k = 0; k < K; ++k) strides[k][nd] = strides_in[k][d];
      ++nd;
    }
  }

  index_t inner() const { return nd == 0 ? 1 : shape[nd - 1]; }
  index_t inner_stride(int k) const { return nd == 0 ? 0 : strides[k][nd - 1]; }

  // row(offsets[K], out_start, len): the inputs' element offsets of output elements
  // [out_start, out_start + len), which lie along the inner dim. `grain`: elements per task.
  template <class Row>
  void run(index_t grain, const Row& row) const {
    if (empty) return;
    const index_t len = inner();
    index_t outer = 1;
    for (int d = 0; d + 1 < nd; ++d) outer *= shape[d];
    if (outer == 1) {
      parallel_for(0, len, grain, [&](index_t lo, index_t hi) {
        index_t off[K];
        for (int k = 0; k < K; ++k) off[k] = lo * inner_stride(k);
        row(off, lo, hi - lo);
      });
      return;
    }
    parallel_for(0, outer, max_i(1, grain / len), [&](index_t lo, index_t hi) {
      index_t idx[kMaxDims], off[K] = {};
      index_t rem = lo;
      for (int d = nd - 2; d >= 0; --d) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
        for (int k = 0; k < K; ++k) off[k] += idx[d] * strides[k][d];
      }
      for (index_t r = lo; r < hi; ++r) {
        row(off, r * len, len);
        for (int d = nd - 2; d >= 0; --d) {
          for (int k = 0; k < K; ++k) off[k] += strides[k][d];
          if (++idx[d] < shape[d]) break;
          for (int k = 0; k < K; ++k) off[k] -= strides[k][d] * shape[d];
          idx[d] = 0;
        }
      }
    });
  }
};

}  // namespace tts
