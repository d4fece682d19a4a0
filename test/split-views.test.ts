// split / chunk / unbind as PyTorch 1.13 records them: one multi-output node (SplitBackward0,
// SplitWithSizesBackward0, UnbindBackward0; the unsafe_* forms' pieces are no views to autograd),
// gradients with unused pieces, and the in-place refusal on multi-output views
// (test/fixtures/split-views.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

type Tensor = torch.Tensor;
const ref = JSON.parse(readFileSync(new URL("./fixtures/split-views.json", import.meta.url), "utf8"));
const message = (fn: () => unknown): string | null => { try { fn(); } catch (e) { return (e as Error).message; } return null; };

const ops: Record<string, (b: Tensor) => Tensor[]> = {
  split: (b) => b.split(2),
  split_sizes: (b) => b.split([1, 3]),
  chunk: (b) => b.chunk(3, 1),
  unbind: (b) => b.unbind(1),
  tensor_split: (b) => b.tensorSplit(2),
  unsafe_split: (b) => b.unsafeSplit(2),
  unsafe_chunk: (b) => b.unsafeChunk(2, 1),
  unsafe_split_with_sizes: (b) => b.unsafeSplitWithSizes([3, 1]),
};

for (const [name, f] of Object.entries(ops)) {
  test(`${name}: PyTorch 1.13's nodes, gradients with unused pieces, in-place refusal`, () => {
    const r = ref[name];
    const a = torch.arange(24, { dtype: torch.float32 }).view(4, 6).requiresGrad_();
    const pieces = f(a.mul(1));
    assert.deepEqual(pieces.map((p) => [p.gradFn!.name(), p.outputNr, p._base !== null]), r.nodes);
    const w = pieces.map((_, i) => (i + 1) * 10);
    pieces[0]!.mul(w[0]!).sum().backward(null, { retainGraph: true });
    pieces[pieces.length - 1]!.pow(2).mul(w[w.length - 1]!).sum().backward();
    assert.deepEqual(a.grad!.tolist(), r.grad);
    assert.equal(message(() => f(a.mul(1)).at(-1)!.add_(1)), r.inplace);
  });
}

test("a split of a leaf refuses in-place ops as a multi-output view; pieces made under noGrad do not", () => {
  const a = torch.arange(6, { dtype: torch.float32 }).requiresGrad_();
  assert.equal(message(() => a.split(2)[1]!.mul_(2)), ref.leaf_split_inplace);
  const p = torch.noGrad(() => a.mul(1).split(2));
  p[0]!.add_(1);
  assert.deepEqual(p[0]!.tolist(), [1, 2]);
});
