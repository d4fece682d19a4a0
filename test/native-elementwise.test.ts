// Native elementwise ops, reductions and softmax against the plain double-precision formula
// rounded to the dtype (float32: within 1e-6 relative), on every ISA the CPU runs, with lengths
// around the vector width, special values, broadcasting, in-place outputs and threaded sizes.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import { DTYPES, filled, forEachIsa, mismatch, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

const UNARY: Record<native.UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x < 0 ? 0 : x),
  silu: (x) => x / (1 + Math.exp(-x)),
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  round: (x) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; // half to even
  },
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
};

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2.5, 3.5, -2.5, 1e-3, -1e-3, 1e-8, 0.625, -0.625, 9, -9, 20, -20,
  87, 88.5, 89, -87, -100, -103, -104, -150, 1e30, -1e30, 1e-40, Infinity, -Infinity, NaN];
const LENGTHS = [1, 15, 16, 17, 33, 100_003];

function roundTo(ctor: Ctor, v: number): number {
  return ctor === Float32Array ? Math.fround(v) : v;
}

test("native unary: every op vs the double formula, special values, odd lengths, in place", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const f32 = ctor === Float32Array;
      const rtol = f32 ? 1e-6 : 1e-14;
      const atol = f32 ? 1e-44 : 1e-300;
      for (const op of Object.keys(UNARY) as native.UnaryOp[]) {
        const ref = UNARY[op];
        for (const n of LENGTHS) {
          const rand = rng(n);
          const x = filled(ctor, n + 2, rand, 24);
          for (let i = 0; i < SPECIAL.length && i < n; i++) x[i + 1] = SPECIAL[i]!;
          const want = new Float64Array(n);
          for (let i = 0; i < n; i++) want[i] = roundTo(ctor, ref(x[i + 1]!));
          const y = new ctor(n + 3);
          native.unary(op, x, y, n, 1, 2);
          const m = mismatch(y.subarray(2, 2 + n), want, rtol, atol, `${isa} ${ctor.name} ${op} n=${n}`);
          if (m !== null) assert.fail(m);
          assert.equal(y[0], 0);
          assert.equal(y[n + 2], 0);
          // In place: out is x itself.
          const z = x.slice(1, n + 1);
          native.unary(op, z, z);
          const m2 = mismatch(z, want, rtol, atol, `${isa} ${ctor.name} ${op} in place n=${n}`);
          if (m2 !== null) assert.fail(m2);
        }
      }
    }
  });
});

const BINARY: Record<native.BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};

/** Row-major strides of a contiguous tensor of `shape`, with 0 where `shape` broadcasts to `full`. */
function broadcastStrides(shape: readonly number[], full: readonly number[]): number[] {
  const strides = new Array<number>(full.length).fill(0);
  let s = 1;
  for (let d = full.length - 1, e = shape.length - 1; d >= 0; d--, e--) {
    const size = e >= 0 ? shape[e]! : 1;
    strides[d] = size === 1 ? 0 : s;
    s *= size;
  }
  return strides;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function binaryReference(
  op: native.BinaryOp, ctor: Ctor, shape: readonly number[],
  a: ArrayLike<number>, aOff: number, as: readonly number[], b: ArrayLike<number>, bOff: number, bs: readonly number[],
): Float64Array {
  const n = numel(shape), out = new Float64Array(n), idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let oa = aOff, ob = bOff;
    for (let d = 0; d < shape.length; d++) {
      oa += idx[d]! * as[d]!;
      ob += idx[d]! * bs[d]!;
    }
    out[i] = roundTo(ctor, BINARY[op](a[oa]!, b[ob]!));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

test("native binary: broadcasting, strided and transposed operands, in place, exact results", { skip: skipReason }, () => {
  const cases: [number[], number[], number[]][] = [
    [[1], [1], [1]],
    [[17], [17], [17]],
    [[17], [17], [1]],
    [[17], [1], [17]],
    [[3, 1], [1, 4], [3, 4]],
    [[2, 3, 33], [33], [2, 3, 33]],
    [[2, 1, 33], [3, 1], [2, 3, 33]],
    [[5, 7, 1, 3], [7, 9, 1], [5, 7, 9, 3]],
    [[300, 257], [257], [300, 257]],
    [[300, 1], [1, 257], [300, 257]],
    [[100_003], [1], [100_003]],
  ];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const op of Object.keys(BINARY) as native.BinaryOp[]) {
        let seed = 5;
        for (const [sa, sb, full] of cases) {
          const rand = rng(seed++);
          const a = filled(ctor, numel(sa) + 1, rand, 8), b = filled(ctor, numel(sb) + 2, rand, 8);
          a[1] = NaN;
          b[2] = 0;
          const as = broadcastStrides(sa, full), bs = broadcastStrides(sb, full);
          const want = binaryReference(op, ctor, full, a, 1, as, b, 2, bs);
          const out = new ctor(numel(full) + 1);
          native.binary(op, full, { data: a, offset: 1, strides: as }, { data: b, offset: 2, strides: bs }, out, 1);
          const m = mismatch(out.subarray(1), want, 0, 0, `${isa} ${ctor.name} ${op} [${sa}] x [${sb}]`);
          if (m !== null) assert.fail(m);
        }
        // A transposed operand: a is stored as [cols, rows].
        const rand = rng(99);
        const [R, C] = [37, 45];
        const at = filled(ctor, R * C, rand), b = filled(ctor, R * C, rand);
        const want = binaryReference(op, ctor, [R, C], at, 0, [1, R], b, 0, [C, 1]);
        const out = new ctor(R * C);
        native.binary(op, [R, C], { data: at, strides: [1, R] }, { data: b, strides: [C, 1] }, out);
        assert.equal(mismatch(out, want, 0, 0, `${isa} ${op} transposed`), null);
        // In place into b (out is b itself).
        native.binary(op, [R, C], { data: at, strides: [1, R] }, { data: b, strides: [C, 1] }, b);
        assert.equal(mismatch(b, want, 0, 0, `${isa} ${op} in place`), null);
      }
    }
  });
});

