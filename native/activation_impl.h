// Portable activation loops (activation.h), vectorised by the compiler for the ISA of the
// including file, which includes this inside its own namespace after its target pragma.
//
// double computes with libm, in the formulas of the JS kernels. float computes in float, as
// PyTorch's vectorised CPU kernels do, with the branch-free approximations of FloatMath (within a
// few ulp), so that the loops vectorise: libm calls would not. `#pragma GCC ivdep`: an output
// may equal an input exactly (never partially overlap), which is safe to vectorise.

#define TTS_ACT_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

// a * b + c for FloatMath's polynomials: one fused instruction where the including file's ISA
// has FMA (TTS_ACT_FMA), which also rounds once instead of twice.
#if TTS_ACT_FMA
#define TTS_MADD(a, b, c) __builtin_fmaf((a), (b), (c))
#else
#define TTS_MADD(a, b, c) ((a) * (b) + (c))
#endif

struct FloatMath {
  static float bits_to_float(int32_t i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
  }
  static int32_t float_to_bits(float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i;
  }
  static float fabs(float x) { return bits_to_float(float_to_bits(x) & 0x7fffffff); }
  // v rounded to the nearest integer (ties to even), for |v| < 2^22.
  static float round_int(float v) { return (v + 12582912.0f) - 12582912.0f; }
  // 2^n for integer n in [-126, 127].
  static float pow2(int32_t n) { return bits_to_float((n + 127) << 23); }
  // x - n ln2 in two steps (Cody-Waite), exact enough for Cephes' polynomial.
  static float reduce(float x, float n) { return TTS_MADD(n, 2.12194440e-4f, TTS_MADD(n, -0.693359375f, x)); }
  // e^r - 1 for |r| <= ln2/2 (Cephes' expf polynomial, without its final + 1).
  static float expm1_reduced(float r) {
    float p = 1.9875691500e-4f;
    p = TTS_MADD(p, r, 1.3981999507e-3f);
    p = TTS_MADD(p, r, 8.3334519073e-3f);
    p = TTS_MADD(p, r, 4.1665795894e-2f);
    p = TTS_MADD(p, r, 1.6666665459e-1f);
    p = TTS_MADD(p, r, 5.0000001201e-1f);
    return TTS_MADD(p, r * r, r);
  }
  // A NaN n (from a NaN x) as 0, so that its conversion to int is defined; the result is NaN anyway.
  static int32_t to_int(float n) { return static_cast<int32_t>(n == n ? n : 0.0f); }

  static float exp(float x) {
    // Comparisons with NaN are false, so a NaN x stays NaN through the clamps.
    float xc = x < -104.0f ? -104.0f : x;
    xc = xc > 89.0f ? 89.0f : xc;
    const float n = round_int(xc * 1.44269504088896341f);
    const int32_t k = to_int(n), k1 = k >> 1;
    // 2^k as two factors, each a normal float: overflow to inf and gradual underflow come out of
    // the last multiplication's rounding.
    return (expm1_reduced(reduce(xc, n)) + 1.0f) * pow2(k1) * pow2(k - k1);
  }

  // exp(x) for x <= 0 (or NaN), flushed to 0 below -87 where it would be denormal.
  static float exp_nonpos(float x) {
    const float xc = x < -87.0f ? -87.0f : x;
    const float n = round_int(xc * 1.44269504088896341f);
    const float e = (expm1_reduced(reduce(xc, n)) + 1.0f) * pow2(to_int(n));
    return x < -87.0f ? 0.0f : e;
  }

  static float expm1(float x) {
    float xc = x < -30.0f ? -30.0f : x;  // expm1 is -1 in float below about -17.3
    xc = xc > 88.5f ? 88.5f : xc;
    float n = round_int(xc * 1.44269504088896341f);
    n = n > 127.0f ? 127.0f : n;
    const float s = pow2(to_int(n));
    // 2^n * (1 + e) - 1 = 2^n * e + (2^n - 1), where 2^n - 1 is exact.
    float r = TTS_MADD(s, expm1_reduced(reduce(xc, n)), s - 1.0f);
    r = x > 88.72283935546875f ? x * 2.0f : r;  // overflow: inf (and inf for x = inf)
    return x == 0.0f ? x : r;                   // expm1(-0) = -0
  }

