// The explicit float32 kernels of the AVX-512 and AVX2 builds (exp/log/tanh/sigmoid/silu, softmax
// rows and columns, the log-softmax gradient's exp, logsumexp's exp sums) at their edges, on every
// ISA the CPU runs: the exp clamps (88.7 ... 89, -87.3 ... -104, far below), denormal inputs and
// results (within one denormal step of the correctly rounded value: a flushed or twice-rounded
// 2^n scaling fails), NaN, +-inf, -0, every tail length 1..8 around vector bodies, and sizes split
// over threads. Where the CPU runs both AVX-512 and AVX2, their results must be the same bits.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import { forEachIsa, mismatch, rng, skipReason } from "../src/backends/native/test-support.js";

const DENORMAL_STEP = 2 ** -149;

const EDGES = [88.7, 88.72, 88.7228, 88.73, 89, 89.5, 100, -87.3, -87.336, -87.34, -100, -103.9, -103.97, -103.98,
  -104, -104.5, -109.9, -110, -110.5, -150, -1e10, -3e38, 0.625, -0.625, 0.6249, 0.3, -0.3, 1, -1, 2e-38, 1e-40,
  -1e-40, 1.4e-45, -1.4e-45, 0, -0, Infinity, -Infinity, NaN, 1e30, 44.4, 44.5, -44.4];

const UNARY: Partial<Record<native.UnaryOp, (x: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  silu: (x) => x / (1 + Math.exp(-x)),
};

/** Runs body once per ISA and returns its results by ISA. */
function perIsa<R>(body: () => R): Map<native.Isa, R> {
  const out = new Map<native.Isa, R>();
  forEachIsa((isa) => out.set(isa, body()));
  return out;
}

function assertSameBits(a: Float32Array, b: Float32Array, what: string): void {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (ua[i] !== ub[i]) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** AVX-512 and AVX2 give the same bits, where the CPU runs both. */
function checkAcrossIsas(results: Map<native.Isa, Float32Array[]>, what: string): void {
  const a = results.get("avx512"), b = results.get("avx2");
  if (a === undefined || b === undefined) return;
  a.forEach((v, i) => assertSameBits(v, b[i]!, `${what} #${i}: avx512 vs avx2`));
}

test("native float unary kernels: exp clamps, denormals, specials, every tail length, threads", { skip: skipReason }, () => {
  for (const [op, ref] of Object.entries(UNARY) as [native.UnaryOp, (x: number) => number][]) {
    const results = perIsa(() => {
      const outs: Float32Array[] = [];
      // Each length 1..17 (tails 1..8 alone and after a body), each value at every position.
      for (let n = 1; n <= 17; n++) {
        for (let shift = 0; shift < EDGES.length; shift += 3) {
          const x = Float32Array.from({ length: n }, (_, i) => EDGES[(shift + i) % EDGES.length]!);
          const y = new Float32Array(n + 1).fill(7);
          native.unary(op, x, y, n);
          assert.equal(y[n], 7, `${op} n=${n}: wrote past the end`);
          outs.push(y.subarray(0, n));
        }
      }
      // A size split over threads, the edge values scattered through random ones.
      const rand = rng(11);
      const big = Float32Array.from({ length: 300_007 }, (_, i) => (i % 97 === 0 ? EDGES[(i / 97) % EDGES.length]! : rand() * 60));
      const yb = new Float32Array(big.length);
      native.unary(op, big, yb);
      outs.push(big, yb);
      return outs;
    });
    for (const [isa, outs] of results) {
      let k = 0;
      for (let n = 1; n <= 17; n++) {
        for (let shift = 0; shift < EDGES.length; shift += 3) {
          const x = Array.from({ length: n }, (_, i) => Math.fround(EDGES[(shift + i) % EDGES.length]!));
          const want = x.map((v) => Math.fround(ref(v)));
          const m = mismatch(outs[k++]!, want, 1e-6, DENORMAL_STEP, `${isa} ${op} n=${n} shift=${shift}`);
          if (m !== null) assert.fail(m);
        }
      }
      const big = outs[k]!, yb = outs[k + 1]!;
      const m = mismatch(yb, Array.from(big, (v) => Math.fround(ref(v))), 1e-6, DENORMAL_STEP, `${isa} ${op} threaded`);
      if (m !== null) assert.fail(m);
    }
    checkAcrossIsas(results, op);
  }
});

/** softmax / log_softmax of rows in double, rounded to float (NaN rows stay NaN). */
function softmaxRows(log: boolean, x: Float32Array, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    for (const v of row) out.push(Math.fround(log ? v - m - Math.log(s) : Math.exp(v - m) / s));
  }
  return out;
}

