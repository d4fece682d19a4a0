// The native reductions with indices (max/min/argmax/argmin, and amax/amin through them),
// logsumexp and sort/argsort/topk against their JS definitions: every op runs once on the native
// path and once with the kernel table switched to "js", on every ISA the CPU runs, for the last
// dim, inner dims, size-1 dims, non-contiguous inputs, NaN, -0, +-inf and ties, odd lengths, and
// sizes on both sides of the thread split (rows over threads, one long row in chunks); then the
// wrappers' argument checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import { forEachIsa, rng, skipReason, nativeAndJs } from "../src/backends/native/test-support.js";
import { assertSameElements as same } from "./support/same-elements.js";

type DT = "float32" | "float64" | "int32";


/**
 * Seeded values: "ties" draws from six values (-0 and 0 among them), "special" and "nan" mix
 * such values with noise, +-inf and a rare NaN ("special") or a fifth NaN ("nan"); "random" is
 * plain uniform noise.
 */
type Kind = "ties" | "special" | "nan" | "random";

function make(shape: number[], dt: DT, kind: Kind, seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const u = r() + 0.5;
    let v = dt === "int32" ? Math.round(r() * 2e6) : r() * 8;
    if (kind === "ties" || (kind !== "random" && u < 0.3)) v = [-2, -1, -0, 0, 1, 2][Math.floor(u * 6)]!;
    if (dt !== "int32" && kind === "special" && u > 0.97) v = u > 0.985 ? Infinity : -Infinity;
    if (dt !== "int32" && kind === "special" && u > 0.9985) v = NaN;
    if (dt !== "int32" && kind === "nan" && u > 0.8) v = NaN;
    vals[i] = v;
  }
  if (dt === "int32") return torch.tensor(vals.map((v) => Math.trunc(v) | 0), { dtype: torch.int32 }).reshape(shape);
  return torch.tensor(vals, { dtype: dt }).reshape(shape);
}

function flat(t: Tensor): (number | bigint)[] {
  return t.contiguous().reshape(-1).tolist() as (number | bigint)[];
}


function close(got: Tensor, want: Tensor, dt: DT, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = flat(got) as number[], w = flat(want) as number[];
  const tol = dt === "float32" ? 2e-6 : 1e-13;
  for (let i = 0; i < g.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Object.is(a, b)) continue;
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) assert.fail(`${what}: element ${i} is ${a}, expected ${b}`);
  }
}

/** Inputs that reach every path: (shape, dims to reduce or sort along, how to view it). */
interface Case { shape: number[]; dims: number[]; view?: "t" | "narrow" | "step" }
const CASES: readonly Case[] = [
  { shape: [37, 53], dims: [0, 1, -1] },
  { shape: [3, 1, 97], dims: [0, 1, 2] },
  { shape: [5, 17, 33], dims: [0, 1, 2] },
  { shape: [1, 301], dims: [0, 1] },
  { shape: [300, 700], dims: [0, 1] }, // rows and column blocks over the threads
  { shape: [1, 70001], dims: [0, 1] }, // one long row: chunks over the threads, combined in order
  { shape: [41, 29], dims: [0, 1], view: "t" },
  { shape: [23, 64], dims: [0, 1], view: "narrow" },
  { shape: [30, 40], dims: [0, 1], view: "step" },
];

function input(c: Case, dt: DT, kind: Kind, seed: number): Tensor {
  const x = make(c.shape, dt, kind, seed);
  if (c.view === "t") return x.t();
  if (c.view === "narrow") return x.narrow(1, 5, 50);
  if (c.view === "step") return torch.slice(x, 1, 0, c.shape[1]!, 3);
  return x;
}

const SELECT_DTYPES: readonly DT[] = ["float32", "float64", "int32"];
const KINDS: readonly Kind[] = ["ties", "special", "nan", "random"];

test("native max/min/argmax/argmin/amax/amin along a dim match the JS definitions", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    let seed = 1;
    for (const dt of SELECT_DTYPES) {
      for (const kind of dt === "int32" ? (["ties", "random"] as Kind[]) : KINDS) {
        for (const c of CASES) {
          const x = input(c, dt, kind, seed++);
          for (const d of c.dims) {
            const what = `${isa} ${dt} ${kind} [${c.shape}]${c.view ?? ""} dim ${d}`;
            for (const op of ["max", "min"] as const) {
              const [a, b] = nativeAndJs(() => x[op](d));
              same(a.values, b.values, `${op} values ${what}`);
              same(a.indices, b.indices, `${op} indices ${what}`);
            }
            const [a, b] = nativeAndJs(() => x.argmin(d, true));
            same(a, b, `argmin keepdim ${what}`);
            for (const op of ["amax", "amin"] as const) {
              const [p, q] = nativeAndJs(() => x[op](d));
              same(p, q, `${op} ${what}`);
            }
          }
        }
      }
    }
  });
});

