// The native typed kernels (native/typed_binary*, src/backends/native/typed.ts) and their routing
// (src/ops/native-typed.ts): float ops against PyTorch 1.13's bits for special values
// (test/fixtures/typed-binary-float32.json) and against the JS kernels through the public ops
// (broadcast, strided, scalar operands); integer ops of every width against wrap-around BigInt
// arithmetic; conversions against PyTorch's results; each on every ISA the CPU runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import * as typed from "../src/backends/native/typed.js";
import { forEachIsa, mismatch, nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";

interface Fixture { a: number[]; b: number[]; c: number[]; w: number[]; ops: Record<string, number[]> }
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/typed-binary-float32.json", import.meta.url), "utf8")) as Fixture;
const f32Of = (bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);

/** Ops PyTorch computes by other formulas (Sleef's vectorised atan2, log1p, exp): within a few ulps. */
const APPROXIMATE = new Set(["atan2", "logaddexp", "logaddexp2"]);
/** PyTorch's vectorised fmod (Sleef) answers NaN for a subnormal divisor; libm's fmod is exact there. */
const SUBNORMAL_DIVISOR_DIFFERS = new Set(["fmod", "remainder", "floorDivide"]);

const TERNARY: Readonly<Record<string, [typed.TernaryOp, number]>> = { addcmul: ["addcmul", 0.5], addcdiv: ["addcdiv", 0.5], lerpTensor: ["lerp", 0] };

function fixtureOp(key: string): [typed.TypedOp, number] {
  if (key.startsWith("lerp")) return ["lerpScalar", Number(key.slice(4))];
  if (key.startsWith("powScalar")) return ["powScalar", Number(key.slice(9))];
  return [key as typed.TypedOp, 0];
}

test("typed float32 ops: PyTorch's bits for every pair of special values", { skip: skipReason }, () => {
  const a = f32Of(FIXTURE.a), b = f32Of(FIXTURE.b), n = a.length;
  forEachIsa((isa) => {
    for (const [key, bits] of Object.entries(FIXTURE.ops)) {
      const out = new Float32Array(n), want = f32Of(bits);
      const ternary = TERNARY[key];
      if (ternary) {
        const third = f32Of(key === "lerpTensor" ? FIXTURE.w : FIXTURE.c);
        typed.typedTernary(ternary[0], [n], { data: a, strides: [1] }, { data: b, strides: [1] }, { data: third, strides: [1] }, out, 0, ternary[1]);
      } else {
        const [op, scalar] = fixtureOp(key);
        typed.typedBinary(op, [n], { data: a, strides: [1] }, { data: b, strides: [1] }, out, 0, scalar);
      }
      const gotBits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        if (SUBNORMAL_DIVISOR_DIFFERS.has(key) && b[i] !== 0 && Math.abs(b[i]!) < 2 ** -126) continue;
        const what = `${isa} ${key}(${a[i]}, ${b[i]})`;
        if (Number.isNaN(want[i])) assert.ok(Number.isNaN(out[i]), `${what}: got ${out[i]}, want NaN`);
        else if (APPROXIMATE.has(key)) assert.equal(mismatch([out[i]!], [want[i]!], 1e-6, 0, what), null);
        else assert.equal(gotBits[i], bits[i], `${what}: got ${out[i]}, want ${want[i]} (bits differ)`);
      }
    }
  });
});

test("float32 atan2, logaddexp, logaddexp2: the double formula rounded once, strided too, on every ISA", { skip: skipReason }, () => {
  // The SIMD ISAs take these through libmvec's double vectors in blocks (a partial last block here),
  // the generic one through libm: every ISA must give fround of the formula computed in double.
  const r = rng(11), n = 1000;
  const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-40, -3e38, 88.7, -104, 3.4e38];
  const a = new Float32Array(2 * n), b = new Float32Array(n);
  for (let i = 0; i < 2 * n; i++) a[i] = i % 7 === 0 ? specials[(i / 7) % specials.length]! : r() * 2 ** Math.round(r() * 30);
  for (let i = 0; i < n; i++) b[i] = i % 5 === 0 ? specials[(i * 3) % specials.length]! : r() * 2 ** Math.round(r() * 30);
  const ln2 = Math.LN2;
  const formulas: Record<string, (x: number, y: number) => number> = {
    atan2: Math.atan2,
    logaddexp: (x, y) => (x === y && !Number.isFinite(x) && !Number.isNaN(x) ? x : (x < y ? y : x) + Math.log1p(Math.exp(-Math.abs(x - y)))),
    logaddexp2: (x, y) => (x === y && !Number.isFinite(x) && !Number.isNaN(x) ? x : (x < y ? y : x) + Math.log1p(2 ** -Math.abs(x - y)) / ln2),
  };
  forEachIsa((isa) => {
    for (const [op, f] of Object.entries(formulas)) {
      const out = new Float32Array(n);
      // a read with stride 2: the kernel gathers each block first.
      typed.typedBinary(op as typed.TypedOp, [n], { data: a, strides: [2] }, { data: b, strides: [1] }, out);
      for (let i = 0; i < n; i++) {
        const want = Math.fround(f(a[2 * i]!, b[i]!));
        assert.ok(Object.is(out[i], want) || (Number.isNaN(want) && Number.isNaN(out[i])), `${isa} ${op}(${a[2 * i]}, ${b[i]}): got ${out[i]}, want ${want}`);
      }
    }
  });
});

