// Typed elementwise kernels, included once per ISA inside namespace tts::<isa> (after <cmath>,
// <type_traits> and typed_binary.h): plain loops that the compiler vectorises for the ISA where
// the op allows. The semantics are PyTorch's CPU kernels' (ATen/native/cpu/BinaryOpsKernel.cpp):
// float ops compute in the element type, integer ops wrap around.

#include "rounding_impl.h"

// Unsigned type of the same width as T for wrapping arithmetic (at least 32 bits, so that
// int8/int16 products do not overflow int after the usual promotions).
template <typename T>
using Wide = typename std::conditional<(sizeof(T) <= 4), uint32_t, uint64_t>::type;

template <typename T>
inline T wrap_add(T a, T b) { return static_cast<T>(static_cast<Wide<T>>(a) + static_cast<Wide<T>>(b)); }
template <typename T>
inline T wrap_sub(T a, T b) { return static_cast<T>(static_cast<Wide<T>>(a) - static_cast<Wide<T>>(b)); }
template <typename T>
inline T wrap_mul(T a, T b) { return static_cast<T>(static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b)); }

// out[i] = f(a[i * sa], b[i * sb]) with the common stride patterns as loops of their own, so that
// the compiler vectorises them.
template <typename T, class F>
inline void map2(index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out, F f) {
  if (sa == 1 && sb == 1) {
    for (index_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = b[0];
    for (index_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const T av = a[0];
    for (index_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
  } else {
    for (index_t i = 0; i < n; ++i) out[i] = f(a[i * sa], b[i * sb]);
  }
}

template <typename T, class F>
inline void map1(index_t n, const T* a, index_t sa, T* out, F f) {
  if (sa == 1) {
    for (index_t i = 0; i < n; ++i) out[i] = f(a[i]);
  } else {
    for (index_t i = 0; i < n; ++i) out[i] = f(a[i * sa]);
  }
}

// ---- integers -----------------------------------------------------------------------------------
// The JS side rejects a zero divisor before the call, so division here never divides by zero;
// b == -1 is handled apart because min / -1 overflows (a hardware trap on x86): it wraps to min.

template <typename T>
inline T int_trunc_div(T a, T b) {
  if (std::is_signed<T>::value && b == static_cast<T>(-1)) return wrap_sub<T>(0, a);
  return static_cast<T>(a / b);
}

template <typename T>
inline T int_floor_div(T a, T b) {
  if (std::is_signed<T>::value && b == static_cast<T>(-1)) return wrap_sub<T>(0, a);
  T q = static_cast<T>(a / b);
  const T r = static_cast<T>(a % b);
  if (r != 0 && ((a < 0) != (b < 0))) q = static_cast<T>(q - 1);
  return q;
}

template <typename T>
inline T int_fmod(T a, T b) {
  if (std::is_signed<T>::value && b == static_cast<T>(-1)) return 0;
  return static_cast<T>(a % b);
}

// Python's modulus: the result takes the divisor's sign.
template <typename T>
inline T int_remainder(T a, T b) {
  T r = int_fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
  return r;
}

// Integer power by squaring with wrap-around; negative exponents as PyTorch's powi (1 for a base
// of 1, +-1 for -1, 0 otherwise).
template <typename T>
inline T int_pow(T a, T b) {
  if (b < 0) {
    if (a == 1) return 1;
    if (a == static_cast<T>(-1)) return (b % 2 != 0) ? static_cast<T>(-1) : static_cast<T>(1);
    return 0;
  }
  Wide<T> result = 1, base = static_cast<Wide<T>>(a);
  for (Wide<T> e = static_cast<Wide<T>>(b); e != 0; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return static_cast<T>(result);
}

template <typename T>
void int_row(TypedOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out, double) {
  switch (op) {
    case TypedOp::add: return map2(n, a, sa, b, sb, out, [](T x, T y) { return wrap_add(x, y); });
    case TypedOp::sub: return map2(n, a, sa, b, sb, out, [](T x, T y) { return wrap_sub(x, y); });
    case TypedOp::mul: return map2(n, a, sa, b, sb, out, [](T x, T y) { return wrap_mul(x, y); });
    case TypedOp::div_trunc: return map2(n, a, sa, b, sb, out, int_trunc_div<T>);
    case TypedOp::floor_divide: return map2(n, a, sa, b, sb, out, int_floor_div<T>);
    case TypedOp::remainder: return map2(n, a, sa, b, sb, out, int_remainder<T>);
    case TypedOp::fmod: return map2(n, a, sa, b, sb, out, int_fmod<T>);
    case TypedOp::pow: return map2(n, a, sa, b, sb, out, int_pow<T>);
    case TypedOp::maximum:
    case TypedOp::fmax: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x > y ? x : y; });
    case TypedOp::minimum:
    case TypedOp::fmin: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x < y ? x : y; });
    case TypedOp::bitwise_and: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(x & y); });
    case TypedOp::bitwise_or: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(x | y); });
    case TypedOp::bitwise_xor: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(x ^ y); });
    case TypedOp::neg: return map1(n, a, sa, out, [](T x) { return wrap_sub<T>(0, x); });
    case TypedOp::abs: return map1(n, a, sa, out, [](T x) { return x < 0 ? wrap_sub<T>(0, x) : x; });
    default: return;  // float-only ops: never called with an int type
  }
}

