// tril/triu on tensors large enough for the row copies and fills of the CPU path: every diagonal
// offset (inside, at and past the edges), batches, non-contiguous inputs, dtypes, as the
// definition out[.., i, j] = keep(j - i) ? x[.., i, j] : 0.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";

function byDefinition(x: Tensor, k: number, lower: boolean): unknown[] {
  const rows = x.shape.at(-2)!, cols = x.shape.at(-1)!;
  const v = x.contiguous().reshape(-1).tolist() as unknown[];
  return v.map((e, p) => {
    const j = p % cols, i = Math.floor(p / cols) % rows;
    const keep = lower ? j - i <= k : j - i >= k;
    return keep ? e : typeof e === "bigint" ? 0n : typeof e === "boolean" ? false : 0;
  });
}

test("tril/triu of large inputs match the definition", () => {
  torch.manualSeed(5);
  const base = torch.randn(3, 150, 130);
  base.storage.data[7] = NaN;
  const inputs: [string, Tensor][] = [
    ["float32", base], ["float64", base.double()], ["int64", base.mul(50).long()], ["bool", base.gt(0)],
    ["transposed", base.transpose(1, 2)], ["sliced", base.narrow(2, 10, 100)], ["float16", base.half()],
  ];
  for (const [name, x] of inputs) {
    for (const k of [0, 1, -1, 40, -70, 200, -200]) {
      for (const lower of [true, false]) {
        const got = lower ? x.tril(k) : x.triu(k);
        assert.deepEqual(got.shape, x.shape);
        assert.equal(got.dtype, x.dtype);
        const want = byDefinition(x, k, lower), have = got.reshape(-1).tolist() as unknown[];
        for (let p = 0; p < want.length; p++) {
          // Loose equality: tolist() gives int64 as bigint only past 2^53 (the NaN cast), and -0 == 0.
          // eslint-disable-next-line eqeqeq
          if (!Object.is(have[p], want[p]) && !(have[p] == want[p])) assert.fail(`${name} ${lower ? "tril" : "triu"}(${k}) element ${p}: ${String(have[p])} vs ${String(want[p])}`);
        }
      }
    }
  }
  // In place and the gradient.
  const y = base.clone();
  y.tril_(2);
  assert.deepEqual(y.tolist(), base.tril(2).tolist());
  const g = base.detach().requiresGrad_();
  g.triu(3).sum().backward();
  assert.deepEqual(g.grad!.tolist(), torch.onesLike(base).triu(3).tolist());
});