test("native binary: outputs of 2 MiB and more (fresh ones written with non-temporal stores, also row by row; warm ones plainly) are exact, at any alignment, with a broadcast operand and in place", { skip: skipReason }, () => {
  // The references do not depend on the ISA: computed once per dtype and op, then checked on each ISA.
  for (const ctor of DTYPES) {
    const n = (2 ** 21) / ctor.BYTES_PER_ELEMENT + 37;
    const rand = rng(7);
    const a = filled(ctor, n + 4, rand, 8), b = filled(ctor, n + 4, rand, 8);
    a[5] = NaN;
    b[9] = 0;
    for (const op of Object.keys(BINARY) as native.BinaryOp[]) {
      const flatCases = ([[[n], [1]], [[1], [0]]] as const).map(([bShape, bStrides]) => ({
        bShape, bStrides, want: binaryReference(op, ctor, [n], a, 1, [1], b, 2, bShape[0] === 1 ? [0] : [1]),
      }));
      const rowCases = [1000, 67].flatMap((inner) => {
        const rows = Math.floor(n / inner);
        return ([["row", [0, 1]], ["column", [1, 0]]] as const).map(([what, bStrides]) => ({
          inner, rows, what, bStrides, want: binaryReference(op, ctor, [rows, inner], a, 1, [inner, 1], b, 2, [...bStrides]),
        }));
      });
      forEachIsa((isa) => {
        // The output's start moves across a cache line (the kernel stores up to the first whole line plainly).
        for (const outOff of [0, 1, 3]) {
          for (const { bShape, bStrides, want } of flatCases) {
            for (const fresh of [true, false]) {
              const out = new ctor(n + outOff);
              native.binary(op, [n], { data: a, offset: 1, strides: [1] }, { data: b, offset: 2, strides: [...bStrides] }, out, outOff, 1, fresh);
              const m = mismatch(out.subarray(outOff), want, 0, 0, `${isa} ${ctor.name} ${op} out offset ${outOff} b [${bShape}] ${fresh ? "fresh" : "warm"}`);
              if (m !== null) assert.fail(m);
            }
          }
        }
        // Rows of a large output (x + row, x * column), streamed row by row.
        for (const { inner, rows, what, bStrides, want } of rowCases) {
          for (const outOff of [0, 3]) {
            const out = new ctor(rows * inner + outOff);
            native.binary(op, [rows, inner], { data: a, offset: 1, strides: [inner, 1] }, { data: b, offset: 2, strides: [...bStrides] }, out, outOff, 1, true);
            const m = mismatch(out.subarray(outOff), want, 0, 0, `${isa} ${ctor.name} ${op} rows of ${inner} with a ${what} out offset ${outOff}`);
            if (m !== null) assert.fail(m);
          }
        }
        // In place (out is a itself): plain stores; the same values as the flat case with b's own elements.
        const inPlace = a.slice(1, n + 1) as typeof a;
        native.binary(op, [n], { data: inPlace, strides: [1] }, { data: b, offset: 2, strides: [1] }, inPlace);
        assert.equal(mismatch(inPlace, flatCases[0]!.want, 0, 0, `${isa} ${ctor.name} ${op} in place`), null);
      });
    }
  }
});