test("float32 fmod, remainder, floor division: exact for quotients near integers and up to 2^24 and beyond", { skip: skipReason }, () => {
  // The float32 kernels take fmod through double arithmetic where |a / b| < 2^24: compare with JS's
  // % on the same values (exact in double, so exact once rounded to float32), signs of zero included.
  const r = rng(7), n = 20000;
  const a = new Float32Array(n), b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    b[i] = (r() + (r() < 0 ? -0.5 : 0.5)) * 2 ** Math.round(r() * 40);
    const k = Math.round(r() * 2 ** (i % 26));
    // a near k * b: exactly, one float32 ulp off either way, or anywhere.
    const near = Math.fround(k * b[i]!), ulp = Math.abs(near) * 2 ** -23;
    a[i] = [near, near + ulp, near - ulp, r() * 2 ** 30, -near][i % 5]!;
  }
  forEachIsa((isa) => {
    const out = new Float32Array(n);
    typed.typedBinary("fmod", [n], { data: a, strides: [1] }, { data: b, strides: [1] }, out);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(a[i]! % b[i]!);
      assert.ok(Object.is(out[i], want), `${isa} fmod(${a[i]}, ${b[i]}): got ${out[i]}, want ${want}`);
    }
    typed.typedBinary("remainder", [n], { data: a, strides: [1] }, { data: b, strides: [1] }, out);
    for (let i = 0; i < n; i++) {
      const m = Math.fround(a[i]! % b[i]!);
      const want = m !== 0 && (b[i]! < 0) !== (m < 0) ? Math.fround(m + b[i]!) : m;
      assert.ok(Object.is(out[i], want), `${isa} remainder(${a[i]}, ${b[i]}): got ${out[i]}, want ${want}`);
    }
  });
});

/** A tensor's values in row-major order as numbers. */
function values(t: Tensor): number[] {
  return (t.flatten().tolist() as (number | bigint | boolean)[]).map(Number);
}

function assertClose(got: Tensor, want: Tensor, what: string): void {
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  // Inputs are at most 16 in magnitude: float32 results that cancel (logaddexp of opposite values)
  // keep an absolute error of a few ulps of 16, computed in float32 as PyTorch does.
  const [rtol, atol] = got.dtype === torch.float32 ? [2e-6, 8e-6] : [1e-13, 1e-14];
  assert.equal(mismatch(values(got), values(want), rtol, atol, what), null);
}

/** Values with ties, zeros, negatives, and NaN/infinities sprinkled in. */
function floatData(shape: number[], dtype: torch.DType, seed: number): Tensor {
  const r = rng(seed), n = shape.reduce((p, s) => p * s, 1);
  const special = [0, -0, 1, -1, 2, 0.5, Infinity, -Infinity, NaN];
  const v = Array.from({ length: n }, (_, i) => (i % 37 === 5 ? special[i % special.length]! : Math.round(r() * 1600) / 100));
  return torch.tensor(v, { dtype }).reshape(shape);
}

