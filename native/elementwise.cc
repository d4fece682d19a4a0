// Drivers of the elementwise kernels: pick the ISA, coalesce and walk broadcast shapes, and split
// work over the thread pool above a size threshold.
#include "elementwise.h"

#include <cmath>
#include <vector>

#include "threadpool.h"

namespace tts {
namespace {

// Elements per thread below which splitting costs more than it saves: memory-bound ops need
// large chunks, transcendental ones pay off sooner.
constexpr index_t kGrainCheap = 32768;
constexpr index_t kGrainCostly = 4096;

template <typename T>
const ElementwiseKernels<T>& kernels() {
  return for_active_isa<ElementwiseKernels<T>, &elementwise_kernels_avx512<T>, &elementwise_kernels_avx2<T>, &elementwise_kernels_generic<T>>();
}

bool is_cheap(UnaryOp op) {
  switch (op) {
    case UnaryOp::neg: case UnaryOp::abs: case UnaryOp::square: case UnaryOp::relu:
    case UnaryOp::floor: case UnaryOp::ceil: case UnaryOp::trunc: case UnaryOp::round:
    case UnaryOp::sign:
      return true;
    default:
      return false;
  }
}

inline double combine(ReduceOp op, double a, double b) {
  if (op == ReduceOp::max) return (a != a || b != b) ? a + b : (a > b ? a : b);
  if (op == ReduceOp::min) return (a != a || b != b) ? a + b : (a < b ? a : b);
  return a + b;
}

// The cascade sum of n values split into chunks of kSumChunk over the threads: chunk_lanes(lo,
// len, lanes) writes the 16 lanes of values [lo, lo + len). The chunks are fixed,
// whatever the thread count, so the result is the same bits as one thread's (see
// elementwise_cascade.h); returned rounded to T.
template <typename T, class ChunkLanes>
double chunked_sum(index_t n, const ChunkLanes& chunk_lanes) {
  const index_t chunks = (n + kSumChunk - 1) / kSumChunk;
  std::vector<double> lanes(static_cast<size_t>(chunks) * kSumLanes);
  parallel_tasks(chunks, [&](index_t t) {
    const index_t lo = t * kSumChunk;
    chunk_lanes(lo, min_i(kSumChunk, n - lo), lanes.data() + t * kSumLanes);
  });
  double total[kSumLanes];
  // Whole chunks hold one level each (exact in T); the partial last one starts the flush.
  const index_t whole = n / kSumChunk;
  SumCounter<T> counter;
  for (index_t t = 0; t < whole; ++t) {
    T v[kSumLanes];
    for (int j = 0; j < kSumLanes; ++j) v[j] = static_cast<T>(lanes[t * kSumLanes + j]);
    counter.push(v);
  }
  const bool partial = whole < chunks;
  if (partial)
    for (int j = 0; j < kSumLanes; ++j) total[j] = lanes[whole * kSumLanes + j];
  counter.flush(total, partial);
  return static_cast<double>(static_cast<T>(fold_lanes(total)));
}

}  // namespace

template <typename T>
void unary(UnaryOp op, index_t n, const T* x, T* y) {
  const auto& k = kernels<T>();
  parallel_for(0, n, is_cheap(op) ? kGrainCheap : kGrainCostly,
               [&](index_t lo, index_t hi) { k.unary(op, hi - lo, x + lo, y + lo); });
}

template <typename T>
void binary(BinaryOp op, int ndim, const index_t* shape_in, const T* a, const index_t* sa_in,
            const T* b, const index_t* sb_in, T* out, T alpha, bool fresh_out) {
  // Drop size-1 dims and merge dims that are contiguous in both operands (out is contiguous).
  index_t shape[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  int nd = 0;
  for (int d = 0; d < ndim; ++d) {
    if (shape_in[d] == 0) return;
    if (shape_in[d] == 1) continue;
    if (nd > 0 && sa[nd - 1] == sa_in[d] * shape_in[d] && sb[nd - 1] == sb_in[d] * shape_in[d]) {
      shape[nd - 1] *= shape_in[d];
      sa[nd - 1] = sa_in[d];
      sb[nd - 1] = sb_in[d];
      continue;
    }
    shape[nd] = shape_in[d];
    sa[nd] = sa_in[d];
    sb[nd] = sb_in[d];
    ++nd;
  }
  const auto& k = kernels<T>();
  if (nd == 0) {
    k.binary(op, 1, a, 0, b, 0, out, alpha);
    return;
  }
  const index_t inner = shape[nd - 1], isa = sa[nd - 1], isb = sb[nd - 1];
  index_t outer = 1;
  for (int d = 0; d < nd - 1; ++d) outer *= shape[d];
  if (outer == 1) {
    // Large outputs apart from both operands go through the streaming kernel, which declines the
    // ops and strides it has no form for.
    const bool stream = fresh_out && k.binary_stream && out != a && out != b && inner * static_cast<index_t>(sizeof(T)) >= kStreamBytes;
    parallel_for(0, inner, kGrainCheap, [&](index_t lo, index_t hi) {
      if (!stream || !k.binary_stream(op, hi - lo, a + lo * isa, isa, b + lo * isb, isb, out + lo, alpha))
        k.binary(op, hi - lo, a + lo * isa, isa, b + lo * isb, isb, out + lo, alpha);
    });
    return;
  }
  const index_t grain = max_i(1, kGrainCheap / inner);
  // Rows of a large output (x + row, x * column...) stream too, where a row holds whole lines.
  const bool stream_rows = fresh_out && k.binary_stream && out != a && out != b && inner >= 64 &&
                           outer * inner * static_cast<index_t>(sizeof(T)) >= kStreamBytes;
  parallel_for(0, outer, grain, [&](index_t lo, index_t hi) {
    // Odometer over the outer dims, started at row `lo`.
    index_t idx[kMaxDims];
    index_t rem = lo, off_a = 0, off_b = 0;
    for (int d = nd - 2; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      off_a += idx[d] * sa[d];
      off_b += idx[d] * sb[d];
    }
    for (index_t row = lo; row < hi; ++row) {
      if (!stream_rows || !k.binary_stream(op, inner, a + off_a, isa, b + off_b, isb, out + row * inner, alpha))
        k.binary(op, inner, a + off_a, isa, b + off_b, isb, out + row * inner, alpha);
      for (int d = nd - 2; d >= 0; --d) {
        off_a += sa[d];
        off_b += sb[d];
        if (++idx[d] < shape[d]) break;
        off_a -= sa[d] * shape[d];
        off_b -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  });
}

template <typename T>
void reduce(ReduceOp op, index_t outer, index_t size, index_t inner, const T* x, T* out) {
  const auto& k = kernels<T>();
  const index_t threads = ThreadPool::instance().size();
  auto finish = [&](double v) {
    if (op == ReduceOp::mean) v = size > 0 ? v / static_cast<double>(size) : NAN;
    return static_cast<T>(v);
  };
  if (size == 0) {
    // Sum of nothing is 0 (the caller rejects max/min of nothing, as PyTorch does).
    for (index_t i = 0; i < outer * inner; ++i) out[i] = finish(0);
    return;
  }
  const bool is_sum = op == ReduceOp::sum || op == ReduceOp::mean;
  if (inner == 1) {
    if (outer >= threads || outer * size < 2 * kGrainCheap) {
      parallel_for(0, outer, max_i(1, kGrainCheap / size), [&](index_t lo, index_t hi) {
        for (index_t o = lo; o < hi; ++o) out[o] = finish(k.reduce_row(op, size, x + o * size));
      });
      return;
    }
    // Few long rows: split each row over the threads and combine
    // the partial results.
    if (is_sum) {
      for (index_t o = 0; o < outer; ++o)
        out[o] = finish(chunked_sum<T>(size, [&](index_t lo, index_t len, double* lanes) {
          k.sum_lanes(len, x + o * size + lo, lanes);
        }));
      return;
    }
    for (index_t o = 0; o < outer; ++o) {
      const T* row = x + o * size;
      double partial[256];
      const index_t chunks = max_i(1, min_i(min_i(4 * threads, size / kGrainCheap), 256));
      parallel_tasks(chunks, [&](index_t t) {
        index_t lo = size * t / chunks, hi = size * (t + 1) / chunks;
        partial[t] = k.reduce_row(op, hi - lo, row + lo);
      });
      double v = partial[0];
      for (index_t t = 1; t < chunks; ++t) v = combine(op, v, partial[t]);
      out[o] = finish(v);
    }
    return;
  }
  // inner > 1: accumulate whole rows of `inner` values; threads take outer slices, or column
  // ranges of each slice when there are few slices.
  constexpr index_t kCols = 1024;  // accumulator block, kept in L1
  auto slice = [&](index_t o, index_t c0, index_t c1) {
    const T* base = x + o * size * inner;
    double acc[kCols];
    for (index_t c = c0; c < c1; c += kCols) {
      index_t w = min_i(kCols, c1 - c);
      k.reduce_cols(op, size, w, inner, base + c, acc, true);
      for (index_t j = 0; j < w; ++j) out[o * inner + c + j] = finish(acc[j]);
    }
  };
  if (outer >= threads) {
    parallel_for(0, outer, max_i(1, kGrainCheap / (size * inner)), [&](index_t lo, index_t hi) {
      for (index_t o = lo; o < hi; ++o) slice(o, 0, inner);
    });
  } else {
    // One column range per thread: narrow ranges read a few cache lines from every row (a new
    // page each row), which the prefetchers follow poorly; two threads over 8 such ranges ran
    // slower than one thread over the whole width.
    const index_t grain = max_i(max_i(16, kGrainCheap / size), inner / threads);
    for (index_t o = 0; o < outer; ++o)
      parallel_for(0, inner, grain, [&](index_t lo, index_t hi) { slice(o, lo, hi); });
  }
}

template <typename T>
double sum_squares(index_t n, const T* x) {
  if (n <= 0) return 0;
  const auto& k = kernels<T>();
  // Each chunk is squared into a scratch that stays in cache, then summed as reduce() sums
  // x.square(): the same kernels on the same chunks, so the same bits, without writing and
  // reading back a whole squared copy.
  return chunked_sum<T>(n, [&](index_t lo, index_t len, double* lanes) {
    thread_local std::vector<T> scratch;
    if (scratch.size() < static_cast<size_t>(kSumChunk)) scratch.resize(kSumChunk);
    k.unary(UnaryOp::square, len, x + lo, scratch.data());
    k.sum_lanes(len, scratch.data(), lanes);
  });
}

template <typename T>
void softmax(bool log, index_t rows, index_t cols, const T* x, T* y) {
  const auto& k = kernels<T>();
  parallel_for(0, rows, max_i(1, kGrainCostly / max_i(cols, 1)), [&](index_t lo, index_t hi) {
    k.softmax(log, hi - lo, cols, x + lo * cols, y + lo * cols);
  });
}

namespace {

// Columns per block of a strided softmax: wide blocks, since every row of a block is a separate
// stretch of memory and short stretches are slow (the prefetchers follow them poorly: blocks
// sized to keep a block in L2, 16-32 columns of 1000 rows, ran 1.7x (forward) to 5x (gradient)
// slower than whole rows of 1000 columns from L3); at most kSoftmaxCols, the columns split
// evenly. `narrow`: narrower (down to kMinCols) when a call worth splitting has fewer slices than
// threads, so that each thread gets a block.
index_t softmax_block_cols(index_t outer, index_t size, index_t inner, index_t grain_elems, bool narrow) {
  constexpr index_t kMinCols = 128;
  const index_t threads = ThreadPool::instance().size();
  index_t blocks = (inner + kSoftmaxCols - 1) / kSoftmaxCols;
  if (narrow && outer * blocks < threads && outer * size * inner >= 2 * grain_elems)
    blocks = max_i(blocks, min_i((threads + outer - 1) / outer, inner / kMinCols));
  return min_i(inner, round_up((inner + blocks - 1) / blocks, 16));
}

// Runs block(o, c, w) over the (outer slice o, columns [c, c + w)) blocks of an [outer, size,
// inner] view, blocks of `w` columns, over the thread pool.
template <class Block>
void for_softmax_blocks(index_t outer, index_t size, index_t inner, index_t w, index_t grain_elems,
                        const Block& block) {
  const index_t blocks = (inner + w - 1) / w;
  parallel_for(0, outer * blocks, max_i(1, grain_elems / max_i(size * w, 1)), [&](index_t lo, index_t hi) {
    for (index_t t = lo; t < hi; ++t) {
      const index_t o = t / blocks, c = (t - o * blocks) * w;
      block(o, c, min_i(w, inner - c));
    }
  });
}

}  // namespace

template <typename T>
void softmax_along(bool log, index_t outer, index_t size, index_t inner, const T* x, T* y) {
  if (inner == 1) return softmax(log, outer, size, x, y);
  const auto& k = kernels<T>();
  const index_t w = softmax_block_cols(outer, size, inner, kGrainCostly, true);
  for_softmax_blocks(outer, size, inner, w, kGrainCostly, [&](index_t o, index_t c, index_t cols) {
    const index_t at = o * size * inner + c;
    k.softmax_cols(log, size, cols, inner, x + at, y + at);
  });
}

template <typename T>
void softmax_backward_along(bool log, index_t outer, index_t size, index_t inner, const T* g,
                            const T* y, T* dx) {
  const auto& k = kernels<T>();
  // The softmax gradient is a few flops per element; the log-softmax one has an exp.
  const index_t grain = log ? kGrainCostly : kGrainCheap;
  if (inner == 1) {
    parallel_for(0, outer, max_i(1, grain / max_i(size, 1)), [&](index_t lo, index_t hi) {
      k.softmax_rows_backward(log, hi - lo, size, g + lo * size, y + lo * size, dx + lo * size);
    });
    return;
  }
  const index_t wide = softmax_block_cols(outer, size, inner, grain, false);
  const index_t w = softmax_block_cols(outer, size, inner, grain, true);
  if (w == wide) {
    // Each block's column sums, then its gradient, while the block is still in cache.
    for_softmax_blocks(outer, size, inner, w, grain, [&](index_t o, index_t c, index_t cols) {
      const index_t at = o * size * inner + c;
      double s[kSoftmaxCols];
      k.softmax_col_sums(log, size, cols, inner, g + at, y + at, s);
      k.softmax_grad_rows(log, size, cols, inner, g + at, y + at, s, dx + at);
    });
    return;
  }
  // Fewer slices than threads: the column sums in narrowed blocks, then the gradient (the heavier
  // pass) over whole rows, split by rows. Each column's sum is the same either way.
  std::vector<double> s(static_cast<size_t>(outer * inner));
  for_softmax_blocks(outer, size, inner, w, grain, [&](index_t o, index_t c, index_t cols) {
    const index_t at = o * size * inner + c;
    k.softmax_col_sums(log, size, cols, inner, g + at, y + at, s.data() + o * inner + c);
  });
  parallel_for(0, outer * size, max_i(1, grain / inner), [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi;) {
      const index_t o = r / size, end = min_i(hi, (o + 1) * size);
      k.softmax_grad_rows(log, end - r, inner, inner, g + r * inner, y + r * inner, s.data() + o * inner, dx + r * inner);
      r = end;
    }
  });
}

template <typename T>
void adam(const AdamParams& p, index_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
          T* max_exp_avg_sq) {
  const auto& k = kernels<T>();
  parallel_for(0, n, kGrainCostly, [&](index_t lo, index_t hi) {
    k.adam(p, hi - lo, param + lo, grad + lo, exp_avg + lo, exp_avg_sq + lo,
           max_exp_avg_sq ? max_exp_avg_sq + lo : nullptr);
  });
}

template <typename T>
void sgd(const SgdParams& p, index_t n, T* param, const T* grad, T* momentum_buf) {
  const auto& k = kernels<T>();
  parallel_for(0, n, kGrainCheap, [&](index_t lo, index_t hi) {
    k.sgd(p, hi - lo, param + lo, grad + lo, momentum_buf ? momentum_buf + lo : nullptr);
  });
}

#define TTS_INSTANTIATE(T)                                                                      \
  template void unary<T>(UnaryOp, index_t, const T*, T*);                                       \
  template void binary<T>(BinaryOp, int, const index_t*, const T*, const index_t*, const T*,    \
                          const index_t*, T*, T, bool);                                         \
  template void reduce<T>(ReduceOp, index_t, index_t, index_t, const T*, T*);                   \
  template double sum_squares<T>(index_t, const T*);                                            \
  template void softmax<T>(bool, index_t, index_t, const T*, T*);                               \
  template void softmax_along<T>(bool, index_t, index_t, index_t, const T*, T*);                \
  template void softmax_backward_along<T>(bool, index_t, index_t, index_t, const T*, const T*,  \
                                          T*);                                                  \
  template void adam<T>(const AdamParams&, index_t, T*, const T*, T*, T*, T*);                  \
  template void sgd<T>(const SgdParams&, index_t, T*, const T*, T*);
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
#undef TTS_INSTANTIATE

}  // namespace tts
