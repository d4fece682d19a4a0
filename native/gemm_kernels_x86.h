// Register-blocked GEMM micro-kernels for x86, written once over a small vector-traits type and
// instantiated per ISA from files that enable that ISA with `#pragma GCC target` (so the rest of
// the addon, and the machine it loads on, need not support it).
//
// Tile: MR rows of C by NR = 2 vectors of columns. Per k step: two vector loads of packed B, MR
// broadcasts of packed A, 2*MR FMAs into 2*MR accumulators held in registers.
#pragma once

#include "gemm.h"

// Included only after the `#pragma GCC target` of the including file.
namespace tts {
namespace KERNEL_NS {

// A_STRIDE: values of packed A per k step (MR, or more when an edge kernel computes the first MR
// rows of a wider panel).
template <class V, int MR, int A_STRIDE = MR>
void micro_kernel(index_t kc, const typename V::T* ap, const typename V::T* bp,
                  typename V::T* c, index_t ldc, typename V::T alpha, typename V::T beta) {
  using T = typename V::T;
  using R = typename V::R;
  constexpr int W = V::width;
  R acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc0[i] = acc1[i] = V::zero();

  // The C tile is written at the end; start fetching it now.
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + 2 * W - 1, 1, 3);
  }

  index_t p = 0;
#pragma GCC unroll 4
  for (; p < kc; ++p) {
    __builtin_prefetch(bp + 16 * 2 * W, 0, 3);
    R b0 = V::load(bp);
    R b1 = V::load(bp + W);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      R a = V::broadcast(ap + i);
      acc0[i] = V::fmadd(a, b0, acc0[i]);
      acc1[i] = V::fmadd(a, b1, acc1[i]);
    }
    ap += A_STRIDE;
    bp += 2 * W;
  }

  R va = V::set1(alpha);
  if (beta == T(0)) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      V::storeu(c + i * ldc, V::mul(acc0[i], va));
      V::storeu(c + i * ldc + W, V::mul(acc1[i], va));
    }
  } else {
    R vb = V::set1(beta);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      T* row = c + i * ldc;
      // alpha * acc + (beta * C), one rounding of the sum (OpenBLAS's order: exact for beta = 1).
      V::storeu(row, V::fmadd(acc0[i], va, V::mul(vb, V::loadu(row))));
      V::storeu(row + W, V::fmadd(acc1[i], va, V::mul(vb, V::loadu(row + W))));
    }
  }
}

}  // namespace KERNEL_NS
}  // namespace tts
