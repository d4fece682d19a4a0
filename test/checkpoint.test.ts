// torch.utils.checkpoint: the segment runs once in forward and once more in backward, and the
// gradients equal those of the plain run (dropout included, through preserveRngState), in both
// modes; checkpointSequential; autograd.grad through a checkpoint; errors.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const { checkpoint, checkpointSequential } = torch.utils.checkpoint;

function model() {
  torch.manualSeed(0);
  const lin1 = new nn.Linear(4, 5), lin2 = new nn.Linear(5, 3), drop = new nn.Dropout(0.5);
  const counter = { calls: 0 };
  const segment = (x: torch.Tensor): torch.Tensor => { counter.calls++; return lin2.call(drop.call(lin1.call(x).tanh())); };
  const x = torch.randn(2, 4).requiresGrad_();
  const grads = (): torch.Tensor[] => [x.grad!, lin1.weight.grad!, lin2.bias!.grad!];
  const clear = (): void => { x.grad = null; lin1.zeroGrad(); lin2.zeroGrad(); };
  return { lin1, segment, x, counter, grads, clear };
}

describe("torch.utils.checkpoint", () => {
  for (const useReentrant of [false, true]) {
    test(`useReentrant=${useReentrant}: one forward, one rerun in backward, the plain run's gradients`, () => {
      const m = model();
      torch.manualSeed(5);
      const plain = m.segment(m.x);
      plain.pow(2).sum().backward();
      const expected = m.grads().map((g) => g.clone());
      m.clear();
      torch.manualSeed(5);
      m.counter.calls = 0;
      const y = checkpoint(m.segment, m.x, { useReentrant });
      assert.equal(m.counter.calls, 1);
      assert.ok(torch.equal(y, plain), "same forward (same dropout mask)");
      assert.equal(y.gradFn?.name(), "CheckpointFunctionBackward");
      y.pow(2).sum().backward();
      assert.equal(m.counter.calls, 2, "the segment ran again in backward");
      m.grads().forEach((g, i) => assert.ok(torch.allclose(g, expected[i]!), `gradient ${i}`));
      const next = torch.rand(3);
      torch.manualSeed(5);
      m.segment(m.x);
      assert.ok(torch.equal(torch.rand(3), next), "the rerun leaves the generator where it was");
    });
  }

  test("preserveRngState=false: the rerun draws a new dropout mask", () => {
    const m = model();
    torch.manualSeed(5);
    m.segment(m.x).pow(2).sum().backward();
    const expected = m.x.grad!.clone();
    m.clear();
    torch.manualSeed(5);
    checkpoint(m.segment, m.x, { useReentrant: false, preserveRngState: false }).pow(2).sum().backward();
    assert.ok(!torch.allclose(m.x.grad!, expected));
  });

  test("inputs without requires_grad: reentrant gives no graph, non-reentrant still reaches the parameters", () => {
    const m = model();
    const x = m.x.detach();
    const r = checkpoint(m.segment, x, { useReentrant: true });
    assert.ok(!r.requiresGrad);
    const y = checkpoint(m.segment, x, { useReentrant: false });
    y.sum().backward();
    assert.ok(m.lin1.weight.grad !== null);
  });

  test("autograd.grad, an output that is its input, checkpointSequential", () => {
    const m = model();
    const [gx] = torch.autograd.grad(checkpoint(m.segment, m.x, { useReentrant: false }).sum(), [m.x]);
    assert.deepEqual(gx!.shape, [2, 4]);
    const [gi] = torch.autograd.grad(checkpoint((a: torch.Tensor) => a, m.x, { useReentrant: false }).sum(), [m.x]);
    assert.ok(torch.equal(gi!, torch.onesLike(m.x)));
    const seq = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 2));
    checkpointSequential(seq, 2, m.x, { useReentrant: false }).sum().backward();
    const g = [...seq.parameters()].map((p) => p.grad!.clone());
    seq.zeroGrad();
    (seq.call(m.x) as torch.Tensor).sum().backward();
    [...seq.parameters()].forEach((p, i) => assert.ok(torch.allclose(p.grad!, g[i]!), `parameter ${i}`));
  });

  test("errors: rerun metadata, unknown options", () => {
    const x = torch.ones(3).requiresGrad_();
    let n = 0;
    const y = checkpoint((a: torch.Tensor) => (n++ === 0 ? a.mul(2) : a.mul(2).get("1:")), x, { useReentrant: false });
    assert.throws(() => y.sum().backward(), /Recomputed values for the following tensors have different metadata than during the forward pass/);
    assert.throws(() => checkpoint((a: torch.Tensor) => a, x, { useReentrant: true, foo: 1 } as never), /Unexpected keyword arguments: foo/);
  });
});
