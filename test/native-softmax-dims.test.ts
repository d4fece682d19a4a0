// softmax/log_softmax over every dim and their gradients: the native strided kernels
// (native.softmaxAlong / softmaxBackwardAlong) against the double formula, the ops against them
// and against the JS loops, on every ISA, with -inf, +inf and NaN.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import * as native from "../src/backends/native/index.js";
import { type Ctor, DTYPES, filled, forEachIsa, nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";

function close(got: Tensor, want: Tensor, tol: number, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.reshape(-1).tolist() as number[], w = want.reshape(-1).tolist() as number[];
  for (let i = 0; i < g.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) { if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${what}[${i}]: ${a} vs ${b}`); continue; }
    if (a === b) continue;
    if (!(Math.abs(a - b) <= tol * (Math.abs(b) + 1))) assert.fail(`${what}[${i}]: ${a} vs ${b}`);
  }
}

test("softmax/log_softmax over strided dims and their gradients match the JS loops", { skip: skipReason }, () => {
  torch.manualSeed(2);
  forEachIsa((isa) => {
    for (const dt of [torch.float32, torch.float64]) {
      const tol = dt === torch.float32 ? 2e-6 : 1e-12;
      const base = torch.randn(6, 70, 33, { dtype: dt }).mul(4);
      const data = base.storage.data as Float32Array;
      data[5] = -Infinity; data[6 * 33 + 2] = Infinity; data[900] = NaN;
      for (let i = 0; i < 70; i++) data[2 * 70 * 33 + i * 33 + 7] = -Infinity; // a slice that is all -inf along dim 1
      const views: [string, Tensor][] = [["contiguous", base], ["transposed", base.transpose(0, 2)]];
      for (const [view, x] of views) {
        for (const d of [0, 1, 2, -1]) {
          for (const log of [false, true]) {
            const what = `${isa} ${dt.name} ${view} ${log ? "log_softmax" : "softmax"}(${d})`;
            const [a, b] = nativeAndJs(() => (log ? x.logSoftmax(d) : x.softmax(d)));
            close(a, b, tol, what);
            const w = torch.randn(x.shape, { dtype: dt });
            const [ga, gb] = nativeAndJs(() => {
              const xi = x.detach().requiresGrad_();
              (log ? xi.logSoftmax(d) : xi.softmax(d)).mul(w).sum().backward();
              return xi.grad!;
            });
            close(ga, gb, tol * 4, `${what} gradient`);
          }
        }
      }
    }
  });
});

test("softmax over dim 0 of a large matrix: rows sum to 1, log_softmax is its log", () => {
  torch.manualSeed(0);
  const x = torch.randn(300, 200);
  const s = x.softmax(0), l = x.logSoftmax(0);
  close(s.sum(0), torch.ones(200), 1e-6, "column sums");
  close(l.exp(), s, 1e-6, "exp(log_softmax)");
  // Double backward still goes through the differentiable formula.
  const xi = x.double().requiresGrad_();
  const [g] = torch.autograd.grad(xi.softmax(0).square().sum(), [xi], { createGraph: true });
  assert.ok(g!.requiresGrad);
});

// ---- the strided kernels themselves (native.softmaxAlong / softmaxBackwardAlong) ----------------

/** softmax / log_softmax over the middle dim of [outer, size, inner], in double. */
function softmaxAlongReference(log: boolean, x: ArrayLike<number>, outer: number, size: number, inner: number): Float64Array {
  const out = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => (o * size + j) * inner + i;
      let m = -Infinity, nan = false;
      for (let j = 0; j < size; j++) { const v = x[at(j)]!; if (Number.isNaN(v)) nan = true; m = Math.max(m, v); }
      let s = 0;
      for (let j = 0; j < size; j++) s += Math.exp(x[at(j)]! - m);
      for (let j = 0; j < size; j++) {
        const d = x[at(j)]! - m;
        out[at(j)] = nan ? NaN : log ? d - Math.log(s) : Math.exp(d) / s;
      }
    }
  }
  return out;
}

/**
 * The input gradient from the output y and output gradient g, in double, and the size of its terms
 * (the error scale of a result that cancels): softmax y (g - Σ g y), log_softmax g - exp(y) Σ g.
 */
function softmaxGradReference(log: boolean, g: ArrayLike<number>, y: ArrayLike<number>, outer: number, size: number, inner: number): { want: Float64Array; scale: Float64Array } {
  const n = outer * size * inner, want = new Float64Array(n), scale = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => (o * size + j) * inner + i;
      let s = 0;
      for (let j = 0; j < size; j++) s += log ? g[at(j)]! : g[at(j)]! * y[at(j)]!;
      for (let j = 0; j < size; j++) {
        const gv = g[at(j)]!, yv = y[at(j)]!, k = at(j);
        if (log) { want[k] = gv - Math.exp(yv) * s; scale[k] = Math.abs(gv) + Math.abs(Math.exp(yv) * s); }
        else { want[k] = yv * (gv - s); scale[k] = Math.abs(yv) * (Math.abs(gv) + Math.abs(s)); }
      }
    }
  }
  return { want, scale };
}

/** |got - want| <= rtol * scale + atol elementwise (scale defaults to |want|), NaN matching NaN. */
function checkClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string, scale?: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) { if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${what}[${i}]: got ${a}, want ${b}`); continue; }
    if (a === b) continue;
    const tol = rtol * (scale ? scale[i]! : Math.abs(b)) + atol;
    if (!(Math.abs(a - b) <= tol)) assert.fail(`${what}[${i}]: got ${a}, want ${b} (diff ${Math.abs(a - b)}, tol ${tol})`);
  }
}