// ---- floats -------------------------------------------------------------------------------------

// fmod of float32 values through double, exact while |a / b| < 2^24: then a - k * b (k the integer
// part of a / b) is a nonzero multiple of b's ulp unless zero, so a / b lies at least 2^-24 from
// any integer, more than the double quotient's rounding error (below 2^24 * 2^-53): its trunc is
// k. k * b has at most 48 significant bits and a - k * b fits in 53, so both are exact, and the
// exact result converts to float exactly; its sign is a's, -0 included. No libm call (glibc's
// fmodf loops bit by bit: ~8x slower); elsewhere std::fmod runs. trunc_of (rounding_impl.h) lets
// GCC vectorise it on AVX-512.
inline float fmod_f32_fast(float a, float b) {
  const double da = a, db = b;
  const double r = da - trunc_of(da / db) * db;
  return static_cast<float>(std::copysign(std::fabs(r), da));
}
inline bool fmod_f32_fast_applies(float a, float b) {
  return (std::fabs(static_cast<double>(a) / static_cast<double>(b)) < 16777216.0) & (std::fabs(b) <= 3.4028234663852886e38f);
}

// out[i] = finish(a, b, fmod_f32_fast(a, b)) for float32 in blocks of 256 (gathered first, so
// strides and out == a are fine), as separate passes that the compiler vectorises; then exact(a, b)
// where the fast fmod does not apply: the rare rest calls libm.
template <class Finish, class Exact>
void blocked_f32(index_t n, const float* a, index_t sa, const float* b, index_t sb, float* out, Finish finish,
                 Exact exact) {
  constexpr index_t kBlock = 256;
  float va[kBlock], vb[kBlock], vr[kBlock];
  for (index_t i0 = 0; i0 < n; i0 += kBlock) {
    const index_t m = n - i0 < kBlock ? n - i0 : kBlock;
    for (index_t j = 0; j < m; ++j) va[j] = a[(i0 + j) * sa];
    for (index_t j = 0; j < m; ++j) vb[j] = b[(i0 + j) * sb];
    for (index_t j = 0; j < m; ++j) vr[j] = fmod_f32_fast(va[j], vb[j]);
    for (index_t j = 0; j < m; ++j) vr[j] = finish(va[j], vb[j], vr[j]);
    int misses = 0;
    for (index_t j = 0; j < m; ++j) misses += fmod_f32_fast_applies(va[j], vb[j]) ? 0 : 1;
    if (misses != 0)
      for (index_t j = 0; j < m; ++j)
        if (!fmod_f32_fast_applies(va[j], vb[j])) vr[j] = exact(va[j], vb[j]);
    for (index_t j = 0; j < m; ++j) out[i0 + j] = vr[j];
  }
}