const FLOAT_OPS: Record<string, (x: Tensor, y: Tensor) => Tensor> = {
  pow: (x, y) => x.abs().pow(y.div(4)),
  fmod: (x, y) => torch.fmod(x, y),
  remainder: (x, y) => torch.remainder(x, y),
  floorDivide: (x, y) => torch.floorDivide(x, y),
  divTrunc: (x, y) => torch.div(x, y, { roundingMode: "trunc" }),
  atan2: (x, y) => torch.atan2(x, y),
  hypot: (x, y) => torch.hypot(x, y),
  copysign: (x, y) => torch.copysign(x, y),
  logaddexp: (x, y) => torch.logaddexp(x, y),
  logaddexp2: (x, y) => torch.logaddexp2(x, y),
  xlogy: (x, y) => torch.xlogy(x, y),
  fmax: (x, y) => torch.fmax(x, y),
  fmin: (x, y) => torch.fmin(x, y),
  nextafter: (x, y) => torch.nextafter(x, y),
  lerp03: (x, y) => torch.lerp(x, y, 0.3),
  lerp08: (x, y) => torch.lerp(x, y, 0.8),
  addcmul: (x, y) => torch.addcmul(x, y, x.flip(-1), { value: 0.5 }),
  addcdiv: (x, y) => torch.addcdiv(x, y, x.flip(-1).add(20), { value: -1.5 }),
  lerpTensor: (x, y) => torch.lerp(x, y, x.sigmoid().mul(2).sub(0.5)),
  powScalar3: (x) => x.pow(3),
  powScalarHalf: (x) => x.pow(0.5),
  powScalarM2: (x) => x.pow(-2),
  powScalar25: (x) => x.pow(2.5),
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
};

test("typed float ops through the public ops: native agrees with the JS kernels (broadcast, strided, scalar, in place)", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const dtype of [torch.float32, torch.float64]) {
      const x = floatData([48, 40], dtype, 1), y = floatData([48, 40], dtype, 2);
      const row = floatData([40], dtype, 3), xt = floatData([40, 48], dtype, 4).t();
      for (const [name, f] of Object.entries(FLOAT_OPS)) {
        // The JS kernels round a float32 quotient only after truncating it in double; the native
        // ones truncate the float32 quotient, as PyTorch (checked bit for bit above).
        if (name === "divTrunc" && dtype === torch.float32) continue;
        const what = `${isa} ${dtype.name} ${name}`;
        for (const [label, a, b] of [["same shape", x, y], ["broadcast row", x, row], ["transposed", xt, y], ["scalar", x, torch.tensor(1.75, { dtype })]] as const) {
          const [nat, js] = nativeAndJs(() => f(a, b));
          assertClose(nat, js, `${what} ${label}`);
        }
      }
      // In place through the same kernels: x.fmod_(y) writes x's own elements.
      const [nat, js] = nativeAndJs(() => x.clone().remainder_(y));
      assertClose(nat, js, `${isa} ${dtype.name} remainder_`);
    }
  });
});

// ---- integers -----------------------------------------------------------------------------------

const INT_DTYPES = [
  { dtype: torch.int8, bits: 8, signed: true },
  { dtype: torch.uint8, bits: 8, signed: false },
  { dtype: torch.int16, bits: 16, signed: true },
  { dtype: torch.int32, bits: 32, signed: true },
  { dtype: torch.int64, bits: 64, signed: true },
] as const;

function wrap(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** The integer ops as exact BigInt arithmetic; each result is wrapped to the dtype. */
const INT_REFERENCE: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  floorDivide: (a, b) => { const q = a / b; return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q; },
  divTrunc: (a, b) => a / b,
  remainder: (a, b) => { const r = a % b; return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r; },
  fmod: (a, b) => a % b,
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  pow: (a, b) => (b < 0n ? (a === 1n ? 1n : a === -1n ? (b % 2n !== 0n ? -1n : 1n) : 0n) : powMod(a, b)),
  neg: (a) => -a,
  abs: (a) => (a < 0n ? -a : a),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
};
const DIVIDES = new Set(["floorDivide", "divTrunc", "remainder", "fmod"]);

function powMod(a: bigint, e: bigint): bigint {
  let r = 1n, base = BigInt.asUintN(64, a);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = BigInt.asUintN(64, r * base);
    base = BigInt.asUintN(64, base * base);
  }
  return r;
}

/** Edge values of a width: min, max, -1, 0, 1, and a few in between. */
function edgeValues(bits: number, signed: boolean): bigint[] {
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n, min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  return [min, min + 1n, max, max - 1n, 0n, 1n, 2n, 3n, 7n, 100n, -1n, -2n, -7n, -100n].map((v) => wrap(v, bits, signed));
}

