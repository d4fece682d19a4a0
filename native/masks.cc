// Drivers of the mask kernels: pick the ISA, walk broadcast shapes (strided_rows.h) and split the
// work over the thread pool above a size threshold.
#include "masks.h"

#include <vector>

#include "strided_rows.h"
#include "threadpool.h"

namespace tts {
namespace {

// Elements per task below which splitting costs more than it saves (memory-bound loops, as the
// cheap elementwise ops); byte reductions read 64 bytes per instruction, so they need more.
constexpr index_t kGrainCompare = 32768;
constexpr index_t kGrainSelect = 32768;
constexpr index_t kGrainBytes = 1 << 17;

const MaskKernels& kernels() {
  return for_active_isa<MaskKernels, &mask_kernels_avx512, &mask_kernels_avx2, &mask_kernels_generic>();
}

template <typename T>
void run_compare(CompareRow<T> row, CompareOp op, int ndim, const index_t* shape, const void* a_in,
                 const index_t* sa, const void* b_in, const index_t* sb, uint8_t* out) {
  const index_t* strides[2] = {sa, sb};
  const StridedRows<2> plan(ndim, shape, strides);
  const T* a = static_cast<const T*>(a_in);
  const T* b = static_cast<const T*>(b_in);
  const index_t ia = plan.inner_stride(0), ib = plan.inner_stride(1);
  plan.run(kGrainCompare, [&](const index_t* off, index_t start, index_t len) {
    row(op, len, a + off[0], ia, b + off[1], ib, out + start);
  });
}

template <typename T>
void run_select(SelectRow<T> row, int ndim, const index_t* shape, const uint8_t* c, const index_t* sc,
                const void* a_in, const index_t* sa, const void* b_in, const index_t* sb, void* out_in) {
  const index_t* strides[3] = {sc, sa, sb};
  const StridedRows<3> plan(ndim, shape, strides);
  const T* a = static_cast<const T*>(a_in);
  const T* b = static_cast<const T*>(b_in);
  T* out = static_cast<T*>(out_in);
  const index_t ic = plan.inner_stride(0), ia = plan.inner_stride(1), ib = plan.inner_stride(2);
  plan.run(kGrainSelect, [&](const index_t* off, index_t start, index_t len) {
    row(len, c + off[0], ic, a + off[1], ia, b + off[2], ib, out + start);
  });
}

// Per-output totals of the middle dim: sums of bytes, or counts of nonzero bytes.
void byte_totals(bool count, index_t outer, index_t size, index_t inner, const uint8_t* x, uint64_t* out) {
  const MaskKernels& k = kernels();
  const index_t threads = ThreadPool::instance().size();
  if (inner == 1) {
    if (outer >= threads || outer * size < 2 * kGrainBytes) {
      parallel_for(0, outer, max_i(1, kGrainBytes / max_i(size, 1)), [&](index_t lo, index_t hi) {
        for (index_t o = lo; o < hi; ++o) out[o] = k.byte_sum(count, size, x + o * size);
      });
      return;
    }
    // Few long rows: chunks of each row over the threads (integer sums: any order is exact).
    const index_t chunks = max_i(1, min_i(4 * threads, size / kGrainBytes));
    std::vector<uint64_t> partial(static_cast<size_t>(chunks));
    for (index_t o = 0; o < outer; ++o) {
      const uint8_t* row = x + o * size;
      parallel_tasks(chunks, [&](index_t t) {
        const index_t lo = size * t / chunks, hi = size * (t + 1) / chunks;
        partial[t] = k.byte_sum(count, hi - lo, row + lo);
      });
      uint64_t total = 0;
      for (uint64_t v : partial) total += v;
      out[o] = total;
    }
    return;
  }
  // inner > 1: whole rows of `inner` bytes into column totals; threads take outer slices, or
  // column ranges when the slices are few.
  constexpr index_t kCols = 2048;  // accumulator block, kept in L1
  auto slice = [&](index_t o, index_t c0, index_t c1) {
    const uint8_t* base = x + o * size * inner;
    for (index_t c = c0; c < c1; c += kCols) {
      const index_t w = min_i(kCols, c1 - c);
      uint64_t* acc = out + o * inner + c;
      for (index_t j = 0; j < w; ++j) acc[j] = 0;
      k.byte_cols(count, size, w, inner, base + c, acc);
    }
  };
  if (outer >= threads) {
    parallel_for(0, outer, max_i(1, kGrainBytes / max_i(size * inner, 1)), [&](index_t lo, index_t hi) {
      for (index_t o = lo; o < hi; ++o) slice(o, 0, inner);
    });
  } else {
    for (index_t o = 0; o < outer; ++o)
      parallel_for(0, inner, max_i(64, kGrainBytes / max_i(size, 1)), [&](index_t lo, index_t hi) { slice(o, lo, hi); });
  }
}

}  // namespace

void compare(CompareOp op, ElemType type, int ndim, const index_t* shape, const void* a, const index_t* sa,
             const void* b, const index_t* sb, uint8_t* out) {
  const MaskKernels& k = kernels();
  switch (type) {
    case ElemType::f32: return run_compare(k.cmp_f32, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::f64: return run_compare(k.cmp_f64, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::i8: return run_compare(k.cmp_i8, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::u8: return run_compare(k.cmp_u8, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::i16: return run_compare(k.cmp_i16, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::i32: return run_compare(k.cmp_i32, op, ndim, shape, a, sa, b, sb, out);
    case ElemType::i64: return run_compare(k.cmp_i64, op, ndim, shape, a, sa, b, sb, out);
    default: return;
  }
}

void select(int width, int ndim, const index_t* shape, const uint8_t* cond, const index_t* sc, const void* a,
            const index_t* sa, const void* b, const index_t* sb, void* out) {
  const MaskKernels& k = kernels();
  switch (width) {
    case 1: return run_select(k.sel1, ndim, shape, cond, sc, a, sa, b, sb, out);
    case 2: return run_select(k.sel2, ndim, shape, cond, sc, a, sa, b, sb, out);
    case 4: return run_select(k.sel4, ndim, shape, cond, sc, a, sa, b, sb, out);
    case 8: return run_select(k.sel8, ndim, shape, cond, sc, a, sa, b, sb, out);
    default: return;
  }
}

void byte_reduce(ByteReduceOp op, index_t outer, index_t size, index_t inner, const uint8_t* x, void* out) {
  const index_t n = outer * inner;
  if (n == 0) return;
  if (op == ByteReduceOp::sum || op == ByteReduceOp::count_nonzero) {
    // int64 totals are written in place (uint64 and int64 share their bits).
    if (size == 0) {
      std::memset(out, 0, static_cast<size_t>(n) * sizeof(uint64_t));
      return;
    }
    byte_totals(op == ByteReduceOp::count_nonzero, outer, size, inner, x, static_cast<uint64_t*>(out));
    return;
  }
  uint8_t* o = static_cast<uint8_t*>(out);
  const bool any = op == ByteReduceOp::any;
  if (inner == 1) {
    // Blocks in order, stopping at the first that decides the row (a true for any, a false
    // for all), as a scan would: a mask whose answer comes early costs a few microseconds.
    const MaskKernels& k = kernels();
    constexpr index_t kBlock = 1 << 14;
    parallel_for(0, outer, max_i(1, kGrainBytes / max_i(size, 1)), [&](index_t lo, index_t hi) {
      for (index_t r = lo; r < hi; ++r) {
        const uint8_t* row = x + r * size;
        bool decided = false;
        for (index_t b = 0; b < size && !decided; b += kBlock) {
          const index_t len = min_i(kBlock, size - b);
          const uint64_t nonzero = k.byte_sum(true, len, row + b);
          decided = any ? nonzero != 0 : nonzero != static_cast<uint64_t>(len);
        }
        o[r] = any ? decided : !decided;
      }
    });
    return;
  }
  // Columns: counts of nonzero bytes in a scratch, then 0/1 bytes.
  std::vector<uint64_t> counts(static_cast<size_t>(n), 0);
  if (size > 0) byte_totals(true, outer, size, inner, x, counts.data());
  for (index_t i = 0; i < n; ++i) o[i] = any ? counts[i] != 0 : counts[i] == static_cast<uint64_t>(size);
}

}  // namespace tts
