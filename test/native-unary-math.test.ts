// The native float unary math (native/unary_math.h) against the JS definitions the ops use, on
// every ISA the CPU runs: float32 and float64, lengths around the vector widths and split over
// threads, offsets, in place, special values; the predicates (isnan, isinf, isfinite, signbit)
// into bytes; and the wrapper's argument checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import * as um from "../src/backends/native/unary-math.js";
import * as M from "../src/ops/special-math.js";
import { DTYPES, filled, forEachIsa, mismatch, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

const LO = 0.05, HI = 0.9;
const NAN_TO = 7, POS_TO = 1e30, NEG_TO = -2;

/** Each op's JS definition (the `f` of its public op) and the parameters its kernel takes. */
const OPS: Record<um.MathOp, { f: (x: number) => number; params?: number[] }> = {
  sin: { f: Math.sin }, cos: { f: Math.cos }, tan: { f: Math.tan }, asin: { f: Math.asin }, acos: { f: Math.acos },
  atan: { f: Math.atan }, sinh: { f: Math.sinh }, cosh: { f: Math.cosh }, asinh: { f: Math.asinh },
  acosh: { f: Math.acosh }, atanh: { f: Math.atanh }, erf: { f: M.erf }, erfc: { f: M.erfc }, expm1: { f: Math.expm1 },
  log1p: { f: Math.log1p }, log2: { f: Math.log2 }, log10: { f: Math.log10 }, exp2: { f: (x) => Math.pow(2, x) },
  frac: { f: (x) => x - Math.trunc(x) }, deg2rad: { f: (x) => x * (Math.PI / 180) }, rad2deg: { f: (x) => x * (180 / Math.PI) },
  sinc: { f: M.sinc }, logit: { f: (x) => Math.log(x / (1 - x)) },
  logitEps: { f: (x) => { const z = x < LO ? LO : x > HI ? HI : x; return Math.log(z / (1 - z)); }, params: [LO, HI] },
  nanToNum: { f: (x) => (x !== x ? NAN_TO : x === Infinity ? POS_TO : x === -Infinity ? NEG_TO : x), params: [NAN_TO, POS_TO, NEG_TO] },
  lgamma: { f: M.lgamma }, digamma: { f: M.digamma }, i0: { f: M.i0 }, erfinv: { f: M.erfinv },
};

/**
 * float64 ops whose two sides are further apart than libm's few ulps: the kernel is the JS formula
 * with other libm calls inside, or (erfc) the JS side rounds x² inside one exp (~2x² ulps).
 */
const LOOSE = new Set<um.MathOp>(["lgamma", "digamma", "i0", "erfinv", "erfc"]);

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 2.5, -2.5, 1e-3, -1e-3, 1e-8, 0.99, -0.99, 0.999999, 1.5, 3, -3.7,
  9.5, 10, 15, 16.5, 20, -20, 30, 31, 88, 89, 100, -100, 710, -710, 1e10, 1e30, -1e30, 1e-40, -1e-40,
  Infinity, -Infinity, NaN];
const LENGTHS = [1, 3, 4, 7, 8, 15, 16, 17, 33, 100_003];

function roundTo(ctor: Ctor, v: number): number {
  return ctor === Float32Array ? Math.fround(v) : v;
}

/** Inputs: the special values, then values spread over each op's interesting range. */
function inputs(ctor: Ctor, op: um.MathOp, n: number): Float64Array | Float32Array {
  const rand = rng(n * 31 + op.length);
  const unit = ["asin", "acos", "atanh", "erfinv", "logit", "logitEps"].includes(op);
  const x = filled(ctor, n + 2, rand, unit ? 2.2 : 24);
  if (unit && (op === "logit" || op === "logitEps")) for (let i = 0; i < x.length; i++) x[i] = x[i]! + 0.5;
  for (let i = 0; i < SPECIAL.length && i < n; i++) x[i + 1] = SPECIAL[i]!;
  return x;
}

test("native unaryMath: every op vs its JS definition, special values, odd lengths, offsets, in place", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const f32 = ctor === Float32Array;
      for (const op of Object.keys(OPS) as um.MathOp[]) {
        const { f, params = [] } = OPS[op];
        // float32: the double result rounded once on both sides (1e-6 covers a last-bit tie).
        // float64: libm's and libmvec's functions are within a few ulps of V8's.
        const rtol = f32 ? 1e-6 : LOOSE.has(op) ? 1e-12 : 1e-14;
        const atol = f32 ? 1e-44 : LOOSE.has(op) ? 1e-14 : 1e-300;
        for (const n of LENGTHS) {
          const x = inputs(ctor, op, n);
          const want = new Float64Array(n);
          for (let i = 0; i < n; i++) want[i] = roundTo(ctor, f(x[i + 1]!));
          const y = new ctor(n + 3);
          um.unaryMath(op, x, y, n, 1, 2, params);
          const m = mismatch(y.subarray(2, 2 + n), want, rtol, atol, `${isa} ${ctor.name} ${op} n=${n}`);
          if (m !== null) assert.fail(m);
          assert.equal(y[0], 0, "nothing written before the range");
          assert.equal(y[n + 2], 0, "nothing written after the range");
          const z = x.slice(1, n + 1);
          um.unaryMath(op, z, z, n, 0, 0, params);
          const m2 = mismatch(z, want, rtol, atol, `${isa} ${ctor.name} ${op} in place n=${n}`);
          if (m2 !== null) assert.fail(m2);
        }
      }
    }
  });
});

