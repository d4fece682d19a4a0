// Kernels of unary_math.h for one ISA, included by unary_math_{generic,avx2,avx512}.cc inside
// their own namespace after their target pragma. Each value is computed in double and rounded
// once to T. With TTS_LIBMVEC_LANES defined (8: AVX-512, 4: AVX2) the functions that glibc's
// libmvec provides run through its vector versions when the library is there; everything else
// (and every op without libmvec) is a plain loop, which the compiler vectorises where it can.
// `#pragma GCC ivdep`: y may equal x exactly but never partially overlaps it.

#include "special_math.h"

#define TTS_MATH_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

// y[i] = f(double(x[i])) rounded to T.
template <typename T, class F>
inline void map_scalar(index_t n, const T* x, T* y, F f) {
  TTS_MATH_LOOP(n) y[i] = static_cast<T>(f(static_cast<double>(x[i])));
}

// The libm function of the ops that libmvec covers (VecFn::count for the others).
inline VecFn vec_fn_of(MathOp op) {
  switch (op) {
    case MathOp::sin: return VecFn::sin;
    case MathOp::cos: return VecFn::cos;
    case MathOp::tan: return VecFn::tan;
    case MathOp::asin: return VecFn::asin;
    case MathOp::acos: return VecFn::acos;
    case MathOp::atan: return VecFn::atan;
    case MathOp::sinh: return VecFn::sinh;
    case MathOp::cosh: return VecFn::cosh;
    case MathOp::asinh: return VecFn::asinh;
    case MathOp::acosh: return VecFn::acosh;
    case MathOp::atanh: return VecFn::atanh;
    case MathOp::erf: return VecFn::erf;
    case MathOp::erfc: return VecFn::erfc;
    case MathOp::expm1: return VecFn::expm1;
    case MathOp::log1p: return VecFn::log1p;
    case MathOp::log2: return VecFn::log2;
    case MathOp::log10: return VecFn::log10;
    case MathOp::exp2: return VecFn::exp2;
    case MathOp::sinc: return VecFn::sin;
    case MathOp::logit: case MathOp::logit_eps: return VecFn::log;
    default: return VecFn::count;
  }
}

