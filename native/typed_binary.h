// Binary and unary elementwise ops over every number dtype (float32/64, int8/16/32/64, uint8)
// with PyTorch's per-dtype semantics, and conversions between those dtypes and bool. The enums'
// numeric values are part of the JS interface (src/backends/native/typed.ts).
#pragma once

#include "common.h"

namespace tts {

// Element types; b8 (bool bytes, 0/1) only as a conversion source or target.
enum class NumType : int { f32 = 0, f64, i8, u8, i16, i32, i64, b8, count };

// Ops marked (float) exist for float types only; the JS wrapper never passes them an int type.
// Unary ops (neg, abs) ignore b. pow_scalar and lerp_scalar take their scalar in `alpha`.
enum class TypedOp : int {
  add = 0, sub, mul, div, div_trunc, floor_divide, remainder, fmod, pow, pow_scalar,
  atan2, hypot, copysign, logaddexp, logaddexp2, xlogy, fmax, fmin, maximum, minimum,
  nextafter, lerp_scalar, neg, abs, bitwise_and, bitwise_or, bitwise_xor,
  count
};

// out = s + alpha * a * b (addcmul), s + alpha * a / b (addcdiv), lerp(s, a, weight b); floats only.
enum class TernaryOp : int { addcmul = 0, addcdiv, lerp, count };

// out[i] = op(a[i * sa], b[i * sb]) over n elements for one element type; out may equal a
// (sa == 1) or b (sb == 1).
template <typename T>
using TypedRow = void (*)(TypedOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out,
                          double alpha);

// out[i] = op(s[i * ss], a[i * sa], b[i * sb]) over n elements; out may equal an input of stride 1.
template <typename T>
using TernaryRow = void (*)(TernaryOp op, index_t n, const T* s, index_t ss, const T* a, index_t sa, const T* b,
                            index_t sb, T* out, double alpha);

struct TypedKernels {
  TypedRow<float> f32;
  TypedRow<double> f64;
  TypedRow<int8_t> i8;
  TypedRow<uint8_t> u8;
  TypedRow<int16_t> i16;
  TypedRow<int32_t> i32;
  TypedRow<int64_t> i64;
  TernaryRow<float> ternary_f32;
  TernaryRow<double> ternary_f64;
  // dst[0:n] = src[0:n] converted from one NumType to another (see typed_binary_impl.h).
  void (*convert)(NumType from, NumType to, index_t n, const void* src, void* dst);
};

TypedKernels typed_kernels_generic();
TypedKernels typed_kernels_avx2();
TypedKernels typed_kernels_avx512();

// Status of typed_binary: ok, or an integer division by zero (found before anything is written).
enum class TypedStatus : int { ok = 0, zero_division = 1 };

// out (contiguous, row-major over shape) = op(a, b), a, b and out all of `type`, the operands read
// through their own strides (0 broadcasts); ndim <= kMaxDims.
TypedStatus typed_binary(TypedOp op, NumType type, int ndim, const index_t* shape, const void* a,
                         const index_t* a_strides, const void* b, const index_t* b_strides, void* out,
                         double alpha);

// out (contiguous, row-major over shape) = op(s, a, b), all float32 (f32) or float64 (f64), the
// inputs read through their own strides (0 broadcasts); ndim <= kMaxDims.
void typed_ternary(TernaryOp op, NumType type, int ndim, const index_t* shape, const void* s,
                   const index_t* s_strides, const void* a, const index_t* a_strides, const void* b,
                   const index_t* b_strides, void* out, double alpha);

// dst[0:n] = src[0:n] converted; src and dst must not overlap.
void typed_convert(NumType from, NumType to, index_t n, const void* src, void* dst);

}  // namespace tts