test("native max/min/argmax/argmin/amax/amin over all elements match the JS definitions", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    let seed = 100;
    for (const dt of SELECT_DTYPES) {
      for (const shape of [[300], [17, 19], [3, 70001], [200001]]) {
        for (const kind of dt === "int32" ? (["ties"] as Kind[]) : (["ties", "special", "random"] as Kind[])) {
          const x = make(shape, dt, kind, seed++);
          const what = `${isa} ${dt} ${kind} [${shape}]`;
          for (const op of ["max", "min", "argmax", "argmin", "amax", "amin"] as const) {
            const [a, b] = nativeAndJs(() => x[op]());
            same(a, b, `${op}() ${what}`);
          }
          const [a, b] = nativeAndJs(() => x.argmax(null, true));
          same(a, b, `argmax(keepdim) ${what}`);
        }
      }
    }
  });
});

test("native max along a dim: NaN's first index, first of ties, -0 and 0, gradients", { skip: skipReason }, () => {
  const x = torch.tensor([[1, NaN, 3, NaN, ...Array<number>(300).fill(0)], [-0, 0, 0, -0, ...Array<number>(300).fill(-1)]]);
  assert.deepEqual(x.argmax(1).tolist(), [1, 0]);
  assert.deepEqual(x.argmin(1).tolist(), [1, 4]);
  assert.ok(Object.is((x.max(1).values.tolist() as number[])[1], -0));
  // Ties among the largest value: the first index, whichever chunk of a long row it falls in.
  const long = torch.zeros(200003);
  long.narrow(0, 150001, 1).fill_(5);
  long.narrow(0, 199999, 1).fill_(5);
  assert.equal(long.argmax().item(), 150001);
  long.narrow(0, 170000, 1).fill_(NaN);
  assert.equal(long.argmax().item(), 170000);
  assert.equal(long.argmin().item(), 170000);
  const w = torch.randn(20, 30, { dtype: torch.float64 }).requiresGrad_(true);
  w.max(1).values.sum().backward();
  assert.deepEqual(w.grad!.sum(1).tolist(), Array<number>(20).fill(1));
});

test("native logsumexp matches the JS definition, with PyTorch's infinities and NaN", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    let seed = 200;
    for (const dt of ["float32", "float64"] as const) {
      for (const kind of ["ties", "special", "random"] as Kind[]) {
        for (const c of CASES) {
          const x = input(c, dt, kind, seed++);
          for (const d of c.dims) {
            const [a, b] = nativeAndJs(() => x.logsumexp(d, d === 0));
            close(a, b, dt, `${isa} logsumexp ${dt} ${kind} [${c.shape}]${c.view ?? ""} dim ${d}`);
          }
        }
        const x = make([4, 6, 50], dt, kind, seed++);
        for (const dims of [[1, 2], [0, 1], [0, 1, 2]]) {
          const [a, b] = nativeAndJs(() => x.logsumexp(dims));
          close(a, b, dt, `${isa} logsumexp ${dt} ${kind} dims [${dims}]`);
        }
      }
      // Rows of all -inf, a +inf, a NaN (also next to +inf), a large shift; as rows and as columns.
      const rows: number[][] = [
        Array<number>(300).fill(-Infinity),
        [Infinity, ...Array<number>(299).fill(1)],
        [...Array<number>(150).fill(2), NaN, ...Array<number>(149).fill(-Infinity)],
        [Infinity, NaN, ...Array<number>(298).fill(0)],
        Array.from({ length: 300 }, (_, i) => 1000 + (i % 7)),
      ];
      const want = [-Infinity, Infinity, NaN, NaN, 1000 + Math.log(Array.from({ length: 300 }, (_, i) => Math.exp(i % 7)).reduce((p, q) => p + q, 0))];
      const t = torch.tensor(rows, { dtype: dt });
      for (const [y, what] of [[t.logsumexp(1), "rows"], [t.t().contiguous().logsumexp(0), "columns"]] as const) {
        const got = y.tolist() as number[];
        got.forEach((v, i) => {
          if (Number.isFinite(want[i]!)) assert.ok(Math.abs(v - want[i]!) < 1e-4, `${isa} ${dt} ${what} ${i}: ${v}`);
          else assert.ok(Object.is(v, want[i]), `${isa} ${dt} ${what} ${i}: ${v}, expected ${want[i]}`);
        });
        const [a, b] = nativeAndJs(() => t.logsumexp(1));
        close(a, b, dt, `${isa} special rows ${dt}`);
      }
    }
  });
  const w = torch.randn(30, 40, { dtype: torch.float64 }).requiresGrad_(true);
  w.logsumexp(1).sum().backward();
  const g = w.grad!.sum(1).tolist() as number[];
  for (const v of g) assert.ok(Math.abs(v - 1) < 1e-12);
});