#ifdef TTS_LIBMVEC_LANES
#include "libmvec_lanes.h"
#if TTS_LIBMVEC_LANES == 8
using Mask = __mmask8;
inline VecD vset(double v) { return _mm512_set1_pd(v); }
inline VecD vadd(VecD a, VecD b) { return _mm512_add_pd(a, b); }
inline VecD vsub(VecD a, VecD b) { return _mm512_sub_pd(a, b); }
inline VecD vmul(VecD a, VecD b) { return _mm512_mul_pd(a, b); }
inline VecD vdiv(VecD a, VecD b) { return _mm512_div_pd(a, b); }
inline VecD vsqrt(VecD a) { return _mm512_sqrt_pd(a); }
inline VecD vabs(VecD a) { return _mm512_abs_pd(a); }
inline VecD vfloor(VecD a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
inline VecD vtrunc(VecD a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
// Ordered comparisons (false for NaN) but vne and vnlt ("not less than"), true for NaN.
inline Mask vlt(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
inline Mask vle(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
inline Mask vgt(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
inline Mask vge(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
inline Mask veq(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
inline Mask vne(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_NEQ_UQ); }
inline Mask vnlt(VecD a, VecD b) { return _mm512_cmp_pd_mask(a, b, _CMP_NLT_UQ); }
inline Mask mor(Mask a, Mask b) { return static_cast<Mask>(a | b); }
inline Mask mand(Mask a, Mask b) { return static_cast<Mask>(a & b); }
inline int mbits(Mask m) { return m; }
// a in the lanes of m, else b.
inline VecD vblend(Mask m, VecD a, VecD b) { return _mm512_mask_mov_pd(b, m, a); }
#else
using Mask = __m256d;  // all-ones lanes
inline VecD vset(double v) { return _mm256_set1_pd(v); }
inline VecD vadd(VecD a, VecD b) { return _mm256_add_pd(a, b); }
inline VecD vsub(VecD a, VecD b) { return _mm256_sub_pd(a, b); }
inline VecD vmul(VecD a, VecD b) { return _mm256_mul_pd(a, b); }
inline VecD vdiv(VecD a, VecD b) { return _mm256_div_pd(a, b); }
inline VecD vsqrt(VecD a) { return _mm256_sqrt_pd(a); }
inline VecD vabs(VecD a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
inline VecD vfloor(VecD a) { return _mm256_round_pd(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
inline VecD vtrunc(VecD a) { return _mm256_round_pd(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
inline Mask vlt(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
inline Mask vle(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
inline Mask vgt(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
inline Mask vge(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
inline Mask veq(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
inline Mask vne(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_NEQ_UQ); }
inline Mask vnlt(VecD a, VecD b) { return _mm256_cmp_pd(a, b, _CMP_NLT_UQ); }
inline Mask mor(Mask a, Mask b) { return _mm256_or_pd(a, b); }
inline Mask mand(Mask a, Mask b) { return _mm256_and_pd(a, b); }
inline int mbits(Mask m) { return _mm256_movemask_pd(m); }
inline VecD vblend(Mask m, VecD a, VecD b) { return _mm256_blendv_pd(b, a, m); }
#endif
// a where the comparison of x with y holds, else b.
inline VecD vselect_eq(VecD x, VecD y, VecD a, VecD b) { return vblend(veq(x, y), a, b); }
inline VecD vselect_lt(VecD x, VecD y, VecD a, VecD b) { return vblend(vlt(x, y), a, b); }
inline VecD vselect_gt(VecD x, VecD y, VecD a, VecD b) { return vblend(vgt(x, y), a, b); }

// The op on one vector of doubles, with libm's vector function `f` (sinc and logit wrap it).
inline VecD vec_apply(MathOp op, VecFnPtr f, VecD d, const double* params) {
  switch (op) {
    case MathOp::sinc: {
      const VecD px = vmul(vset(special::kPi), d);
      return vselect_eq(d, vset(0), vset(1), vdiv(f(px), px));
    }
    case MathOp::logit:
      return f(vdiv(d, vsub(vset(1), d)));
    case MathOp::logit_eps: {
      // Comparisons that are false for NaN, which therefore stays NaN.
      const VecD lo = vset(params[0]), hi = vset(params[1]);
      const VecD z = vselect_gt(d, hi, hi, vselect_lt(d, lo, lo, d));
      return f(vdiv(z, vsub(vset(1), z)));
    }
    default:
      return f(d);
  }
}

// The op over whole vectors of doubles, a partial last vector through a zero-padded copy.
template <class Op>
void map_f64(index_t n, const double* x, double* y, const Op& op) {
  index_t i = 0;
  for (; i + kLanes <= n; i += kLanes) vstore(y + i, op(vload(x + i)));
  if (i < n) {
    double in[kLanes] = {}, out[kLanes];
    for (index_t j = 0; i + j < n; ++j) in[j] = x[i + j];
    vstore(out, op(vload(in)));
    for (index_t j = 0; i + j < n; ++j) y[i + j] = out[j];
  }
}

#if TTS_LIBMVEC_LANES == 8
// 16 floats as two vectors of 8 doubles each way; the tail through masked loads and stores.
template <class Op>
inline __m512 apply_ps(__m512 v, const Op& op) {
  const __m512d lo = op(_mm512_cvtps_pd(_mm512_castps512_ps256(v)));
  const __m512d hi = op(_mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)));
  return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
}
template <class Op>
void map_f32(index_t n, const float* x, float* y, const Op& op) {
  index_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, apply_ps(_mm512_loadu_ps(x + i), op));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, apply_ps(_mm512_maskz_loadu_ps(m, x + i), op));
  }
}
#else
// 8 floats as two vectors of 4 doubles each way; the tail through a zero-padded copy.
template <class Op>
inline __m256 apply_ps(__m256 v, const Op& op) {
  const __m256d lo = op(_mm256_cvtps_pd(_mm256_castps256_ps128(v)));
  const __m256d hi = op(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
}
template <class Op>
void map_f32(index_t n, const float* x, float* y, const Op& op) {
  index_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, apply_ps(_mm256_loadu_ps(x + i), op));
  if (i < n) {
    float in[8] = {}, out[8];
    for (index_t j = 0; i + j < n; ++j) in[j] = x[i + j];
    _mm256_storeu_ps(out, apply_ps(_mm256_loadu_ps(in), op));
    for (index_t j = 0; i + j < n; ++j) y[i + j] = out[j];
  }
}
#endif

template <class Op>
void map_vec(index_t n, const float* x, float* y, const Op& op) { map_f32(n, x, y, op); }
template <class Op>
void map_vec(index_t n, const double* x, double* y, const Op& op) { map_f64(n, x, y, op); }

template <typename T>
void map_vector(MathOp op, VecFnPtr f, index_t n, const T* x, T* y, const double* params) {
  switch (op) {
    case MathOp::sinc: case MathOp::logit: case MathOp::logit_eps:
      return map_vec(n, x, y, [=](VecD d) { return vec_apply(op, f, d, params); });
    default:
      return map_vec(n, x, y, f);
  }
}

#include "special_math_vec.h"

// lgamma, digamma and erfinv in vectors where libmvec has every function they call.
template <typename T>
bool map_special_vector(MathOp op, index_t n, const T* x, T* y) {
  if (op != MathOp::lgamma && op != MathOp::digamma && op != MathOp::erfinv) return false;
  const SpecialLibm L = special_libm();
  if (!L.complete()) return false;
  if (op == MathOp::lgamma) map_vec(n, x, y, [&L](VecD d) { return lgamma_vec(d, L); });
  else if (op == MathOp::digamma) map_vec(n, x, y, [&L](VecD d) { return digamma_vec(d, L); });
  else map_vec(n, x, y, [&L](VecD d) { return erfinv_vec(d, L); });
  return true;
}
#endif

template <typename T>
void math_map(MathOp op, index_t n, const T* x, T* y, const double* p) {
#ifdef TTS_LIBMVEC_LANES
  const VecFn vf = vec_fn_of(op);
  if (vf != VecFn::count) {
    if (void* f = vec_fn_ptr(vf)) return map_vector(op, reinterpret_cast<VecFnPtr>(f), n, x, y, p);
  }
  if (map_special_vector(op, n, x, y)) return;
#endif
  switch (op) {
    case MathOp::sin: return map_scalar(n, x, y, [](double d) { return std::sin(d); });
    case MathOp::cos: return map_scalar(n, x, y, [](double d) { return std::cos(d); });
    case MathOp::tan: return map_scalar(n, x, y, [](double d) { return std::tan(d); });
    case MathOp::asin: return map_scalar(n, x, y, [](double d) { return std::asin(d); });
    case MathOp::acos: return map_scalar(n, x, y, [](double d) { return std::acos(d); });
    case MathOp::atan: return map_scalar(n, x, y, [](double d) { return std::atan(d); });
    case MathOp::sinh: return map_scalar(n, x, y, [](double d) { return std::sinh(d); });
    case MathOp::cosh: return map_scalar(n, x, y, [](double d) { return std::cosh(d); });
    case MathOp::asinh: return map_scalar(n, x, y, [](double d) { return std::asinh(d); });
    case MathOp::acosh: return map_scalar(n, x, y, [](double d) { return std::acosh(d); });
    case MathOp::atanh: return map_scalar(n, x, y, [](double d) { return std::atanh(d); });
    case MathOp::erf: return map_scalar(n, x, y, [](double d) { return std::erf(d); });
    case MathOp::erfc: return map_scalar(n, x, y, [](double d) { return std::erfc(d); });
    case MathOp::expm1: return map_scalar(n, x, y, [](double d) { return std::expm1(d); });
    case MathOp::log1p: return map_scalar(n, x, y, [](double d) { return std::log1p(d); });
    case MathOp::log2: return map_scalar(n, x, y, [](double d) { return std::log2(d); });
    case MathOp::log10: return map_scalar(n, x, y, [](double d) { return std::log10(d); });
    case MathOp::exp2: return map_scalar(n, x, y, [](double d) { return std::exp2(d); });
    case MathOp::frac:
      // Exact in T, so the double result. On AVX-512 trunc goes through nearbyint, which GCC
      // vectorises there (std::trunc it leaves scalar unless -fno-trapping-math).
#if defined(TTS_LIBMVEC_LANES) && TTS_LIBMVEC_LANES == 8
      TTS_MATH_LOOP(n) {
        const T v = x[i], r = std::nearbyint(std::fabs(v));
        y[i] = v - std::copysign(r > std::fabs(v) ? r - T(1) : r, v);
      }
#else
      TTS_MATH_LOOP(n) y[i] = x[i] - std::trunc(x[i]);
#endif
      return;
    case MathOp::deg2rad: return map_scalar(n, x, y, [](double d) { return d * (special::kPi / 180); });
    case MathOp::rad2deg: return map_scalar(n, x, y, [](double d) { return d * (180 / special::kPi); });
    case MathOp::sinc: return map_scalar(n, x, y, special::sinc);
    case MathOp::logit: return map_scalar(n, x, y, [](double d) { return std::log(d / (1 - d)); });
    case MathOp::logit_eps: {
      const double lo = p[0], hi = p[1];
      return map_scalar(n, x, y, [lo, hi](double d) {
        const double z = d < lo ? lo : d > hi ? hi : d;
        return std::log(z / (1 - z));
      });
    }
    case MathOp::nan_to_num: {
      // The replacements are values of T already (the caller rounds them).
      const T nan = static_cast<T>(p[0]), pos = static_cast<T>(p[1]), neg = static_cast<T>(p[2]);
      TTS_MATH_LOOP(n) {
        const T v = x[i];
        y[i] = v != v ? nan : v == T(INFINITY) ? pos : v == T(-INFINITY) ? neg : v;
      }
      return;
    }
    case MathOp::lgamma: return map_scalar(n, x, y, special::lgamma);
    case MathOp::digamma: return map_scalar(n, x, y, special::digamma);
    case MathOp::i0: return map_scalar(n, x, y, special::i0);
    case MathOp::erfinv: return map_scalar(n, x, y, special::erfinv);
    default:
      return;
  }
}

template <typename T>
void math_classify(ClassOp op, index_t n, const T* x, uint8_t* out) {
  using Bits = typename std::conditional<sizeof(T) == 4, uint32_t, uint64_t>::type;
  switch (op) {
    case ClassOp::isnan:
      TTS_MATH_LOOP(n) out[i] = x[i] != x[i];
      return;
    case ClassOp::isinf:
      TTS_MATH_LOOP(n) out[i] = std::fabs(x[i]) == T(INFINITY);
      return;
    case ClassOp::isfinite:
      TTS_MATH_LOOP(n) out[i] = std::fabs(x[i]) < T(INFINITY);
      return;
    case ClassOp::signbit:
      // The sign bit itself: -0 and a NaN with its sign set count, as std::signbit.
      TTS_MATH_LOOP(n) {
        Bits b;
        std::memcpy(&b, x + i, sizeof b);
        out[i] = static_cast<uint8_t>(b >> (8 * sizeof(T) - 1));
      }
      return;
    default:
      return;
  }
}

#undef TTS_MATH_LOOP