// [outer, size, inner]: odd widths (vector tails), size 1, more columns than one block
// (kSoftmaxCols = 1024), one slice wide enough to be split over the threads, and inner = 1.
const ALONG_SHAPES: readonly [number, number, number][] = [
  [1, 2, 3], [3, 7, 5], [2, 1, 9], [4, 33, 37], [2, 40, 17], [1, 300, 1000], [2, 20, 1100], [1, 600, 700], [5, 37, 1], [40, 1000, 1],
];

/** Seeded data with the special values of a softmax: masked-out (-inf) scores, all -inf, +inf, NaN, a dominant entry. */
function alongInput<C extends Ctor>(ctor: C, outer: number, size: number, inner: number, seed: number): InstanceType<C> {
  const x = filled(ctor, outer * size * inner, rng(seed), 30);
  const at = (o: number, j: number, i: number) => (o * size + j) * inner + i;
  if (size > 3 && inner > 4) {
    x[at(0, 1, 0)] = x[at(0, 2, 0)] = -Infinity; // masked-out scores in column 0
    for (let j = 0; j < size; j++) x[at(0, j, 1)] = -Infinity; // column 1 all -inf: NaN, as PyTorch
    x[at(0, 2, 2)] = NaN; // column 2 NaN
    x[at(0, 3, 3)] = Infinity; // column 3 has +inf: NaN
    x[at(0, 0, 4)] = 80; // column 4 has one dominant entry
  }
  return x;
}

test("native softmaxAlong over a middle dim matches the double formula on every ISA (in place too)", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const f32 = ctor === Float32Array;
      for (const log of [false, true]) {
        let seed = 300;
        for (const [outer, size, inner] of ALONG_SHAPES) {
          const x = alongInput(ctor, outer, size, inner, seed++);
          const want = softmaxAlongReference(log, x, outer, size, inner);
          const what = `${isa} ${ctor.name} ${log ? "log_softmax" : "softmax"} [${outer}, ${size}, ${inner}]`;
          const rtol = f32 ? 1e-6 : 1e-13, atol = log ? rtol : f32 ? 1e-44 : 1e-300;
          // Offsets: the views start 3 elements into their arrays.
          const xs = new ctor(x.length + 3), out = new ctor(x.length + 5);
          xs.set(x, 3);
          native.softmaxAlong(log, xs, out, outer, size, inner, 3, 2);
          checkClose(out.subarray(2, 2 + x.length), want, rtol, atol, what);
          assert.ok(out[0] === 0 && out[1] === 0 && out[2 + x.length] === 0, `${what}: wrote outside its range`);
          native.softmaxAlong(log, x, x, outer, size, inner);
          checkClose(x, want, rtol, atol, `${what} in place`);
        }
      }
    }
  });
});

