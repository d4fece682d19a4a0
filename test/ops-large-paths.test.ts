// Large tensors take other paths than the small ones of the conformance cases: native passes for
// logsumexp and the 1-/2-norms, row copies (TypedArray.set) in copies, cat and index_select. Each
// is checked here against the plain definition computed in double precision.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(a === e || Math.abs(a - e) <= rtol * Math.max(1, Math.abs(e)))) {
      assert.fail(`${what}[${i}]: ${a}, expected ${e}`);
    }
  }
}

const values = (t: torch.Tensor): number[] => Array.from(t.to(torch.float64).clone().storage.data as Float64Array);

test("logsumexp of large tensors: rows with -inf, +inf and NaN, any dims, and the gradient", () => {
  torch.manualSeed(1);
  const rows = 64, cols = 512;
  const x = torch.randn(rows, cols).mul(20);
  const d = x.storage.data as Float32Array;
  d.fill(-Infinity, 0, cols); // row 0 all -inf
  d[cols + 3] = Infinity; // row 1 has +inf
  d[2 * cols + 5] = NaN; // row 2 has NaN
  const ref = (r: number): number => {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (d[r * cols + j]! > m) m = d[r * cols + j]!;
    if (!Number.isFinite(m)) return m;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(d[r * cols + j]! - m);
    return m + Math.log(s);
  };
  const expected = Array.from({ length: rows }, (_, r) => ref(r));
  close(values(x.logsumexp(1)), expected, 1e-6, "logsumexp(1)");
  assert.deepEqual(x.logsumexp(1, true).shape, [rows, 1]);
  const y = torch.randn(cols, rows).mul(3);
  const all = values(y).reduce((a, v) => a + Math.exp(v), 0);
  close(values(y.logsumexp([0, 1])), [Math.log(all)], 1e-6, "logsumexp all dims");
  const w = torch.randn(rows, cols, { requiresGrad: true });
  w.logsumexp(1).sum().backward();
  close(values(w.grad!.sum(1)), new Array(rows).fill(1), 1e-5, "softmax rows of the gradient");
});

test("1- and 2-norms of large tensors, over all or some dims, and their gradients", () => {
  torch.manualSeed(2);
  const x = torch.randn(200, 300, { dtype: torch.float64 });
  const v = values(x);
  const l2 = Math.sqrt(v.reduce((a, b) => a + b * b, 0)), l1 = v.reduce((a, b) => a + Math.abs(b), 0);
  close(values(x.norm()), [l2], 1e-12, "norm 2");
  close(values(torch.linalg.vectorNorm(x, 1)), [l1], 1e-12, "norm 1");
  const rowsL2 = Array.from({ length: 200 }, (_, r) => Math.sqrt(v.slice(r * 300, r * 300 + 300).reduce((a, b) => a + b * b, 0)));
  close(values(x.norm(2, 1)), rowsL2, 1e-12, "norm 2 over dim 1");
  const f = torch.randn(128, 256);
  close(values(f.norm()), [Math.sqrt(values(f).reduce((a, b) => a + b * b, 0))], 1e-5, "float32 norm 2");
  const g = torch.randn(128, 256, { requiresGrad: true });
  g.norm().backward();
  close(values(g.grad!), values(g.detach().div(g.detach().norm())), 1e-5, "gradient of the 2-norm");
});

