// GEMM driver in the BLIS style, for row-major C:
//   for jc (nc columns), for pc (kc slice of K):
//     pack B[pc, jc] into NR-column panels, once, into a buffer all threads read (in L3);
//     for each row chunk of C (a task): pack its rows of A into MR-row panels, then
//       for each L2-sized group of B panels, for each A panel (kept in L1 across the group),
//         for each B panel: the MR x NR micro-kernel.
// Both steps are split into tasks that the pool's threads claim as they come free (no static
// split, no barrier between threads): when another process slows one core down, the other takes
// more of the work instead of waiting. Sharing packed B also halves the packing of two threads.
// Transposed and strided operands are read by the packing routines, never copied beforehand.
#include "gemm.h"

#include <cmath>

#include "threadpool.h"

namespace tts {
namespace {

// Up to this many multiply-adds a call stays on one thread, as OpenBLAS does (m*n*k <= 2^18):
// a 64^3 product takes about 6 us on one core, so a second thread could save at most 3 us, and
// on a busy machine a worker that is late or preempted mid-task costs far more than that.
constexpr double kSerialFlops = 64.0 * 64.0 * 64.0;

template <typename T>
MicroKernel<T> select_kernel() {
  switch (active_isa()) {
    case Isa::avx512:
      return micro_kernel_avx512<T>();
    case Isa::avx2:
      return micro_kernel_avx2<T>();
    default:
      return micro_kernel_scalar<T>();
  }
}

// Packs panels of width w (MR rows of A, or NR columns of B) of an n x kc block whose element
// (i, p) is at src[i * sw + p * sk]: out[panel][p * w + i], zero-padded to whole panels.
template <typename T>
void pack_panels(const MicroKernel<T>& mk, index_t w, index_t n, index_t kc, const T* src,
                 index_t sw, index_t sk, T* out) {
  for (index_t i0 = 0; i0 < n; i0 += w, out += w * kc) {
    const index_t valid = min_i(w, n - i0);
    const T* s = src + i0 * sw;
    if (sk == 1 && sw != 1) {
      // k contiguous (row-major A, transposed B): transpose through registers.
      mk.pack_transposed(w, valid, kc, s, sw, out);
    } else if (sw == 1 && valid == w && mk.pack_rows != nullptr) {
      mk.pack_rows(w, kc, s, sk, out);
    } else if (sw == 1) {
      for (index_t p = 0; p < kc; ++p) {
        T* dst = out + p * w;
        std::memcpy(dst, s + p * sk, sizeof(T) * valid);
        for (index_t i = valid; i < w; ++i) dst[i] = T(0);
      }
    } else {
      for (index_t p = 0; p < kc; ++p) {
        T* dst = out + p * w;
        for (index_t i = 0; i < valid; ++i) dst[i] = s[i * sw + p * sk];
        for (index_t i = valid; i < w; ++i) dst[i] = T(0);
      }
    }
  }
}

// C[0:m, 0:n] = beta * C (beta == 0 writes zeros, ignoring what was there).
template <typename T>
void scale_c(index_t m, index_t n, T beta, T* c, index_t ldc) {
  for (index_t i = 0; i < m; ++i) {
    T* row = c + i * ldc;
    if (beta == T(0)) {
      for (index_t j = 0; j < n; ++j) row[j] = T(0);
    } else if (beta != T(1)) {
      for (index_t j = 0; j < n; ++j) row[j] *= beta;
    }
  }
}

// Columns of B packed at once (the shared packed block lives in L3).
constexpr index_t kMaxNcShared = 4096;
// Most B panels packed per task.
constexpr index_t kPackChunk = 4;

// Rows [i0, i0 + mc) of C (batch item pointers a, c) against the packed block bp of nc columns:
// packs the rows of A, then runs the micro-kernels.
template <typename T>
void compute_chunk(const MicroKernel<T>& mk, const GemmArgs<T>& g, const T* a, T* c,
                   const T* bp, index_t i0, index_t mc, index_t pc, index_t kc, index_t jc,
                   index_t nc, T beta) {
  const index_t mr = mk.mr, nr = mk.nr;
  thread_local ScratchBuffer a_buf;
  T* ap = static_cast<T*>(a_buf.get(sizeof(T) * round_up(mc, mr) * kc));
  pack_panels(mk, mr, mc, kc, a + i0 * g.a_rs + pc * g.a_cs, g.a_rs, g.a_cs, ap);
  alignas(64) T tile[32 * 32];  // an edge tile computed in full, then its valid part copied
  // A group of B panels small enough to stay in L2 while every A panel of the chunk passes.
  const index_t group = max_i(nr, mk.nc / nr * nr);
  for (index_t j0 = 0; j0 < nc; j0 += group) {
    const index_t j1 = min_i(nc, j0 + group);
    for (index_t ir = 0; ir < mc; ir += mr) {
      const index_t ib = min_i(mr, mc - ir);
      const T* a_panel = ap + ir * kc;
      for (index_t jr = j0; jr < j1; jr += nr) {
        const index_t jb = min_i(nr, nc - jr);
        const T* b_panel = bp + jr * kc;
        T* ct = c + (i0 + ir) * g.ldc + jc + jr;
        if (ib == mr && jb == nr) {
          mk.fn(kc, a_panel, b_panel, ct, g.ldc, g.alpha, beta);
          continue;
        }
        // A short panel: the kernel with the fewest rows that covers it, straight into C when
        // its rows and columns match, else into the tile.
        MicroKernelFn<T> fn = mk.fn;
        index_t rows = mr;
        for (int e = 0; e < 2; ++e) {
          if (mk.edge[e] != nullptr && mk.edge_rows[e] >= ib) {
            fn = mk.edge[e];
            rows = mk.edge_rows[e];
            break;
          }
        }
        if (rows == ib && jb == nr) {
          fn(kc, a_panel, b_panel, ct, g.ldc, g.alpha, beta);
          continue;
        }
        fn(kc, a_panel, b_panel, tile, nr, T(1), T(0));
        for (index_t i = 0; i < ib; ++i) {
          T* row = ct + i * g.ldc;
          const T* t = tile + i * nr;
          if (beta == T(0)) {
            for (index_t j = 0; j < jb; ++j) row[j] = g.alpha * t[j];
          } else {
            for (index_t j = 0; j < jb; ++j) row[j] = std::fma(g.alpha, t[j], beta * row[j]);  // as the micro-kernels
          }
        }
      }
    }
  }
}

// Row chunks of C, one per task: the MR-row panels shared out evenly (a short last chunk would
// leave one thread idle at the end), several chunks per thread so a slowed thread hands work to
// the others (when there are others), at most 8 panels (96 rows of float) per chunk so the
// packed rows stay in L2.
index_t chunk_count(index_t panels, index_t threads) {
  // One thread (gemm_serial: a convolution's image per task) has nothing to balance: every
  // extra chunk reads the packed block of B from L3 once more.
  if (threads <= 1) return (panels + 7) / 8;
  index_t n = max_i((panels + 7) / 8, min_i(panels, 4 * threads));
  if (threads > 1 && n > threads && n < panels) n = min_i(panels, round_up(n, threads));
  return n;
}

// The K depth of the next pass when `rest` remains: as OpenBLAS does, the last two passes share
// what is left between kc_max and 2 * kc_max evenly (K = 576 at kc 384: 288 + 288, not
// 384 + 192; a shallow pass reads and writes C for little work).
index_t pass_depth(index_t rest, index_t kc_max) {
  if (rest <= kc_max) return rest;
  if (rest >= 2 * kc_max) return kc_max;
  return round_up((rest + 1) / 2, 8);
}

// Runs body(t) for t < n on the pool when `parallel`, else in order on this thread.
template <class Body>
void run_tasks(bool parallel, index_t n, const Body& body) {
  if (parallel && n > 1) {
    parallel_tasks(n, body);
  } else {
    for (index_t t = 0; t < n; ++t) body(t);
  }
}

// One GEMM (all its batch items). Each block of B is packed once into a buffer that every
// thread reads, then the row chunks of C are computed; both steps are split into tasks that the
// threads claim as they come free.
template <typename T>
void gemm_blocks(const MicroKernel<T>& mk, const GemmArgs<T>& g, bool parallel) {
  const index_t nr = mk.nr;
  const index_t kc_max = min_i(mk.kc, g.k);
  const index_t nc_max = min_i(round_up(g.n, nr), kMaxNcShared);
  const index_t threads = parallel ? ThreadPool::instance().size() : 1;
  const index_t mr = mk.mr, panels = (g.m + mr - 1) / mr;
  const index_t nchunks = chunk_count(panels, threads);
  thread_local ScratchBuffer b_buf;
  T* bp = static_cast<T*>(b_buf.get(sizeof(T) * kc_max * nc_max));
  for (index_t t = 0; t < g.batch; ++t) {
    const T* a = g.a + t * g.a_bs;
    const T* b = g.b + t * g.b_bs;
    T* c = g.c + t * g.c_bs;
    for (index_t jc = 0; jc < g.n; jc += nc_max) {
      const index_t nc = min_i(nc_max, g.n - jc);
      // Packing tasks of up to kPackChunk panels, at least two per thread when there are enough.
      const index_t bpanels = (nc + nr - 1) / nr;
      const index_t per_pack = max_i(1, min_i(kPackChunk, bpanels / (2 * threads)));
      const index_t npacks = (bpanels + per_pack - 1) / per_pack;
      for (index_t pc = 0, kc = 0; pc < g.k; pc += kc) {
        kc = pass_depth(g.k - pc, kc_max);
        const T beta = pc == 0 ? g.beta : T(1);
        // One job: the packing tasks come first in claim order, and a compute task waits until
        // every packing task is done (it only ever waits on tasks already claimed and running).
        std::atomic<index_t> packed{0};
        run_tasks(parallel, npacks + nchunks, [&](index_t q) {
          if (q < npacks) {
            const index_t j0 = q * per_pack * nr;
            pack_panels(mk, nr, min_i(per_pack * nr, nc - j0), kc,
                        b + pc * g.b_rs + (jc + j0) * g.b_cs, g.b_cs, g.b_rs, bp + j0 * kc);
            packed.fetch_add(1, std::memory_order_release);
            return;
          }
          SpinWait pause;
          while (packed.load(std::memory_order_acquire) < npacks) pause();
          const index_t chunk = q - npacks;
          const index_t i0 = panels * chunk / nchunks * mr;
          const index_t i1 = min_i(g.m, panels * (chunk + 1) / nchunks * mr);
          compute_chunk(mk, g, a, c, bp, i0, i1 - i0, pc, kc, jc, nc, beta);
        });
      }
    }
  }
}

// Matrix-vector products (M == 1 or N == 1: a Linear layer on one sample, say) skip packing,
// which would cost as much as the product itself: y[o * sy] = alpha * sum_p
// mat[o * so + p * sk] * vec[p * sv] + beta * y[o * sy], split over the outputs. Returns false
// when neither matrix stride is 1 (the blocked path handles that).
template <typename T>
bool gemv(index_t n_out, index_t k, T alpha, const T* mat, index_t so, index_t sk, const T* vec,
          index_t sv, T beta, T* y, index_t sy, bool parallel) {
  if (sk != 1 && so != 1) return false;
  auto finish = [&](T acc, T* out) { *out = beta == T(0) ? alpha * acc : std::fma(alpha, acc, beta * *out); };
  auto body = [&](index_t lo, index_t hi) {
    if (sk == 1) {
      // Each output is a dot product of two contiguous-ish rows; 8 partial sums vectorise.
      for (index_t o = lo; o < hi; ++o) {
        const T* row = mat + o * so;
        T acc[8] = {};
        index_t p = 0;
        if (sv == 1) {
          for (; p + 8 <= k; p += 8)
            for (int j = 0; j < 8; ++j) acc[j] += row[p + j] * vec[p + j];
        }
        T sum = 0;
        for (; p < k; ++p) sum += row[p] * vec[p * sv];
        for (int j = 0; j < 8; ++j) sum += acc[j];
        finish(sum, y + o * sy);
      }
    } else {
      // Outputs are contiguous in each column: accumulate whole columns (axpy), in blocks.
      constexpr index_t kBlock = 512;
      T acc[kBlock];
      for (index_t o0 = lo; o0 < hi; o0 += kBlock) {
        const index_t w = min_i(kBlock, hi - o0);
        for (index_t j = 0; j < w; ++j) acc[j] = T(0);
        for (index_t p = 0; p < k; ++p) {
          const T v = vec[p * sv];
          const T* col = mat + p * sk + o0;
          for (index_t j = 0; j < w; ++j) acc[j] += v * col[j];
        }
        for (index_t j = 0; j < w; ++j) finish(acc[j], y + (o0 + j) * sy);
      }
    }
  };
  if (parallel) {
    parallel_for(0, n_out, max_i(16, 65536 / max_i(k, 1)), body);
  } else {
    body(0, n_out);
  }
  return true;
}

// One batch item as a matrix-vector product when M or N is 1; false if it is not one.
template <typename T>
bool gemv_item(const GemmArgs<T>& g, const T* a, const T* b, T* c, bool parallel) {
  if (g.m == 1) return gemv(g.n, g.k, g.alpha, b, g.b_cs, g.b_rs, a, g.a_cs, g.beta, c, 1, parallel);
  if (g.n == 1) return gemv(g.m, g.k, g.alpha, a, g.a_rs, g.a_cs, b, g.b_rs, g.beta, c, g.ldc, parallel);
  return false;
}

}  // namespace

template <typename T>
void gemm(const GemmArgs<T>& g) {
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  if (g.k == 0 || g.alpha == T(0)) {
    for (index_t t = 0; t < g.batch; ++t) scale_c(g.m, g.n, g.beta, g.c + t * g.c_bs, g.ldc);
    return;
  }
  const MicroKernel<T> mk = select_kernel<T>();
  const index_t threads = ThreadPool::instance().size();
  const double flops = static_cast<double>(g.m) * g.n * g.k * g.batch;
  if ((g.m == 1 || g.n == 1) && (g.m == 1 ? (g.b_rs == 1 || g.b_cs == 1) : (g.a_rs == 1 || g.a_cs == 1))) {
    const bool parallel_items = threads > 1 && g.batch >= threads && flops > kSerialFlops;
    const bool parallel_inner = threads > 1 && !parallel_items && flops > kSerialFlops;
    auto items = [&](index_t lo, index_t hi) {
      for (index_t t = lo; t < hi; ++t)
        gemv_item(g, g.a + t * g.a_bs, g.b + t * g.b_bs, g.c + t * g.c_bs, parallel_inner);
    };
    if (parallel_items) parallel_for(0, g.batch, 1, items);
    else items(0, g.batch);
    return;
  }
  if (threads <= 1 || flops <= kSerialFlops) {
    gemm_blocks(mk, g, false);
    return;
  }
  if (g.batch >= 2 * threads || (g.batch >= threads && g.m * g.n * g.k < 256 * 256 * 256)) {
    // Many items: each thread takes whole items, alone.
    parallel_for(0, g.batch, 1, [&](index_t lo, index_t hi) {
      GemmArgs<T> part = g;
      part.batch = hi - lo;
      part.a = g.a + lo * g.a_bs;
      part.b = g.b + lo * g.b_bs;
      part.c = g.c + lo * g.c_bs;
      gemm_blocks(mk, part, false);
    });
    return;
  }
  gemm_blocks(mk, g, true);
}

template <typename T>
void gemm_serial(const GemmArgs<T>& g) {
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  if (g.k == 0 || g.alpha == T(0)) {
    for (index_t t = 0; t < g.batch; ++t) scale_c(g.m, g.n, g.beta, g.c + t * g.c_bs, g.ldc);
    return;
  }
  if (g.m == 1 || g.n == 1) {
    bool done = true;
    for (index_t t = 0; t < g.batch && done; ++t)
      done = gemv_item(g, g.a + t * g.a_bs, g.b + t * g.b_bs, g.c + t * g.c_bs, false);
    if (done) return;
  }
  gemm_blocks(select_kernel<T>(), g, false);
}

template <typename T>
void gemm_tile(int* mr, int* nr) {
  const MicroKernel<T> mk = select_kernel<T>();
  *mr = mk.mr;
  *nr = mk.nr;
}

template void gemm<float>(const GemmArgs<float>&);
template void gemm<double>(const GemmArgs<double>&);
template void gemm_serial<float>(const GemmArgs<float>&);
template void gemm_serial<double>(const GemmArgs<double>&);
template void gemm_tile<float>(int*, int*);
template void gemm_tile<double>(int*, int*);

}  // namespace tts
