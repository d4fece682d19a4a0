// The public unary ops on float32/float64 tensors run their native kernels (the engine's unary
// map routes every op whose function is declared with nativeUnary): out of place, in place and
// from non-contiguous inputs, with the JS kernels' results, PyTorch's special values and
// autograd unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { nativeUnaryRoutes } from "../src/ops/native-fast.js";
import { mismatch, nativeAndJs, skipReason } from "../src/backends/native/test-support.js";

type DT = "float32" | "float64";
type Domain = "any" | "positive" | "unit" | "aboveOne";
type Op = (t: Tensor) => Tensor;

/** Each op: out of place, in place, and the inputs it is tried on. */
const OPS: Record<string, [Op, Op, Domain]> = {
  neg: [(t) => t.neg(), (t) => t.neg_(), "any"],
  abs: [(t) => t.abs(), (t) => t.abs_(), "any"],
  sign: [(t) => t.sign(), (t) => t.sign_(), "any"],
  sgn: [(t) => t.sgn(), (t) => t.sgn_(), "any"],
  floor: [(t) => t.floor(), (t) => t.floor_(), "any"],
  ceil: [(t) => t.ceil(), (t) => t.ceil_(), "any"],
  trunc: [(t) => t.trunc(), (t) => t.trunc_(), "any"],
  round: [(t) => t.round(), (t) => t.round_(), "any"],
  rsqrt: [(t) => t.rsqrt(), (t) => t.rsqrt_(), "positive"],
  reciprocal: [(t) => t.reciprocal(), (t) => t.reciprocal_(), "any"],
  exp: [(t) => t.exp(), (t) => t.exp_(), "any"],
  expm1: [(t) => t.expm1(), (t) => t.expm1_(), "any"],
  exp2: [(t) => t.exp2(), (t) => t.exp2_(), "any"],
  log: [(t) => t.log(), (t) => t.log_(), "positive"],
  log1p: [(t) => t.log1p(), (t) => t.log1p_(), "positive"],
  log2: [(t) => t.log2(), (t) => t.log2_(), "positive"],
  log10: [(t) => t.log10(), (t) => t.log10_(), "positive"],
  sqrt: [(t) => t.sqrt(), (t) => t.sqrt_(), "positive"],
  sin: [(t) => t.sin(), (t) => t.sin_(), "any"],
  cos: [(t) => t.cos(), (t) => t.cos_(), "any"],
  tan: [(t) => t.tan(), (t) => t.tan_(), "any"],
  asin: [(t) => t.asin(), (t) => t.asin_(), "unit"],
  acos: [(t) => t.acos(), (t) => t.acos_(), "unit"],
  atan: [(t) => t.atan(), (t) => t.atan_(), "any"],
  sinh: [(t) => t.sinh(), (t) => t.sinh_(), "any"],
  cosh: [(t) => t.cosh(), (t) => t.cosh_(), "any"],
  tanh: [(t) => t.tanh(), (t) => t.tanh_(), "any"],
  asinh: [(t) => t.asinh(), (t) => t.asinh_(), "any"],
  acosh: [(t) => t.acosh(), (t) => t.acosh_(), "aboveOne"],
  atanh: [(t) => t.atanh(), (t) => t.atanh_(), "unit"],
  sigmoid: [(t) => t.sigmoid(), (t) => t.sigmoid_(), "any"],
  erf: [(t) => t.erf(), (t) => t.erf_(), "any"],
  erfc: [(t) => t.erfc(), (t) => t.erfc_(), "any"],
  erfinv: [(t) => t.erfinv(), (t) => t.erfinv_(), "unit"],
  frac: [(t) => t.frac(), (t) => t.frac_(), "any"],
  deg2rad: [(t) => t.deg2rad(), (t) => t.deg2rad_(), "any"],
  rad2deg: [(t) => t.rad2deg(), (t) => t.rad2deg_(), "any"],
  logit: [(t) => t.logit(), (t) => t.logit_(), "unit"],
  logitEps: [(t) => t.logit(0.25), (t) => t.logit_(0.25), "unit"],
  nanToNum: [(t) => t.nanToNum(), (t) => t.nanToNum_(), "any"],
  nanToNumArgs: [(t) => t.nanToNum(1.5, 100, -100), (t) => t.nanToNum_(1.5, 100, -100), "any"],
  sinc: [(t) => t.sinc(), (t) => t.sinc_(), "any"],
  lgamma: [(t) => t.lgamma(), (t) => t.lgamma_(), "any"],
  digamma: [(t) => t.digamma(), (t) => t.digamma_(), "any"],
  i0: [(t) => t.i0(), (t) => t.i0_(), "any"],
};

