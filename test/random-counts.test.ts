// torch.poisson and torch.binomial against samples recorded from PyTorch 1.13
// (test/fixtures/random-counts.py): the same seed gives the same counts (rates 0, small, around the
// method switch at 10 and large; binomial's inversion and BTRS branches, p above and below 0.5)
// and leaves the generator where PyTorch's is.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

interface PoissonCase { seed: number; dtype: "float32" | "float64"; rates: number[]; samples: number[]; next: number }
interface BinomialCase { seed: number; dtype: "float32" | "float64"; count: number[]; prob: number[]; samples: number[]; next: number }
const fx = JSON.parse(readFileSync(new URL("./fixtures/random-counts.json", import.meta.url), "utf8")) as {
  poisson: PoissonCase[]; binomial: BinomialCase[]; generator: { poisson: number[]; binomial: number[][] };
};

test("torch.poisson draws PyTorch's samples from a seed", () => {
  for (const c of fx.poisson) {
    torch.manualSeed(c.seed);
    const s = torch.poisson(torch.tensor(c.rates, { dtype: c.dtype }));
    assert.equal(s.dtype.name, c.dtype);
    assert.deepEqual(s.tolist(), c.samples, `seed ${c.seed} ${c.dtype}`);
    assert.equal(torch.rand(1).item(), c.next, `seed ${c.seed} ${c.dtype}: generator position`);
  }
});

test("torch.binomial draws PyTorch's samples from a seed", () => {
  for (const c of fx.binomial) {
    torch.manualSeed(c.seed);
    const s = torch.binomial(torch.tensor(c.count, { dtype: c.dtype }), torch.tensor(c.prob, { dtype: c.dtype }));
    assert.deepEqual(s.tolist(), c.samples, `seed ${c.seed} ${c.dtype}`);
    assert.equal(torch.rand(1).item(), c.next, `seed ${c.seed} ${c.dtype}: generator position`);
  }
});

test("a generator argument, broadcasting, gradients and errors", () => {
  const g = new torch.Generator().manualSeed(11);
  assert.deepEqual(torch.poisson(torch.full([4], 3.0, { dtype: torch.float32 }), g).tolist(), fx.generator.poisson);
  assert.deepEqual(torch.binomial(torch.full([2, 3], 30.0, { dtype: torch.float32 }), torch.tensor([0.1, 0.5, 0.8]), { generator: g }).tolist(), fx.generator.binomial);

  const rate = torch.tensor([2.0, 5.0], { dtype: torch.float32, requiresGrad: true });
  const s = torch.poisson(rate);
  assert.equal(s.gradFn!.name(), "PoissonBackward0");
  s.sum().backward();
  assert.deepEqual(rate.grad!.tolist(), [0, 0]);
  const n = torch.tensor([3.0], { dtype: torch.float32, requiresGrad: true });
  assert.throws(() => torch.binomial(n, torch.tensor([0.5])).sum().backward(), /the derivative for 'binomial' is not implemented/);
  assert.deepEqual(torch.binomial(torch.tensor([-3, 5, 5, 0], { dtype: torch.float32 }), torch.tensor([0.5, NaN, 1.5, 0.3], { dtype: torch.float32 })).tolist(), [0, NaN, 5, 0]);

  torch.manualSeed(0);
  assert.throws(() => torch.poisson(torch.tensor([1.0, -1.0], { dtype: torch.float32 })), /invalid Poisson rate, expected rate to be non-negative/);
  assert.throws(() => torch.poisson(torch.tensor([NaN])), /invalid Poisson rate/);
  assert.equal(torch.rand(1).item(), 0.49625658988952637, "a refused call draws nothing");
  assert.throws(() => torch.poisson(torch.tensor([1, 2])), /"poisson_cpu" not implemented for 'Long'/);
  assert.throws(() => torch.binomial(torch.tensor([3]), torch.tensor([1])), /"binomial_cpu" not implemented for 'Long'/);
  assert.throws(() => torch.binomial(torch.tensor([3.0], { dtype: torch.float32 }), torch.tensor([0.5], { dtype: torch.float64 })), /Found dtype Double but expected Float/);
});