  // log(x) for positive normal x (Cephes' logf): x = m * 2^e with m in [sqrt(1/2), sqrt(2)).
  static float log_normal(float x) {
    const int32_t bits = float_to_bits(x);
    float m = bits_to_float((bits & 0x007fffff) | 0x3f800000);
    float e = static_cast<float>((bits >> 23) - 127);
    const bool big = m > 1.41421356237f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1.0f : e;
    const float t = m - 1.0f, z = t * t;
    float p = 7.0376836292e-2f;
    p = TTS_MADD(p, t, -1.1514610310e-1f);
    p = TTS_MADD(p, t, 1.1676998740e-1f);
    p = TTS_MADD(p, t, -1.2420140846e-1f);
    p = TTS_MADD(p, t, 1.4249322787e-1f);
    p = TTS_MADD(p, t, -1.6668057665e-1f);
    p = TTS_MADD(p, t, 2.0000714765e-1f);
    p = TTS_MADD(p, t, -2.4999993993e-1f);
    p = TTS_MADD(p, t, 3.3333331174e-1f);
    float y = p * z * t;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    return (t + y) + e * 0.693359375f;
  }

  // log1p(y) for y >= 0 (or NaN): log(u) * y / (u - 1) with u = 1 + y corrects u's rounding.
  static float log1p_nonneg(float y) {
    const float u = 1.0f + y, d = u - 1.0f;
    float r = log_normal(u) * (y / d);
    r = d == 0.0f ? y : r;
    return y == INFINITY ? y : r;
  }

  static float tanh(float x) {
    const float ax = fabs(x), z = x * x;
    float p = -5.70498872745e-3f;
    p = TTS_MADD(p, z, 2.06390887954e-2f);
    p = TTS_MADD(p, z, -5.37397155531e-2f);
    p = TTS_MADD(p, z, 1.33314422036e-1f);
    p = TTS_MADD(p, z, -3.33332819422e-1f);
    const float small = TTS_MADD(p * z, x, x);
    const float big = 1.0f - 2.0f / (exp(ax + ax) + 1.0f);
    const float signed_big = bits_to_float(float_to_bits(big) | (float_to_bits(x) & int32_t(0x80000000)));
    return ax < 0.625f ? small : signed_big;
  }

  // sigmoid(x) from e = exp(-|x|): 1 / (1 + e) for x >= 0, e / (1 + e) below (no overflow).
  static float sigmoid(float x) {
    const float e = exp(-fabs(x));
    return (x < 0.0f ? e : 1.0f) / (1.0f + e);
  }

  // log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
  static float softplus(float x) { return (x > 0.0f ? x : 0.0f) + log1p_nonneg(exp(-fabs(x))); }

  // erfc(z) for z >= 0, Numerical Recipes' erfcc (fractional error below 1.2e-7 everywhere), so
  // that Phi(x) keeps its relative accuracy in the lower tail.
  static float erfc_nonneg(float z) {
    const float t = 1.0f / (1.0f + 0.5f * z);
    float p = 0.17087277f;
    p = TTS_MADD(p, t, -0.82215223f);
    p = TTS_MADD(p, t, 1.48851587f);
    p = TTS_MADD(p, t, -1.13520398f);
    p = TTS_MADD(p, t, 0.27886807f);
    p = TTS_MADD(p, t, -0.18628806f);
    p = TTS_MADD(p, t, 0.09678418f);
    p = TTS_MADD(p, t, 0.37409196f);
    p = TTS_MADD(p, t, 1.00002368f);
    p = TTS_MADD(p, t, -1.26551223f);
    return t * exp_nonpos(p - z * z);  // p - z^2 <= 0: p(t = 1) = 0 and p - z^2 falls with z
  }

  // Phi(x) = (1 + erf(x / sqrt(2))) / 2, the standard normal CDF.
  static float normal_cdf(float x) {
    const float h = 0.5f * erfc_nonneg(fabs(x) * 0.70710678118654752440f);
    return x < 0.0f ? h : 1.0f - h;
  }

  // 1 + tanh(u) = 2 / (1 + exp(-2u)): no cancellation where tanh(u) is near -1.
  static float one_plus_tanh(float u) { return 2.0f / (1.0f + exp(-2.0f * u)); }
};

struct DoubleMath {
  static double fabs(double x) { return std::fabs(x); }
  static double exp(double x) { return std::exp(x); }
  static double exp_nonpos(double x) { return std::exp(x); }
  static double expm1(double x) { return std::expm1(x); }
  static double log1p_nonneg(double y) { return std::log1p(y); }
  static double tanh(double x) { return std::tanh(x); }
  static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
  static double softplus(double x) { return std::log1p(std::exp(x)); }
  static double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x * 0.70710678118654752440)); }
  static double one_plus_tanh(double u) { return 1.0 + std::tanh(u); }
};

template <typename T>
struct MathFor;
template <>
struct MathFor<float> {
  using type = FloatMath;
};
template <>
struct MathFor<double> {
  using type = DoubleMath;
};