test("native softmaxAlong: large values (max subtraction) and the row kernel's results over the last dim", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const log of [false, true]) {
        const x = filled(ctor, 4 * 50 * 24, rng(7), 4);
        for (let i = 0; i < x.length; i++) x[i] = x[i]! + 1e4; // exp(1e4) overflows without the max
        const out = new ctor(x.length);
        native.softmaxAlong(log, x, out, 4, 50, 24);
        const f32 = ctor === Float32Array;
        checkClose(out, softmaxAlongReference(log, x, 4, 50, 24), f32 ? 1e-6 : 1e-13, log ? 1e-5 : 0, `${isa} ${ctor.name} log ${log} 1e4`);
        // inner = 1 is the row kernel, bit for bit.
        const rows = new ctor(x.length);
        (log ? native.logSoftmax : native.softmax)(x, rows, 200, 24);
        native.softmaxAlong(log, x, out, 200, 24, 1);
        assert.deepEqual(out, rows, `${isa} ${ctor.name} log ${log}: inner 1 is the row kernel`);
      }
    }
  });
});

test("native softmaxBackwardAlong matches the double formula on every ISA (into g or y too)", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const f32 = ctor === Float32Array;
      for (const log of [false, true]) {
        let seed = 500;
        for (const [outer, size, inner] of ALONG_SHAPES) {
          const n = outer * size * inner;
          const y = alongInput(ctor, outer, size, inner, seed++);
          native.softmaxAlong(log, y, y, outer, size, inner);
          const g = filled(ctor, n, rng(seed++), 4);
          const { want, scale } = softmaxGradReference(log, g, y, outer, size, inner);
          const what = `${isa} ${ctor.name} ${log ? "log_softmax" : "softmax"} backward [${outer}, ${size}, ${inner}]`;
          const rtol = f32 ? 1e-6 : 1e-13, atol = f32 ? 1e-44 : 1e-300; // denormal results round
          const dx = new ctor(n + 1);
          native.softmaxBackwardAlong(log, g, y, dx, outer, size, inner, 0, 0, 1);
          checkClose(dx.subarray(1), want, rtol, atol, what, scale);
          const g2 = g.slice(), y2 = y.slice();
          native.softmaxBackwardAlong(log, g2, y, g2, outer, size, inner);
          checkClose(g2, want, rtol, atol, `${what} into g`, scale);
          native.softmaxBackwardAlong(log, g, y2, y2, outer, size, inner);
          checkClose(y2, want, rtol, atol, `${what} into y`, scale);
        }
      }
    }
  });
});

