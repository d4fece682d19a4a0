// Embedding lookup and its dense gradient. The backward pass splits the weight's rows over the
// threads: every thread scans all indices and adds only the rows it owns, in index order, so no
// two threads write the same row and the sums do not depend on the thread count.
#include <cstring>

#include "nnk.h"
#include "threadpool.h"

namespace tts {

template <typename T>
void embedding_forward(index_t n, index_t d, const int64_t* idx, const T* weight, T* out) {
  const size_t bytes = static_cast<size_t>(d) * sizeof(T);
  parallel_for(0, n, max_i(1, 32768 / max_i(d, 1)), [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) std::memcpy(out + i * d, weight + idx[i] * d, bytes);
  });
}

template <typename T>
void embedding_backward(index_t n, index_t v, index_t d, const int64_t* idx, int64_t padding,
                        const T* g, T* gw, bool zeroed) {
  // A chunk zeroes its rows and scans every index: keep chunks large enough that the scan
  // (n reads) stays small next to the rows zeroed.
  const index_t grain = max_i(1, max_i(n, 65536 / max_i(d, 1)));
  parallel_for(0, v, grain, [&](index_t lo, index_t hi) {
    if (!zeroed) std::memset(gw + lo * d, 0, static_cast<size_t>((hi - lo) * d) * sizeof(T));
    for (index_t i = 0; i < n; ++i) {
      const int64_t r = idx[i];
      if (r < lo || r >= hi || r == padding) continue;
      T* __restrict dst = gw + r * d;
      const T* __restrict src = g + i * d;
      for (index_t j = 0; j < d; ++j) dst[j] += src[j];
    }
  });
}

template void embedding_forward<float>(index_t, index_t, const int64_t*, const float*, float*);
template void embedding_forward<double>(index_t, index_t, const int64_t*, const double*, double*);
template void embedding_backward<float>(index_t, index_t, index_t, const int64_t*, int64_t, const float*, float*, bool);
template void embedding_backward<double>(index_t, index_t, index_t, const int64_t*, int64_t, const double*, double*, bool);

}  // namespace tts