// PyTorch's remainder and floor division from mod = fmod(a, b) (exact), with `&` and selects
// rather than `&&` and branches.
template <typename T>
inline bool signs_differ(T mod, T b) { return (mod != 0) & ((b < 0) != (mod < 0)); }
template <typename T>
inline T remainder_from(T b, T mod) {
  return signs_differ(mod, b) ? mod + b : mod;
}
template <typename T>
inline T floor_div_from(T a, T b, T mod) {
  T div = (a - mod) / b;
  div = signs_differ(mod, b) ? div - T(1) : div;
  T floored = floor_of(div);
  floored = (div - floored > T(0.5)) ? floored + T(1) : floored;
  const T result = div == 0 ? std::copysign(T(0), a / b) : floored;
  return b == 0 ? a / b : result;
}

template <typename T>
inline T libm_fmod(T a, T b) { return std::fmod(a, b); }

// PyTorch's div_floor for floats: the floor of the exact quotient, from fmod (a / b at b == 0).
template <typename T>
inline T float_floor_div(T a, T b) { return floor_div_from(a, b, std::fmod(a, b)); }
template <typename T>
inline T float_remainder(T a, T b) { return remainder_from(b, std::fmod(a, b)); }

// fmod, remainder and floor division: float32 through fmod_f32_fast where it applies.
template <typename T>
bool fmod_family_row(TypedOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out) {
  if (!std::is_same<T, float>::value) return false;
  const float* fa = reinterpret_cast<const float*>(a);
  const float* fb = reinterpret_cast<const float*>(b);
  float* fo = reinterpret_cast<float*>(out);
  switch (op) {
    case TypedOp::fmod:
      blocked_f32(n, fa, sa, fb, sb, fo, [](float, float, float m) { return m; }, libm_fmod<float>);
      return true;
    case TypedOp::remainder:
      blocked_f32(n, fa, sa, fb, sb, fo, [](float, float y, float m) { return remainder_from(y, m); },
                  float_remainder<float>);
      return true;
    case TypedOp::floor_divide:
      blocked_f32(n, fa, sa, fb, sb, fo, [](float x, float y, float m) { return floor_div_from(x, y, m); },
                  float_floor_div<float>);
      return true;
    default:
      return false;
  }
}

template <typename T>
inline T float_logaddexp(T a, T b) {
  if (std::isinf(a) && a == b) return a;
  const T m = a < b ? b : a;  // std::max(a, b)
  return m + std::log1p(std::exp(-std::fabs(a - b)));
}

template <typename T>
inline T float_logaddexp2(T a, T b) {
  if (std::isinf(a) && a == b) return a;
  const T m = a < b ? b : a;
  return m + std::log1p(std::exp2(-std::fabs(a - b))) / T(0.69314718055994530942);
}

template <typename T>
inline T float_xlogy(T x, T y) {
  if (std::isnan(y)) return NAN;
  if (x == 0) return 0;
  return x * std::log(y);
}

// fmax/fmin: a NaN operand loses to a number; of equal values (+0 and -0) a wins, as PyTorch's.
template <typename T>
inline T float_fmax(T a, T b) {
  if (a != a) return b;
  if (b != b) return a;
  return a >= b ? a : b;
}
template <typename T>
inline T float_fmin(T a, T b) {
  if (a != a) return b;
  if (b != b) return a;
  return a <= b ? a : b;
}

// PyTorch's vectorised lerp: one fused multiply-add from the nearer end, x + w * (y - x) or
// y - (y - x) * (1 - w) (fnmadd: -(y - x), not x - y, which differ in the sign of a zero).
template <typename T>
inline T float_lerp(T x, T y, T w) {
  return std::fabs(w) < T(0.5) ? std::fma(w, y - x, x) : std::fma(-(y - x), T(1) - w, y);
}

