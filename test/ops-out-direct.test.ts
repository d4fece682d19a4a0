// out= writes a pointwise op's result into out itself when nothing forbids it (no second pass, no
// fresh output), and otherwise computes and copies as before: both give PyTorch's results.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const N = 1 << 17; // 512 KiB of float32: pooled sizes, so the allocation counters see them.

/** Bytes allocated at the peak of `f` over what was allocated before it. */
function extraPeak(f: () => unknown): number {
  const before = torch.memory.memoryAllocated();
  torch.memory.resetPeakMemoryStats();
  f();
  return torch.memory.maxMemoryAllocated() - before;
}

test("binary and unary ops write into a fitting out without a temporary", () => {
  torch.manualSeed(0);
  const x = torch.randn(N), y = torch.randn(N), out = torch.empty(N);
  const storage = out.storage, version = out._version;
  for (const [name, run, expect] of [
    ["add", () => torch.add(x, y, { out }), () => x.add(y)],
    ["add alpha", () => torch.add(x, y, { alpha: 2, out }), () => x.add(y, { alpha: 2 })],
    ["mul", () => torch.mul(x, y, { out }), () => x.mul(y)],
    ["sub scalar", () => torch.sub(x, 1.5, { out }), () => x.sub(1.5)],
    ["exp", () => torch.exp(x, { out }), () => x.exp()],
    ["neg", () => torch.neg(x, { out }), () => x.neg()],
    ["sin", () => torch.sin(x, { out }), () => x.sin()],
  ] as const) {
    let r: torch.Tensor | null = null;
    const extra = extraPeak(() => { r = run(); });
    assert.equal(r, out, name);
    assert.ok(extra < N * 4, `${name}: ${extra} bytes allocated beyond out`);
    assert.deepEqual(out.tolist(), expect().tolist(), name);
  }
  assert.equal(out.storage, storage);
  assert.ok(out._version > version, "out's version counts the writes");
});

test("out= still gives the right result where out cannot take it directly", () => {
  torch.manualSeed(1);
  const x = torch.randn(4, 6), y = torch.randn(4, 6);
  const sum = x.add(y).tolist();
  // out is an input: computed first, then copied.
  const a = x.clone();
  assert.equal(torch.add(a, y, { out: a }), a);
  assert.deepEqual(a.tolist(), sum);
  // out overlaps an input partly: PyTorch's memory-overlap error; out of the same storage but
  // disjoint from the input takes the result.
  const base = torch.arange(10, { dtype: torch.float32 });
  assert.throws(() => torch.exp(base.narrow(0, 1, 9), { out: base.narrow(0, 0, 9) }), /some elements of the input tensor/);
  torch.exp(base.narrow(0, 5, 5), { out: base.narrow(0, 0, 5) });
  assert.deepEqual(base.narrow(0, 0, 5).tolist(), torch.arange(5, 10, { dtype: torch.float32 }).exp().tolist());
  // Another dtype (a cast), another shape (resized), a non-contiguous out.
  const d = torch.empty(4, 6, { dtype: torch.float64 });
  torch.add(x, y, { out: d });
  // float32 + float32 rounds in float32, then widens.
  assert.deepEqual(d.tolist(), x.add(y).double().tolist());
  const e = torch.empty(0);
  torch.mul(x, y, { out: e });
  assert.deepEqual(e.shape, [4, 6]);
  assert.deepEqual(e.tolist(), x.mul(y).tolist());
  const t = torch.empty(6, 4).t();
  torch.sub(x, y, { out: t });
  assert.deepEqual(t.tolist(), x.sub(y).tolist());
  // Broadcast inputs into a fitting out.
  const row = torch.randn(6), f = torch.empty(4, 6);
  assert.equal(torch.mul(x, row, { out: f }), f);
  assert.deepEqual(f.tolist(), x.mul(row).tolist());
});

test("out= with autograd is refused before out changes, as before", () => {
  const x = torch.randn(5, { requiresGrad: true }), out = torch.zeros(5);
  assert.throws(() => torch.add(x, 1, { out }), /don't support automatic differentiation/);
  assert.throws(() => torch.exp(x, { out }), /don't support automatic differentiation/);
  assert.deepEqual(out.tolist(), [0, 0, 0, 0, 0]);
  const w = torch.zeros(5, { requiresGrad: true });
  assert.throws(() => torch.add(torch.ones(5), 1, { out: w }), /don't support automatic differentiation/);
  assert.deepEqual(w.tolist(), [0, 0, 0, 0, 0]);
  // Without grad mode the same calls write out.
  torch.noGrad(() => torch.exp(x, { out }));
  assert.deepEqual(out.tolist(), x.detach().exp().tolist());
});

test("an op composed of others gives out only its own result", () => {
  // torch.addcmul = input + value * t1 * t2: its inner products must not land in out early.
  const a = torch.randn(8), b = torch.randn(8), c = torch.randn(8), out = torch.empty(8);
  torch.addcmul(a, b, c, { value: 0.5, out });
  assert.deepEqual(out.tolist(), torch.addcmul(a, b, c, { value: 0.5 }).tolist());
  const h = torch.empty(8);
  torch.hypot(a, b, { out: h });
  assert.deepEqual(h.tolist(), torch.hypot(a, b).tolist());
});