constexpr double kGeluBeta = 0.79788456080286535588;  // sqrt(2/pi)
constexpr double kGeluKappa = 0.044715;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

template <typename T, class F>
inline void act_map(index_t n, const T* x, T* y, F f) {
  TTS_ACT_LOOP(n) y[i] = f(x[i]);
}

template <typename T, class F>
inline void act_map2(index_t n, const T* g, const T* x, T* out, F f) {
  TTS_ACT_LOOP(n) out[i] = f(g[i], x[i]);
}

template <typename T>
void activation_forward_loop(ActivationOp op, const ActivationParams& params, index_t n, const T* x,
                             T* y) {
  using M = typename MathFor<T>::type;
  const T a = static_cast<T>(params.a), b = static_cast<T>(params.b), c = static_cast<T>(params.c);
  const T beta = static_cast<T>(kGeluBeta), kappa = static_cast<T>(kGeluKappa);
  switch (op) {
    case ActivationOp::gelu:
      return act_map(n, x, y, [](T v) { return v * M::normal_cdf(v); });
    case ActivationOp::gelu_tanh:
      return act_map(n, x, y, [=](T v) {
        return T(0.5) * v * M::one_plus_tanh(beta * (v + kappa * v * v * v));
      });
    case ActivationOp::softplus:
      return act_map(n, x, y, [=](T v) {
        // The smooth side is computed unconditionally, so that the select vectorises (a
        // division under a condition does not).
        const T z = v * a, smooth = M::log1p_nonneg(M::exp(z)) / a;
        return z > b ? v : smooth;
      });
    case ActivationOp::elu:
      return act_map(n, x, y, [=](T v) { return v <= T(0) ? M::expm1(v * c) * a : v * b; });
    case ActivationOp::leaky_relu:
      return act_map(n, x, y, [=](T v) { return v > T(0) ? v : v * a; });
    case ActivationOp::hardtanh:
      // NaN passes (the comparisons are false), as min(max(x, lo), hi) does.
      return act_map(n, x, y, [=](T v) {
        const T r = v < a ? a : v;
        return r > b ? b : r;
      });
    case ActivationOp::hardswish:
      return act_map(n, x, y, [](T v) {
        T r = v + T(3);
        r = r < T(0) ? T(0) : r;
        r = r > T(6) ? T(6) : r;
        return v * r / T(6);
      });
    case ActivationOp::hardsigmoid:
      return act_map(n, x, y, [](T v) {
        T r = v + T(3);
        r = r < T(0) ? T(0) : r;
        r = r > T(6) ? T(6) : r;
        return r / T(6);
      });
    case ActivationOp::mish:
      return act_map(n, x, y, [](T v) { return v * M::tanh(M::softplus(v)); });
    case ActivationOp::log_sigmoid:
      return act_map(n, x, y, [](T v) {
        const T lower = v < T(0) ? v : (v == v ? T(0) : v);
        return lower - M::log1p_nonneg(M::exp(-M::fabs(v)));
      });
    case ActivationOp::softsign:
      return act_map(n, x, y, [](T v) { return v / (T(1) + M::fabs(v)); });
    case ActivationOp::threshold:
      return act_map(n, x, y, [=](T v) { return v <= a ? b : v; });
    case ActivationOp::hardshrink:
      return act_map(n, x, y, [=](T v) { return v >= -a && v <= a ? T(0) : v; });
    case ActivationOp::softshrink:
      return act_map(n, x, y, [=](T v) { return v > a ? v - a : (v < -a ? v + a : T(0)); });
    case ActivationOp::tanhshrink:
      return act_map(n, x, y, [](T v) { return v - M::tanh(v); });
    case ActivationOp::silu:
      return act_map(n, x, y, [](T v) { return v / (T(1) + M::exp(-v)); });
    default:
      return;
  }
}