const SPECIAL = [0, -0, 1, -1, 0.5, 2, -2.5, 30, Infinity, -Infinity, NaN];

/** A [16, 40] tensor over the op's domain, with special values in its first row. */
function input(domain: Domain, dtype: DT, seed: number): Tensor {
  torch.manualSeed(seed);
  let t = torch.rand([16, 40], { dtype });
  t = domain === "any" ? t.sub(0.5).mul(20) : domain === "positive" ? t.mul(10) : domain === "unit" ? t.mul(2).sub(1) : t.mul(10).add(1);
  const d = t.storage.data as Float32Array | Float64Array;
  SPECIAL.forEach((v, i) => { d[i] = v; });
  return t;
}

function values(t: Tensor): number[] {
  return Array.from(t.detach().double().contiguous().flatten().tolist() as number[]);
}

function assertClose(got: Tensor, want: Tensor, dtype: DT, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  // float64 tolerance: the native libm functions and V8's differ by a few ulps (erfc, the series
  // functions near their roots more: see test/native-unary-math.test.ts).
  const m = dtype === "float32" ? mismatch(values(got), values(want), 1e-6, 1e-44, what) : mismatch(values(got), values(want), 1e-12, 1e-14, what);
  assert.equal(m, null, m ?? "");
}

/** Runs f and returns its result with the number of native unary routes it took. */
function routed<R>(f: () => R): [R, number] {
  const before = nativeUnaryRoutes();
  const r = f();
  return [r, nativeUnaryRoutes() - before];
}

test("every unary op runs its native kernel once, out of place, in place and from a transposed input, with the JS results", { skip: skipReason }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [name, [op, opInPlace, domain]] of Object.entries(OPS)) {
      const x = input(domain, dtype, name.length);
      const [[y, yJs], routes] = routed(() => nativeAndJs(() => op(x)));
      assert.equal(routes, 1, `${name} ${dtype}: native routes`);
      assertClose(y, yJs, dtype, `${name} ${dtype}`);

      const [z, inPlaceRoutes] = routed(() => { const c = x.clone(); const r = opInPlace(c); assert.equal(r, c, `${name}_ returns self`); return c; });
      assert.equal(inPlaceRoutes, 1, `${name}_ ${dtype}: native routes`);
      assertClose(z, y, dtype, `${name}_ ${dtype}`);

      const xt = x.t();
      assert.equal(xt.isContiguous(), false);
      const [[w, wJs], stridedRoutes] = routed(() => nativeAndJs(() => op(xt)));
      assert.equal(stridedRoutes, 1, `${name} ${dtype} transposed: native routes`);
      assertClose(w, wJs, dtype, `${name} ${dtype} transposed`);
      assertClose(w, op(xt.contiguous()), dtype, `${name} ${dtype} transposed vs contiguous`);
    }
  }
});

test("in place on a strided view with gaps and small tensors stay on the JS loop, with the same results", { skip: skipReason }, () => {
  const x = input("any", "float32", 3);
  const [r, routes] = routed(() => { const c = x.clone(); c.t().sin_(); return c; });
  assert.equal(routes, 1, "a transposed view is dense: one flat native pass");
  assertClose(r, x.sin(), "float32", "sin_ of a transposed view");
  const [r2, routes2] = routed(() => { const c = x.clone(); c.get(":", "::2").sin_(); return c; });
  assert.equal(routes2, 0, "an output that is a strided view with gaps is not routed");
  const want2 = x.clone();
  want2.get(":", "::2").copy_(x.get(":", "::2").sin());
  assertClose(r2, want2, "float32", "sin_ of a strided view");
  const small = torch.linspace(-3, 3, 100);
  const [s, smallRoutes] = routed(() => small.sin());
  assert.equal(smallRoutes, 0, "below the size threshold the JS loop runs");
  assertClose(s, nativeAndJs(() => small.sin())[1], "float32", "small sin");
  // Integer inputs of float math compute in the default float dtype through the JS loop.
  const xi = torch.arange(0, 400, { dtype: torch.int32 });
  const [fi, intRoutes] = routed(() => xi.sin());
  assert.equal(intRoutes, 0);
  assert.equal(fi.dtype, torch.float32);
  assertClose(fi, xi.float().sin(), "float32", "sin of int32");
});