test("native binary: bad arguments throw", { skip: skipReason }, () => {
  const a = new Float32Array(6), b = new Float32Array(3), out = new Float32Array(6);
  assert.throws(() => native.binary("add", [2, 3], { data: a, strides: [3, 1] }, { data: b, strides: [1, 1] }, out), /past its length/);
  assert.throws(() => native.binary("add", [2, 3], { data: a, strides: [3] }, { data: b, strides: [0, 1] }, out), /strides per operand/);
  assert.throws(() => native.binary("add", [2, 3], { data: a, strides: [3, 1] }, { data: new Float64Array(3) as unknown as Float32Array, strides: [0, 1] }, out), /Float32Array/);
  assert.throws(() => native.binary("add", [2, 3], { data: a, offset: 1, strides: [2, 1] }, { data: b, strides: [0, 1] }, a), /overlaps a/);
  assert.throws(() => native.binary("pow" as native.BinaryOp, [1], { data: a, strides: [1] }, { data: b, strides: [1] }, out), /unknown op/);
  // out over an operand read in another order (broadcast, transposed, shifted) is refused; the very same elements are not.
  assert.throws(() => native.binary("add", [2, 3], { data: a, strides: [3, 1] }, { data: out, strides: [0, 1] }, out), /overlaps b/);
  assert.throws(() => native.binary("add", [2, 3], { data: a, strides: [3, 1] }, { data: out, strides: [1, 2] }, out), /overlaps b/);
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
  native.binary("add", [2, 3], { data: x, strides: [3, 1] }, { data: Float32Array.from([10, 20, 30]), strides: [0, 1] }, x);
  assert.deepEqual([...x], [11, 22, 33, 14, 25, 36]);
  assert.throws(() => native.binary("add", [5], { data: x, offset: 1, strides: [1] }, { data: b, strides: [0] }, x), /overlaps a/);
});

test("native binary: the one-pass argument check passes only calls that every check passes", () => {
  // binary() skips its full checks when binaryArgsPlain accepts a call: a call it accepted wrongly
  // would reach the kernel out of bounds. Random small calls, valid and not, in both checks.
  let seed = 12345;
  const rand = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  let accepted = 0;
  for (let iter = 0; iter < 20000; iter++) {
    const nd = rand(4);
    const shape = Array.from({ length: nd }, () => rand(5));
    const stride = (): number => (rand(12) === 0 ? 0.5 : rand(9) - 3);
    const buffer = new ArrayBuffer(64 * 8);
    const ctor = pick([Float32Array, Float64Array] as const);
    const array = (): Float32Array | Float64Array => {
      const start = rand(4) * ctor.BYTES_PER_ELEMENT;
      return rand(3) === 0 ? new ctor(buffer, start, rand(16)) : new ctor(rand(16));
    };
    const a = { data: array(), offset: rand(8) - 1, strides: shape.map(stride) };
    const b = { data: rand(8) === 0 ? new (ctor === Float32Array ? Float64Array : Float32Array)(16) : array(), offset: rand(8) - 1, strides: shape.map(stride) };
    const out = pick([array(), a.data, b.data]);
    const outOff = rand(6) - 1;
    if (!native.binaryArgsPlain(shape, a as native.StridedOperand<Float32Array>, b as native.StridedOperand<Float32Array>, out as Float32Array, outOff)) continue;
    accepted++;
    assert.equal(native.binaryArgsChecked("add", shape, a as native.StridedOperand<Float32Array>, b as native.StridedOperand<Float32Array>, out as Float32Array, outOff, 1), true,
      `accepted: shape [${shape}], a ${a.data.length}@${a.offset} [${a.strides}], b ${b.data.length}@${b.offset} [${b.strides}], out ${out.length}@${outOff}`);
  }
  assert.ok(accepted > 500, `only ${accepted} random calls were valid`);
});

