// A leaf's first .grad is the engine's own gradient buffer when nothing else can hold it (no copy,
// as PyTorch's AccumulateGrad steals it), and a copy whenever it may be shared: the same gradient
// reaching two leaves, a retained or hooked gradient, a user-given root gradient. Checked through
// the observable rule: writing into one .grad never changes another tensor.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const f32 = { requiresGrad: true };

test("the same gradient reaching two leaves gives each its own .grad", () => {
  const a = torch.randn([4, 5], f32), b = torch.randn([4, 5], f32);
  const g = torch.randn(4, 5);
  a.add(b).backward(g);
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  a.grad!.zero_();
  assert.deepEqual(b.grad!.tolist(), g.tolist());
  assert.notEqual(b.grad!.storage, g.storage, "a user-given root gradient is never taken");
});

test("a retained or hooked gradient is not shared with a leaf's .grad", () => {
  const x = torch.randn([3, 4], f32);
  const y = x.view(12);
  y.retainGrad();
  y.mul(2).sum().backward();
  assert.notEqual(x.grad!.storage, y.grad!.storage);
  x.grad!.zero_();
  assert.deepEqual(y.grad!.tolist(), new Array(12).fill(2));

  const w = torch.randn([6], f32);
  const seen: torch.Tensor[] = [];
  w.registerHook((g) => { seen.push(g); });
  w.mul(3).sum().backward();
  assert.equal(seen.length, 1);
  assert.notEqual(w.grad!.storage, seen[0]!.storage);
});

test("fan-out to a leaf and a pending node: the leaf's .grad is a copy", () => {
  const x = torch.randn([5], f32), v = torch.randn([5], f32);
  const w = v.mul(1);
  w.retainGrad();
  x.add(w).sum().backward();
  x.grad!.fill_(7);
  assert.deepEqual(w.grad!.tolist(), [1, 1, 1, 1, 1]);
  assert.deepEqual(v.grad!.tolist(), [1, 1, 1, 1, 1]);
});

test("a taken gradient accumulates correctly over later backward calls", () => {
  const w = torch.randn([8, 3], f32);
  const x = torch.randn(2, 8);
  const loss = () => x.matmul(w).pow(2).sum();
  loss().backward();
  const first = w.grad!.clone();
  loss().backward();
  const twice = first.mul(2);
  assert.ok(w.grad!.allclose(twice, 1e-5, 1e-6));
  // Linear layers: the weight gradient is the engine's own buffer, and accumulates.
  const lin = new torch.nn.Linear(8, 3);
  lin.call(x).sum().backward();
  const g1 = lin.weight.grad!.clone();
  lin.call(x).sum().backward();
  assert.ok(lin.weight.grad!.allclose(g1.mul(2), 1e-5, 1e-6));
});
