// Float unary math beyond elementwise.h's UnaryOp (trigonometric and hyperbolic functions and
// their inverses, erf/erfc, logs and exps in other bases, PyTorch's special functions) and the
// float classification predicates, on contiguous float/double buffers. Every value is computed
// in double and rounded once to the buffer's type, as the JS kernels compute it.
//
// The enums' numeric values are part of the JS interface (src/backends/native/unary-math.ts).
#pragma once

#include "common.h"

namespace tts {

enum class MathOp : int {
  sin = 0, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, erf, erfc, expm1, log1p,
  log2, log10, exp2,
  frac, deg2rad, rad2deg, sinc,
  logit,       // log(x / (1 - x))
  logit_eps,   // the same of x clamped to [params[0], params[1]]
  nan_to_num,  // NaN -> params[0], +inf -> params[1], -inf -> params[2]
  lgamma, digamma, i0, erfinv,
  count
};

// Predicates with one byte (0 or 1) per element, as PyTorch's bool tensors.
enum class ClassOp : int { isnan = 0, isinf, isfinite, signbit, count };

// glibc's libmvec double functions (null where the library or the symbol is absent, or off
// x86-64): `zmm` take and return 8 lanes (AVX-512), `ymm` 4 (AVX2). Looked up once, at run
// time, so the addon neither links against libmvec nor needs it.
enum class VecFn : int {
  sin = 0, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, erf, erfc, expm1, log1p,
  log2, log10, exp2, log, exp,
  count
};
// Two-argument functions, as `_ZGVeN8vv_<name>` / `_ZGVdN4vv_<name>`.
enum class VecFn2 : int { atan2 = 0, count };
struct VectorLibm {
  void* zmm[static_cast<int>(VecFn::count)];
  void* ymm[static_cast<int>(VecFn::count)];
  void* zmm2[static_cast<int>(VecFn2::count)];
  void* ymm2[static_cast<int>(VecFn2::count)];
};
const VectorLibm& vector_libm();

// Kernels over contiguous memory for one ISA; unary_math.cc adds threading and the ISA choice.
template <typename T>
struct MathKernels {
  // y[i] = op(x[i]); y may equal x. `params` as the op's comment in MathOp says.
  void (*map)(MathOp op, index_t n, const T* x, T* y, const double* params);
  void (*classify)(ClassOp op, index_t n, const T* x, uint8_t* out);
};

template <typename T>
MathKernels<T> math_kernels_generic();
template <typename T>
MathKernels<T> math_kernels_avx2();
template <typename T>
MathKernels<T> math_kernels_avx512();

// Drivers: choose the ISA, split the work over the thread pool.
template <typename T>
void unary_math(MathOp op, index_t n, const T* x, T* y, const double* params);
template <typename T>
void classify(ClassOp op, index_t n, const T* x, uint8_t* out);

}  // namespace tts