test("typed integer ops: every width against wrap-around BigInt arithmetic, edge values, broadcast", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const { dtype, bits, signed } of INT_DTYPES) {
      const edges = edgeValues(bits, signed);
      const r = rng(bits);
      // Every pair of edge values, then random values, as a [rows, cols] grid with b broadcast too.
      const pairsA: bigint[] = [], pairsB: bigint[] = [];
      for (const p of edges) for (const q of edges) { pairsA.push(p); pairsB.push(q); }
      for (let i = 0; i < 600; i++) { pairsA.push(wrap(BigInt(Math.round(r() * 2 ** 20)), bits, signed)); pairsB.push(wrap(BigInt(Math.round(r() * 64)), bits, signed)); }
      const n = pairsA.length;
      const make = (v: bigint[]): typed.TypedArrayOf => {
        switch (dtype.name) {
          case "int8": return Int8Array.from(v, Number);
          case "uint8": return Uint8Array.from(v, Number);
          case "int16": return Int16Array.from(v, Number);
          case "int32": return Int32Array.from(v, Number);
          default: return BigInt64Array.from(v);
        }
      };
      for (const [name, ref] of Object.entries(INT_REFERENCE)) {
        const keep = pairsB.map((q) => !(DIVIDES.has(name) && q === 0n));
        const A = pairsA.filter((_, i) => keep[i]), B = pairsB.filter((_, i) => keep[i]);
        const out = make(A.map(() => 0n));
        typed.typedBinary(name as typed.TypedOp, [A.length], { data: make(A), strides: [1] }, { data: make(B), strides: [1] }, out, 0);
        for (let i = 0; i < A.length; i++) {
          const want = wrap(ref(A[i]!, B[i]!), bits, signed);
          assert.equal(BigInt(out[i]!), want, `${isa} ${dtype.name} ${name}(${A[i]}, ${B[i]})`);
        }
      }
      // Broadcast: a [k, m] grid against a [m] row and a [k, 1] column.
      const k = 7, m = Math.floor(n / k);
      const grid = make(pairsA.slice(0, k * m)), rowB = make(edges.filter((v) => v !== 0n).slice(0, m > 13 ? 13 : m));
      const cols = rowB.length, out = make(new Array<bigint>(k * cols).fill(0n));
      typed.typedBinary("remainder", [k, cols], { data: grid, strides: [m, 1] }, { data: rowB, strides: [0, 1] }, out);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < cols; j++) {
          const want = wrap(INT_REFERENCE["remainder"]!(BigInt(grid[i * m + j]!), BigInt(rowB[j]!)), bits, signed);
          assert.equal(BigInt(out[i * cols + j]!), want, `${isa} ${dtype.name} broadcast remainder [${i}, ${j}]`);
        }
      }
    }
  });
});

/** `values` repeated to `n` elements (enough for the native path), as a tensor of dtype. */
function tiled(v: readonly number[], dtype: torch.DType, n = 1024): Tensor {
  return torch.tensor(Array.from({ length: n }, (_, i) => v[i % v.length]!), { dtype });
}
const head = (t: Tensor, k: number): number[] => values(t).slice(0, k);

