// torch.distributions: argument and sample validation (PyTorch's messages), constraints, shapes,
// expand, enumerate_support, options-object arguments, and gradients of log_prob and rsample.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

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

describe("distributions: validation of the other families", () => {
  test("parameters", () => {
    throwsMsg(() => new D.MultivariateNormal(torch.zeros(2)), "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    throwsMsg(() => new D.MultivariateNormal(torch.zeros(2), { covarianceMatrix: f32([[1, 2], [2, 1]]) }), "Expected parameter covariance_matrix (Tensor of shape (2, 2)) of distribution MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2])) to satisfy the constraint PositiveDefinite(), but found invalid values:\ntensor([[1., 2.],\n        [2., 1.]])");
    throwsMsg(() => new D.Independent(new D.Normal(torch.zeros(2), 1), 2), "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 2 vs 1");
    throwsMsg(() => new D.Geometric(f32([0, 0.5])), "Expected parameter probs (Tensor of shape (2,)) of distribution Geometric(probs: torch.Size([2])) to be positive but found invalid values:\ntensor([0.])");
    throwsMsg(() => new D.Beta(f32([1, -1]), 1), "Expected parameter concentration (Tensor of shape (2, 2)) of distribution Dirichlet(concentration: torch.Size([2, 2])) to satisfy the constraint IndependentConstraint(GreaterThan(lower_bound=0.0), 1), but found invalid values:\ntensor([[ 1.,  1.],\n        [-1.,  1.]])");
    throwsMsg(() => new D.Chi2(f32([-1, 1])), "Expected parameter df (Tensor of shape (2,)) of distribution Chi2() to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([-1.,  1.])");
  });
  test("values", () => {
    throwsMsg(() => new D.Gamma(1, 1).logProb(torch.tensor(-1.0)), "Expected value argument (Tensor of shape ()) to be within the support (GreaterThanEq(lower_bound=0.0)) of the distribution Gamma(concentration: 1.0, rate: 1.0), but found invalid values:\n-1.0");
    throwsMsg(() => new D.Binomial(10, f32([0.2, 0.4])).logProb(f32([11, 2])), "Expected value argument (Tensor of shape (2,)) to be within the support (IntegerInterval(lower_bound=0, upper_bound=tensor([10., 10.]))) of the distribution Binomial(total_count: torch.Size([2]), probs: torch.Size([2])), but found invalid values:\ntensor([11.,  2.])");
    throwsMsg(() => new D.Multinomial(5, f32([0.2, 0.8])).logProb(f32([4, 2])), "Expected value argument (Tensor of shape (2,)) to be within the support (Multinomial()) of the distribution Multinomial(), but found invalid values:\ntensor([4., 2.])");
    throwsMsg(() => new D.OneHotCategorical(f32([0.2, 0.8])).logProb(f32([1, 1])), "Expected value argument (Tensor of shape (2,)) to be within the support (OneHot()) of the distribution OneHotCategorical(), but found invalid values:\ntensor([1., 1.])");
  });
  test("Independent sums the reinterpreted dims", () => {
    const d = new D.Independent(new D.Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1);
    assert.equal(String(d), "Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)");
    assert.deepEqual([d.batchShape, d.eventShape], [[2], [3]]);
    assert.deepEqual(d.logProb(torch.ones(2, 3)).tolist(), [-4.256815433502197, -4.256815433502197]);
    assert.deepEqual(d.entropy().tolist(), [4.256815433502197, 4.256815433502197]);
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
    torch.autograd.gradcheck((c: torch.Tensor, r: torch.Tensor) => new D.Gamma(c, r).logProb(f64([0.5, 2])), [f64([0.7, 3], true), f64([1.5, 0.5], true)]);
    torch.autograd.gradcheck((c: torch.Tensor) => new D.Dirichlet(c).entropy(), [f64([0.7, 3, 1.2], true)]);
    torch.autograd.gradcheck((df: torch.Tensor, loc: torch.Tensor) => new D.StudentT(df, loc, 2).logProb(f64([0.5, -1])), [f64([1.5, 4], true), f64([0.2, -0.3], true)]);
    torch.autograd.gradcheck((l: torch.Tensor) => new D.MultivariateNormal(f64([0.1, -0.2]), { scaleTril: l.tril() }).logProb(f64([0.5, 0.7])), [f64([[1.5, 0], [0.3, 0.8]], true)]);
    torch.autograd.gradcheck((p: torch.Tensor) => new D.Binomial(5, p).logProb(f64([2, 4])), [f64([0.3, 0.6], true)]);
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

describe("distributions: klDivergence dispatch", () => {
  test("the ExponentialFamily pair (Bregman divergence of the log normaliser)", () => {
    // A subclass registered for nothing falls back to the most specific registered pair.
    class MyGamma extends D.Gamma {}
    class MyDirichlet extends D.Dirichlet {}
    const t = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float64" });
    const viaFamily = D.klDivergence(new MyGamma(t([0.5, 2.0]), t([1.5, 3.0])), new MyGamma(t([1.0, 4.0]), t([2.0, 0.5])));
    // MyGamma is a Gamma: Gamma-Gamma's closed form wins over ExponentialFamily's.
    assert.deepEqual(viaFamily.tolist(), D.klDivergence(new D.Gamma(t([0.5, 2.0]), t([1.5, 3.0])), new D.Gamma(t([1.0, 4.0]), t([2.0, 0.5]))).tolist());
    D.registerKl(MyDirichlet, MyDirichlet)(() => torch.tensor([42]));
    assert.deepEqual(D.klDivergence(new MyDirichlet(t([[0.5, 2.0, 1.0]])), new MyDirichlet(t([1.0, 1.5, 2.5]))).tolist(), [42]);
    // Poisson-Poisson is registered; Geometric vs Poisson is not; two Beta subclasses use Beta-Beta.
    throwsMsg(() => D.klDivergence(new D.Normal(0, 1), new D.Categorical(torch.ones(2))), "No KL(p || q) is implemented for p type Normal and q type Categorical");
  });
  test("ExponentialFamily pairs without a closed form: Bregman divergence of the log normaliser", () => {
    // A user family (Poisson in natural parameters) that registers no KL of its own.
    class MyPoisson extends D.ExponentialFamily {
      constructor(readonly rate: torch.Tensor) { super(); this.init(rate.shape); }
      get argConstraints() { return {}; }
      override get naturalParams() { return [this.rate.log()]; }
      override logNormalizer(x: torch.Tensor) { return x.exp(); }
    }
    const t = (v: number[]) => torch.tensor(v, { dtype: "float64" });
    const kl = D.klDivergence(new MyPoisson(t([0.5, 4.0])), new MyPoisson(t([1.5, 3.0])));
    closeNested(kl.tolist(), [0.4506938556659452, 0.15072828980712316]);
    throwsMsg(() => D.klDivergence(new MyPoisson(t([0.5])), new D.Poisson(t([1.5]))), "The cross KL-divergence between different exponential families cannot be computed using Bregman divergences");
  });
});

describe("MixtureSameFamily", () => {
  test("univariate components: values and samples as PyTorch", () => {
    const m = new D.MixtureSameFamily(new D.Categorical({ probs: f32([[0.3, 0.7], [0.5, 0.5]]) }), new D.Normal(f32([[-1, 2], [0, 1]]), f32([[0.5, 1.5], [1, 2]])));
    const v = f32([0.3, -0.4]);
    closeNested(m.logProb(v).tolist(), [-2.243377685546875, -1.3386532068252563], 3e-6);
    closeNested(m.cdf(v).tolist(), [0.3885776400566101, 0.29327094554901123], 3e-6);
    closeNested(m.mean.tolist(), [1.0999999046325684, 0.5], 3e-6);
    closeNested(m.variance.tolist(), [3.5399999618530273, 2.75], 3e-6);
    torch.manualSeed(3);
    closeNested(m.sample([3]).tolist(), [[-0.8312524557113647, -1.435179352760315], [-0.7389750480651855, 1.59792160987854], [1.880218505859375, 2.631355047225952]], 3e-6);
  });
  test("multivariate components (Independent)", () => {
    const m = new D.MixtureSameFamily(new D.Categorical({ logits: f32([0.2, -0.3, 0.1]) }),
      new D.Independent(new D.Normal(f32([[-1, 2], [0, 1], [3, 0.5]]), f32([[0.5, 1.5], [1, 2], [0.3, 0.3]])), 1));
    torch.manualSeed(4);
    closeNested(m.sample([2]).tolist(), [[1.2006442546844482, 0.19689935445785522], [2.975717067718506, 0.5153791904449463]], 3e-6);
    closeNested(m.logProb(f32([0.5, 1.0])).item(), -4.033488750457764, 3e-6);
    closeNested(m.mean.tolist(), [0.682700514793396, 1.218040943145752], 3e-6);
    closeNested(m.variance.tolist(), [3.5482664108276367, 2.335130453109741], 3e-6);
    assert.equal(String(m), "MixtureSameFamily(\n  Categorical(probs: torch.Size([3]), logits: torch.Size([3])),\n  Independent(Normal(loc: torch.Size([3, 2]), scale: torch.Size([3, 2])), 1))");
    throwsMsg(() => new D.MixtureSameFamily(new D.Categorical(f32([0.5, 0.5])), new D.Normal(torch.zeros(3), 1)), "`mixture_distribution component` (2) does not equal `component_distribution.batch_shape[-1]` (3)");
  });
});

describe("LowRankMultivariateNormal", () => {
  test("matrices agree with the MultivariateNormal of the same covariance", () => {
    const loc = f64([0.5, -1.0, 0.2]), w = f64([[1.0, 0.3], [-0.5, 0.2], [0.1, 0.8]]), d = f64([0.5, 1.5, 0.25]);
    const low = new D.LowRankMultivariateNormal(loc, w, d);
    const full = new D.MultivariateNormal(loc, { covarianceMatrix: low.covarianceMatrix });
    closeNested(low.precisionMatrix.tolist(), full.precisionMatrix.tolist(), 1e-12);
    closeNested(low.scaleTril.tolist(), full.scaleTril.tolist(), 1e-12);
    closeNested(low.logProb(f64([0.2, 0.1, 0.0])).item(), full.logProb(f64([0.2, 0.1, 0.0])).item() as number, 1e-12);
    throwsMsg(() => new D.LowRankMultivariateNormal(loc, f64([[1.0], [0.5]]), d), "cov_factor must be a batch of matrices with shape 3 x m");
  });
});