// PyTorch's pow with a scalar exponent: 2, 3 and -2 as products, 0.5 / -0.5 / -1 as sqrt, rsqrt and
// reciprocal; any other exponent through pow in double (the exponent is a double), rounded to T.
template <typename T>
void float_pow_scalar(index_t n, const T* a, index_t sa, T* out, double e) {
  if (e == 2) return map1(n, a, sa, out, [](T x) { return x * x; });
  if (e == 3) return map1(n, a, sa, out, [](T x) { return x * x * x; });
  if (e == -2) return map1(n, a, sa, out, [](T x) { return T(1) / (x * x); });
  if (e == 0.5) return map1(n, a, sa, out, [](T x) { return std::sqrt(x); });
  if (e == -0.5) return map1(n, a, sa, out, [](T x) { return T(1) / std::sqrt(x); });
  if (e == -1) return map1(n, a, sa, out, [](T x) { return T(1) / x; });
  return map1(n, a, sa, out, [e](T x) { return static_cast<T>(std::pow(static_cast<double>(x), e)); });
}

#ifdef TTS_LIBMVEC_LANES
#include "libmvec_lanes.h"

// v[0, m) = f(v) (and of w: f2) over whole vectors; the block is padded to whole vectors.
inline void libm_pass(VecFnPtr f, double* v, index_t m) {
  for (index_t j = 0; j < m; j += kLanes) vstore(v + j, f(vload(v + j)));
}

// float32 atan2 / logaddexp / logaddexp2 through glibc's libmvec double vectors (unary_math.h's
// table): each value computed in double and rounded once, as the JS kernels do, in blocks of 256
// (gathered first, so strides are fine). libm per element took 10x longer. False where libmvec
// lacks a function (the caller then maps libm).
inline bool libmvec_f32_row(TypedOp op, index_t n, const float* a, index_t sa, const float* b, index_t sb, float* out) {
  VecFn2Ptr atan2_v = nullptr;
  VecFnPtr exp_v = nullptr, log1p_v = nullptr;
  switch (op) {
    case TypedOp::atan2:
      atan2_v = reinterpret_cast<VecFn2Ptr>(vec_fn2_ptr(VecFn2::atan2));
      if (atan2_v == nullptr) return false;
      break;
    case TypedOp::logaddexp: case TypedOp::logaddexp2:
      exp_v = reinterpret_cast<VecFnPtr>(vec_fn_ptr(op == TypedOp::logaddexp ? VecFn::exp : VecFn::exp2));
      log1p_v = reinterpret_cast<VecFnPtr>(vec_fn_ptr(VecFn::log1p));
      if (exp_v == nullptr || log1p_v == nullptr) return false;
      break;
    default:
      return false;
  }
  constexpr index_t kBlock = 256;
  alignas(64) double va[kBlock], vb[kBlock], vr[kBlock];
  for (index_t i0 = 0; i0 < n; i0 += kBlock) {
    const index_t m = n - i0 < kBlock ? n - i0 : kBlock;
    const index_t padded = (m + kLanes - 1) / kLanes * kLanes;
    for (index_t j = 0; j < m; ++j) va[j] = a[(i0 + j) * sa];
    for (index_t j = 0; j < m; ++j) vb[j] = b[(i0 + j) * sb];
    for (index_t j = m; j < padded; ++j) va[j] = vb[j] = 1;
    if (op == TypedOp::atan2) {
      for (index_t j = 0; j < padded; j += kLanes) vstore(vr + j, atan2_v(vload(va + j), vload(vb + j)));
    } else {
      // float_logaddexp's formula: max(a, b) + log1p(exp(-|a - b|)) (exp2 and / ln 2 for base 2).
      for (index_t j = 0; j < padded; ++j) vr[j] = -std::fabs(va[j] - vb[j]);
      libm_pass(exp_v, vr, padded);
      libm_pass(log1p_v, vr, padded);
      const double scale = op == TypedOp::logaddexp ? 1.0 : 1.0 / 0.69314718055994530942;
      for (index_t j = 0; j < m; ++j) {
        const double x = va[j], y = vb[j];
        const double r = (x < y ? y : x) + vr[j] * scale;
        vr[j] = (std::isinf(x) && x == y) ? x : r;
      }
    }
    for (index_t j = 0; j < m; ++j) out[i0 + j] = static_cast<float>(vr[j]);
  }
  return true;
}
#endif