test("integer ops through the public ops: PyTorch's results, scalars, true division, zero divisors", { skip: skipReason }, () => {
  forEachIsa(() => {
    // Literals from /usr/bin/python3 (PyTorch 1.13).
    const a = tiled([-2147483647, 7, -7, 7, -7], torch.int32), b = tiled([-1, 2, 2, -2, -2], torch.int32);
    assert.deepEqual(head(torch.floorDivide(a, b), 5), [2147483647, 3, -4, -4, 3]);
    assert.deepEqual(head(torch.remainder(a, b), 5), [0, 1, 1, -1, -1]);
    assert.deepEqual(head(torch.fmod(a, b), 5), [0, 1, -1, 1, -1]);
    const a8 = tiled([-127, 7], torch.int8), b8 = tiled([-1, -2], torch.int8);
    assert.deepEqual(head(torch.floorDivide(a8, b8), 2), [127, -4]);
    assert.deepEqual(head(a8.mul(b8), 2), [127, -14]);
    assert.deepEqual(head(a8.div(b8), 2), [127, -3.5]);
    const u = tiled([200, 3], torch.uint8);
    assert.deepEqual(head(u.add(u), 2), [144, 6]);
    assert.deepEqual(head(u.sub(tiled([201, 4], torch.uint8)), 2), [255, 255]);
    assert.deepEqual(head(torch.floorDivide(u, tiled([7, 2], torch.uint8)), 2), [28, 1]);
    assert.deepEqual(head(tiled([2, 3, -2], torch.int32).pow(tiled([31, -1, 63], torch.int32)), 3), [-2147483648, 0, 0]);
    const m = tiled([-2147483648, 5], torch.int32);
    assert.deepEqual(head(m.abs(), 2), [-2147483648, 5]);
    assert.deepEqual(head(m.neg(), 2), [-2147483648, -5]);
    const big = tiled([0, 7], torch.int64).add(torch.tensor(2n ** 62n)).mul(2);
    assert.deepEqual((big.tolist() as bigint[]).slice(0, 2), [-(2n ** 63n), -(2n ** 63n) + 14n]);
    // Scalar operands broadcast; results as the JS kernels give them.
    const xi = torch.randint(-1000, 1000, [40, 30], { dtype: torch.int32 });
    for (const f of [(t: Tensor) => t.add(1), (t: Tensor) => t.mul(3), (t: Tensor) => t.sub(t.t().contiguous().t()), (t: Tensor) => torch.remainder(t, 7),
      (t: Tensor) => torch.floorDivide(t, -3), (t: Tensor) => t.div(7), (t: Tensor) => t.pow(2), (t: Tensor) => torch.maximum(t, t.flip(0))]) {
      const [nat, js] = nativeAndJs(() => f(xi));
      assert.equal(nat.dtype, js.dtype);
      assert.deepEqual(values(nat), values(js));
    }
    // True division of integers is float: x / 0 gives inf and nan.
    assert.deepEqual(head(tiled([1, 0, -1], torch.int32).div(tiled([0], torch.int32)), 3), [Infinity, NaN, -Infinity]);
    // Integer division by zero raises, and an in-place op leaves its tensor as it was.
    const zeros = tiled([3, 0], torch.int32);
    for (const f of [() => torch.floorDivide(a, zeros), () => torch.remainder(a, zeros), () => torch.fmod(a, zeros), () => torch.fmod(a.long(), zeros.long())]) {
      assert.throws(f, /ZeroDivisionError/);
    }
    // int64 divisors: a zero found at any position, offset views included.
    const longs = torch.arange(1, 3001, { dtype: torch.int64 });
    for (const at of [0, 1, 1500, 2999]) {
      const divisor = longs.clone();
      divisor.narrow(0, at, 1).fill_(0);
      assert.throws(() => torch.floorDivide(longs, divisor), /ZeroDivisionError/, `zero at ${at}`);
      const inView = () => torch.floorDivide(longs.narrow(0, 1, 2999), divisor.narrow(0, 1, 2999));
      if (at === 0) assert.doesNotThrow(inView);
      else assert.throws(inView, /ZeroDivisionError/);
    }
    assert.deepEqual(values(torch.floorDivide(longs.narrow(0, 1, 2999), longs.narrow(0, 0, 2999))).slice(0, 3), [2, 1, 1]);
    const self = a.clone();
    assert.throws(() => self.remainder_(zeros), /ZeroDivisionError/);
    assert.deepEqual(values(self), values(a));
  });
});

test("logical and/or/xor: NaN and -0 as PyTorch, mixed dtypes, broadcast; the same as the JS kernels", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    const x = tiled([NaN, -0, 0, 1, -2.5, Infinity], torch.float32), y = tiled([1, 1, 0, 0, NaN, -0], torch.float64);
    // From /usr/bin/python3: torch.logical_and(x, y) etc. for the first six pairs.
    assert.deepEqual(head(torch.logicalAnd(x, y), 6), [1, 0, 0, 0, 1, 0]);
    assert.deepEqual(head(torch.logicalOr(x, y), 6), [1, 1, 0, 1, 1, 1]);
    assert.deepEqual(head(torch.logicalXor(x, y), 6), [0, 1, 0, 1, 0, 1]);
    const ints = torch.randint(-2, 3, [64, 40], { dtype: torch.int32 }), row = torch.randint(0, 2, [40], { dtype: torch.uint8 });
    for (const f of [torch.logicalAnd, torch.logicalOr, torch.logicalXor]) {
      for (const [a, b] of [[ints, row], [ints.t(), ints.t().flip(0)], [ints, ints.gt(0)]] as const) {
        const [nat, js] = nativeAndJs(() => f(a, b));
        assert.equal(nat.dtype, torch.bool);
        assert.deepEqual(values(nat), values(js), `${isa} ${f.name}`);
      }
    }
  });
});

// ---- conversions --------------------------------------------------------------------------------