test("cat, index_select and strided copies of large tensors copy the right rows", () => {
  const a = torch.arange(0, 40 * 64).reshape(40, 64), b = torch.arange(10000, 10000 + 40 * 32).reshape(40, 32);
  const c = torch.cat([a, b], 1); // rows of 64 then 32 per output row
  const cv = values(c);
  for (let r = 0; r < 40; r++) for (let j = 0; j < 96; j++) {
    const want = j < 64 ? r * 64 + j : 10000 + r * 32 + (j - 64);
    if (cv[r * 96 + j] !== want) assert.fail(`cat[${r}, ${j}] = ${cv[r * 96 + j]}, expected ${want}`);
  }
  const idx = torch.tensor([39, 0, 7, 7, 20]);
  const s = a.indexSelect(0, idx);
  assert.deepEqual(values(s), [39, 0, 7, 7, 20].flatMap((r) => Array.from({ length: 64 }, (_, j) => r * 64 + j)));
  const f = torch.arange(0, 40 * 64, { dtype: torch.float32 }).reshape(40, 64);
  const narrowed = f.narrow(1, 8, 48); // rows of 48 contiguous values, stride 64
  assert.deepEqual(values(narrowed.contiguous()), Array.from({ length: 40 * 48 }, (_, i) => Math.floor(i / 48) * 64 + 8 + (i % 48)));
  const asInt = narrowed.to(torch.int32); // a converting copy of the same rows
  assert.deepEqual(values(asInt), values(narrowed.contiguous()));
});

test("where and masked_fill over dense operands keep every value's bits (NaN, -0, inf)", () => {
  torch.manualSeed(3);
  const n = 4096;
  for (const dtype of [torch.float32, torch.float64, torch.int32]) {
    const x = dtype === torch.int32 ? torch.randint(-1000, 1000, [n], { dtype }) : torch.randn(n, { dtype });
    const y = dtype === torch.int32 ? torch.randint(-1000, 1000, [n], { dtype }) : torch.randn(n, { dtype });
    if (dtype !== torch.int32) {
      const xd = x.storage.data as Float32Array;
      xd[0] = NaN; xd[1] = -0; xd[2] = -Infinity;
    }
    const c = torch.rand(n).lt(0.5);
    const cd = c.storage.data as Uint8Array, xd = x.storage.data as Float32Array, yd = y.storage.data as Float32Array;
    const want = (pick: (i: number) => number) => Array.from({ length: n }, (_, i) => pick(i));
    const got = (t: torch.Tensor) => Array.from(t.storage.data as Float32Array);
    assert.deepEqual(got(torch.where(c, x, y)), want((i) => (cd[i] ? xd[i]! : yd[i]!)), `where ${dtype.name}`);
    assert.deepEqual(got(torch.where(c, x, 5)), want((i) => (cd[i] ? xd[i]! : 5)), `where scalar other ${dtype.name}`);
    assert.deepEqual(got(torch.where(c, -3, y)), want((i) => (cd[i] ? -3 : yd[i]!)), `where scalar input ${dtype.name}`);
    if (dtype !== torch.int32) {
      assert.ok(Object.is(torch.where(torch.ones(n, { dtype: torch.bool }), x, y).storage.data[1], -0));
      assert.deepEqual(got(x.maskedFill(c, -Infinity)), want((i) => (cd[i] ? -Infinity : xd[i]!)), `masked_fill ${dtype.name}`);
    }
  }
  // A mask over the trailing dims, as an attention mask over a batch of score matrices.
  const scores = torch.zeros(3, 2, 4, 4);
  const causal = torch.ones(4, 4, { dtype: torch.bool }).triu(1);
  const masked = scores.maskedFill(causal, -Infinity).storage.data as Float32Array;
  for (let i = 0; i < masked.length; i++) {
    const r = Math.floor(i / 4) % 4, col = i % 4;
    assert.equal(masked[i], col > r ? -Infinity : 0, `attention mask at ${i}`);
  }
});