function reduceReference(op: native.ReduceOp, x: ArrayLike<number>, outer: number, size: number, inner: number): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = op === "max" ? -Infinity : op === "min" ? Infinity : 0;
      let nan = false;
      for (let r = 0; r < size; r++) {
        const v = x[(o * size + r) * inner + i]!;
        if (Number.isNaN(v)) nan = true;
        if (op === "max") acc = Math.max(acc, v);
        else if (op === "min") acc = Math.min(acc, v);
        else acc += v;
      }
      if (op === "mean") acc = size > 0 ? acc / size : NaN;
      out[o * inner + i] = nan ? NaN : acc;
    }
  }
  return out;
}

test("native reduce: sums over a middle dim add the rows in order in double, bit for bit", { skip: skipReason }, () => {
  // Row counts around the kernel's four-row passes, and widths split over the threads; values of
  // widely different sizes, so that another order of the additions rounds differently.
  const shapes: [number, number, number][] = [[1, 1, 3], [1, 2, 17], [1, 3, 5], [2, 4, 33], [1, 5, 100], [3, 7, 9], [1, 9, 1000], [1, 1000, 1000], [2, 13, 2049]];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const op of ["sum", "mean"] as const) {
        let seed = 90;
        for (const [outer, size, inner] of shapes) {
          const rand = rng(seed++);
          const x = filled(ctor, outer * size * inner, rand, 1);
          for (let i = 0; i < x.length; i++) x[i] = x[i]! * 2 ** Math.floor(rand() * 40 - 20);
          const ref = reduceReference(op, x, outer, size, inner);
          const out = new ctor(outer * inner);
          native.reduce(op, x, out, outer, size, inner);
          for (let i = 0; i < ref.length; i++) {
            if (!Object.is(out[i], roundTo(ctor, ref[i]!))) assert.fail(`${isa} ${ctor.name} ${op} [${outer}, ${size}, ${inner}] at ${i}: got ${out[i]}, want ${roundTo(ctor, ref[i]!)}`);
          }
        }
      }
    }
  });
});

test("native reduce: sum/mean/max/min over the last dim, a middle dim and everything", { skip: skipReason }, () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 7, 1], [5, 33, 1], [2, 1000, 1], [1000, 17, 1], [1, 200_003, 1],
    [4, 5, 3], [2, 33, 17], [1, 100, 2049], [7, 1, 5], [3, 0, 2], [64, 40, 70],
  ];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const op of ["sum", "mean", "max", "min"] as const) {
        let seed = 40;
        for (const [outer, size, inner] of shapes) {
          if (size === 0 && (op === "max" || op === "min")) continue;
          const rand = rng(seed++);
          const x = filled(ctor, outer * size * inner, rand, 10);
          if (x.length > 50) x[37] = NaN; // propagates to one output
          const ref = reduceReference(op, x, outer, size, inner);
          const out = new ctor(outer * inner);
          native.reduce(op, x, out, outer, size, inner);
          // Sums over the last dim cascade in the dtype (error ~ eps * log2(n) * sum|x|), sums over
          // other dims accumulate in double: both within the cascade's bound.
          const absSum = op === "sum" || op === "mean" ? reduceReference("sum", x.map(Math.abs), outer, size, inner) : ref;
          const eps = ctor === Float32Array ? 2 ** -24 : 2 ** -53;
          for (let i = 0; i < ref.length; i++) {
            const want = roundTo(ctor, ref[i]!);
            const scale = op === "mean" ? absSum[i]! / size : absSum[i]!;
            const tol = op === "sum" || op === "mean" ? 2 * eps * Math.abs(want) + eps * (16 + Math.log2(Math.max(size, 2))) * scale : 0;
            const got = out[i]!;
            if (Number.isNaN(want) ? !Number.isNaN(got) : !(Math.abs(got - want) <= tol)) {
              assert.fail(`${isa} ${ctor.name} ${op} [${outer}, ${size}, ${inner}] at ${i}: got ${got}, want ${want}`);
            }
          }
        }
      }
      assert.equal(native.reduceAll("sum", ctor.from([1, 2, 3.5])), 6.5);
      assert.equal(native.reduceAll("max", ctor.from([1, -2, 3.5, 0])), 3.5);
      assert.equal(native.reduceAll("min", ctor.from([1, -2, 3.5, 0])), -2);
      assert.ok(Number.isNaN(native.reduceAll("mean", new ctor(0))));
      assert.equal(native.reduceAll("sum", new ctor(0)), 0);
    }
  });
  assert.throws(() => native.reduce("max", new Float32Array(0), new Float32Array(2), 2, 0, 1), /empty dim/);
});