// torch 1.13 (float32) on [0, -0, 1, -1, 2, 0.5, -2.5, 30, inf, -inf, nan].
const X = [0, -0, 1.0, -1.0, 2.0, 0.5, -2.5, 30.0, Infinity, -Infinity, NaN];
const PYTORCH_F32: Record<string, readonly number[]> = {
  neg: [-0, 0, -1.0, 1.0, -2.0, -0.5, 2.5, -30.0, -Infinity, Infinity, NaN],
  abs: [0, 0, 1.0, 1.0, 2.0, 0.5, 2.5, 30.0, Infinity, Infinity, NaN],
  sign: [0, 0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 0],
  sgn: [0, 0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 0],
  floor: [0, -0, 1.0, -1.0, 2.0, 0, -3.0, 30.0, Infinity, -Infinity, NaN],
  ceil: [0, -0, 1.0, -1.0, 2.0, 1.0, -2.0, 30.0, Infinity, -Infinity, NaN],
  trunc: [0, -0, 1.0, -1.0, 2.0, 0, -2.0, 30.0, Infinity, -Infinity, NaN],
  round: [0, -0, 1.0, -1.0, 2.0, 0, -2.0, 30.0, Infinity, -Infinity, NaN],
  rsqrt: [Infinity, -Infinity, 1.0, NaN, 0.7071067690849304, 1.4142135381698608, NaN, 0.18257418274879456, 0, NaN, NaN],
  reciprocal: [Infinity, -Infinity, 1.0, -1.0, 0.5, 2.0, -0.4000000059604645, 0.03333333507180214, 0, -0, NaN],
  expm1: [0, -0, 1.718281865119934, -0.6321205496788025, 6.389056205749512, 0.6487212777137756, -0.9179149866104126, 10686474223616.0, Infinity, -1.0, NaN],
  log1p: [0, -0, 0.6931471824645996, -Infinity, 1.0986123085021973, 0.40546509623527527, NaN, 3.4339871406555176, Infinity, NaN, NaN],
  sin: [0, -0, 0.8414709568023682, -0.8414709568023682, 0.9092974066734314, 0.4794255495071411, -0.5984721183776855, -0.9880316257476807, NaN, NaN, NaN],
  cos: [1.0, 1.0, 0.5403023362159729, 0.5403023362159729, -0.416146844625473, 0.8775825500488281, -0.8011435866355896, 0.15425145626068115, NaN, NaN, NaN],
  tan: [0, -0, 1.5574077367782593, -1.5574077367782593, -2.185039758682251, 0.5463024973869324, 0.7470223307609558, -6.405331134796143, NaN, NaN, NaN],
  asin: [0, -0, 1.5707963705062866, -1.5707963705062866, NaN, 0.5235987901687622, NaN, NaN, NaN, NaN, NaN],
  acos: [1.5707963705062866, 1.5707963705062866, 0, 3.1415927410125732, NaN, 1.0471975803375244, NaN, NaN, NaN, NaN, NaN],
  atan: [0, -0, 0.7853981256484985, -0.7853981256484985, 1.1071487665176392, 0.46364760398864746, -1.1902899742126465, 1.537475347518921, 1.5707963705062866, -1.5707963705062866, NaN],
  sinh: [0, -0, 1.175201177597046, -1.175201177597046, 3.6268603801727295, 0.5210952758789062, -6.050204753875732, 5343237111808.0, Infinity, -Infinity, NaN],
  cosh: [1.0, 1.0, 1.5430805683135986, 1.5430805683135986, 3.7621958255767822, 1.1276259422302246, 6.132289409637451, 5343237111808.0, Infinity, Infinity, NaN],
  asinh: [0, -0, 0.8813735842704773, -0.8813735842704773, 1.4436354637145996, 0.4812118411064148, -1.6472312211990356, 4.0946221351623535, Infinity, -Infinity, NaN],
  acosh: [NaN, NaN, 0, NaN, 1.316957950592041, NaN, NaN, 4.094066619873047, Infinity, NaN, NaN],
  atanh: [0, -0, Infinity, -Infinity, NaN, 0.5493061542510986, NaN, NaN, NaN, NaN, NaN],
  erf: [0, -0, 0.8427007794380188, -0.8427007794380188, 0.9953222870826721, 0.5204998850822449, -0.9995930194854736, 1.0, 1.0, -1.0, NaN],
  erfc: [1.0, 1.0, 0.15729920566082, 1.8427008390426636, 0.004677735269069672, 0.4795001149177551, 1.9995930194854736, 0, 0, 2.0, NaN],
  erfinv: [0, -0, Infinity, -Infinity, NaN, 0.4769362807273865, NaN, NaN, NaN, NaN, NaN],
  log2: [-Infinity, -Infinity, 0, NaN, 1.0, -1.0, NaN, 4.906890392303467, Infinity, NaN, NaN],
  log10: [-Infinity, -Infinity, 0, NaN, 0.3010300099849701, -0.3010300099849701, NaN, 1.4771212339401245, Infinity, NaN, NaN],
  exp2: [1.0, 1.0, 2.0, 0.5, 4.0, 1.4142135381698608, 0.1767766922712326, 1073741824.0, Infinity, 0, NaN],
  frac: [0, 0, 0, 0, 0, 0.5, -0.5, 0, NaN, NaN, NaN],
  deg2rad: [0, -0, 0.01745329238474369, -0.01745329238474369, 0.03490658476948738, 0.008726646192371845, -0.04363323003053665, 0.5235987901687622, Infinity, -Infinity, NaN],
  rad2deg: [0, -0, 57.295780181884766, -57.295780181884766, 114.59156036376953, 28.647890090942383, -143.2394561767578, 1718.8734130859375, Infinity, -Infinity, NaN],
  logit: [-Infinity, -Infinity, Infinity, NaN, NaN, 0, NaN, NaN, NaN, NaN, NaN],
  logitEps: [-1.0986123085021973, -1.0986123085021973, 1.0986123085021973, -1.0986123085021973, 1.0986123085021973, 0, -1.0986123085021973, 1.0986123085021973, 1.0986123085021973, -1.0986123085021973, NaN],
  nanToNum: [0, -0, 1.0, -1.0, 2.0, 0.5, -2.5, 30.0, 3.4028234663852886e+38, -3.4028234663852886e+38, 0],
  // PyTorch computes pi * x in float: sin(pi * 1) is then -2.78e-8, not ~0 (see the tolerance below).
  sinc: [1.0, 1.0, -2.7827534054836178e-08, -2.7827534054836178e-08, 2.7827534054836178e-08, 0.6366197466850281, 0.1273239552974701, 2.530538445455477e-09, NaN, NaN, NaN],
  lgamma: [Infinity, Infinity, 0, Infinity, 0, 0.5723649263381958, -0.056243717670440674, 71.25704193115234, Infinity, Infinity, NaN],
  digamma: [-Infinity, Infinity, -0.5772159099578857, NaN, 0.4227842092514038, -1.9635108709335327, 1.1031566858291626, 3.3844382762908936, Infinity, NaN, NaN],
  i0: [0.9999999403953552, 0.9999999403953552, 1.2660659551620483, 1.2660659551620483, 2.279585123062134, 1.063483476638794, 3.289839506149292, 781672185856.0, NaN, NaN, NaN],
};
const PYTORCH_PREDICATES: Record<string, readonly number[]> = {
  isnan: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
  isinf: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0],
  isfinite: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
  signbit: [0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0],
};

