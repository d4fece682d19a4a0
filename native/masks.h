// Comparisons that write bool bytes, where/masked_fill selects, and reductions of bool/uint8
// bytes (sum, count, any, all). The enums' numeric values are part of the JS interface
// (src/backends/native/masks.ts).
#pragma once

#include "common.h"

namespace tts {

enum class CompareOp : int { eq = 0, ne, lt, le, gt, ge, count };
// Element types of the compared operands (both operands share one; bool compares as uint8).
enum class ElemType : int { f32 = 0, f64, i8, u8, i16, i32, i64, count };
enum class ByteReduceOp : int { sum = 0, count_nonzero, any, all, count };

// Row kernels of one ISA; the drivers in masks.cc add broadcasting, threading and the ISA choice.
// out[i] = a[i * sa] op b[i * sb] as 0/1; NaN compares unequal to everything (ne true, the rest
// false), as IEEE and PyTorch.
template <typename T>
using CompareRow = void (*)(CompareOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb,
                            uint8_t* out);
// out[i] = c[i * sc] != 0 ? a[i * sa] : b[i * sb], on the element's bits; out may equal a or b
// exactly (stride 1).
template <typename T>
using SelectRow = void (*)(index_t n, const uint8_t* c, index_t sc, const T* a, index_t sa, const T* b,
                           index_t sb, T* out);

struct MaskKernels {
  CompareRow<float> cmp_f32;
  CompareRow<double> cmp_f64;
  CompareRow<int8_t> cmp_i8;
  CompareRow<uint8_t> cmp_u8;
  CompareRow<int16_t> cmp_i16;
  CompareRow<int32_t> cmp_i32;
  CompareRow<int64_t> cmp_i64;
  SelectRow<uint8_t> sel1;
  SelectRow<uint16_t> sel2;
  SelectRow<uint32_t> sel4;
  SelectRow<uint64_t> sel8;
  // Sum of the bytes x[0:n], or (count) the number of nonzero ones.
  uint64_t (*byte_sum)(bool count, index_t n, const uint8_t* x);
  // acc[j] += x[r * ld + j] (or x != 0 with count) for r in [0, rows), j in [0, cols).
  void (*byte_cols)(bool count, index_t rows, index_t cols, index_t ld, const uint8_t* x, uint64_t* acc);
};

MaskKernels mask_kernels_generic();
MaskKernels mask_kernels_avx2();
MaskKernels mask_kernels_avx512();

// Drivers. `out` is contiguous and row-major over `shape`; the operands are read through their own
// strides (0 broadcasts); ndim <= kMaxDims (elementwise.h).
void compare(CompareOp op, ElemType type, int ndim, const index_t* shape, const void* a,
             const index_t* a_strides, const void* b, const index_t* b_strides, uint8_t* out);

// out = cond ? a : b for elements of `width` bytes (1, 2, 4 or 8). out may be a or b itself when
// that operand is contiguous over the whole shape.
void select(int width, int ndim, const index_t* shape, const uint8_t* cond, const index_t* c_strides,
            const void* a, const index_t* a_strides, const void* b, const index_t* b_strides, void* out);

// x viewed as contiguous bytes [outer, size, inner]; out[o * inner + i] over the middle dim:
// int64 sums / counts of nonzero bytes, or uint8 0/1 for any / all.
void byte_reduce(ByteReduceOp op, index_t outer, index_t size, index_t inner, const uint8_t* x, void* out);

}  // namespace tts
