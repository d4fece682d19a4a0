// Pointwise, comparison and activation ops: type promotion, int64 exactness, in-place forms,
// gradients (finite differences on float64, first and second order), node names and bad inputs.
// Expected values come from PyTorch (Debian's 1.13, checked against 2.x's sources where they
// differ) or from exact BigInt arithmetic.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { defaultGenerator } from "../src/core/generator.js";
import { rng } from "./support/random.js";

type Tensor = torch.Tensor;
const F = torch.nn.functional;

// ---------- helpers ----------

const rand = rng(1234);

/** A float64 leaf with values uniform in [lo, hi). */
function leaf(shape: number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(Array.from({ length: n }, () => lo + (hi - lo) * rand()), { dtype: "float64" }).reshape(shape).requiresGrad_(true);
}

function values(t: Tensor): number[] {
  return t.reshape(-1).tolist() as number[];
}

function close(actual: number[], expected: number[], tol = 1e-6, what = ""): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} vs NaN`); return; }
    if (a === e) return;
    assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  });
}

/**
 * Checks autograd's gradient of sum(w * f(inputs)) against central differences, element by
 * element (inputs: contiguous float64 leaves, perturbed in their storage).
 */
function gradcheck(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-6, tol = 1e-5): void {
  const out0 = f(...inputs);
  const w = torch.tensor(Array.from({ length: out0.numel() }, () => rand() * 2 - 1), { dtype: "float64" }).reshape(out0.shape);
  const loss = (): number => Number(torch.noGrad(() => f(...inputs).mul(w).sum()).item());
  const analytic = torch.autograd.grad([f(...inputs).mul(w).sum()], inputs, { allowUnused: true });
  inputs.forEach((x, i) => {
    const data = x.storage.data as Float64Array;
    const g = analytic[i] ? values(analytic[i]!) : new Array<number>(x.numel()).fill(0);
    for (let j = 0; j < x.numel(); j++) {
      const orig = data[j]!;
      data[j] = orig + eps; const fp = loss();
      data[j] = orig - eps; const fm = loss();
      data[j] = orig;
      const num = (fp - fm) / (2 * eps);
      assert.ok(Math.abs(num - g[j]!) <= tol * (1 + Math.abs(num)), `${name}: d/dinput${i}[${j}] analytic ${g[j]} vs numeric ${num}`);
    }
  });
}

/** Second order: the gradient of <grad f, v> (createGraph) against differences of the first gradient. */
function gradgradcheck(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-6, tol = 1e-4): void {
  const out0 = f(...inputs);
  const w = torch.tensor(Array.from({ length: out0.numel() }, () => rand() * 2 - 1), { dtype: "float64" }).reshape(out0.shape);
  const vs = inputs.map((x) => torch.tensor(Array.from({ length: x.numel() }, () => rand() * 2 - 1), { dtype: "float64" }).reshape(x.shape));
  const inner = (create: boolean): Tensor => {
    const gs = torch.autograd.grad([f(...inputs).mul(w).sum()], inputs, { createGraph: create, allowUnused: true });
    let s = torch.zeros([], { dtype: "float64" });
    gs.forEach((g, k) => { if (g) s = s.add(g.mul(vs[k]!).sum()); });
    return s;
  };
  const s = inner(true);
  const analytic = s.requiresGrad ? torch.autograd.grad([s], inputs, { allowUnused: true }) : inputs.map(() => null);
  inputs.forEach((x, i) => {
    const data = x.storage.data as Float64Array;
    const g = analytic[i] ? values(analytic[i]!) : new Array<number>(x.numel()).fill(0);
    for (let j = 0; j < x.numel(); j++) {
      const orig = data[j]!;
      data[j] = orig + eps; const fp = Number(inner(false).item());
      data[j] = orig - eps; const fm = Number(inner(false).item());
      data[j] = orig;
      const num = (fp - fm) / (2 * eps);
      assert.ok(Math.abs(num - g[j]!) <= tol * (1 + Math.abs(num)), `${name}: second derivative wrt input${i}[${j}] analytic ${g[j]} vs numeric ${num}`);
    }
  });
}

/** Values kept at least `gap` away from the kinks `at` (for piecewise functions). */
function away(shape: number[], at: number[], lo = -4, hi = 4, gap = 0.05): Tensor {
  const t = leaf(shape, lo, hi);
  const d = t.storage.data as Float64Array;
  for (let i = 0; i < d.length; i++) for (const k of at) if (Math.abs(d[i]! - k) < gap) d[i] = k + gap * 2;
  return t;
}

function dtypeOf(t: Tensor): string { return t.dtype.name; }

// ---------- type promotion ----------

describe("type promotion", () => {
  const i64 = torch.tensor([1, 2, 3]);
  const i32 = torch.tensor([1, 2, 3], { dtype: "int32" });
  const u8 = torch.tensor([1, 2, 250], { dtype: "uint8" });
  const i8 = torch.tensor([1, -2, 3], { dtype: "int8" });
  const b = torch.tensor([true, false, true]);
  const f16 = torch.tensor([1, 2, 3], { dtype: "float16" });

  test("int tensor with a float scalar is float32; int / int is float32", () => {
    assert.equal(dtypeOf(i64.add(1.5)), "float32");
    assert.equal(dtypeOf(i64.mul(0.5)), "float32");
    assert.equal(dtypeOf(i64.div(i64)), "float32");
    assert.deepEqual(i64.div(torch.tensor([2, 4, 6])).tolist(), [0.5, 0.5, 0.5]);
    assert.equal(dtypeOf(torch.sqrt(i64)), "float32");
    assert.equal(dtypeOf(torch.atan2(i64, i64)), "float32");
    assert.equal(dtypeOf(torch.pow(i64, 2.5)), "float32");
  });

  test("uint8 with int8 is int16; scalars do not widen tensors", () => {
    assert.equal(dtypeOf(u8.add(i8)), "int16");
    assert.deepEqual(u8.add(i8).tolist(), [2, 0, 253]);
    assert.equal(dtypeOf(torch.maximum(u8, i8)), "int16");
    assert.equal(dtypeOf(i32.add(100)), "int32");
    assert.equal(dtypeOf(i32.add(torch.tensor(5))), "int32"); // 0-d int64 does not widen int32
    assert.equal(dtypeOf(f16.add(torch.tensor(1.5, { dtype: "float64" }))), "float16");
    assert.equal(dtypeOf(i32.add(torch.tensor(1.5, { dtype: "float64" }))), "float64");
    assert.equal(dtypeOf(torch.where(torch.tensor([true, false, true]), i32, 2.5)), "float32");
    assert.equal(dtypeOf(torch.where(torch.tensor([true, false, true]), i32, f16)), "float16");
  });

  test("bool ops", () => {
    assert.deepEqual(b.add(torch.tensor([true, true, false])).tolist(), [true, true, true]);
    assert.deepEqual(b.mul(torch.tensor([true, true, false])).tolist(), [true, false, false]);
    assert.equal(dtypeOf(b.add(1)), "int64");
    assert.equal(dtypeOf(torch.square(b)), "int64");
    assert.equal(dtypeOf(torch.exp(b)), "float32");
    assert.deepEqual(torch.maximum(b, torch.tensor([false, true, false])).tolist(), [true, true, true]);
    assert.deepEqual(torch.bitwiseXor(b, torch.tensor([true, true, false])).tolist(), [false, true, true]);
    assert.deepEqual(torch.logicalNot(b).tolist(), [false, true, false]);
    assert.deepEqual(torch.sign(b).tolist(), [true, false, true]);
    assert.throws(() => torch.neg(b), /Negation, the `-` operator, on a bool tensor is not supported/);
    assert.throws(() => b.sub(b), /Subtraction, the `-` operator, with a bool tensor is not supported/);
    assert.throws(() => torch.abs(b), /"abs_cpu" not implemented for 'Bool'/);
    assert.throws(() => torch.pow(b, b), /"pow" not implemented for 'Bool'/);
  });

  test("comparisons give bool and compare in the promoted dtype", () => {
    assert.equal(dtypeOf(i64.lt(2.5)), "bool");
    assert.deepEqual(i64.lt(2.5).tolist(), [true, true, false]);
    // int64 16777217 vs float32 16777216: compared as float32, as PyTorch does.
    assert.deepEqual(torch.eq(torch.tensor([16777217]), torch.tensor([16777216], { dtype: "float32" })).tolist(), [true]);
    // A float32 tensor compared with a 0-d float64 tensor: the 0-d value is rounded to float32.
    assert.deepEqual(torch.tensor([0.1], { dtype: "float32" }).eq(torch.tensor(0.1, { dtype: "float64" })).tolist(), [true]);
    assert.deepEqual(torch.tensor([NaN, 1]).ne(torch.tensor([NaN, 1])).tolist(), [true, false]);
  });
});

// ---------- int64 exactness ----------

describe("int64 is exact beyond 2^53", () => {
  const big = 2n ** 60n + 12345n, big2 = -(2n ** 55n) - 7n;
  const a = torch.tensor([big, big2, 9007199254740993n]);
  const b = torch.tensor([3n, 2n ** 54n + 1n, -5n]);
  const expect = (t: Tensor, vals: bigint[]): void => {
    assert.equal(dtypeOf(t), "int64");
    assert.deepEqual((t.tolist() as (number | bigint)[]).map((v) => BigInt(v)), vals);
  };
  const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
  const floorDiv = (x: bigint, y: bigint): bigint => { const q = x / y; return (x % y !== 0n && (x < 0n) !== (y < 0n)) ? q - 1n : q; };
  const pyMod = (x: bigint, y: bigint): bigint => { const r = x % y; return r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r; };
  const av = [big, big2, 9007199254740993n], bv = [3n, 2n ** 54n + 1n, -5n];
  const pair = (f: (x: bigint, y: bigint) => bigint): bigint[] => av.map((x, i) => wrap(f(x, bv[i]!)));

  test("add / sub / mul (wrapping) / floor_divide / remainder / fmod", () => {
    expect(a.add(b), pair((x, y) => x + y));
    expect(a.sub(b), pair((x, y) => x - y));
    expect(a.mul(b), pair((x, y) => x * y));
    expect(torch.floorDivide(a, b), pair(floorDiv));
    expect(torch.remainder(a, b), pair(pyMod));
    expect(torch.fmod(a, b), pair((x, y) => x % y));
    expect(a.add(1), av.map((x) => x + 1n));
    expect(a.add(2n ** 62n), av.map((x) => wrap(x + 2n ** 62n)));
  });

  test("unary, min/max, clamp, pow, bitwise, shifts, where", () => {
    expect(torch.neg(a), av.map((x) => -x));
    expect(torch.abs(a), av.map((x) => (x < 0n ? -x : x)));
    expect(torch.sign(a), av.map((x) => (x > 0n ? 1n : x < 0n ? -1n : 0n)));
    expect(torch.maximum(a, b), pair((x, y) => (x > y ? x : y)));
    expect(torch.minimum(a, b), pair((x, y) => (x < y ? x : y)));
    expect(torch.clamp(a, -(2n ** 55n), 2n ** 58n), av.map((x) => (x < -(2n ** 55n) ? -(2n ** 55n) : x > 2n ** 58n ? 2n ** 58n : x)));
    expect(torch.pow(torch.tensor([3n, 7n]), 39), [wrap(3n ** 39n), wrap(7n ** 39n)]);
    expect(torch.bitwiseAnd(a, b), pair((x, y) => x & y));
    expect(torch.bitwiseXor(a, b), pair((x, y) => x ^ y));
    expect(torch.bitwiseNot(a), av.map((x) => ~x));
    expect(torch.bitwiseLeftShift(a, 2), av.map((x) => wrap(x << 2n)));
    expect(torch.bitwiseRightShift(a, 3), av.map((x) => x >> 3n));
    expect(torch.where(torch.tensor([true, false, true]), a, b), [big, 2n ** 54n + 1n, 9007199254740993n]);
    assert.deepEqual(a.eq(torch.tensor([big, big2 + 1n, 9007199254740992n])).tolist(), [true, false, false]);
    assert.deepEqual(a.gt(torch.tensor([big - 1n, big2, 9007199254740992n])).tolist(), [true, false, true]);
    assert.equal(torch.equal(a, torch.tensor([big, big2, 9007199254740992n])), false);
  });

  test("integer division by zero", () => {
    assert.throws(() => torch.remainder(torch.tensor([1]), torch.tensor([0])), /ZeroDivisionError/);
    assert.throws(() => torch.fmod(torch.tensor([1], { dtype: "int32" }), 0), /ZeroDivisionError/);
    assert.throws(() => torch.floorDivide(torch.tensor([1]), torch.tensor([0])), /ZeroDivisionError/);
  });
});

// ---------- integer semantics ----------

describe("integer kernels", () => {
  test("pow: exact, wrapping, negative exponents", () => {
    assert.deepEqual(torch.pow(torch.tensor([2, -1, 1, 3]), torch.tensor([-2, -3, -5, 2])).tolist(), [0, -1, 1, 9]);
    assert.deepEqual(torch.pow(torch.tensor([3, 5, 7], { dtype: "int32" }), 40).tolist(), [689956897, -1413876383, -142118463]);
    assert.deepEqual(torch.pow(torch.tensor([3, 5, 7], { dtype: "uint8" }), 5).tolist(), [243, 53, 167]);
    assert.deepEqual(torch.pow(2, torch.tensor([0, 3, -1])).tolist(), [1, 8, 0]);
    assert.throws(() => torch.pow(torch.tensor([2]), -2), /Integers to negative integer powers are not allowed\./);
  });

  test("remainder follows the divisor's sign; fmod the dividend's", () => {
    assert.deepEqual(torch.remainder(torch.tensor([-3, 3, -7, 7]), torch.tensor([2, -2, 3, -3])).tolist(), [1, -1, 2, -2]);
    assert.deepEqual(torch.fmod(torch.tensor([-3, 3, -7, 7]), torch.tensor([2, -2, 3, -3])).tolist(), [-1, 1, -1, 1]);
    close(values(torch.remainder(torch.tensor([-3, 3, -0.0, 5, 7.5]), torch.tensor([2, -2, 2, 0, -2]))), [1, -1, -0, NaN, -0.5]);
    assert.deepEqual(torch.remainder(-7, torch.tensor([3, -3])).tolist(), [2, -1]);
  });

  test("shifts saturate as in PyTorch 2", () => {
    const i8 = torch.tensor([100, -3, 5], { dtype: "int8" });
    assert.deepEqual(torch.bitwiseLeftShift(i8, torch.tensor([3, 2, 8], { dtype: "int8" })).tolist(), [32, -12, 0]);
    assert.deepEqual(torch.bitwiseRightShift(i8, torch.tensor([3, 9, -1], { dtype: "int8" })).tolist(), [12, -1, 0]);
    assert.deepEqual(torch.bitwiseLeftShift(torch.tensor([1, 1], { dtype: "int32" }), torch.tensor([31, 32], { dtype: "int32" })).tolist(), [-2147483648, 0]);
    assert.throws(() => torch.bitwiseLeftShift(torch.tensor([1.5]), 1), /"lshift_cpu" not implemented for 'Float'/);
  });

  test("rounding leaves integers alone; frac refuses them", () => {
    assert.deepEqual(torch.floor(torch.tensor([1, -2])).tolist(), [1, -2]);
    assert.equal(dtypeOf(torch.round(torch.tensor([1, -2], { dtype: "int32" }))), "int32");
    assert.throws(() => torch.frac(torch.tensor([1])), /"frac_cpu" not implemented for 'Long'/);
    assert.throws(() => torch.floor(torch.tensor([true])), /not implemented for 'Bool'/);
  });

  test("clamp and friends on integers", () => {
    assert.deepEqual(torch.tensor([-5, 0, 5]).clamp(-2, 3).tolist(), [-2, 0, 3]);
    assert.equal(dtypeOf(torch.tensor([-5, 0, 5]).clamp(0.5)), "float32");
    assert.deepEqual(torch.tensor([1, 2, 3]).clamp(2, 1).tolist(), [1, 1, 1]);
    assert.deepEqual(F.hardtanh(torch.tensor([-5, 0, 5]), -2.5, 3.7).tolist(), [-2, 0, 3]);
    assert.deepEqual(torch.gcd(torch.tensor([12, -18, 0]), torch.tensor([8, 12, 5])).tolist(), [4, 6, 5]);
    assert.deepEqual(torch.lcm(torch.tensor([4, -6, 0]), torch.tensor([6, 4, 5])).tolist(), [12, 12, 0]);
  });
});

// ---------- float semantics ----------

describe("float kernels", () => {
  test("round is half to even, with decimals in float32 like PyTorch", () => {
    assert.deepEqual(torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999])).tolist(), [0, 2, 2, -0, -2, -2, 2]);
    close(values(torch.round(torch.tensor([0.25, 0.35, 1.25, -0.15, 2.675]), { decimals: 2 })), [0.25, 0.3499999940395355, 1.25, -0.15000000596046448, 2.680000066757202], 0);
    assert.deepEqual(torch.round(torch.tensor([1234.5, 15, 25, -35]), { decimals: -1 }).tolist(), [1230, 20, 20, -40]);
  });

  test("NaN and infinity rules", () => {
    const x = torch.tensor([NaN, 1, -Infinity]);
    close(values(torch.maximum(x, torch.tensor([1, NaN, 0]))), [NaN, NaN, 0]);
    close(values(torch.fmax(x, torch.tensor([1, NaN, 0]))), [1, 1, 0]);
    close(values(torch.clamp(torch.tensor([1, NaN, 3]), 2)), [2, NaN, 3]);
    close(values(torch.relu(torch.tensor([NaN, -1, 2]))), [NaN, 0, 2]);
    close(values(torch.sign(torch.tensor([NaN, -0.0, 3]))), [0, 0, 1]);
    assert.deepEqual(torch.signbit(torch.tensor([-0.0, 0, -1, NaN])).tolist(), [true, false, true, false]);
    close(values(torch.nanToNum(torch.tensor([NaN, Infinity, -Infinity]))), [0, 3.4028234663852886e38, -3.4028234663852886e38]);
    close(values(torch.nanToNum(torch.tensor([NaN, Infinity, -Infinity], { dtype: "float16" }), 1.5, 10)), [1.5, 10, -65504]);
    close(values(torch.pow(torch.tensor([1, -1, NaN], { dtype: "float64" }), torch.tensor([NaN, Infinity, 0], { dtype: "float64" }))), [1, 1, 1]);
    close(values(torch.logaddexp(torch.tensor([Infinity, -Infinity, -1000]), torch.tensor([Infinity, -Infinity, -1000]))), [Infinity, -Infinity, -999.3068237304688], 1e-6);
    close(values(torch.xlogy(torch.tensor([0, 0, 2, 1]), torch.tensor([0, NaN, 3, -1]))), [0, NaN, 2 * Math.log(3), NaN], 1e-6);
    close(values(torch.copysign(torch.tensor([1, 2]), torch.tensor([-0.0, 0], { dtype: "float32" }))), [-1, 2]);
    close(values(torch.heaviside(torch.tensor([NaN, 0, -1, 2]), torch.tensor([5], { dtype: "float32" }))), [0, 5, 0, 1]);
  });

  test("frexp, nextafter, angle", () => {
    const [m, e] = torch.frexp(torch.tensor([0, 1, -3.5, 1e-40, 5e-324, Infinity, 0.75], { dtype: "float64" }));
    close(values(m), [0, 0.5, -0.875, 0.5444517870735015, 0.5, Infinity, 0.75], 0);
    assert.deepEqual(e!.tolist(), [0, 1, 2, -132, -1073, 0, 0]);
    assert.equal(dtypeOf(e!), "int32");
    assert.deepEqual(torch.nextafter(torch.tensor([1, 0, -1], { dtype: "float32" }), torch.tensor([2, -1, 0], { dtype: "float32" })).tolist(),
      [1.0000001192092896, -1.401298464324817e-45, -0.9999999403953552]);
    close(values(torch.angle(torch.tensor([-1, 0, 2, NaN]))), [3.1415927410125732, 0, 0, NaN], 0);
  });

  test("isclose / allclose / equal", () => {
    assert.deepEqual(torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3])).tolist(), [true, false]);
    assert.deepEqual(torch.isclose(torch.tensor([Infinity, NaN, 1, 1]), torch.tensor([Infinity, NaN, 1.0000001, 1.1]), { equalNan: true }).tolist(), [true, true, true, false]);
    assert.deepEqual(torch.isclose(torch.tensor([NaN]), torch.tensor([NaN])).tolist(), [false]);
    assert.equal(torch.allclose(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([1, 2.000001])), true);
    assert.equal(torch.allclose(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([1, 2.1])), false);
    assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])), true);
    assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([1])), false);
    assert.equal(torch.equal(torch.tensor([NaN]), torch.tensor([NaN])), false);
    assert.throws(() => torch.isclose(torch.tensor([1]), torch.tensor([1], { dtype: "float64" })), /Long did not match Double/);
    assert.throws(() => torch.isclose(torch.tensor([1.5]), torch.tensor([1.5]), -1), /rtol must be greater than or equal to zero, but got -1/);
  });

  test("special functions match PyTorch", () => {
    const x = torch.tensor([0.3, 1.7, 4.2], { dtype: "float64" });
    close(values(torch.erf(x)), [0.3286267594591274, 0.9837904585907745, 0.9999999971445058], 1e-14);
    close(values(torch.erfinv(torch.tensor([0.3, -0.9, 0.999], { dtype: "float64" }))), [0.2724627147267544, -1.1630871536766743, 2.3267537655135153], 1e-13);
    close(values(torch.lgamma(torch.tensor([0.3, 1.7, -2.5, 100], { dtype: "float64" }))), [1.0957979948180756, -0.09580769740706588, -0.05624371649767405, 359.1342053695754], 1e-12);
    close(values(torch.digamma(torch.tensor([0.3, 1.7, -2.5], { dtype: "float64" }))), [-3.502524222200133, 0.20854787487349372, 1.1031566406452433], 1e-12);
    close(values(torch.polygamma(2, x)), [-75.27253658872601, -0.6040890841034592, -0.0717648505531312], 1e-11);
    close(values(torch.i0(x)), [1.0226268793515967, 1.8639649620738397, 13.44245616329765], 1e-13);
    close(values(torch.mvlgamma(torch.tensor([2.5, 3.1], { dtype: "float64" }), 3)), [1.8809954616117743, 2.907319514141428], 1e-12);
    close(values(torch.sinc(torch.tensor([0, 0.5, 2], { dtype: "float64" }))), [1, 0.6366197723675814, -3.8981718325193755e-17], 1e-15);
    close(values(torch.logit(torch.tensor([0.05, 0.5, 0.99], { dtype: "float64" }), 0.1)), [-2.197224577336219, 0, 2.1972245773362196], 1e-14);
  });

  test("lerp, addcmul, addcdiv", () => {
    const a = torch.tensor([1, 2, 3], { dtype: "float64" }), b = torch.tensor([5, 0, -1], { dtype: "float64" });
    close(values(torch.lerp(a, b, 0.25)), [2, 1.5, 2]);
    close(values(torch.lerp(a, b, torch.tensor([0, 1, 0.5], { dtype: "float64" }))), [1, 0, 1]);
    close(values(torch.addcmul(a, a, b, { value: 0.5 })), [3.5, 2, 1.5]);
    close(values(torch.addcdiv(a, a, b, { value: 2 })), [1.4, Infinity, -3]);
    assert.deepEqual(torch.addcmul(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6]), { value: 2 }).tolist(), [31, 50]);
    assert.throws(() => torch.lerp(a, b.float(), 0.5), /expected dtype double for `end` but got dtype float/);
    assert.throws(() => torch.addcdiv(torch.tensor([1]), torch.tensor([1]), torch.tensor([2])), /Integer division with addcdiv is no longer supported/);
  });
});

// ---------- in-place forms ----------

describe("in-place forms", () => {
  test("write into self, keep the dtype, bump the version", () => {
    const x = torch.tensor([1.5, -2, 3]);
    const v0 = x._version;
    assert.equal(x.clamp_(-1, 2), x);
    assert.deepEqual(x.tolist(), [1.5, -1, 2]);
    assert.ok(x._version > v0);
    const i = torch.tensor([1, 2, 3]);
    i.mul_(2).add_(1);
    assert.deepEqual(i.tolist(), [3, 5, 7]);
    assert.equal(dtypeOf(i), "int64");
    const f = torch.tensor([0.5, 1.5, 2.5]);
    f.eq_(1.5);
    assert.deepEqual(f.tolist(), [0, 1, 0]);
    assert.equal(dtypeOf(f), "float32");
    const g = torch.tensor([3, -7]);
    g.remainder_(3);
    assert.deepEqual(g.tolist(), [0, 2]);
    const big = torch.tensor([2n ** 60n + 1n]);
    big.neg_();
    assert.deepEqual(big.tolist(), [-(2n ** 60n) - 1n]);
    assert.throws(() => torch.tensor([1, 2, 3]).sqrt_(), /result type Float can't be cast to the desired output type Long/);
  });

  test("casting a float result into an integer tensor is an error", () => {
    assert.throws(() => torch.tensor([1, 2]).add_(1.5), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => torch.tensor([1, 2]).div_(2), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => torch.tensor([1, 2]).exp_(), /result type Float can't be cast to the desired output type Long/);
    assert.throws(() => torch.tensor([1, 2], { dtype: "int32" }).clamp_(0.5), /result type Float can't be cast to the desired output type Int/);
    assert.throws(() => torch.tensor([1.5]).floatPower_(2), /the base given to float_power_ has dtype Float but the operation's result requires dtype Double/);
  });

  test("a leaf that requires grad cannot be modified in place", () => {
    const x = leaf([3]);
    for (const f of [(t: Tensor) => t.relu_(), (t: Tensor) => t.sigmoid_(), (t: Tensor) => t.clamp_(0), (t: Tensor) => t.pow_(2), (t: Tensor) => F.relu(t, { inplace: true })]) {
      assert.throws(() => f(x), /a leaf Variable that requires grad is being used in an in-place operation/);
    }
    torch.noGrad(() => x.mul_(2)); // allowed without grad mode
  });

  test("in-place on a graph tensor records the op (gradients flow)", () => {
    const x = leaf([4], 0.2, 2);
    const y = x.mul(2);
    y.sigmoid_();
    y.pow_(2);
    assert.equal(y.gradFn!.name(), "PowBackward0");
    y.sum().backward();
    const s = values(x.detach().mul(2).sigmoid());
    close(values(x.grad!), s.map((v) => 2 * v * v * (1 - v) * 2), 1e-12);
  });

  test("F.* inplace=True modifies the input", () => {
    const x = torch.tensor([-1, 0.5, 3]);
    assert.equal(F.relu(x, true), x);
    assert.deepEqual(x.tolist(), [0, 0.5, 3]);
    F.hardtanh_(x, 0, 1);
    assert.deepEqual(x.tolist(), [0, 0.5, 1]);
    const l = torch.tensor([-1.5]);
    F.leakyRelu_(l, 0.2);
    close(values(l), [-0.3]);
    F.elu(x, { alpha: 1, inplace: true });
    assert.deepEqual(x.tolist(), [0, 0.5, 1]);
  });
});

// ---------- gradients ----------

describe("gradients match finite differences (float64)", () => {
  const unary: [string, (x: Tensor) => Tensor, number, number][] = [
    ["abs", torch.abs, 0.3, 2], ["exp", torch.exp, -2, 2], ["exp2", torch.exp2, -2, 2], ["expm1", torch.expm1, -2, 2],
    ["log", torch.log, 0.2, 3], ["log2", torch.log2, 0.2, 3], ["log10", torch.log10, 0.2, 3], ["log1p", torch.log1p, -0.8, 3],
    ["sqrt", torch.sqrt, 0.2, 3], ["rsqrt", torch.rsqrt, 0.2, 3], ["reciprocal", torch.reciprocal, 0.3, 3], ["square", torch.square, -2, 2],
    ["sin", torch.sin, -3, 3], ["cos", torch.cos, -3, 3], ["tan", torch.tan, -1.2, 1.2], ["asin", torch.asin, -0.9, 0.9],
    ["acos", torch.acos, -0.9, 0.9], ["atan", torch.atan, -3, 3], ["sinh", torch.sinh, -2, 2], ["cosh", torch.cosh, -2, 2],
    ["tanh", torch.tanh, -2, 2], ["asinh", torch.asinh, -2, 2], ["acosh", torch.acosh, 1.1, 3], ["atanh", torch.atanh, -0.9, 0.9],
    ["sigmoid", torch.sigmoid, -4, 4], ["logit", (x) => torch.logit(x), 0.05, 0.95], ["logit eps", (x) => torch.logit(x, 0.2), 0.05, 0.95],
    ["erf", torch.erf, -2, 2], ["erfc", torch.erfc, -2, 2], ["erfinv", torch.erfinv, -0.9, 0.9], ["lgamma", torch.lgamma, 0.2, 4],
    ["digamma", torch.digamma, 0.2, 4], ["polygamma1", (x) => torch.polygamma(1, x), 0.5, 4], ["polygamma3", (x) => torch.polygamma(3, x), 0.5, 4],
    ["mvlgamma", (x) => torch.mvlgamma(x, 2), 1, 4], ["i0", torch.i0, -3, 3], ["sinc", torch.sinc, -2, 2],
    ["deg2rad", torch.deg2rad, -90, 90], ["rad2deg", torch.rad2deg, -2, 2], ["frac", torch.frac, 0.1, 0.9], ["nan_to_num", (x) => torch.nanToNum(x), -2, 2],
    ["clamp scalar", (x) => torch.clamp(x, -0.5, 0.7), -2, 2], ["clamp_min", (x) => torch.clampMin(x, 0.3), -2, 2],
    ["pow 2.5", (x) => torch.pow(x, 2.5), 0.2, 2], ["pow 3", (x) => torch.pow(x, 3), -2, 2], ["pow -0.5", (x) => torch.pow(x, -0.5), 0.2, 2],
    ["float_power", (x) => torch.floatPower(x, 1.5), 0.2, 2], ["2 ** x", (x) => torch.pow(2, x), -2, 2], ["xlogy scalar", (x) => torch.xlogy(x, 3), -2, 2],
    ["relu", torch.relu, -2, 2], ["selu", torch.selu, -2, 2], ["celu", (x) => torch.celu(x, 1.3), -2, 2], ["threshold", (x) => torch.threshold(x, 0.1, 9), -2, 2],
    ["hardshrink", (x) => torch.hardshrink(x, 0.4), -2, 2], ["rrelu eval", (x) => torch.rrelu(x), -2, 2],
    ["F.gelu", (x) => F.gelu(x), -3, 3], ["F.gelu tanh", (x) => F.gelu(x, { approximate: "tanh" }), -3, 3], ["F.silu", (x) => F.silu(x), -3, 3],
    ["F.mish", (x) => F.mish(x), -3, 3], ["F.softplus", (x) => F.softplus(x, 2, 3), -3, 3], ["F.elu", (x) => F.elu(x, 0.7), -3, 3],
    ["F.leaky_relu", (x) => F.leakyRelu(x, 0.2), -3, 3], ["F.hardtanh", (x) => F.hardtanh(x, -0.5, 0.7), -3, 3], ["F.relu6", (x) => F.relu6(x.mul(4)), -3, 3],
    ["F.hardsigmoid", (x) => F.hardsigmoid(x), -4, 4], ["F.hardswish", (x) => F.hardswish(x), -4, 4], ["F.logsigmoid", (x) => F.logsigmoid(x), -5, 5],
    ["F.softshrink", (x) => F.softshrink(x, 0.3), -2, 2], ["F.tanhshrink", (x) => F.tanhshrink(x), -2, 2], ["F.softsign", (x) => F.softsign(x), -2, 2],
  ];
  const kinks: Record<string, number[]> = {
    "abs": [0], "clamp scalar": [-0.5, 0.7], "clamp_min": [0.3], "relu": [0], "threshold": [0.1], "hardshrink": [-0.4, 0.4], "rrelu eval": [0],
    "F.leaky_relu": [0], "F.hardtanh": [-0.5, 0.7], "F.relu6": [0, 1.5], "F.hardsigmoid": [-3, 3], "F.hardswish": [-3, 3], "F.softshrink": [-0.3, 0.3],
    "F.softplus": [1.5], "logit eps": [0.2, 0.8], "selu": [0], "celu": [0], "F.elu": [0], "frac": [0],
  };
  for (const [name, f, lo, hi] of unary) {
    test(name, () => gradcheck(name, f, [kinks[name] ? away([7], kinks[name]!, lo, hi) : leaf([7], lo, hi)]));
  }

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, [number, number], [number, number], number[]?][] = [
    ["pow", (a, b) => torch.pow(a, b), [0.2, 2], [-2, 2]], ["atan2", torch.atan2, [-2, 2], [-2, 2]], ["hypot", torch.hypot, [-2, 2], [-2, 2]],
    ["copysign", torch.copysign, [0.2, 2], [-2, 2]], ["fmod", torch.fmod, [-3, 3], [0.7, 1.3]], ["remainder", torch.remainder, [-3, 3], [0.7, 1.3]],
    ["maximum", torch.maximum, [-2, 2], [-2, 2]], ["minimum", torch.minimum, [-2, 2], [-2, 2]], ["fmax", torch.fmax, [-2, 2], [-2, 2]],
    ["fmin", torch.fmin, [-2, 2], [-2, 2]], ["xlogy", (a, b) => torch.xlogy(a, b), [-2, 2], [0.2, 2]], ["logaddexp", torch.logaddexp, [-2, 2], [-2, 2]],
    ["logaddexp2", torch.logaddexp2, [-2, 2], [-2, 2]], ["ldexp", (a, b) => torch.ldexp(a, b), [-2, 2], [-2, 2]],
    ["lerp scalar", (a, b) => torch.lerp(a, b, 0.3), [-2, 2], [-2, 2]], ["clamp_max tensor", (a, b) => torch.clampMax(a, b), [-2, 2], [-2, 2]],
    ["where", (a, b) => torch.where(a.detach().gt(0), a, b), [-2, 2], [-2, 2]],
  ];
  for (const [name, f, ra, rb] of binary) {
    test(name, () => {
      const a = leaf([3, 4], ...ra), b = leaf([4], ...rb);
      // Keep a and b apart (max/min/fmod kinks) and away from integer quotients.
      const ad = a.storage.data as Float64Array;
      ad.forEach((v, i) => { if (Math.abs(v - (b.storage.data as Float64Array)[i % 4]!) < 0.05) ad[i] = v + 0.2; });
      if (name === "fmod" || name === "remainder") ad.forEach((v, i) => { const q = v / (b.storage.data as Float64Array)[i % 4]!; if (Math.abs(q - Math.round(q)) < 0.05) ad[i] = v + 0.1; });
      gradcheck(name, f, [a, b]);
    });
  }

  test("ternary ops and tensor bounds", () => {
    gradcheck("lerp tensor", (a, b, w) => torch.lerp(a, b, w), [leaf([3, 4]), leaf([4]), leaf([3, 1])]);
    gradcheck("addcmul", (a, b, c) => torch.addcmul(a, b, c, { value: 0.5 }), [leaf([3, 4]), leaf([3, 4]), leaf([4])]);
    gradcheck("addcdiv", (a, b, c) => torch.addcdiv(a, b, c, { value: -0.3 }), [leaf([3, 4]), leaf([3, 4]), leaf([4], 0.5, 2)]);
    gradcheck("clamp tensor", (x, lo, hi) => torch.clamp(x, lo, hi), [away([3, 4], [-0.6, 0.6]), leaf([4], -0.5, -0.1), leaf([3, 1], 0.1, 0.5)]);
    gradcheck("clamp min > max", (x, lo, hi) => torch.clamp(x, lo, hi), [leaf([4]), leaf([4], 0.5, 1), leaf([4], -1, -0.5)]);
  });

  test("softmax family, glu, prelu", () => {
    for (const dim of [0, 1, -1]) {
      gradcheck(`softmax ${dim}`, (x) => F.softmax(x, dim), [leaf([3, 4, 2])]);
      gradcheck(`log_softmax ${dim}`, (x) => F.logSoftmax(x, dim), [leaf([3, 4, 2])]);
    }
    gradcheck("softmin", (x) => F.softmin(x, 1), [leaf([3, 4])]);
    gradcheck("softmax strided input", (x) => torch.softmax(x.t(), 1), [leaf([4, 3])]);
    gradcheck("glu", (x) => F.glu(x, 0), [leaf([4, 3])]);
    gradcheck("prelu", (x, w) => F.prelu(x, w), [away([2, 3, 4], [0]), leaf([3])]);
    gradcheck("prelu shared", (x, w) => F.prelu(x, w), [away([2, 3], [0]), leaf([1])]);
  });

  test("second derivatives (createGraph)", () => {
    for (const [name, f, lo, hi] of unary) {
      if (["frac", "relu", "threshold", "hardshrink", "F.hardtanh", "F.relu6", "F.softshrink", "F.leaky_relu", "rrelu eval", "clamp scalar", "clamp_min"].includes(name)) continue;
      gradgradcheck(name, f, [kinks[name] ? away([4], kinks[name]!, lo, hi) : leaf([4], lo, hi)]);
    }
    gradgradcheck("softmax", (x) => F.softmax(x, 1), [leaf([2, 3])]);
    gradgradcheck("log_softmax", (x) => F.logSoftmax(x, 0), [leaf([2, 3])]);
    gradgradcheck("pow", (a, b) => torch.pow(a, b), [leaf([3], 0.2, 2), leaf([3])]);
    gradgradcheck("atan2", (a, b) => torch.atan2(a, b), [leaf([3]), leaf([3])]);
    gradgradcheck("glu", (x) => F.glu(x), [leaf([2, 4])]);
    gradgradcheck("addcdiv", (a, b, c) => torch.addcdiv(a, b, c), [leaf([3]), leaf([3]), leaf([3], 0.5, 2)]);
  });

  test("relu-like second derivative is zero, but the graph is kept", () => {
    const x = leaf([3]);
    const [g] = torch.autograd.grad([F.relu(x).sum()], [x], { createGraph: true });
    assert.ok(g!.requiresGrad);
    const [gg] = torch.autograd.grad([g!.sum()], [x], { allowUnused: true });
    assert.deepEqual(values(gg!), [0, 0, 0]);
  });
});

// ---------- node names ----------

test("PyTorch's node names", () => {
  const x = leaf([2, 3], 0.2, 0.8), y = leaf([2, 3], 0.2, 0.8), w = leaf([3]);
  const cases: [Tensor, string][] = [
    [torch.abs(x), "AbsBackward0"], [torch.exp2(x), "Exp2Backward0"], [torch.log1p(x), "Log1PBackward0"], [torch.square(x), "PowBackward0"],
    [torch.round(x), "RoundBackward0"], [torch.round(x, { decimals: 2 }), "RoundBackward1"], [torch.fix(x), "TruncBackward0"],
    [torch.clamp(x, 0.1, 0.5), "ClampBackward1"], [torch.clamp(x, y), "ClampBackward0"], [torch.clampMin(x, 0.1), "ClampMinBackward0"],
    [torch.clampMin(x, y), "ClampMinBackward1"], [torch.pow(x, 2), "PowBackward0"], [torch.pow(x, y), "PowBackward1"], [torch.pow(2, x), "PowBackward2"],
    [torch.floatPower(x, 2), "PowBackward0"], [torch.atan2(x, y), "Atan2Backward0"], [torch.fmod(x, y), "FmodBackward1"], [torch.fmod(x, 2), "FmodBackward0"],
    [torch.remainder(x, y), "RemainderBackward1"], [torch.remainder(x, 2), "RemainderBackward0"], [torch.copysign(x, -1), "CopysignBackward1"],
    [torch.xlogy(x, y), "XlogyBackward0"], [torch.xlogy(2, y), "XlogyBackward1"], [torch.xlogy(x, 2), "XlogyBackward2"],
    [torch.lerp(x, y, 0.5), "LerpBackward0"], [torch.lerp(x, y, w), "LerpBackward1"], [torch.addcmul(x, y, w), "AddcmulBackward0"],
    [torch.where(x.gt(0.5), x, y), "WhereBackward0"], [torch.ldexp(x, y), "MulBackward0"], [torch.nanToNum(x), "NanToNumBackward0"],
    [torch.logit(x), "LogitBackward0"], [torch.polygamma(2, x), "PolygammaBackward0"], [torch.sinc(x), "SincBackward0"],
    [torch.relu(x), "ReluBackward0"], [torch.selu(x), "EluBackward0"], [torch.celu(x), "CeluBackward0"], [torch.rrelu(x), "RreluWithNoiseBackward0"],
    [F.relu6(x), "HardtanhBackward0"], [F.gelu(x), "GeluBackward0"], [F.silu(x), "SiluBackward0"], [F.mish(x), "MishBackward0"],
    [F.softplus(x), "SoftplusBackward0"], [F.logsigmoid(x), "LogSigmoidBackward0"], [F.hardswish(x), "HardswishBackward0"],
    [F.softsign(x), "DivBackward0"], [F.tanhshrink(x), "SubBackward0"], [F.glu(x, 0), "GluBackward0"], [F.prelu(x, w), "PreluKernelBackward0"],
    [F.softmax(x, 1), "SoftmaxBackward0"], [F.logSoftmax(x, 1), "LogSoftmaxBackward0"], [F.softmin(x, 1), "SoftmaxBackward0"],
    [F.threshold(x, 0.5, 0), "ThresholdBackward0"], [F.leakyRelu(x), "LeakyReluBackward0"], [F.elu(x), "EluBackward0"],
  ];
  for (const [t, name] of cases) assert.equal(t.gradFn?.name(), name);
  assert.equal(F.softmax(x.float(), 1, { dtype: "float64" }).gradFn!.nextFunctions[0]![0]!.name(), "ToCopyBackward0");
});

// ---------- softmax specifics ----------

describe("softmax", () => {
  test("stable for large inputs and -inf", () => {
    close(values(F.softmax(torch.tensor([[1000, 1001, 1002]], { dtype: "float32" }), 1)), [0.09003057330846786, 0.2447284758090973, 0.6652409434318542], 1e-6);
    close(values(F.logSoftmax(torch.tensor([[1000, 1001, 1002]], { dtype: "float32" }), 1)), [-2.4076058864593506, -1.4076058864593506, -0.40760594606399536], 1e-6);
    close(values(F.softmax(torch.tensor([[1, -Infinity, 2], [-Infinity, -Infinity, -Infinity]], { dtype: "float64" }), 1)),
      [0.2689414213699951, 0, 0.7310585786300049, NaN, NaN, NaN], 1e-12);
    close(values(F.softmax(torch.tensor(3.0, { dtype: "float32" }), 0)), [1]);
    close(values(F.logSoftmax(torch.tensor(3.0, { dtype: "float32" }), -1)), [0]);
  });

  test("implicit dim follows PyTorch (0 for 0-, 1- and 3-d, else 1)", () => {
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => { seen.push(m); };
    try {
      const x3 = leaf([2, 3, 4]).detach(), x2 = leaf([3, 4]).detach(), x4 = leaf([2, 3, 2, 2]).detach();
      close(values(F.softmax(x3)), values(F.softmax(x3, 0)));
      close(values(F.softmax(x2)), values(F.softmax(x2, 1)));
      close(values(F.logSoftmax(x4)), values(F.logSoftmax(x4, 1)));
      close(values(F.softmin(x2)), values(F.softmin(x2, 1)));
    } finally { console.warn = warn; }
    assert.ok(seen.some((m) => m.includes("Implicit dimension choice for softmax has been deprecated")));
  });

  test("dtype argument and errors", () => {
    const x = torch.tensor([[1, 2, 3]]);
    assert.equal(dtypeOf(F.softmax(x, 1, { dtype: "float32" })), "float32");
    assert.equal(dtypeOf(torch.softmax(torch.tensor([[1.5, 2]]), 1, "float64")), "float64");
    assert.throws(() => torch.softmax(x, 1), /"softmax_lastdim_kernel_impl" not implemented for 'Long'/);
    assert.throws(() => F.softmax(torch.tensor([[1.5, 2]]), 2), /Dimension out of range|out of range/);
    close(values(torch.tensor([[1, 2], [3, 5]], { dtype: "float64" }).softmax(0)), [0.11920292202211755, 0.04742587317756678, 0.8807970779778823, 0.9525741268224334], 1e-12);
  });
});

// ---------- rrelu with PyTorch's generator ----------

test("rrelu in training draws PyTorch's noise", () => {
  defaultGenerator.manualSeed(0);
  const x = torch.tensor([-1.0, 2.0, -0.5, 0.0, -3.0, 1.0], { dtype: "float64" }).requiresGrad_(true);
  const y = F.rrelu(x, { training: true });
  close(values(y), [-0.3270943753763652, 2.0, -0.1362312358749779, 0.0, -0.950467302576225, 1.0], 1e-15);
  y.backward(torch.onesLike(x));
  close(values(x.grad!), [0.3270943753763652, 1.0, 0.2724624717499558, 0.22070477981821893, 0.316822434192075, 1.0], 1e-15);
  defaultGenerator.manualSeed(0);
  close(values(F.rrelu(x.detach().float(), 0.1, 0.3, true)), [-0.29401060938835144, 2.0, -0.12078198790550232, 0.0, -0.8524487018585205, 1.0], 0);
  assert.throws(() => F.rrelu(x, 0.5, 0.3), /Lower bound should be less than or equal to the upper bound/);
});

// ---------- bad inputs ----------

test("bad inputs are errors in PyTorch's words", () => {
  const x = torch.tensor([1.5, 2]);
  assert.throws(() => torch.atan2(x, 2 as unknown as Tensor), /atan2\(\): argument 'other' \(position 2\) must be Tensor, not int/);
  assert.throws(() => torch.maximum(x, 2.5 as unknown as Tensor), /maximum\(\): argument 'other' \(position 2\) must be Tensor, not float/);
  assert.throws(() => torch.add(x, torch.tensor([1, 2, 3])), /The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/);
  assert.throws(() => torch.eq(2 as unknown as Tensor, x), /eq\(\) received an invalid combination of arguments - got \(int, Tensor\)/);
  assert.throws(() => torch.clamp(x), /torch.clamp: At least one of 'min' or 'max' must not be None/);
  assert.throws(() => torch.clamp(x, "a" as unknown as number), /argument 'min' must be Number or Tensor, not str/);
  assert.throws(() => torch.hypot(torch.tensor([1]), torch.tensor([2])), /"hypot_cpu" not implemented for 'Long'/);
  assert.throws(() => torch.logaddexp(torch.tensor([1]), torch.tensor([2])), /"logaddexp_cpu" not implemented for 'Long'/);
  assert.throws(() => torch.bitwiseAnd(x, x), /"bitwise_and_cpu" not implemented for 'Float'/);
  assert.throws(() => torch.bitwiseNot(x), /"bitwise_not_cpu" not implemented for 'Float'/);
  assert.throws(() => torch.where(x, x, x), /where expected condition to be a boolean tensor, but got a tensor with dtype Float/);
  assert.throws(() => torch.heaviside(x, torch.tensor([1], { dtype: "float64" })), /heaviside is not yet implemented for tensors with different dtypes/);
  assert.throws(() => torch.polygamma(-1, x), /polygamma\(n, x\) does not support negative n\./);
  assert.throws(() => torch.round(x, { decimals: 1.5 }), /argument 'decimals' must be int, not float/);
  assert.throws(() => torch.round(x, { digits: 1 } as never), /round\(\) got an unexpected keyword argument 'digits'/);
  assert.throws(() => torch.relu(torch.tensor([true])), /Boolean inputs not supported for relu/);
  assert.throws(() => torch.celu(x, 0), /ZeroDivisionError: alpha cannot be 0 for CELU/);
  assert.throws(() => F.gelu(x, { approximate: "fast" as "tanh" }), /approximate argument must be either none or tanh\./);
  assert.throws(() => F.gelu(torch.tensor([1])), /"GeluKernelImpl" not implemented for 'Long'/);
  assert.throws(() => F.leakyRelu(torch.tensor([1])), /"leaky_relu_cpu" not implemented for 'Long'/);
  assert.throws(() => F.softshrink(x, -0.5), /lambda must be greater or equal to 0, but found to be -0.5\./);
  assert.throws(() => F.glu(torch.tensor([[1.5, 2, 3]])), /Halving dimension must be even, but dimension 1 is size 3/);
  assert.throws(() => F.glu(torch.tensor(1.5)), /glu does not support scalars because halving size must be even/);
  assert.throws(() => F.prelu(torch.zeros(2, 3, 4), torch.zeros(4)), /Mismatch of parameter numbers and input channel size. Found parameter numbers = 4 and channel size = 3\./);
  assert.throws(() => F.prelu(torch.zeros(2, 3), torch.zeros(3, { dtype: "float64" })), /prelu: Type promoting not supported. Got Float and Double/);
  assert.throws(() => F.threshold(x, 0.5), /threshold\(\) missing 1 required positional argument: 'value'/);
  assert.throws(() => torch.pow(x, "a" as never), /pow\(\): argument 'exponent' must be Tensor or Number, not str/);
  assert.throws(() => torch.addcmul(x, x, 2 as unknown as Tensor), /addcmul\(\): argument 'tensor2' \(position 3\) must be Tensor, not int/);
  assert.throws(() => torch.lerp(torch.tensor([1]), torch.tensor([2]), 0.5), /"lerp_kernel_scalar" not implemented for 'Long'/);
});

test("comparisons of contiguous operands (the dense loops) agree with the strided path, NaN included", () => {
  for (const dtype of [torch.float32, torch.float64, torch.int32]) {
    const values = [3, -1, 2, 2, dtype === torch.int32 ? 0 : NaN, 7, -5, 2, 1, 4, 6];
    const x = torch.tensor(values, { dtype }).narrow(0, 1, 10); // contiguous, offset 1
    const y = torch.tensor([2, 2, 1, 1, 7, 0, 2, 2, 4, 6], { dtype });
    const xs = x.unsqueeze(0).expand(2, 10).select(0, 1); // the same values through the strided path
    for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
      assert.deepEqual(torch[op](x, y).tolist(), torch[op](xs, y.unsqueeze(0).expand(2, 10).select(0, 0)).tolist(), `${op} ${dtype.name}`);
      assert.deepEqual(torch[op](x, 2).tolist(), torch[op](xs, torch.tensor(2, { dtype }).expand(10)).tolist(), `${op} scalar ${dtype.name}`);
    }
  }
  assert.deepEqual(torch.gt(torch.tensor([[1, 5]]), torch.tensor([[2]])).shape, [1, 2]);
  assert.deepEqual(torch.gt(torch.tensor([1, 5]), torch.tensor([[2]])).shape, [1, 2]);
});

test("large clamp, maximum, minimum and x ** 2 (native kernels) agree with the formulas, NaN included", () => {
  for (const dtype of [torch.float32, torch.float64]) {
    const x = torch.randn(5000, { dtype }).mul(2);
    (x.storage.data as Float32Array)[17] = NaN;
    const y = torch.randn(5000, { dtype });
    const xs = x.storage.data as Float32Array, ys = y.storage.data as Float32Array;
    const round = dtype === torch.float32 ? Math.fround : (v: number) => v;
    const check = (t: torch.Tensor, f: (i: number) => number, what: string) => {
      const d = t.storage.data as Float32Array;
      for (let i = 0; i < d.length; i++) if (!Object.is(d[i], round(f(i))) && !(d[i] === 0 && f(i) === 0)) assert.fail(`${what} ${dtype.name}[${i}]: ${d[i]} vs ${f(i)}`);
    };
    check(x.clamp(-0.5, 0.75), (i) => Math.min(Math.max(xs[i]!, -0.5), 0.75), "clamp");
    check(x.clampMin(0.1), (i) => Math.max(xs[i]!, round(0.1)), "clampMin");
    check(torch.maximum(x, y), (i) => Math.max(xs[i]!, ys[i]!), "maximum");
    check(torch.minimum(x, y), (i) => Math.min(xs[i]!, ys[i]!), "minimum");
    check(x.pow(2), (i) => xs[i]! * xs[i]!, "pow 2");
    const z = x.clone();
    z.clamp_(-0.5, 0.75);
    check(z, (i) => Math.min(Math.max(xs[i]!, -0.5), 0.75), "clamp_");
    assert.ok(Number.isNaN(z.get(17).item()));
  }
});

test("sums of bool and small integer tensors are exact int64, on every path", () => {
  const m = torch.arange(0, 100000).remainder(3).eq(0);
  assert.equal(m.sum().item(), 33334);
  assert.equal(m.sum().dtype, torch.int64);
  assert.deepEqual(m.reshape(4, 25000).sum(1).tolist(), [8334, 8333, 8333, 8334]);
  assert.deepEqual(m.reshape(25000, 4).sum(0).tolist(), [8334, 8333, 8333, 8334]);
  assert.equal(m.narrow(0, 1, 99999).sum().item(), 33333);
  const big = torch.full([3], 2 ** 31 - 1, { dtype: torch.int32 });
  assert.equal(big.sum().item(), 3 * (2 ** 31 - 1));
  assert.equal(torch.full([1 << 22 + 1], -1, { dtype: torch.int8 }).sum().item(), -(1 << 23));
});

test("a 16-bit float op rounds other-dtype operands to its dtype first, as PyTorch casts them", () => {
  // Values from PyTorch 1.13: float16 1 + int 2049 computes 1 + 2048 (2049 is not a float16).
  const one = torch.tensor([1], { dtype: torch.float16 });
  assert.deepEqual(one.add(torch.tensor([2049])).tolist(), [2048]);
  assert.deepEqual(torch.tensor([2049]).add(torch.tensor([0.5], { dtype: torch.bfloat16 })).tolist(), [2048]);
  assert.deepEqual(one.mul(torch.tensor(1.0009765625 * 1.0004)).tolist(), [1.0009765625]);
  // The 0-d float32 operand still gets its gradient in float32.
  const s = torch.tensor(3, { dtype: torch.float32, requiresGrad: true });
  const h = torch.tensor([2, 4], { dtype: torch.float16 });
  h.mul(s).sum().backward();
  assert.equal(s.grad!.dtype, torch.float32);
  assert.equal(s.grad!.item(), 6);
});

test("NaN is true when cast to bool, as in PyTorch, on every path", () => {
  const x = torch.tensor([NaN, 0, -0, 1, Infinity]);
  const want = [true, false, false, true, true];
  assert.deepEqual(x.bool().tolist(), want);
  assert.deepEqual(x.double().to(torch.bool).tolist(), want);
  assert.deepEqual(x.half().bool().tolist(), want);
  const big = torch.full([70000], NaN).bool();
  assert.equal(big.all().item(), true);
  // Through a copy into a bool tensor.
  const dst = torch.zeros(3, { dtype: torch.bool });
  dst.copy_(torch.tensor([NaN, 0, -0]));
  assert.deepEqual(dst.tolist(), [true, false, false]);
  assert.deepEqual(torch.full([2], NaN, { dtype: torch.bool }).tolist(), [true, true]);
});

test("integer fmod/remainder by zero raise ZeroDivisionError before writing anything, in place too", () => {
  for (const dtype of [torch.int32, torch.int64, torch.int8]) {
    const a = torch.tensor([5, -6, 7, 8], { dtype }), b = torch.tensor([2, 3, 0, 1], { dtype });
    for (const f of [() => a.remainder_(b), () => a.fmod_(b), () => a.fmod_(0), () => a.remainder_(0), () => torch.remainder(3, b), () => a.fmod(b)]) {
      assert.throws(f, /ZeroDivisionError/);
      assert.deepEqual(a.tolist(), [5, -6, 7, 8]);
    }
  }
});

test("div(roundingMode='trunc') on float32 truncates the float32 quotient, as PyTorch (small and large tensors alike)", () => {
  // Recorded from PyTorch 1.13: the float quotient rounds up to 5 where the double one stays below.
  const a = torch.tensor([0.16135002672672272, 0.12338211387395859, -0.22733370959758759]);
  const b = torch.tensor([0.03227000683546066, 0.024676423519849777, 0.045466743409633636]);
  assert.deepEqual(torch.div(a, b, { roundingMode: "trunc" }).tolist(), [5, 5, -5]);
  assert.deepEqual((torch.div(a.repeat(2000), b.repeat(2000), { roundingMode: "trunc" }).tolist() as number[]).slice(0, 3), [5, 5, -5]);
  assert.deepEqual(torch.div(a.double(), b.double(), { roundingMode: "trunc" }).tolist(), [4, 4, -4]);
});