test("native float softmax, its gradient and logsumexp: terms near and below the exp clamps, every tail length", { skip: skipReason }, () => {
  const build = (rows: number, cols: number, seed: number): Float32Array => {
    const rand = rng(seed);
    const x = Float32Array.from({ length: rows * cols }, () => rand() * 8);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * cols, (r + 1) * cols);
      row[(r * 7) % cols] = 20; // the max; the others differ from it by the offsets below
      const offsets = [-87.3, -100, -103.9, -104, -110, -1e10, -Infinity];
      if (cols > 1) row[(r * 7 + 1) % cols] = 20 + offsets[r % offsets.length]!;
    }
    return x;
  };
  const shapes: [number, number][] = [];
  for (let cols = 1; cols <= 17; cols++) shapes.push([7, cols]);
  shapes.push([3, 1029], [2000, 24]); // a leaf with a tail; rows split over threads
  const results = perIsa(() => {
    const outs: Float32Array[] = [];
    let seed = 40;
    for (const [rows, cols] of shapes) {
      const x = build(rows, cols, seed++);
      for (const log of [false, true]) {
        const y = new Float32Array(rows * cols);
        (log ? native.logSoftmax : native.softmax)(x, y, rows, cols);
        // The same values down the columns ([1, cols, rows] along the middle dim).
        const xt = new Float32Array(rows * cols), yt = new Float32Array(rows * cols);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) xt[c * rows + r] = x[r * cols + c]!;
        native.softmaxAlong(log, xt, yt, 1, cols, rows);
        // The gradient for g = 1: softmax's is 0, log_softmax's is 1 - cols * exp(y).
        const dx = new Float32Array(rows * cols);
        native.softmaxBackwardAlong(log, new Float32Array(rows * cols).fill(1), y, dx, rows, cols, 1);
        outs.push(x, y, yt, dx);
      }
      const lse = new Float32Array(rows);
      native.logsumexpAlong(x, lse, rows, cols, 1);
      const lseCols = new Float32Array(rows);
      const xt = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) xt[c * rows + r] = x[r * cols + c]!;
      native.logsumexpAlong(xt, lseCols, 1, cols, rows);
      outs.push(lse, lseCols);
    }
    return outs;
  });
  for (const [isa, outs] of results) {
    let k = 0;
    for (const [rows, cols] of shapes) {
      for (const log of [false, true]) {
        const [x, y, yt, dx] = outs.slice(k, k + 4) as Float32Array[];
        k += 4;
        const what = `${isa} ${log ? "log_softmax" : "softmax"} [${rows}, ${cols}]`;
        const want = softmaxRows(log, x!, rows, cols);
        // Softmax values below 2^-126 pass through a denormal exp and a scaling: two roundings.
        const atol = log ? 1e-6 : 2 * DENORMAL_STEP;
        let m = mismatch(y!, want, 1e-6, atol, what);
        if (m === null) {
          const back = Float32Array.from({ length: rows * cols }, (_, i) => yt![(i % cols) * rows + Math.floor(i / cols)]!);
          m = mismatch(back, want, 1e-6, atol, `${what} along columns`);
        }
        if (m === null) {
          const wantDx = Array.from(y!, (v) => (log ? Math.fround(1 - cols * Math.exp(v)) : 0));
          m = mismatch(dx!, wantDx, 1e-5, 1e-6, `${what} gradient`);
        }
        if (m !== null) assert.fail(m);
      }
      const x = outs[k - 8]!;
      const want = Array.from({ length: rows }, (_, r) => {
        const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
        const mx = Math.max(...row);
        return Math.fround(mx + Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0)));
      });
      for (const [got, how] of [[outs[k]!, "rows"], [outs[k + 1]!, "columns"]] as const) {
        const m = mismatch(got, want, 1e-6, 0, `${isa} logsumexp ${how} [${rows}, ${cols}]`);
        if (m !== null) assert.fail(m);
      }
      k += 2;
    }
  }
  checkAcrossIsas(results, "softmax/logsumexp");
});