/**
 * The native sum of x[off, off + n) bit for bit (native/elementwise_cascade.h): 64 lanes over
 * leaves of 512 values, leaves folded to 16 lanes and combined pairwise by a binary counter, all
 * in the dtype (`round`); the counter's levels and the 16 lanes summed in double at the end.
 */
function cascadeSum(x: ArrayLike<number>, off: number, n: number, round: (v: number) => number): number {
  const LEAF = 512, WAYS = 64, LANES = 16;
  const levels: number[][] = [];
  let count = 0;
  for (let base = 0; base < n; base += LEAF) {
    const acc = new Array<number>(WAYS).fill(0);
    for (let i = 0; i < Math.min(LEAF, n - base); i++) acc[i % WAYS] = round(acc[i % WAYS]! + x[off + base + i]!);
    let carry = acc.slice(0, LANES).map((_, j) => round(round(acc[j]! + acc[16 + j]!) + round(acc[32 + j]! + acc[48 + j]!)));
    let k = 0;
    for (; Math.floor(count / 2 ** k) % 2 === 1; k++) carry = carry.map((c, j) => round(levels[k]![j]! + c));
    levels[k] = carry;
    count++;
  }
  let total: number[] | null = null;
  for (let k = 0; k < levels.length; k++) {
    if (Math.floor(count / 2 ** k) % 2 === 1) total = total === null ? levels[k]!.slice() : levels[k]!.map((v, j) => v + total![j]!);
  }
  const t = total ?? new Array<number>(LANES).fill(0);
  const h8 = t.slice(0, 8).map((v, j) => v + t[j + 8]!);
  const h4 = h8.slice(0, 4).map((v, j) => v + h8[j + 4]!);
  return round((h4[0]! + h4[2]!) + (h4[1]! + h4[3]!));
}