template <typename T>
void float_row(TypedOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out, double alpha) {
  if (fmod_family_row(op, n, a, sa, b, sb, out)) return;
#ifdef TTS_LIBMVEC_LANES
  if (std::is_same<T, float>::value &&
      libmvec_f32_row(op, n, reinterpret_cast<const float*>(a), sa, reinterpret_cast<const float*>(b), sb,
                      reinterpret_cast<float*>(out)))
    return;
#endif
  switch (op) {
    case TypedOp::add: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x + y; });
    case TypedOp::sub: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x - y; });
    case TypedOp::mul: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x * y; });
    case TypedOp::div: return map2(n, a, sa, b, sb, out, [](T x, T y) { return x / y; });
    case TypedOp::div_trunc: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::trunc(x / y); });
    case TypedOp::floor_divide: return map2(n, a, sa, b, sb, out, float_floor_div<T>);
    case TypedOp::remainder: return map2(n, a, sa, b, sb, out, float_remainder<T>);
    case TypedOp::fmod: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::fmod(x, y); });
    case TypedOp::pow: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::pow(x, y); });
    case TypedOp::pow_scalar: return float_pow_scalar(n, a, sa, out, alpha);
    // In double, rounded once (float32 too: as the JS kernels and libmvec_f32_row compute it).
    case TypedOp::atan2: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(std::atan2(double(x), double(y))); });
    case TypedOp::hypot: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::hypot(x, y); });
    case TypedOp::copysign: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::copysign(x, y); });
    case TypedOp::logaddexp: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(float_logaddexp<double>(x, y)); });
    case TypedOp::logaddexp2: return map2(n, a, sa, b, sb, out, [](T x, T y) { return static_cast<T>(float_logaddexp2<double>(x, y)); });
    case TypedOp::xlogy: return map2(n, a, sa, b, sb, out, float_xlogy<T>);
    case TypedOp::fmax: return map2(n, a, sa, b, sb, out, float_fmax<T>);
    case TypedOp::fmin: return map2(n, a, sa, b, sb, out, float_fmin<T>);
    // NaN from either side (a + b is NaN when either is); equal values give b, as PyTorch.
    case TypedOp::maximum:
      return map2(n, a, sa, b, sb, out, [](T x, T y) { return (x != x || y != y) ? x + y : (x > y ? x : y); });
    case TypedOp::minimum:
      return map2(n, a, sa, b, sb, out, [](T x, T y) { return (x != x || y != y) ? x + y : (x < y ? x : y); });
    case TypedOp::nextafter: return map2(n, a, sa, b, sb, out, [](T x, T y) { return std::nextafter(x, y); });
    case TypedOp::lerp_scalar: {
      const T w = static_cast<T>(alpha);
      return map2(n, a, sa, b, sb, out, [w](T x, T y) { return float_lerp(x, y, w); });
    }
    case TypedOp::neg: return map1(n, a, sa, out, [](T x) { return -x; });
    case TypedOp::abs: return map1(n, a, sa, out, [](T x) { return std::fabs(x); });
    default: return;
  }
}

// ---- ternary float ops ----------------------------------------------------------------------------

template <typename T, class F>
inline void map3(index_t n, const T* s, index_t ss, const T* a, index_t sa, const T* b, index_t sb, T* out, F f) {
  if (ss == 1 && sa == 1 && sb == 1) {
    for (index_t i = 0; i < n; ++i) out[i] = f(s[i], a[i], b[i]);
  } else {
    for (index_t i = 0; i < n; ++i) out[i] = f(s[i * ss], a[i * sa], b[i * sb]);
  }
}

// As PyTorch's vectorised kernels compute them: self + (value * t1) * t2 with the last multiply and
// the add fused, self + (value * t1) / t2, and lerp as float_lerp.
template <typename T>
void float_ternary_row(TernaryOp op, index_t n, const T* s, index_t ss, const T* a, index_t sa, const T* b,
                       index_t sb, T* out, double alpha) {
  const T v = static_cast<T>(alpha);
  switch (op) {
    case TernaryOp::addcmul: return map3(n, s, ss, a, sa, b, sb, out, [v](T x, T y, T z) { return std::fma(v * y, z, x); });
    case TernaryOp::addcdiv: return map3(n, s, ss, a, sa, b, sb, out, [v](T x, T y, T z) { return x + v * y / z; });
    case TernaryOp::lerp:
      return map3(n, s, ss, a, sa, b, sb, out, [](T x, T y, T w) { return float_lerp(x, y, w); });
    default: return;
  }
}