test("native unaryMath: the sign of zero results as the JS definitions give it", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const op of Object.keys(OPS) as um.MathOp[]) {
        const { f, params = [] } = OPS[op];
        const x = ctor.from(SPECIAL);
        const y = new ctor(x.length);
        um.unaryMath(op, x, y, x.length, 0, 0, params);
        SPECIAL.forEach((v, i) => {
          const want = roundTo(ctor, f(v));
          if (want === 0) assert.ok(Object.is(y[i], want), `${isa} ${ctor.name} ${op}(${v}): got ${y[i]}, want ${want}`);
        });
      }
    }
  });
});

const PREDICATES: Record<um.ClassOp, (x: number) => boolean> = {
  isnan: (x) => x !== x,
  isinf: (x) => x === Infinity || x === -Infinity,
  isfinite: Number.isFinite,
  signbit: (x) => x < 0 || Object.is(x, -0),
};

test("native classify: every predicate vs its definition; signbit reads a NaN's sign bit", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const op of Object.keys(PREDICATES) as um.ClassOp[]) {
        for (const n of LENGTHS) {
          const x = filled(ctor, n + 1, rng(n), 4);
          for (let i = 0; i < SPECIAL.length && i < n; i++) x[i + 1] = SPECIAL[i]!;
          const out = new Uint8Array(n + 2);
          um.classify(op, x, out, n, 1, 1);
          for (let i = 0; i < n; i++) {
            if (out[i + 1] !== (PREDICATES[op](x[i + 1]!) ? 1 : 0)) assert.fail(`${isa} ${ctor.name} ${op}(${x[i + 1]}) n=${n}: got ${out[i + 1]}`);
          }
          assert.equal(out[0], 0);
          assert.equal(out[n + 1], 0);
        }
      }
      // -NaN: the sign bit set (JS numbers cannot carry it, the typed array can).
      const x = new ctor(4);
      const bits = ctor === Float32Array ? new Uint32Array(x.buffer) : new Uint32Array(x.buffer);
      if (ctor === Float32Array) { bits[0] = 0xffc00000; bits[1] = 0x7fc00000; } else { bits[1] = 0xfff80000; bits[3] = 0x7ff80000; }
      const out = new Uint8Array(ctor === Float32Array ? 4 : 2);
      um.classify("signbit", x, out, out.length);
      assert.deepEqual(Array.from(out.subarray(0, 2)), [1, 0], `${isa} ${ctor.name} signbit(-NaN, NaN)`);
    }
  });
});

test("native unaryMath / classify: argument checks", { skip: skipReason }, () => {
  const x = new Float32Array(8), y = new Float32Array(8);
  assert.throws(() => um.unaryMath("nope" as um.MathOp, x, y), /unknown op nope/);
  assert.throws(() => um.unaryMath("toString" as um.MathOp, x, y), /unknown op toString/);
  assert.throws(() => um.classify("constructor" as um.ClassOp, x, new Uint8Array(8)), /unknown op constructor/);
  assert.throws(() => um.unaryMath("sin", x, new Float64Array(8) as unknown as Float32Array), /expected out to be a Float32Array like x, got Float64Array/);
  assert.throws(() => um.unaryMath("sin", new Int32Array(8) as unknown as Float32Array, y), /x must be a Float32Array or Float64Array/);
  assert.throws(() => um.unaryMath("sin", x, y, 9), /reaches element 8, past its length 8/);
  assert.throws(() => um.unaryMath("sin", x, y, 4, 5), /x of sizes \[4\] with strides \[1\] and offset 5 reaches element 8/);
  assert.throws(() => um.unaryMath("sin", x, y, -1), /n must be a non-negative integer/);
  assert.throws(() => um.unaryMath("sin", x, x.subarray(1), 4), /out partially overlaps x/);
  assert.throws(() => um.unaryMath("logitEps", x, y, 8, 0, 0, [0.1]), /logitEps takes 2 parameters, got 1/);
  assert.throws(() => um.unaryMath("sin", x, y, 8, 0, 0, [1]), /sin takes 0 parameters, got 1/);
  assert.throws(() => um.classify("isnan", x, new Uint8Array(4), 8), /out of sizes \[8\] .* past its length 4/);
  assert.throws(() => um.classify("isnan", x, new Int8Array(8) as unknown as Uint8Array), /out must be a Uint8Array/);
  assert.throws(() => um.classify("nope" as um.ClassOp, x, new Uint8Array(8)), /unknown op nope/);
  // Nothing was written by the calls that threw.
  assert.ok(y.every((v) => v === 0));
});

test("native floor/ceil/trunc/round (elementwise kernels): exact values and the sign of zero on every ISA", { skip: skipReason }, () => {
  const values = [-0.7, -0.5, -0.3, -1e-40, -0, 0, 1e-40, 0.3, 0.5, 0.7, 1.5, 2.5, -2.5, 4194304.5, 4194305.5, -4194305.5,
    8388607.5, 1e20, -1e20, Infinity, -Infinity, NaN];
  const defs: Record<"floor" | "ceil" | "trunc", (x: number) => number> = { floor: Math.floor, ceil: Math.ceil, trunc: Math.trunc };
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const x = ctor.from(Array.from({ length: 4 }, () => values).flat());
      for (const op of ["floor", "ceil", "trunc"] as const) {
        const y = new ctor(x.length);
        native.unary(op, x, y);
        x.forEach((v, i) => {
          const want = roundTo(ctor, defs[op](v));
          assert.ok(Object.is(y[i], want), `${isa} ${ctor.name} ${op}(${v}): got ${y[i]}, want ${want}`);
        });
      }
    }
  });
});