test("native sum over the last dim: the cascade's exact bits on every ISA and thread count, tails, chunks", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  // Lengths around the vector (16), lane (64), leaf (512) and chunk (65536) sizes; rows long
  // enough to be split over threads, and many rows (one per thread).
  const shapes: [number, number][] = [
    [1, 1], [1, 15], [1, 16], [1, 17], [1, 63], [1, 64], [1, 65], [1, 511], [1, 512], [1, 513], [1, 1000],
    [1, 65535], [1, 65536], [1, 65537], [1, 2 * 65536 + 513], [2, 300_001], [5, 70_001], [1, 4 * 65536],
  ];
  try {
    for (const ctor of DTYPES) {
      const round = ctor === Float32Array ? Math.fround : (v: number) => v;
      let seed = 90;
      for (const [outer, size] of shapes) {
        const rand = rng(seed++);
        const x = filled(ctor, outer * size, rand, 100);
        const want = Array.from({ length: outer }, (_, o) => cascadeSum(x, o * size, size, round));
        forEachIsa((isa) => {
          for (const t of [1, 2, 3]) {
            native.setNumThreads(t);
            const out = new ctor(outer), mean = new ctor(outer);
            native.reduce("sum", x, out, outer, size, 1);
            native.reduce("mean", x, mean, outer, size, 1);
            for (let o = 0; o < outer; o++) {
              const what = `${isa} ${ctor.name} [${outer}, ${size}] row ${o}, ${t} thread(s)`;
              assert.equal(out[o], want[o], `sum ${what}`);
              assert.equal(mean[o], round(want[o]! / size), `mean ${what}`);
            }
          }
        });
      }
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native sum of long rows (2^21 values or more): split into chunks, the same bits on any thread count", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  const shapes: [number, number][] = [[1, (1 << 21) + 4099], [2, 1 << 21], [3, (1 << 21) + 1]];
  try {
    for (const ctor of DTYPES) {
      let seed = 300;
      for (const [outer, size] of shapes) {
        const rand = rng(seed++);
        const x = filled(ctor, outer * size, rand, 100);
        const exact = reduceReference("sum", x, outer, size, 1);
        const absSum = reduceReference("sum", x.map(Math.abs), outer, size, 1);
        forEachIsa((isa) => {
          let first: number[] | null = null;
          for (const t of [1, 2, 3]) {
            native.setNumThreads(t);
            const out = new ctor(outer);
            native.reduce("sum", x, out, outer, size, 1);
            const got = Array.from(out);
            const what = `${isa} ${ctor.name} [${outer}, ${size}], ${t} thread(s)`;
            if (first === null) first = got;
            else assert.deepEqual(got, first, `${what}: differs from 1 thread`);
            const eps = ctor === Float32Array ? 2 ** -24 : 2 ** -53;
            for (let o = 0; o < outer; o++) {
              const tol = eps * Math.abs(exact[o]!) + eps * (16 + Math.log2(size)) * absSum[o]!;
              assert.ok(Math.abs(got[o]! - exact[o]!) <= tol, `${what} row ${o}: got ${got[o]}, exact ${exact[o]}`);
            }
          }
        });
      }
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native float32 sum: at least as accurate as PyTorch's cascade on adversarial inputs", { skip: skipReason }, () => {
  const n = 1_000_000;
  // PyTorch 1.13's absolute errors on the same float32 inputs (2 threads), against the exact sum.
  const cases: [string, (i: number) => number, number][] = [
    ["a constant 0.1", () => 0.1, 0.0063224],
    ["1e8 then ones", (i) => (i === 0 ? 1e8 : 1), 47],
    ["a ramp i * 1e-3", (i) => i * 1e-3, 20],
  ];
  forEachIsa((isa) => {
    for (const [name, f, torchError] of cases) {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = f(i);
      let exact = 0;
      for (let i = 0; i < n; i++) exact += x[i]!;
      const got = native.reduceAll("sum", x);
      assert.ok(Math.abs(got - exact) <= torchError, `${isa} ${name}: got ${got}, exact ${exact}, PyTorch's error ${torchError}`);
    }
    // Sequential float accumulation would stop at 2^24; the cascade is exact here.
    assert.equal(native.reduceAll("sum", new Float32Array(20_000_000).fill(1)), 20_000_000, `${isa} 2e7 ones`);
  });
});

function softmaxReference(log: boolean, x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity, nan = false;
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c]!;
      if (Number.isNaN(v)) nan = true;
      m = Math.max(m, v);
    }
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c]! - m);
    for (let c = 0; c < cols; c++) {
      const d = x[r * cols + c]! - m;
      out[r * cols + c] = nan ? NaN : log ? d - Math.log(s) : Math.exp(d) / s;
    }
  }
  return out;
}

test("native softmax and log_softmax over the last dim", { skip: skipReason }, () => {
  const shapes: [number, number][] = [[1, 1], [3, 7], [5, 16], [5, 33], [2, 1000], [1000, 17], [4, 100_000]];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const f32 = ctor === Float32Array;
      for (const log of [false, true]) {
        let seed = 70;
        for (const [rows, cols] of shapes) {
          const rand = rng(seed++);
          const x = filled(ctor, rows * cols, rand, 30);
          if (cols > 10) x[cols + 3] = 80; // one dominant entry in row 1
          if (rows > 2 && cols > 3) x[2 * cols + 1] = NaN; // row 2 is all NaN
          if (cols > 2) x[cols - 1] = x[cols - 2] = -Infinity; // masked-out scores in row 0
          if (rows > 3) x.fill(-Infinity, 3 * cols, 4 * cols); // row 3 is all -inf: NaN, as PyTorch
          const want = softmaxReference(log, x, rows, cols);
          for (let i = 0; i < want.length; i++) want[i] = roundTo(ctor, want[i]!);
          const out = new ctor(rows * cols);
          const what = `${isa} ${ctor.name} ${log ? "log_softmax" : "softmax"} [${rows}, ${cols}]`;
          (log ? native.logSoftmax : native.softmax)(x, out, rows, cols);
          const m = mismatch(out, want, f32 ? 1e-6 : 1e-13, log ? (f32 ? 1e-6 : 1e-13) : 1e-44, what);
          if (m !== null) assert.fail(m);
          (log ? native.logSoftmax : native.softmax)(x, x, rows, cols); // in place
          const m2 = mismatch(x, want, f32 ? 1e-6 : 1e-13, log ? (f32 ? 1e-6 : 1e-13) : 1e-44, `${what} in place`);
          if (m2 !== null) assert.fail(m2);
        }
      }
    }
  });
});