test("conversions: PyTorch's x86 results for NaN, infinities, out-of-range and negative values", { skip: skipReason }, () => {
  const src = [NaN, Infinity, -Infinity, 3e9, -3e9, 300.7, -300.7, -0.5, 1e20, -129.5, 65537.9];
  // From /usr/bin/python3: torch.tensor(src, dtype=float32).to(dtype), float64 the same.
  const want: Record<string, (number | bigint | boolean)[]> = {
    int8: [0, 0, 0, 0, 0, 44, -44, 0, 0, 127, 1],
    uint8: [0, 0, 0, 0, 0, 44, 212, 0, 0, 127, 1],
    int16: [0, 0, 0, 0, 0, 300, -300, 0, 0, -129, 1],
    int32: [-2147483648, -2147483648, -2147483648, -2147483648, -2147483648, 300, -300, 0, -2147483648, -129, 65537],
    int64: [-(2 ** 63), -(2 ** 63), -(2 ** 63), 3000000000, -3000000000, 300, -300, 0, -(2 ** 63), -129, 65537],
    bool: src.map(() => true),
  };
  forEachIsa((isa) => {
    for (const from of [torch.float32, torch.float64]) {
      const x = tiled(src, from, 4096);
      for (const [name, expected] of Object.entries(want)) {
        const got = (x.to(name as "int8").flatten().tolist() as (number | bigint | boolean)[]).slice(0, src.length).map((v) => (typeof v === "bigint" ? Number(v) : v));
        assert.deepEqual(got, expected, `${isa} ${from.name} -> ${name}`);
      }
    }
    const ints = tiled([-2147483648, 2147483647, -1, 5], torch.int32, 4096);
    assert.deepEqual(head(ints.to(torch.int8), 4), [0, -1, -1, 5]);
    assert.deepEqual(head(ints.to(torch.uint8), 4), [0, 255, 255, 5]);
    assert.deepEqual(head(ints.to(torch.int16), 4), [0, -1, -1, 5]);
    assert.deepEqual(head(ints.float(), 4), [-2147483648, 2147483648, -1, 5]);
    const longs = torch.tensor(Array.from({ length: 4096 }, (_, i) => [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n][i % 3]!));
    assert.deepEqual(head(longs.float(), 3), [9223372036854775808, -9223372036854775808, 9007199254740992]);
    assert.deepEqual(head(longs.double(), 3), [9223372036854775808, -9223372036854775808, 9007199254740992]);
    assert.deepEqual(head(longs.int(), 3), [-1, 0, 1]);
    assert.deepEqual(head(tiled([0, 2, 0, 1], torch.uint8, 4096).bool().int(), 4), [0, 1, 0, 1]);
  });
  // In-range values: the native conversions agree with the JS ones for every pair of dtypes.
  const dtypes = [torch.float32, torch.float64, torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool];
  const base = tiled([0, 1, 2, 3, 5, 7, 100, 120, 9, 0, 1, 127], torch.float32, 4096);
  for (const from of dtypes) {
    const x = base.to(from);
    for (const to of dtypes) {
      const [nat, js] = nativeAndJs(() => x.to(to));
      assert.deepEqual(nat.tolist(), js.tolist(), `${from.name} -> ${to.name}`);
    }
  }
});

test("typedBinary and typedConvert check their arguments", { skip: skipReason }, () => {
  const f = new Float32Array(4), i = new Int32Array(4);
  const op = (data: Float32Array | Int32Array, strides = [1]) => ({ data, strides });
  assert.throws(() => typed.typedBinary("atan2", [4], op(i), op(i), i), /atan2 takes float arrays/);
  assert.throws(() => typed.typedBinary("add", [4], op(f), op(i), f), /expected b to be a Float32Array/);
  assert.throws(() => typed.typedBinary("add", [5], op(f), op(f), f), /past its length/);
  assert.throws(() => typed.typedBinary("add", [4], op(f), op(f, [1, 1]), f), /expected 1 strides/);
  assert.throws(() => typed.typedBinary("add", [3], op(f), op(f), f.subarray(1)), /out overlaps a/);
  assert.throws(() => typed.typedBinary("nope" as typed.TypedOp, [4], op(f), op(f), f), /unknown op/);
  assert.throws(() => typed.typedConvert("float32", "int32", f, f, 4), /dst of int32 must be a Int32Array/);
  assert.throws(() => typed.typedConvert("int32", "float32", i, f, 5), /past its length/);
  assert.throws(() => typed.typedConvert("float32", "float32", f, f.subarray(1), 3), /overlap/);
});
