// GEMM driver in the BLIS style, for row-major C:
//   for pc (kc slice of K):  for ic (mc rows):  pack A[ic, pc] into MR-row panels
//     for jc (nc cols):  pack B[pc, jc] into NR-col panels (the block stays in L2)
//       for each MR-row panel of A (stays in L1 across the jr loop):
//         for each NR-col panel of B:  micro-kernel on an MR x NR tile of C
// Transposed and strided operands are read by the packing routines, never copied beforehand.
// Threads each take a disjoint rectangle of C (or whole batch items), so they never synchronise.
#include "gemm.h"

#include "threadpool.h"

namespace tts {
namespace {

// Rows of A packed at once: the packed block lives in L2/L3 and is read once per nc slice.
constexpr index_t kMaxMc = 1152;
// Below this many multiply-adds a call stays on one thread (waking workers costs more).
constexpr double kParallelFlops = 64.0 * 64.0 * 64.0;

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

// One thread's share: the rows [m0, m1) and cols [n0, n1) of C of one batch item.
template <typename T>
void gemm_block(const MicroKernel<T>& mk, const GemmArgs<T>& g, const T* a, const T* b, T* c,
                index_t m0, index_t m1, index_t n0, index_t n1) {
  const index_t mr = mk.mr, nr = mk.nr;
  const index_t m = m1 - m0, n = n1 - n0;
  if (m <= 0 || n <= 0) return;
  if (g.k == 0 || g.alpha == T(0)) {
    scale_c(m, n, g.beta, c + m0 * g.ldc + n0, g.ldc);
    return;
  }
  const index_t kc_max = min_i(mk.kc, g.k);
  const index_t mc_max = min_i(round_up(m, mr), round_up(kMaxMc, mr));
  const index_t nc_max = min_i(round_up(n, nr), mk.nc);
  thread_local ScratchBuffer a_buf, b_buf;
  T* ap = static_cast<T*>(a_buf.get(sizeof(T) * mc_max * kc_max));
  T* bp = static_cast<T*>(b_buf.get(sizeof(T) * nc_max * kc_max));
  alignas(64) T tile[32 * 32];  // an edge tile computed in full, then the valid part copied

  for (index_t pc = 0; pc < g.k; pc += kc_max) {
    const index_t kc = min_i(kc_max, g.k - pc);
    const T beta = pc == 0 ? g.beta : T(1);
    for (index_t ic = m0; ic < m1; ic += mc_max) {
      const index_t mc = min_i(mc_max, m1 - ic);
      pack_panels(mk, mr, mc, kc, a + ic * g.a_rs + pc * g.a_cs, g.a_rs, g.a_cs, ap);
      for (index_t jc = n0; jc < n1; jc += nc_max) {
        const index_t nc = min_i(nc_max, n1 - jc);
        pack_panels(mk, nr, nc, kc, b + pc * g.b_rs + jc * g.b_cs, g.b_cs, g.b_rs, bp);
        for (index_t ir = 0; ir < mc; ir += mr) {
          const index_t ib = min_i(mr, mc - ir);
          const T* a_panel = ap + ir * kc;
          for (index_t jr = 0; jr < nc; jr += nr) {
            const index_t jb = min_i(nr, nc - jr);
            const T* b_panel = bp + jr * kc;
            T* ct = c + (ic + ir) * g.ldc + jc + jr;
            if (ib == mr && jb == nr) {
              mk.fn(kc, a_panel, b_panel, ct, g.ldc, g.alpha, beta);
            } else {
              mk.fn(kc, a_panel, b_panel, tile, nr, T(1), T(0));
              for (index_t i = 0; i < ib; ++i) {
                T* row = ct + i * g.ldc;
                const T* t = tile + i * nr;
                if (beta == T(0)) {
                  for (index_t j = 0; j < jb; ++j) row[j] = g.alpha * t[j];
                } else {
                  for (index_t j = 0; j < jb; ++j) row[j] = g.alpha * t[j] + beta * row[j];
                }
              }
            }
          }
        }
      }
    }
  }
}

// Splits C into tm x tn rectangles for `threads` threads, preferring near-square shares.
void split_grid(index_t mblocks, index_t nblocks, index_t threads, index_t& tm, index_t& tn) {
  tm = 1;
  tn = 1;
  double best = -1;
  for (index_t a = 1; a <= threads; ++a) {
    if (threads % a) continue;
    index_t b = threads / a;
    if (a > mblocks || b > nblocks) continue;
    // Shares of a x b: the larger the smaller side of a share, the less packing per flop.
    double sm = static_cast<double>(mblocks) / a, sn = static_cast<double>(nblocks) / b;
    double score = sm < sn ? sm : sn;
    if (score > best) {
      best = score;
      tm = a;
      tn = b;
    }
  }
  if (best < 0) {
    // Too few blocks for every thread: use as many as there are blocks along the longer side.
    if (mblocks >= nblocks) tm = min_i(threads, mblocks);
    else tn = min_i(threads, nblocks);
  }
}

}  // namespace

template <typename T>
void gemm(const GemmArgs<T>& g) {
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  const MicroKernel<T> mk = select_kernel<T>();
  const index_t threads = ThreadPool::instance().size();
  const double flops = static_cast<double>(g.m) * g.n * (g.k > 0 ? g.k : 1) * g.batch;

  auto item = [&](index_t t, index_t m0, index_t m1, index_t n0, index_t n1) {
    gemm_block(mk, g, g.a + t * g.a_bs, g.b + t * g.b_bs, g.c + t * g.c_bs, m0, m1, n0, n1);
  };

  if (threads <= 1 || flops < kParallelFlops) {
    for (index_t t = 0; t < g.batch; ++t) item(t, 0, g.m, 0, g.n);
    return;
  }
  if (g.batch >= threads) {
    parallel_for(0, g.batch, 1, [&](index_t lo, index_t hi) {
      for (index_t t = lo; t < hi; ++t) item(t, 0, g.m, 0, g.n);
    });
    return;
  }
  const index_t mblocks = (g.m + mk.mr - 1) / mk.mr, nblocks = (g.n + mk.nr - 1) / mk.nr;
  index_t tm, tn;
  split_grid(mblocks, nblocks, threads, tm, tn);
  for (index_t t = 0; t < g.batch; ++t) {
    parallel_tasks(tm * tn, [&](index_t task) {
      index_t i = task / tn, j = task % tn;
      index_t m0 = min_i(g.m, mblocks * i / tm * mk.mr), m1 = min_i(g.m, mblocks * (i + 1) / tm * mk.mr);
      index_t n0 = min_i(g.n, nblocks * j / tn * mk.nr), n1 = min_i(g.n, nblocks * (j + 1) / tn * mk.nr);
      item(t, m0, m1, n0, n1);
    });
  }
}

template void gemm<float>(const GemmArgs<float>&);
template void gemm<double>(const GemmArgs<double>&);

}  // namespace tts
