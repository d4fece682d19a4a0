// Drivers of reduce_index.h: pick the ISA, walk [outer, size, inner] and split the work over the
// thread pool (rows, column blocks, or chunks of one long row combined in order).
#include "reduce_index.h"

#include <cmath>
#include <limits>
#include <vector>

#include "threadpool.h"

namespace tts {
namespace {

// Elements per task below which splitting costs more than it saves.
constexpr index_t kGrain = 32768;
// Columns per block of the inner-dim forms: the candidates stay in L1.
constexpr index_t kCols = 512;
// Chunk of a long row (the row kernels keep 32-bit indices for float).
constexpr index_t kRowChunk = index_t{1} << 30;

template <typename T>
const IndexKernels<T>& kernels() {
  return for_active_isa<IndexKernels<T>, &index_kernels_avx512<T>, &index_kernels_avx2<T>, &index_kernels_generic<T>>();
}

// Whether candidate (v, i) beats (b, j), for candidates taken from ranges in increasing order.
template <typename T>
bool beats(bool is_max, T v, T b) {
  if (b != b) return false;
  return v != v || (is_max ? v > b : v < b);
}

// The best of x[lo:hi) through the row kernel, in chunks that its indices can hold.
template <typename T>
void select_range(const IndexKernels<T>& k, bool is_max, index_t lo, index_t hi, const T* x, T* value, index_t* index) {
  for (index_t c = lo; c < hi; c += kRowChunk) {
    T v{};
    index_t i = 0;
    k.select_row(is_max, min_i(kRowChunk, hi - c), x + c, &v, &i);
    if (c == lo || beats(is_max, v, *value)) { *value = v; *index = c + i; }
  }
}

}  // namespace

template <typename T>
void select_along(bool is_max, index_t outer, index_t size, index_t inner, const T* x, T* values,
                  int64_t* indices) {
  const auto& k = kernels<T>();
  const index_t threads = ThreadPool::instance().size();
  if (inner == 1) {
    if (outer >= threads || outer * size < 2 * kGrain) {
      parallel_for(0, outer, max_i(1, kGrain / size), [&](index_t lo, index_t hi) {
        for (index_t o = lo; o < hi; ++o) {
          T v{};
          index_t i = 0;
          select_range(k, is_max, 0, size, x + o * size, &v, &i);
          if (values) values[o] = v;
          indices[o] = i;
        }
      });
      return;
    }
    // Few long rows: chunks of each row over the threads, combined in row order.
    const index_t chunks = max_i(1, min_i(4 * threads, size / kGrain));
    std::vector<T> best(chunks);
    std::vector<index_t> at(chunks);
    for (index_t o = 0; o < outer; ++o) {
      const T* row = x + o * size;
      parallel_tasks(chunks, [&](index_t t) {
        select_range(k, is_max, size * t / chunks, size * (t + 1) / chunks, row, &best[t], &at[t]);
      });
      T v = best[0];
      index_t i = at[0];
      for (index_t t = 1; t < chunks; ++t)
        if (beats(is_max, best[t], v)) { v = best[t]; i = at[t]; }
      if (values) values[o] = v;
      indices[o] = i;
    }
    return;
  }
  // inner > 1: blocks of columns of each outer slice, walking the reduced dim with stride inner.
  const index_t blocks = (inner + kCols - 1) / kCols;
  parallel_for(0, outer * blocks, max_i(1, kGrain / (size * min_i(inner, kCols))), [&](index_t lo, index_t hi) {
    T scratch[kCols];
    for (index_t t = lo; t < hi; ++t) {
      const index_t o = t / blocks, c = (t % blocks) * kCols, w = min_i(kCols, inner - c);
      T* v = values ? values + o * inner + c : scratch;
      k.select_cols(is_max, size, w, inner, x + o * size * inner + c, v, indices + o * inner + c);
    }
  });
}

namespace {

template <typename T>
T finish_logsumexp(T m, double s) {
  if (m != m || std::isinf(m)) return m;
  return static_cast<T>(static_cast<double>(m) + std::log(s));
}

}  // namespace

template <typename T>
void logsumexp_along(index_t outer, index_t size, index_t inner, const T* x, T* out) {
  const auto& k = kernels<T>();
  const index_t threads = ThreadPool::instance().size();
  if (size == 0) {
    for (index_t i = 0; i < outer * inner; ++i) out[i] = -std::numeric_limits<T>::infinity();
    return;
  }
  if (inner == 1) {
    if (outer >= threads || outer * size < 2 * kGrain) {
      parallel_for(0, outer, max_i(1, kGrain / (4 * size)), [&](index_t lo, index_t hi) {
        for (index_t o = lo; o < hi; ++o) {
          const T* row = x + o * size;
          const T m = k.max_row(size, row);
          out[o] = finish_logsumexp(m, m != m || std::isinf(m) ? 0.0 : k.exp_sum_row(size, row, m));
        }
      });
      return;
    }
    // Few long rows: the max, then the sum of exp, each over chunks of the row.
    const index_t chunks = max_i(1, min_i(4 * threads, size / kGrain));
    std::vector<T> part_max(chunks);
    std::vector<double> part_sum(chunks);
    for (index_t o = 0; o < outer; ++o) {
      const T* row = x + o * size;
      auto lo = [&](index_t t) { return size * t / chunks; };
      parallel_tasks(chunks, [&](index_t t) { part_max[t] = k.max_row(lo(t + 1) - lo(t), row + lo(t)); });
      T m = part_max[0];
      for (index_t t = 1; t < chunks; ++t) m = (m != m || part_max[t] != part_max[t]) ? m + part_max[t] : (part_max[t] > m ? part_max[t] : m);
      if (m != m || std::isinf(m)) {
        out[o] = m;
        continue;
      }
      parallel_tasks(chunks, [&](index_t t) { part_sum[t] = k.exp_sum_row(lo(t + 1) - lo(t), row + lo(t), m); });
      double s = 0;
      for (index_t t = 0; t < chunks; ++t) s += part_sum[t];
      out[o] = finish_logsumexp(m, s);
    }
    return;
  }
  const index_t blocks = (inner + kCols - 1) / kCols;
  parallel_for(0, outer * blocks, max_i(1, kGrain / (4 * size * min_i(inner, kCols))), [&](index_t lo, index_t hi) {
    T m[kCols];
    double s[kCols];
    for (index_t t = lo; t < hi; ++t) {
      const index_t o = t / blocks, c = (t % blocks) * kCols, w = min_i(kCols, inner - c);
      const T* base = x + o * size * inner + c;
      k.max_cols(size, w, inner, base, m);
      k.exp_sum_cols(size, w, inner, base, m, s);
      for (index_t j = 0; j < w; ++j) out[o * inner + c + j] = finish_logsumexp(m[j], s[j]);
    }
  });
}

template void select_along<float>(bool, index_t, index_t, index_t, const float*, float*, int64_t*);
template void select_along<double>(bool, index_t, index_t, index_t, const double*, double*, int64_t*);
template void select_along<int32_t>(bool, index_t, index_t, index_t, const int32_t*, int32_t*, int64_t*);
template void logsumexp_along<float>(index_t, index_t, index_t, const float*, float*);
template void logsumexp_along<double>(index_t, index_t, index_t, const double*, double*);

}  // namespace tts