test("native softmaxAlong / softmaxBackwardAlong check their arguments", { skip: skipReason }, () => {
  const x = new Float32Array(24), y = new Float32Array(24), d = new Float64Array(24);
  assert.throws(() => native.softmaxAlong(false, x, y, 2, 3, 5), /past its length/);
  assert.throws(() => native.softmaxAlong(false, x, y, 2, 3, 4, 1), /past its length/);
  assert.throws(() => native.softmaxAlong(false, x, d as unknown as Float32Array, 2, 3, 4), /Float64Array like the other operands, got Float32Array/);
  assert.throws(() => native.softmaxAlong(false, x, y, 2, -3, 4), /size must be a non-negative integer/);
  assert.throws(() => native.softmaxAlong(false, x, y, 2, 3, 1.5), /inner must be a non-negative integer/);
  assert.throws(() => native.softmaxAlong(false, x, x.subarray(1), 1, 3, 4), /out partially overlaps x/);
  assert.throws(() => native.softmaxAlong("yes" as unknown as boolean, x, y, 2, 3, 4), /log must be a boolean/);
  assert.throws(() => native.softmaxBackwardAlong(false, x, y, x.subarray(2), 1, 2, 4), /dx partially overlaps g/);
  assert.throws(() => native.softmaxBackwardAlong(false, x, y, y.subarray(2), 1, 2, 4), /dx partially overlaps y/);
  assert.throws(() => native.softmaxBackwardAlong(false, x, d as unknown as Float32Array, y, 2, 3, 4), /expected y to be a Float32Array/);
  assert.throws(() => native.softmaxBackwardAlong(true, x, y, y, 2, 3, 4, 0, 1), /past its length/);
  native.softmaxAlong(false, x, y, 0, 3, 4); // nothing to do
  native.softmaxBackwardAlong(true, x, y, new Float32Array(0), 2, 0, 4);
});

// ---- softmax / log_softmax through torch ------------------------------------------------------

/** The op's result and its input gradient for an output gradient w, as flat arrays. */
function opAndGrad(x: Tensor, d: number, log: boolean, w: Tensor): { y: Float32Array | Float64Array; dx: Float32Array | Float64Array } {
  const xi = x.detach().requiresGrad_();
  const y = log ? xi.logSoftmax(d) : xi.softmax(d);
  const [dx] = torch.autograd.grad(y, xi, { gradOutputs: w });
  const flat = (t: Tensor) => t.contiguous().storage.data.subarray(t._offset, t._offset + t.numel()) as Float32Array | Float64Array;
  return { y: flat(y), dx: flat(dx!) };
}

function assertSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
}

test("softmax/log_softmax over any dim run the native kernels: their bits, values of the double formula, on every ISA", { skip: skipReason }, () => {
  torch.manualSeed(11);
  // (the other ISAs' kernels and float64 see 1000 columns in the test of softmaxAlong above)
  const cases: { shape: number[]; dims: number[]; scale?: number; shift?: number; special?: boolean; bestIsaOnly?: boolean }[] = [
    { shape: [1000, 1000], dims: [0], bestIsaOnly: true },
    { shape: [3, 7, 5], dims: [0, 1, 2] },
    { shape: [2, 1, 9], dims: [1] },
    { shape: [6, 19, 37], dims: [0, 1], special: true },
    { shape: [5, 12, 3], dims: [1], shift: 1e4 },
  ];
  forEachIsa((isa) => {
    for (const dt of [torch.float32, torch.float64]) {
      const f32 = dt === torch.float32, rtol = f32 ? 1e-6 : 1e-13;
      for (const c of cases) {
        if (c.bestIsaOnly && (isa !== native.bestIsa() || !f32)) continue;
        const base = torch.randn(c.shape, { dtype: dt }).mul(c.scale ?? 4).add(c.shift ?? 0);
        if (c.special) {
          const data = base.storage.data as Float32Array;
          data[1] = -Infinity; data[37 + 1] = -Infinity; data[2 * 37 + 2] = NaN; data[3 * 37 + 3] = Infinity;
        }
        for (const d of c.dims) {
          for (const log of [false, true]) {
            // A contiguous input, and the same values read through a transpose.
            const inputs: [string, Tensor][] = [["contiguous", base], ["transposed", base.transpose(0, -1).contiguous().transpose(0, -1)]];
            const w = torch.randn(c.shape, { dtype: dt });
            const shape = c.shape, outer = shape.slice(0, d).reduce((a, b) => a * b, 1), size = shape[d]!, inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
            const xs = base.storage.data as Float32Array | Float64Array, ws = w.storage.data as Float32Array | Float64Array;
            const bits = new (f32 ? Float32Array : Float64Array)(xs.length), gradBits = new (f32 ? Float32Array : Float64Array)(xs.length);
            native.softmaxAlong(log, xs, bits, outer, size, inner);
            native.softmaxBackwardAlong(log, ws, bits, gradBits, outer, size, inner);
            const want = softmaxAlongReference(log, xs, outer, size, inner);
            const { want: gradWant, scale } = softmaxGradReference(log, ws, bits, outer, size, inner);
            for (const [view, x] of inputs) {
              const what = `${isa} ${dt.name} ${view} ${log ? "log_softmax" : "softmax"}(${d}) of [${shape.join(", ")}]`;
              assert.equal(view === "contiguous", x.isContiguous(), what);
              const { y, dx } = opAndGrad(x, d, log, w);
              assertSameBits(y, bits, `${what}: the native kernel's bits`);
              assertSameBits(dx, gradBits, `${what}: the native gradient's bits`);
              // x - (max + log(sum)) is as exact as max + log(sum): to the ulp of the inputs.
              checkClose(y, want, rtol, log ? rtol * (1 + (c.shift ?? 0)) : f32 ? 1e-44 : 1e-300, what);
              checkClose(dx, gradWant, rtol, f32 ? 1e-44 : 1e-300, `${what} gradient`, scale);
            }
          }
        }
      }
    }
  });
});