// ---- conversions --------------------------------------------------------------------------------
// PyTorch's static_cast as x86 computes it: a float becomes an integer by truncation toward zero
// through a 32-bit conversion (cvttss2si) for int8/uint8/int16/int32, whose out-of-range and NaN
// result is INT32_MIN, then wraps to the narrower type; through a 64-bit one for int64 (INT64_MIN).
// Written with explicit range checks so that no platform meets C++'s undefined conversion.

template <typename F>
inline int32_t float_to_i32(F v) {
  return (v >= F(-2147483648.0) && v < F(2147483648.0)) ? static_cast<int32_t>(v) : INT32_MIN;
}
template <typename F>
inline int64_t float_to_i64(F v) {
  return (v >= F(-9223372036854775808.0) && v < F(9223372036854775808.0)) ? static_cast<int64_t>(v) : INT64_MIN;
}

template <typename S, typename D>
inline D convert_one(S v) {
  if (std::is_floating_point<S>::value && !std::is_floating_point<D>::value) {
    if (sizeof(D) == 8) return static_cast<D>(float_to_i64(v));
    return static_cast<D>(float_to_i32(v));
  }
  return static_cast<D>(v);
}

template <typename S, typename D>
void convert_loop(index_t n, const void* src, void* dst) {
  const S* s = static_cast<const S*>(src);
  D* d = static_cast<D*>(dst);
  for (index_t i = 0; i < n; ++i) d[i] = convert_one<S, D>(s[i]);
}

// To bool: nonzero (NaN too) is 1.
template <typename S>
void to_bool_loop(index_t n, const void* src, void* dst) {
  const S* s = static_cast<const S*>(src);
  uint8_t* d = static_cast<uint8_t*>(dst);
  for (index_t i = 0; i < n; ++i) d[i] = s[i] != S(0) ? 1 : 0;
}

template <typename S>
void convert_from(NumType to, index_t n, const void* src, void* dst) {
  switch (to) {
    case NumType::f32: return convert_loop<S, float>(n, src, dst);
    case NumType::f64: return convert_loop<S, double>(n, src, dst);
    case NumType::i8: return convert_loop<S, int8_t>(n, src, dst);
    case NumType::u8: return convert_loop<S, uint8_t>(n, src, dst);
    case NumType::i16: return convert_loop<S, int16_t>(n, src, dst);
    case NumType::i32: return convert_loop<S, int32_t>(n, src, dst);
    case NumType::i64: return convert_loop<S, int64_t>(n, src, dst);
    case NumType::b8: return to_bool_loop<S>(n, src, dst);
    default: return;
  }
}

inline void convert_any(NumType from, NumType to, index_t n, const void* src, void* dst) {
  switch (from) {
    case NumType::f32: return convert_from<float>(to, n, src, dst);
    case NumType::f64: return convert_from<double>(to, n, src, dst);
    case NumType::i8: return convert_from<int8_t>(to, n, src, dst);
    case NumType::u8:
    case NumType::b8: return convert_from<uint8_t>(to, n, src, dst);  // bool bytes are 0/1
    case NumType::i16: return convert_from<int16_t>(to, n, src, dst);
    case NumType::i32: return convert_from<int32_t>(to, n, src, dst);
    case NumType::i64: return convert_from<int64_t>(to, n, src, dst);
    default: return;
  }
}

inline TypedKernels typed_kernels_portable() {
  TypedKernels k;
  k.f32 = float_row<float>;
  k.f64 = float_row<double>;
  k.i8 = int_row<int8_t>;
  k.u8 = int_row<uint8_t>;
  k.i16 = int_row<int16_t>;
  k.i32 = int_row<int32_t>;
  k.i64 = int_row<int64_t>;
  k.ternary_f32 = float_ternary_row<float>;
  k.ternary_f64 = float_ternary_row<double>;
  k.convert = convert_any;
  return k;
}
