// Vector forms of special_math.h's lgamma, digamma and erfinv over the VecD lanes of
// unary_math_impl.h, with libmvec's log, sin, tan, erf and exp: the same formulas in the same
// order, so lanes agree with the scalar functions to a few ulps of double. Lanes outside the
// formulas' main ranges (NaN, infinities, poles, ...) are recomputed by the scalar function.
// Included by unary_math_impl.h inside an ISA namespace, after its vector helpers.

struct SpecialLibm {
  VecFnPtr log, sin, tan, erf, exp;
  bool complete() const { return log && sin && tan && erf && exp; }
};

inline SpecialLibm special_libm() {
  auto fn = [](VecFn f) { return reinterpret_cast<VecFnPtr>(vec_fn_ptr(f)); };
  return {fn(VecFn::log), fn(VecFn::sin), fn(VecFn::tan), fn(VecFn::erf), fn(VecFn::exp)};
}

// r, with the lanes of m replaced by f of the same lanes of x.
template <class F>
inline VecD with_scalar_lanes(Mask m, VecD x, VecD r, F f) {
  const int bits = mbits(m);
  if (bits == 0) return r;
  double in[kLanes], out[kLanes];
  vstore(in, x);
  vstore(out, r);
  for (index_t j = 0; j < kLanes; ++j)
    if ((bits >> j) & 1) out[j] = f(in[j]);
  return vload(out);
}

inline Mask not_finite(VecD x) { return vne(vsub(x, x), vset(0)); }  // NaN or +-inf

// sin(pi x) with x reduced by the nearest even integer (special::sin_pi; the exact cases there
// are the poles of lgamma, which are scalar lanes).
inline VecD sin_pi_vec(VecD x, const SpecialLibm& L) {
  const VecD v = vmul(x, vset(0.5)), f = vfloor(v);
  const VecD nearest = vblend(vge(vsub(v, f), vset(0.5)), vadd(f, vset(1)), f);
  const VecD r = vsub(x, vmul(vset(2), nearest));
  return L.sin(vmul(vset(special::kPi), r));
}

inline VecD lgamma_vec(VecD x, const SpecialLibm& L) {
  const VecD one = vset(1), half = vset(0.5), half_log_2pi = vset(0.5 * std::log(2 * special::kPi));
  const Mask reflect = vlt(x, half);
  const VecD xr = vblend(reflect, vsub(one, x), x);
  static constexpr double kLanczos[9] = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  const VecD z = vsub(xr, one), t = vadd(z, vset(7.5));
  VecD a = vset(kLanczos[0]);
  for (int i = 1; i < 9; ++i) a = vadd(a, vdiv(vset(kLanczos[i]), vadd(z, vset(i))));
  // Stirling from 15 on: one log, of t or of xr.
  const Mask stirling = vge(xr, vset(15));
  const VecD lg = L.log(vblend(stirling, xr, t));
  const VecD lanczos = vadd(vsub(vadd(half_log_2pi, vmul(vadd(z, half), lg)), t), L.log(a));
  const VecD zz = vdiv(one, vmul(xr, xr));
  const VecD poly = vadd(vset(1.0 / 12), vmul(zz, vadd(vset(-1.0 / 360), vmul(zz, vadd(vset(1.0 / 1260),
                        vmul(zz, vadd(vset(-1.0 / 1680), vmul(zz, vset(1.0 / 1188)))))))));
  const VecD series = vdiv(poly, xr);
  const VecD big = vadd(vadd(vsub(vmul(vsub(xr, half), lg), xr), half_log_2pi), series);
  VecD r = vblend(stirling, big, lanczos);
  if (mbits(reflect) != 0) {
    const VecD reflected = L.log(vdiv(vset(special::kPi), vabs(sin_pi_vec(x, L))));
    r = vblend(reflect, vsub(reflected, r), r);
  }
  // Scalar: NaN, +-inf, the poles (integers <= 0), and 1 and 2 (exactly 0 there).
  const Mask pole = mand(vle(x, vset(0)), veq(x, vfloor(x)));
  const Mask exact = mor(veq(x, one), veq(x, vset(2)));
  return with_scalar_lanes(mor(mor(not_finite(x), pole), exact), x, r, special::lgamma);
}

inline VecD digamma_vec(VecD x, const SpecialLibm& L) {
  const VecD one = vset(1);
  const Mask neg = vlt(x, vset(0));
  VecD v = vblend(neg, vsub(one, x), x);
  VecD result = vset(0);
  // v > 0 reaches 10 within 10 steps.
  for (int k = 0; k < 10; ++k) {
    const Mask m = vlt(v, vset(10));
    result = vblend(m, vsub(result, vdiv(one, v)), result);
    v = vblend(m, vadd(v, one), v);
  }
  static constexpr double kSeries[7] = {1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12};
  const VecD zz = vdiv(one, vmul(v, v));
  VecD p = vset(0);
  for (int i = 6; i >= 0; --i) p = vadd(vmul(p, zz), vset(kSeries[i]));
  const VecD asymptotic = vsub(vsub(vadd(result, L.log(v)), vdiv(vset(0.5), v)), vmul(zz, p));
  VecD r = vblend(veq(v, vset(10)), vadd(result, vset(2.25175258906672110764)), asymptotic);
  if (mbits(neg) != 0) {
    const VecD frac = vsub(x, vtrunc(x));
    r = vblend(neg, vsub(r, vdiv(vset(special::kPi), L.tan(vmul(vset(special::kPi), frac)))), r);
  }
  // Scalar: 0, NaN, +-inf, the poles (negative integers), and where the series is skipped.
  const Mask pole = mand(neg, veq(x, vtrunc(x)));
  const Mask scalar = mor(mor(not_finite(x), veq(x, vset(0))), mor(pole, vge(v, vset(1e17))));
  return with_scalar_lanes(scalar, x, r, special::digamma);
}

inline VecD erfinv_vec(VecD y, const SpecialLibm& L) {
  const VecD ay = vabs(y), one = vset(1);
  const VecD z = vmul(y, y);
  const VecD num_c = vadd(vmul(vadd(vmul(vadd(vmul(vset(-0.140543331), z), vset(0.914624893)), z), vset(-1.645349621)), z), vset(0.886226899));
  const VecD den_c = vadd(vmul(vadd(vmul(vadd(vmul(vadd(vmul(vset(0.012229801), z), vset(-0.329097515)), z), vset(1.442710462)), z), vset(-2.118377725)), z), one);
  const VecD central = vdiv(vmul(y, num_c), den_c);
  const VecD w = vsqrt(vsub(vset(0), L.log(vdiv(vsub(one, ay), vset(2)))));
  const VecD num_t = vadd(vmul(vadd(vmul(vadd(vmul(vset(1.641345311), w), vset(3.429567803)), w), vset(-1.624906493)), w), vset(-1.970840454));
  const VecD den_t = vadd(vmul(vadd(vmul(vset(1.637067800), w), vset(3.543889200)), w), one);
  const VecD tail = vdiv(vblend(vlt(y, vset(0)), vsub(vset(0), num_t), num_t), den_t);
  VecD x = vblend(vle(ay, vset(0.7)), central, tail);
  const VecD two_over_sqrt_pi = vset(2 / std::sqrt(special::kPi));
  for (int step = 0; step < 2; ++step) {
    const VecD e = L.exp(vmul(vsub(vset(0), x), x));
    x = vsub(x, vdiv(vsub(L.erf(x), y), vmul(two_over_sqrt_pi, e)));
  }
  // Scalar: |y| >= 1 and NaN.
  return with_scalar_lanes(vnlt(ay, one), y, x, special::erfinv);
}