test("sort and topk of float32 and int32 lines: NaN, -0, infinities, ties kept in input order", () => {
  const f = [3, NaN, -0, 0, -Infinity, 2, Infinity, 2, -1.5, NaN, 0, -0, 1e-40, -1e-40];
  const ref = (vals: number[], desc: boolean): number[] => [...vals.keys()].sort((a, b) => {
    const x = vals[a]!, y = vals[b]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? a - b : (Number.isNaN(x) ? 1 : -1) * (desc ? -1 : 1);
    return x === y ? a - b : (x < y ? -1 : 1) * (desc ? -1 : 1);
  });
  const x = torch.tensor(f);
  const fv = Array.from(x.storage.data as Float32Array);
  for (const desc of [false, true]) {
    const { values, indices } = x.sort(0, desc);
    assert.deepEqual(indices.tolist(), ref(fv, desc), `float32 indices, descending=${desc}`);
    assert.deepEqual(values.tolist(), ref(fv, desc).map((i) => fv[i]), `float32 values, descending=${desc}`);
  }
  assert.deepEqual(x.topk(3).indices.tolist(), ref(fv, true).slice(0, 3));
  const ints = [5, -2147483648, 2147483647, 0, -1, 5, 7, -2147483648, 0];
  const xi = torch.tensor(ints, { dtype: torch.int32 });
  for (const desc of [false, true]) assert.deepEqual(xi.sort(0, desc).indices.tolist(), ref(ints, desc), `int32, descending=${desc}`);
  const b = torch.tensor([true, false, true, false]);
  assert.deepEqual(b.sort().indices.tolist(), [1, 3, 0, 2]);
});

test("large permuted copies (native strided kernel) keep every value, -0, NaN and infinities", () => {
  for (const dtype of [torch.float32, torch.float64]) {
    const x = torch.randn(24, 40, 16, { dtype });
    const d = x.storage.data as Float32Array;
    d[5] = -0; d[77] = NaN; d[300] = Infinity; d[1000] = -Infinity;
    const p = x.permute(2, 0, 1).contiguous();
    const pd = p.storage.data as Float32Array;
    for (let k = 0; k < 16; k++) for (let i = 0; i < 24; i++) for (let j = 0; j < 40; j++) {
      const got = pd[(k * 24 + i) * 40 + j]!, want = d[(i * 40 + j) * 16 + k]!;
      if (!Object.is(got, want)) assert.fail(`${dtype.name} permuted[${k}, ${i}, ${j}] = ${got}, expected ${want}`);
    }
  }
});

test("cumsum of contiguous float tensors along every dim accumulates in double, as PyTorch", () => {
  for (const dtype of [torch.float32, torch.float64]) {
    const base = torch.randn(7, 50, 40, { dtype });
    const x = base.narrow(0, 1, 6); // contiguous, with an offset
    const xd = values(x);
    const round = dtype === torch.float32 ? Math.fround : (v: number) => v;
    const shape = [6, 50, 40];
    for (let d = 0; d < 3; d++) {
      const got = values(x.cumsum(d));
      const stride = d === 0 ? 2000 : d === 1 ? 40 : 1;
      const want = new Array<number>(xd.length);
      for (let i = 0; i < xd.length; i++) {
        const k = Math.floor(i / stride) % shape[d]!;
        let a = 0;
        for (let t = 0; t <= k; t++) a += xd[i - (k - t) * stride]!;
        want[i] = round(a);
      }
      close(got, want, dtype === torch.float32 ? 0 : 1e-15, `cumsum ${dtype.name} dim ${d}`);
    }
  }
});

test("int64 results written as 32-bit words keep every safe integer, and encode the rest as before", async () => {
  const { writeNumbers } = await import("../src/ops/engine.js");
  const vals = [0, -0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 5, -(2 ** 40) + 3, 2 ** 53 - 1, -(2 ** 53) + 1, 1.7, -2.5, NaN, Infinity, 2 ** 60];
  const t = torch.empty([vals.length], { dtype: torch.int64 });
  writeNumbers(t, vals);
  const want = vals.map((v) => (Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : -(2n ** 63n)));
  assert.deepEqual(Array.from(t.storage.data as BigInt64Array), want);
  const s = torch.zeros([3, 4], { dtype: torch.int64 });
  writeNumbers(s.narrow(1, 1, 2), [1, 2, 3, 4, 5, 6]); // not contiguous: the strided path
  assert.deepEqual(s.tolist(), [[0, 1, 2, 0], [0, 3, 4, 0], [0, 5, 6, 0]]);
});