/** X repeated to 176 values (above the native size threshold). */
function tiledSpecials(): Tensor {
  return torch.tensor(Array.from({ length: 16 }, () => X).flat(), { dtype: torch.float32 });
}

test("special values match PyTorch 1.13 on the native kernels: NaN, +-inf, signed zeros, domain edges", { skip: skipReason }, () => {
  const x = tiledSpecials();
  for (const [name, want] of Object.entries(PYTORCH_F32)) {
    const [y, routes] = routed(() => OPS[name]![0](x));
    assert.equal(routes, 1, `${name}: native routes`);
    const got = values(y).slice(0, X.length);
    got.forEach((g, i) => {
      const w = want[i]!, what = `${name}(${X[i]}): got ${g}, want ${w}`;
      if (Number.isNaN(w) || w === 0 || !Number.isFinite(w)) assert.ok(Object.is(g, w), what);
      // sinc at integers: ~0 here (pi * x in double) against PyTorch's float rounding of pi * x;
      // PyTorch's float digamma(1) is 4 ulps from the true value, which is what we give.
      else assert.ok(Math.abs(g - w) <= (name === "digamma" ? 1e-6 : 3e-7) * Math.abs(w) + (name === "sinc" ? 3e-8 : 0), what);
    });
  }
});

test("isnan/isinf/isfinite/signbit match PyTorch 1.13 on both backends", { skip: skipReason }, () => {
  const x = tiledSpecials();
  const preds: Record<string, Op> = { isnan: (t) => t.isnan(), isinf: (t) => t.isinf(), isfinite: (t) => t.isfinite(), signbit: (t) => t.signbit() };
  for (const [name, want] of Object.entries(PYTORCH_PREDICATES)) {
    for (const xs of [x, x.double(), x.view([16, 11]).t()]) {
      const [r, rJs] = nativeAndJs(() => preds[name]!(xs));
      assert.equal(r.dtype, torch.bool);
      const got = values(xs.isContiguous() ? r : r.t()).slice(0, X.length);
      assert.deepEqual(got, Array.from(want), `${name} ${xs.dtype.name}${xs.isContiguous() ? "" : " transposed"}`);
      assert.deepEqual(values(r), values(rJs), `${name}: native vs JS`);
    }
  }
  // A NaN with its sign bit set: signbit reads the bit natively, as PyTorch does.
  const neg = torch.zeros([600]);
  new Uint32Array((neg.storage.data as Float32Array).buffer, (neg.storage.data as Float32Array).byteOffset, 600).fill(0xffc00000);
  assert.equal(values(neg.signbit()).every((v) => v === 1), true, "signbit(-nan) is true");
});

