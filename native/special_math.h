// Scalar special functions in double precision: lgamma, digamma, i0, erfinv and sinc by the same
// formulas as the JS kernels (src/ops/special-math.ts), so that both backends agree to a few
// ulps. Included inside an ISA namespace (unary_math_impl.h), like the kernels that call them.
#pragma once

#include <cmath>

namespace special {

constexpr double kPi = 3.14159265358979323846;

// JS's Math.round: the nearest integer, ties towards +inf.
inline double round_half_up(double v) {
  const double f = std::floor(v);
  return v - f >= 0.5 ? f + 1 : f;
}

// sin(pi x) with the argument reduced exactly (no loss near large integers).
inline double sin_pi(double x) {
  const double r = x - 2 * round_half_up(x / 2);  // in [-1, 1]
  if (r == 0 || r == 1 || r == -1) return 0;
  if (r == 0.5) return 1;
  if (r == -0.5) return -1;
  return std::sin(kPi * r);
}

inline double lgamma_stirling(double x) {
  const double z = 1 / (x * x);
  const double series = (1.0 / 12 + z * (-1.0 / 360 + z * (1.0 / 1260 + z * (-1.0 / 1680 + z * (1.0 / 1188))))) / x;
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2 * kPi) + series;
}

// log|Gamma(x)|: Lanczos (g = 7) below 15, Stirling above, reflection below 0.5; +inf at the
// poles 0, -1, -2, ... and at +-inf.
inline double lgamma(double x) {
  if (x != x) return x;
  if (std::isinf(x)) return INFINITY;
  if (x <= 0 && x == std::trunc(x)) return INFINITY;
  // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
  const bool reflect = x < 0.5;
  const double reflected = reflect ? std::log(kPi / std::fabs(sin_pi(x))) : 0;
  if (reflect) x = 1 - x;
  double r;
  if (x == 1 || x == 2) {
    r = 0;
  } else if (x >= 15) {
    r = lgamma_stirling(x);
  } else {
    static constexpr double kLanczos[9] = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    const double z = x - 1, t = z + 7.5;
    double a = kLanczos[0];
    for (int i = 1; i < 9; ++i) a += kLanczos[i] / (z + i);
    r = 0.5 * std::log(2 * kPi) + (z + 0.5) * std::log(t) - t + std::log(a);
  }
  return reflect ? reflected - r : r;
}

// psi(x) for x > 0: recurrence up to 10, then the asymptotic series.
inline double digamma_positive(double x) {
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x == 10) return result + 2.25175258906672110764;
  double y = 0;
  if (x < 1e17) {
    static constexpr double kSeries[7] = {1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12};
    const double z = 1 / (x * x);
    double p = 0;
    for (int i = 6; i >= 0; --i) p = p * z + kSeries[i];
    y = z * p;
  }
  return result + std::log(x) - 0.5 / x - y;
}

// psi(x): reflection for x < 0 (NaN at the poles), +-inf at +-0.
inline double digamma(double x) {
  if (x == 0) return std::signbit(x) ? INFINITY : -INFINITY;
  if (x != x || x == INFINITY) return x;
  if (x == -INFINITY) return NAN;
  if (x < 0) {
    if (x == std::trunc(x)) return NAN;
    // With the fractional part, so that tan(pi r) keeps its accuracy.
    const double r = x - std::trunc(x);
    return digamma_positive(1 - x) - kPi / std::tan(kPi * r);
  }
  return digamma_positive(x);
}

// I_nu(x) ~ e^x / sqrt(2 pi x) sum (-1)^k a_k(nu) / x^k for large x.
inline double bessel_asymptotic(double x, double nu) {
  if (x > 713) return INFINITY;
  const double mu = 4 * nu * nu;
  double term = 1, sum = 1;
  for (int k = 1; k < 30; ++k) {
    const double odd = 2.0 * k - 1;
    const double next = (-term * (mu - odd * odd)) / (k * 8 * x);
    if (std::fabs(next) > std::fabs(term)) break;
    term = next;
    sum += term;
    if (std::fabs(term) < 1e-17 * std::fabs(sum)) break;
  }
  // e^x split so that x up to ~713 does not overflow before the division.
  const double e = std::exp(x / 2);
  return ((e * sum) / std::sqrt(2 * kPi * x)) * e;
}

// I0(x): the power series (positive terms) below 30, the asymptotic series above; NaN at +-inf
// as in PyTorch.
inline double i0(double x) {
  const double ax = std::fabs(x);
  if (x != x || ax == INFINITY) return NAN;
  if (ax > 30) return bessel_asymptotic(ax, 0);
  const double q = ax * ax / 4;
  double term = 1, sum = 1;
  for (int k = 1; k < 500; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

// erfinv: a rational first guess refined by two Newton steps on erf.
inline double erfinv(double y) {
  const double ay = std::fabs(y);
  if (!(ay <= 1)) return NAN;
  if (ay == 1) return y > 0 ? INFINITY : -INFINITY;
  double x;
  if (ay <= 0.7) {
    const double z = y * y;
    const double num = ((-0.140543331 * z + 0.914624893) * z + -1.645349621) * z + 0.886226899;
    const double den = (((0.012229801 * z + -0.329097515) * z + 1.442710462) * z + -2.118377725) * z + 1;
    x = (y * num) / den;
  } else {
    const double z = std::sqrt(-std::log((1 - ay) / 2));
    const double num = ((1.641345311 * z + 3.429567803) * z + -1.624906493) * z + -1.970840454;
    const double den = (1.637067800 * z + 3.543889200) * z + 1;
    x = (y < 0 ? -num : num) / den;
  }
  const double two_over_sqrt_pi = 2 / std::sqrt(kPi);
  x -= (std::erf(x) - y) / (two_over_sqrt_pi * std::exp(-x * x));
  x -= (std::erf(x) - y) / (two_over_sqrt_pi * std::exp(-x * x));
  return x;
}

// sin(pi x) / (pi x), 1 at 0, NaN at +-inf.
inline double sinc(double x) {
  if (x == 0) return 1;
  const double px = kPi * x;
  return std::sin(px) / px;
}

}  // namespace special