template <typename T>
void activation_backward_loop(ActivationOp op, const ActivationParams& params, index_t n, const T* g,
                              const T* x, T* out) {
  using M = typename MathFor<T>::type;
  const T a = static_cast<T>(params.a), b = static_cast<T>(params.b), c = static_cast<T>(params.c);
  const T beta = static_cast<T>(kGeluBeta), kappa = static_cast<T>(kGeluKappa);
  const T inv_sqrt_2pi = static_cast<T>(kInvSqrt2Pi);
  switch (op) {
    case ActivationOp::gelu:
      return act_map2(n, g, x, out, [=](T gv, T v) {
        return gv * (M::normal_cdf(v) + v * inv_sqrt_2pi * M::exp_nonpos(T(-0.5) * v * v));
      });
    case ActivationOp::gelu_tanh:
      return act_map2(n, g, x, out, [=](T gv, T v) {
        const T opt = M::one_plus_tanh(beta * (v + kappa * v * v * v));  // 1 + t
        // 1 - t^2 = (1 + t) (2 - (1 + t))
        const T d = T(0.5) * opt + T(0.5) * v * (opt * (T(2) - opt)) * beta * (T(1) + T(3) * kappa * v * v);
        return gv * d;
      });
    case ActivationOp::softplus:
      return act_map2(n, g, x, out, [=](T gv, T v) {
        const T z = M::exp(v * a);
        return v * a > b ? gv : gv * z / (z + T(1));
      });
    case ActivationOp::elu:
      return act_map2(n, g, x, out, [=](T gv, T v) {
        // NaN takes the exponential side (NaN), as in PyTorch.
        return v > T(0) ? gv * b : gv * c * a * M::exp(v * c);
      });
    case ActivationOp::leaky_relu:
      return act_map2(n, g, x, out, [=](T gv, T v) { return v > T(0) ? gv : gv * a; });
    case ActivationOp::hardtanh:
      // NaN inputs get a zero gradient, as in PyTorch.
      return act_map2(n, g, x, out, [=](T gv, T v) { return v > a && v < b ? gv : T(0); });
    case ActivationOp::hardswish:
      return act_map2(n, g, x, out, [](T gv, T v) {
        return v < T(-3) ? T(0) : (v >= T(3) ? gv : gv * (v / T(3) + T(0.5)));
      });
    case ActivationOp::hardsigmoid:
      return act_map2(n, g, x, out, [](T gv, T v) { return v > T(-3) && v < T(3) ? gv / T(6) : T(0); });
    case ActivationOp::mish:
      return act_map2(n, g, x, out, [](T gv, T v) {
        const T s = M::sigmoid(v), t = M::tanh(M::softplus(v));
        return gv * (t + v * s * (T(1) - t * t));
      });
    case ActivationOp::log_sigmoid:
      return act_map2(n, g, x, out, [](T gv, T v) {
        const T z = M::exp(-M::fabs(v)), q = z / (T(1) + z);
        return v < T(0) ? gv * (T(1) - q) : gv * q;
      });
    case ActivationOp::softsign:
      return act_map2(n, g, x, out, [](T gv, T v) {
        // The composite x / (1 + |x|) of PyTorch gives NaN at +-inf (inf / inf).
        const T ax = M::fabs(v), d = T(1) + ax;
        return ax == std::numeric_limits<T>::infinity() ? v - v : gv / (d * d);
      });
    case ActivationOp::threshold:
      return act_map2(n, g, x, out, [=](T gv, T v) { return v <= a ? T(0) : gv; });
    case ActivationOp::hardshrink:
    case ActivationOp::softshrink:
      return act_map2(n, g, x, out, [=](T gv, T v) { return v < -a || v > a ? gv : T(0); });
    case ActivationOp::tanhshrink:
      return act_map2(n, g, x, out, [](T gv, T v) {
        const T t = M::tanh(v);
        return gv * t * t;
      });
    case ActivationOp::silu:
      return act_map2(n, g, x, out, [](T gv, T v) {
        const T s = M::sigmoid(v);
        return gv * s * (T(1) + v * (T(1) - s));
      });
    default:
      return;
  }
}

template <typename T>
void prelu_blocks_loop(bool backward, index_t blocks, index_t channels, index_t inner, const T* g,
                       const T* x, const T* w, T* out) {
  const index_t block = channels * inner;
  // Short rows: the weights repeated `inner` times, so that one loop runs over a whole block.
  thread_local std::vector<T> expanded;
  const bool expand = inner > 1 && inner < 16;
  if (expand) {
    expanded.resize(static_cast<size_t>(block));
    for (index_t c = 0; c < channels; ++c)
      for (index_t i = 0; i < inner; ++i) expanded[static_cast<size_t>(c * inner + i)] = w[c];
  }
  const T* wb = expand ? expanded.data() : w;
  for (index_t b = 0; b < blocks; ++b) {
    const T* xb = x + b * block;
    const T* vb = backward ? g + b * block : xb;
    T* ob = out + b * block;
    if (inner == 1 || expand) {
      TTS_ACT_LOOP(block) ob[i] = xb[i] > T(0) ? vb[i] : vb[i] * wb[i];
      continue;
    }
    for (index_t c = 0; c < channels; ++c) {
      const T slope = w[c];
      const T* xr = xb + c * inner;
      const T* vr = vb + c * inner;
      T* orow = ob + c * inner;
      TTS_ACT_LOOP(inner) orow[i] = xr[i] > T(0) ? vr[i] : vr[i] * slope;
    }
  }
}

#undef TTS_ACT_LOOP
#undef TTS_MADD