// The sort is portable C++ (no per-ISA loops), so it runs once; topk's JS definition is the
// prefix of the JS sort's order, which saves sorting again for every k.
test("native sort/argsort/topk match the JS definitions (stable, NaN placement, -0 ties 0)", { skip: skipReason }, () => {
  let seed = 300;
  const cases = CASES.filter((c) => c.shape[1] !== 70001 && c.shape[0] !== 300).concat([{ shape: [40, 700], dims: [0, 1] }]);
  for (const dt of SELECT_DTYPES) {
    for (const kind of dt === "int32" ? (["ties", "random"] as Kind[]) : KINDS) {
      for (const c of cases) {
        const x = input(c, dt, kind, seed++);
        for (const d of c.dims) {
          const what = `${dt} ${kind} [${c.shape}]${c.view ?? ""} dim ${d}`;
          const n = x.shape[d < 0 ? x.dim() + d : d]!;
          for (const descending of [false, true]) {
            const [a, b] = nativeAndJs(() => x.sort(d, descending));
            same(a.values, b.values, `sort values ${what} desc ${descending}`);
            same(a.indices, b.indices, `sort indices ${what} desc ${descending}`);
            same(x.argsort(d, descending), b.indices, `argsort ${what} desc ${descending}`);
            for (const k of new Set([0, 1, 3, 40, Math.floor(n / 2), n].filter((k) => k <= n))) {
              const t = x.topk(k, d, descending);
              same(t.values, b.values.narrow(d, 0, k).contiguous(), `topk ${k} values ${what} largest ${descending}`);
              same(t.indices, b.indices.narrow(d, 0, k).contiguous(), `topk ${k} indices ${what} largest ${descending}`);
            }
          }
        }
      }
    }
  }
  // topk's own JS path agrees too.
  const x = make([20, 50], "float64", "special", 399);
  const [a, b] = nativeAndJs(() => x.topk(7, 1, false));
  same(a.values, b.values, "topk values");
  same(a.indices, b.indices, "topk indices");
});

test("native sort: long lines, topk by selection, determinism across thread counts", { skip: skipReason }, () => {
  const x = make([3, 5000], "float32", "special", 400);
  for (const k of [5, 32, 33, 200, 1000]) {
    const [a, b] = nativeAndJs(() => x.topk(k, 1));
    same(a.values, b.values, `topk ${k} values`);
    same(a.indices, b.indices, `topk ${k} indices`);
  }
  const [a, b] = nativeAndJs(() => x.sort(1));
  same(a.indices, b.indices, "sort of 5000");
  const threads = native.getNumThreads();
  try {
    native.setNumThreads(1);
    same(x.sort(0, true).indices, x.sort(0, true).indices, "repeatable");
    const one = x.sort(1).indices;
    native.setNumThreads(4);
    same(x.sort(1).indices, one, "1 and 4 threads");
  } finally {
    native.setNumThreads(threads);
  }
  const w = torch.randn(10, 40, { dtype: torch.float64 }).requiresGrad_(true);
  w.sort(1).values.mul(torch.arange(40, { dtype: torch.float64 })).sum().backward();
  const idx = w.sort(1).indices;
  assert.deepEqual(w.grad!.gather(1, idx).tolist(), Array.from({ length: 10 }, () => Array.from({ length: 40 }, (_, i) => i)));
});

test("native index wrappers check their arguments before calling the addon", { skip: skipReason }, () => {
  const x = new Float32Array(12), v = new Float32Array(3), i = new BigInt64Array(3);
  assert.throws(() => native.selectAlong(true, x, v, i, 3, 0, 1), /size 0/);
  assert.throws(() => native.selectAlong(true, x, v, i, 3, 5, 1), /past its length/);
  assert.throws(() => native.selectAlong(true, x, new Float64Array(3) as unknown as Float32Array, i, 3, 4, 1), /Float32Array like x/);
  assert.throws(() => native.selectAlong(true, x, x.subarray(0, 3), i, 3, 4, 1), /overlap/);
  assert.throws(() => native.selectAlong(true, x, v, new Int32Array(3) as unknown as BigInt64Array, 3, 4, 1), /BigInt64Array/);
  assert.throws(() => native.logsumexpAlong(x, x.subarray(11), 1, 12, 1), /overlap/);
  assert.throws(() => native.logsumexpAlong(x, new Float32Array(2), 3, 4, 1), /past its length/);
  assert.throws(() => native.sortAlong(false, x, new Float32Array(12), new BigInt64Array(12), 3, 4, 1, 5), /exceeds/);
  assert.throws(() => native.sortAlong(false, x, new Float32Array(12), new BigInt64Array(11), 3, 4, 1, 4), /past its length/);
  assert.throws(() => native.sortAlong(false, x, null, new BigInt64Array(12), 3, 4, 1.5, 4), /non-negative integer/);
  // Empty work is fine.
  native.selectAlong(true, x, v.subarray(0, 0), i.subarray(0, 0), 0, 4, 1);
  native.sortAlong(true, x, null, new BigInt64Array(0), 3, 4, 1, 0);
});