test("autograd through the native kernels: the same gradients as the JS kernels", { skip: skipReason }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const name of ["sin", "cos", "tan", "asin", "atanh", "erfc", "erfinv", "lgamma", "digamma", "logit", "logitEps", "frac", "sinc", "nanToNum", "deg2rad", "abs", "rsqrt"]) {
      const [op, , domain] = OPS[name]!;
      const base = input(domain, dtype, 7).narrow(0, 1, 15);  // no special values: finite gradients
      const probe = torch.rand(base.shape, { dtype });
      const [g, gJs] = nativeAndJs(() => {
        const x = base.clone().requiresGrad_();
        const y = op(x);
        assert.ok(y.gradFn, `${name}: recorded`);
        y.mul(probe).sum().backward();
        return x.grad!;
      });
      assertClose(g, gJs, dtype, `${name} grad ${dtype}`);
      // sum()'s backward hands a broadcast gradient (one value expanded) to the op's vjp.
      const [gs, gsJs] = nativeAndJs(() => {
        const x = base.clone().requiresGrad_();
        op(x).sum().backward();
        return x.grad!;
      });
      assertClose(gs, gsJs, dtype, `${name} grad of sum ${dtype}`);
    }
  }
});

test("float32 rsqrt gives PyTorch's bits (1 / sqrt in float, not the double formula rounded)", { skip: skipReason }, () => {
  // torch 1.13; 7 and 0.001 are where the double formula rounds to another float.
  const x = [0.30000001192092896, 2.0, 3.0, 7.0, 0.0010000000474974513, 123.45600128173828, 4.9999999241216036e+30, 0.699999988079071, 11.0, 9.999999682655225e-21];
  const want = [1.8257417678833008, 0.7071067690849304, 0.5773502588272095, 0.37796449661254883, 31.622774124145508, 0.09000028669834137, 4.472135967551285e-16, 1.1952285766601562, 0.30151134729385376, 10000000000.0];
  const t = torch.tensor(Array.from({ length: 20 }, () => x).flat(), { dtype: torch.float32 });
  const [r, routes] = routed(() => t.rsqrt());
  assert.equal(routes, 1);
  assert.deepEqual(values(r).slice(0, x.length), want);
});
