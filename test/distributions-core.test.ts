// torch.distributions: argument and sample validation (PyTorch's messages), constraints, shapes,
// expand, enumerate_support, options-object arguments, and gradients of log_prob and rsample.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

const D = torch.distributions;
const C = D.constraints;
const f32 = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32" });
const f64 = (v: number[] | number[][], requiresGrad = false) => torch.tensor(v, { dtype: "float64", requiresGrad });

describe("distributions: validation", () => {
  test("invalid parameters, PyTorch's messages", () => {
    throwsMsg(() => new D.Normal(0, -1), "Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0");
    throwsMsg(() => new D.Bernoulli(f32([1.5, 0.5])), "Expected parameter probs (Tensor of shape (2,)) of distribution Bernoulli(probs: torch.Size([2])) to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\ntensor([1.5000, 0.5000])");
    throwsMsg(() => new D.Bernoulli(), "Either `probs` or `logits` must be specified, but not both.");
    throwsMsg(() => new D.Categorical({ probs: f32([0.5]).squeeze() }), "`probs` parameter must be at least one-dimensional.");
    throwsMsg(() => new D.Uniform(f32([0.5]), f32([0.25])), "Uniform is not defined when low>= high");
    assert.throws(() => new D.Normal({ loc: 0, scale: 1, shape: 2 } as never), /unexpected keyword argument 'shape'/);
  });
  test("values outside the support or of the wrong shape", () => {
    throwsMsg(() => new D.Categorical(f32([0.5, 0.25])).logProb(f32([1.5])), "Expected value argument (Tensor of shape (1,)) to be within the support (IntegerInterval(lower_bound=0, upper_bound=1)) of the distribution Categorical(probs: torch.Size([2])), but found invalid values:\ntensor([1.5000])");
    throwsMsg(() => new D.Normal(torch.zeros(3), 1).logProb(torch.ones(2)), "Value is not broadcastable with batch_shape+event_shape: torch.Size([2]) vs torch.Size([3]).");
  });
  test("validateArgs: false, per instance and by default", () => {
    assert.ok(Number.isNaN(new D.Normal(0, -1, false).logProb(torch.tensor(0.0)).item() as number));
    D.Distribution.setDefaultValidateArgs(false);
    try {
      assert.equal(new D.Bernoulli(1.5).validateArgs, false);
    } finally {
      D.Distribution.setDefaultValidateArgs(true);
    }
    assert.throws(() => new D.Bernoulli(1.5), /Expected parameter probs/);
  });
});

describe("distributions: constraints", () => {
  test("check and repr", () => {
    assert.deepEqual(C.simplex.check(f32([[0.5, 0.5], [0.2, 0.3]])).tolist(), [true, false]);
    assert.equal(C.lowerCholesky.check(f32([[1, 0], [2, 3]])).item(), true);
    assert.equal(C.lowerCholesky.check(f32([[1, 1], [2, 3]])).item(), false);
    assert.equal(C.positiveDefinite.check(f32([[2, 1], [1, 2]])).item(), true);
    assert.equal(C.positiveDefinite.check(f32([[1, 2], [2, 1]])).item(), false);
    assert.deepEqual(C.integerInterval(0, 3).check(f32([0, 1.5, 3, 4])).tolist(), [true, false, true, false]);
    assert.deepEqual(C.independent(C.real, 1).check(f32([[0, NaN], [1, 2]])).tolist(), [false, true]);
    assert.equal(String(C.independent(C.real, 1)), "IndependentConstraint(Real(), 1)");
    assert.equal(String(C.unitInterval), "Interval(lower_bound=0.0, upper_bound=1.0)");
    assert.equal(C.independent(C.real, 1).eventDim, 1);
    assert.throws(() => C.dependent.check(), /Cannot determine validity of dependent constraint/);
  });
});

describe("distributions: shapes", () => {
  test("expand, enumerateSupport, sample shapes", () => {
    const n = new D.Normal(f32([0, 1]), 1).expand([3, 2]);
    assert.deepEqual(n.batchShape, [3, 2]);
    assert.deepEqual(n.sample([4]).shape, [4, 3, 2]);
    assert.deepEqual(new D.Bernoulli(f32([0.25, 0.5])).enumerateSupport().tolist(), [[0, 0], [1, 1]]);
    const c = new D.Categorical({ logits: torch.zeros(2, 3) });
    assert.deepEqual(c.enumerateSupport(false).tolist(), [[0], [1], [2]]);
    assert.deepEqual(c.expand([4, 2]).sample([5]).shape, [5, 4, 2]);
    assert.deepEqual(c.probs.tolist(), [[1 / 3, 1 / 3, 1 / 3].map(Math.fround), [1 / 3, 1 / 3, 1 / 3].map(Math.fround)]);
  });
});

describe("distributions: gradients", () => {
  test("logProb wrt parameters (gradcheck, float64)", () => {
    const x = f64([0.3, -1.2]);
    torch.autograd.gradcheck((loc: torch.Tensor, scale: torch.Tensor) => new D.Normal(loc, scale).logProb(x), [f64([0.5, 0.1], true), f64([1.5, 0.7], true)]);
    torch.autograd.gradcheck((low: torch.Tensor, high: torch.Tensor) => new D.Uniform(low, high).entropy(), [f64([0.5, 0.1], true), f64([1.5, 0.7], true)]);
    torch.autograd.gradcheck((logits: torch.Tensor) => new D.Bernoulli({ logits }).logProb(f64([1, 0])), [f64([0.3, -2], true)]);
    torch.autograd.gradcheck((probs: torch.Tensor) => new D.Categorical(probs).logProb(torch.tensor([2, 0])), [f64([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]], true)]);
    torch.autograd.gradcheck((logits: torch.Tensor) => new D.Categorical({ logits }).entropy(), [f64([0.2, -0.3, 1.5], true)]);
  });
  test("rsample is differentiable: d(loc + eps*scale)/dscale = eps", () => {
    const loc = f64([0.5], true), scale = f64([2], true);
    torch.manualSeed(3);
    const s = new D.Normal(loc, scale).rsample();
    s.sum().backward();
    torch.manualSeed(3);
    const eps = torch.randn([1], { dtype: "float64" });
    assert.deepEqual(loc.grad!.tolist(), [1]);
    assert.deepEqual(scale.grad!.tolist(), eps.tolist());
    assert.equal(new D.Normal(loc, scale).sample().requiresGrad, false);
  });
});