test("native softmaxAlong / softmaxBackwardAlong give the same bits on 1 and 4 threads (blocks narrowed for threads or not)", { skip: skipReason }, () => {
  const before = native.getNumThreads();
  try {
    for (const ctor of DTYPES) {
      for (const log of [false, true]) {
        for (const [outer, size, inner] of [[1, 600, 700], [1, 300, 1000], [2, 20, 1100], [40, 1000, 1]] as const) {
          const n = outer * size * inner, x = filled(ctor, n, rng(n), 20), g = filled(ctor, n, rng(n + 1), 2);
          const run = (threads: number) => {
            native.setNumThreads(threads);
            const y = new ctor(n), dx = new ctor(n);
            native.softmaxAlong(log, x, y, outer, size, inner);
            native.softmaxBackwardAlong(log, g, y, dx, outer, size, inner);
            return [y, dx] as const;
          };
          const [y1, dx1] = run(1), [y4, dx4] = run(4);
          const what = `${ctor.name} ${log ? "log_softmax" : "softmax"} [${outer}, ${size}, ${inner}]`;
          assertSameBits(y4, y1, `${what}: output`);
          assertSameBits(dx4, dx1, `${what}: gradient`);
        }
      }
    }
  } finally {
    native.setNumThreads(before);
  }
});

test("native softmaxAlong gives the row kernel's results on the same values laid out as rows: its bits where both sum in double", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      for (const log of [false, true]) {
        const [outer, size, inner] = [3, 50, 37];
        const x = alongInput(ctor, outer, size, inner, 900);
        const rows = new ctor(x.length); // [outer, inner, size]
        for (let o = 0; o < outer; o++) for (let j = 0; j < size; j++) for (let i = 0; i < inner; i++) rows[(o * inner + i) * size + j] = x[(o * size + j) * inner + i]!;
        const along = new ctor(x.length), byRows = new ctor(x.length);
        native.softmaxAlong(log, x, along, outer, size, inner);
        (log ? native.logSoftmax : native.softmax)(rows, byRows, outer * inner, size);
        const back = new ctor(x.length);
        for (let o = 0; o < outer; o++) for (let j = 0; j < size; j++) for (let i = 0; i < inner; i++) back[(o * size + j) * inner + i] = byRows[(o * inner + i) * size + j]!;
        const what = `${isa} ${ctor.name} ${log ? "log_softmax" : "softmax"}`;
        // AVX-512/AVX2 float: the row kernel sums in a float cascade, the column kernel in double.
        if (isa !== "scalar" && ctor === Float32Array) checkClose(along, back, 1e-6, log ? 1e-6 : 1e-44, what);
        else assertSameBits(along, back, what);
      }
    }
  });
});
