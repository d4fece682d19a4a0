// Cross-entropy with class indices over rows of logits, on top of the (per-ISA, vectorised)
// softmax kernels of elementwise.h: blocks of rows go through log_softmax into a per-thread
// scratch that stays in cache, so the forward pass writes only one loss per row; the backward
// pass writes softmax straight into the gradient and scales it row by row.
#include "elementwise.h"
#include "nnk.h"
#include "threadpool.h"

namespace tts {
namespace {
// Rows handled together: a block of logits and its scratch stay in L2.
index_t block_rows(index_t c) { return max_i(1, min_i(64, 65536 / max_i(c, 1))); }

template <typename T>
T* scratch(index_t n) {
  thread_local ScratchBuffer buf;
  return static_cast<T*>(buf.get(static_cast<size_t>(n) * sizeof(T)));
}
}  // namespace

template <typename T>
void cross_entropy_forward(index_t rows, index_t c, const T* x, const int32_t* t, const T* u,
                           double eps, double* loss) {
  const index_t br = block_rows(c);
  const index_t blocks = (rows + br - 1) / br;
  parallel_for(0, blocks, max_i(1, 16384 / max_i(br * c, 1)), [&](index_t blo, index_t bhi) {
    T* lsm = scratch<T>(br * c);
    for (index_t blk = blo; blk < bhi; ++blk) {
      const index_t r0 = blk * br, nr = min_i(br, rows - r0);
      softmax(true, nr, c, x + r0 * c, lsm);
      for (index_t r = 0; r < nr; ++r) {
        const int32_t tr = t[r0 + r];
        if (tr < 0) {
          loss[r0 + r] = 0;
          continue;
        }
        const T* row = lsm + r * c;
        double v = -(u != nullptr ? static_cast<double>(u[tr]) : 1.0) * static_cast<double>(row[tr]);
        if (eps > 0) {
          double smooth = 0;
          for (index_t j = 0; j < c; ++j)
            smooth -= (u != nullptr ? static_cast<double>(u[j]) : 1.0) * static_cast<double>(row[j]);
          v = (1 - eps) * v + (eps / static_cast<double>(c)) * smooth;
        }
        loss[r0 + r] = v;
      }
    }
  });
}

template <typename T>
void cross_entropy_backward(index_t rows, index_t c, const T* x, const int32_t* t, const T* u,
                            const double* ca, const double* cb, const double* ce, T* d) {
  const auto& k = nnk_kernels<T>();
  const index_t br = block_rows(c);
  const index_t blocks = (rows + br - 1) / br;
  parallel_for(0, blocks, max_i(1, 16384 / max_i(br * c, 1)), [&](index_t blo, index_t bhi) {
    for (index_t blk = blo; blk < bhi; ++blk) {
      const index_t r0 = blk * br, nr = min_i(br, rows - r0);
      softmax(false, nr, c, x + r0 * c, d + r0 * c);
      for (index_t r = r0; r < r0 + nr; ++r) {
        T* row = d + r * c;
        if (t[r] < 0) {
          for (index_t j = 0; j < c; ++j) row[j] = T(0);
          continue;
        }
        k.ce_grad_row(c, row, ca[r], ce[r], u);
        row[t[r]] = static_cast<T>(static_cast<double>(row[t[r]]) - cb[r]);
      }
    }
  });
}

template void cross_entropy_forward<float>(index_t, index_t, const float*, const int32_t*, const float*, double, double*);
template void cross_entropy_forward<double>(index_t, index_t, const double*, const int32_t*, const double*, double, double*);
template void cross_entropy_backward<float>(index_t, index_t, const float*, const int32_t*, const float*,
                                            const double*, const double*, const double*, float*);
template void cross_entropy_backward<double>(index_t, index_t, const double*, const int32_t*, const double*,
                                             const double*, const double*, const double*, double*);

}  // namespace tts
