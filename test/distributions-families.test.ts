// VonMises, Wishart, LKJCholesky and OneHotCategoricalStraightThrough against PyTorch 1.13: the same
// draws from the same seed (VonMises float32 as PyTorch 2.x, which samples in double then casts),
// log_prob, moments, parameterisations, reprs and errors; the KL pairs of these and of
// ContinuousBernoulli and LowRankMultivariateNormal as PyTorch registers them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

const D = torch.distributions;
type Nested = number | Nested[];
const f64 = (v: Nested, requiresGrad = false) => torch.tensor(v as number[], { dtype: "float64", requiresGrad });
const f32 = (v: Nested, requiresGrad = false) => torch.tensor(v as number[], { dtype: "float32", requiresGrad });

describe("VonMises", () => {
  test("samples: Best & Fisher's rejection draws, double precision inside", () => {
    torch.manualSeed(0);
    const d64 = new D.VonMises(f64([0.5, -2.0, 3.0]), f64([0.3, 4.0, 1e-4]));
    closeNested(d64.sample([2]).tolist(),
      [[-2.516630996820825, -1.0648174803205919, 1.5569051070419198], [-2.312001403283198, -2.7612157729855658, 0.5145966018009109]], 1e-14);
    torch.manualSeed(1);
    const d32 = new D.VonMises(f32([1.0, 0.0]), f32([2.0, 50.0]));
    const s = d32.sample([3]);
    assert.equal(s.dtype, torch.float32);
    assert.deepEqual(s.tolist(), [[1.0674787759780884, -0.05204828456044197], [0.7311007380485535, -0.04038284718990326], [1.7932623624801636, -0.024553148075938225]]);
    // PyTorch 2.x's Taylor branch keeps tiny concentrations from hanging.
    assert.equal(new D.VonMises(0.0, 1e-7).sample([4]).shape.join(), "4");
  });
  test("log_prob, circular mean, mode, variance, expand, errors", () => {
    const d = new D.VonMises(f32([0.5, -2.0]), f32([0.3, 5.0]));
    closeNested(d.logProb(f32([0.1, 2.5])).tolist(), [-1.5839333534240723, -6.196537971496582], 1e-6);
    closeNested(d.variance.tolist(), [0.8516625761985779, 0.10661667585372925], 1e-6);
    const d64 = new D.VonMises(f64([0.5, -2.0]), f64([0.3, 5.0]));
    closeNested(d64.logProb(f64([0.1, 2.5])).tolist(), [-1.5839334451329863, -6.196537841984558]);
    closeNested(d64.variance.tolist(), [0.8516625718530736, 0.10661687617139548]);
    assert.deepEqual(d.mean.tolist(), d.loc.tolist());
    assert.deepEqual(d.mode.tolist(), d.loc.tolist());
    assert.deepEqual(d.expand([3, 2]).batchShape, [3, 2]);
    assert.equal(d.hasRsample, false);
    throwsMsg(() => new D.VonMises(0.0, -1.0), "Expected parameter concentration (Tensor of shape ()) of distribution VonMises(loc: 0.0, concentration: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0");
  });
});

describe("Wishart", () => {
  const cov = f64([[2.0, 0.3], [0.3, 1.0]]);
  const tril = f64([[1.5, 0.0], [0.4, 0.8]]);
  test("samples: Bartlett draws, and PyTorch's correction round (its first check redraws the valid samples)", () => {
    torch.manualSeed(0);
    closeNested(new D.Wishart(f64(3.5), { covarianceMatrix: cov }).sample().tolist(),
      [[1.2755959107805723, 1.363676992779357], [1.363676992779357, 2.131614804798765]]);
    torch.manualSeed(1);
    closeNested(new D.Wishart(f64([3.0, 4.5]), { scaleTril: tril }).sample([2]).tolist(),
      [[[[49.10590272383138, 11.706247435767967], [11.706247435767967, 2.804344004855672]], [[10.815942773164545, 2.405572811433823], [2.405572811433823, 1.7119496666922234]]],
        [[[7.510188238868286, 3.3580885843949106], [3.3580885843949106, 1.6827759546650667]], [[9.330279965437553, 2.5840137802982834], [2.5840137802982834, 4.1125402011516154]]]]);
  });
  test("rsample: gradients through the chi-square diagonal and the scale", () => {
    const df = f64(3.5, true), L = f64([[1.5, 0.0], [0.4, 0.8]], true);
    torch.manualSeed(2);
    const s = new D.Wishart(df, { scaleTril: L }).rsample([2]);
    s.sum().backward();
    closeNested(s.tolist(), [[[16.366784591023734, 4.4437986926064115], [4.4437986926064115, 3.555304044038148]],
      [[5.8400705597559215, 0.6076582938933591], [0.6076582938933591, 0.4150721229700459]]]);
    closeNested(df.grad!.item(), 9.763086857412988);
    closeNested(L.grad!.tolist(), [[36.344416183039236, 4.3823747922502925], [36.344416183039236, 4.3823747922502925]]);
  });
  test("log_prob, entropy, moments, parameterisations, repr, KL through ExponentialFamily", () => {
    const w = new D.Wishart(f64([3.0, 4.5]), { scaleTril: tril });
    closeNested(w.logProb(f64([[3.0, 0.5], [0.5, 2.0]])).tolist(), [-5.2654889173511545, -5.428044963782217]);
    closeNested(w.entropy().tolist(), [6.0779889173511545, 7.1242275587303645]);
    closeNested(w.mean.tolist(), [[[6.75, 1.8], [1.8, 2.4]], [[10.125, 2.7], [2.7, 3.6]]]);
    closeNested(w.mode.tolist(), [[[NaN, NaN], [NaN, NaN]], [[3.375, 0.9], [0.9, 1.2]]]);
    closeNested(w.variance.tolist(), [[[30.375, 6.48], [6.48, 3.84]], [[45.5625, 9.72], [9.72, 5.76]]]);
    assert.equal(String(w), "Wishart(covariance_matrix: torch.Size([2, 2, 2]), scale_tril: torch.Size([2, 2, 2]), df: torch.Size([2]))");
    const wp = new D.Wishart(f64(4.0), { precisionMatrix: f64([[1.0, 0.2], [0.2, 0.5]]) });
    closeNested(wp.covarianceMatrix.tolist(), [[1.0869565217391304, -0.4347826086956521], [-0.4347826086956521, 2.1739130434782603]]);
    closeNested(wp.scaleTril.tolist(), [[1.0425720702853738, 0.0], [-0.4170288281141495, 1.414213562373095]]);
    assert.deepEqual(w.expand([3, 2]).sample().shape, [3, 2, 2, 2]);
    const q = new D.Wishart(f64(5.0), { covarianceMatrix: f64([[1.0, -0.2], [-0.2, 0.7]]) });
    closeNested(D.klDivergence(new D.Wishart(f64(3.5), { covarianceMatrix: cov }), q).item(), 0.977613104554943, 1e-11);
  });
  test("errors", () => {
    throwsMsg(() => new D.Wishart(1.5, { covarianceMatrix: cov, scaleTril: tril }), "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    throwsMsg(() => new D.Wishart(3.0, { covarianceMatrix: f64([1.0]) }), "scale_tril must be at least two-dimensional, with optional leading batch dimensions");
    throwsMsg(() => new D.Wishart(0.5, { covarianceMatrix: cov }), "Value of df=0.5 expected to be greater than ndim - 1 = 1.");
    throwsMsg(() => new D.Wishart(f64(3.0), { covarianceMatrix: f64([[1.0, 2.0], [2.0, 1.0]]) }),
      "Expected parameter covariance_matrix (Tensor of shape (2, 2)) of distribution Wishart(covariance_matrix: torch.Size([2, 2]), df: 3.0) " +
      "to satisfy the constraint PositiveDefinite(), but found invalid values:\ntensor([[1., 2.],\n        [2., 1.]], dtype=torch.float64)");
  });
});

describe("LKJCholesky", () => {
  test("onion-method samples and log_prob", () => {
    torch.manualSeed(0);
    const d = new D.LKJCholesky(3, f64([0.5, 2.0]));
    const s = d.sample();
    closeNested(s.tolist(), [[[1.0, 0.0, 0.0], [-0.20728046931458396, 0.9782815581624371, 0.0], [-0.654968123929431, -0.5781871184221328, 0.48653510944953615]],
      [[1.0, 0.0, 0.0], [-0.5209213836891243, 0.8536046579157169, 0.0], [-0.13102770369555167, 0.4223747431502702, 0.8969009517293501]]]);
    closeNested(d.logProb(s).tolist(), [-1.8105780344286666, -1.307964394239725]);
    torch.manualSeed(1);
    const d2 = new D.LKJCholesky(2);
    closeNested(d2.sample([2]).tolist(), [[[1.0, 0.0], [0.3436013460159302, 0.939115583896637]], [[1.0, 0.0], [0.8025921583175659, 0.5965281128883362]]]);
    assert.deepEqual([d2.batchShape, d2.eventShape], [[], [2, 2]]);
    assert.deepEqual(d.expand([4, 2]).sample().shape, [4, 2, 3, 3]);
    assert.equal(String(d2), "LKJCholesky(concentration: 1.0)");
  });
  test("errors", () => {
    throwsMsg(() => new D.LKJCholesky(1), "Expected dim to be an integer greater than or equal to 2. Found dim=1.");
    throwsMsg(() => new D.LKJCholesky(2).logProb(f32([[1.0, 0.0], [0.5, 0.5]])),
      "Expected value argument (Tensor of shape (2, 2)) to be within the support (CorrCholesky()) of the distribution LKJCholesky(concentration: 1.0), " +
      "but found invalid values:\ntensor([[1.0000, 0.0000],\n        [0.5000, 0.5000]])");
  });
});

describe("OneHotCategoricalStraightThrough", () => {
  test("rsample passes gradients to probs; KL through OneHotCategorical's", () => {
    const p = f32([0.2, 0.5, 0.3], true);
    torch.manualSeed(3);
    const d = new D.OneHotCategoricalStraightThrough({ probs: p });
    const s = d.rsample([2]);
    s.mul(f32([1, 2, 3])).sum().backward();
    assert.deepEqual(s.tolist(), [[1, 0, 0], [0, 1, 0]]);
    closeNested(p.grad!.tolist(), [-2.200000286102295, -0.20000028610229492, 1.799999713897705], 1e-6);
    assert.equal(String(d), "OneHotCategoricalStraightThrough()");
    assert.ok(d.hasRsample && d instanceof D.OneHotCategorical);
    closeNested(D.klDivergence(d, new D.OneHotCategoricalStraightThrough({ probs: f32([0.5, 0.25, 0.25]) })).item(), 0.21801190078258514, 1e-6);
  });
});

describe("KL divergences of the new families", () => {
  test("as PyTorch registers them: Wishart through ExponentialFamily, none for VonMises or LKJCholesky", () => {
    const w = new D.Wishart(f64(3.5), { covarianceMatrix: torch.eye(2, { dtype: "float64" }) });
    const w2 = new D.Wishart(f64(6.0), { scaleTril: f64([[1.2, 0.0], [-0.3, 0.9]]) });
    closeNested(D.klDivergence(w, w2).item(), 1.608048074214492, 1e-11);
    throwsMsg(() => D.klDivergence(w, new D.Normal(f64(0.0), f64(1.0))),
      "The cross KL-divergence between different exponential families cannot be computed using Bregman divergences");
    throwsMsg(() => D.klDivergence(new D.VonMises(0.0, 1.0), new D.VonMises(1.0, 2.0)), "No KL(p || q) is implemented for p type VonMises and q type VonMises");
    throwsMsg(() => D.klDivergence(new D.LKJCholesky(2), new D.LKJCholesky(2)), "No KL(p || q) is implemented for p type LKJCholesky and q type LKJCholesky");
  });
});

describe("KL pairs of ContinuousBernoulli and LowRankMultivariateNormal", () => {
  const cb = new D.ContinuousBernoulli({ probs: f64([0.2, 0.5, 0.7]) });
  const cb2 = new D.ContinuousBernoulli({ logits: f64([0.3, -1.0, 2.0]) });
  test("ContinuousBernoulli with itself, Beta, Exponential, Normal, Uniform, Pareto", () => {
    closeNested(D.klDivergence(cb, cb2).tolist(), [0.11375738818110392, 0.04132485461291813, 0.05127056609098135]);
    closeNested(D.klDivergence(new D.Beta(f64([0.5, 2.0, 3.0]), f64([1.5, 1.0, 0.7])), cb2).tolist(), [0.6271644862216341, 0.40113870183953004, 0.24129035891509498], 1e-13);
    closeNested(D.klDivergence(cb, new D.Exponential(f64([0.5, 2.0, 1.0]))).tolist(), [0.9635687269188784, 0.3068528194400547, 0.5991637010883002]);
    closeNested(D.klDivergence(cb, new D.Normal(f64([0.1, -1.0, 0.5]), f64([1.0, 0.5, 2.0]))).tolist(), [1.074777972400158, 4.892458019311394, 1.6521336724408493]);
    closeNested(D.klDivergence(cb, new D.Uniform(f64([-0.5, 0.1, -1.0]), f64([1.5, 2.0, 0.9]))).tolist(), [0.7695616333633042, Infinity, Infinity]);
    closeNested(D.klDivergence(new D.Uniform(f64([0.1, 0.0, 0.3]), f64([0.9, 0.5, 1.0])), cb2).tolist(), [0.2268907428252992, Infinity, Infinity]);
    assert.deepEqual(D.klDivergence(new D.Normal(f64([0.0]), f64([1.0])), new D.ContinuousBernoulli(f64([0.3]))).tolist(), [Infinity]);
    assert.deepEqual(D.klDivergence(cb, new D.Pareto(f64([1.0, 1.0, 1.0]), f64([2.0, 2.0, 2.0]))).tolist(), [Infinity, Infinity, Infinity]);
  });
  test("LowRankMultivariateNormal with itself and MultivariateNormal", () => {
    const p = new D.LowRankMultivariateNormal(f64([[0.1, -0.3, 0.5], [1.0, 0.0, -1.0]]), f64([[0.5, 0.1], [-0.3, 0.8], [0.2, 0.2]]), f64([0.7, 1.2, 0.4]));
    const q = new D.LowRankMultivariateNormal(f64([0.0, 0.2, 0.1]), f64([[0.1], [0.6], [-0.4]]), f64([1.1, 0.5, 0.9]));
    const m = new D.MultivariateNormal(f64([0.3, 0.3, -0.2]), { scaleTril: f64([[1.0, 0.0, 0.0], [0.3, 0.8, 0.0], [-0.2, 0.1, 1.3]]) });
    closeNested(D.klDivergence(p, q).tolist(), [0.653987770297686, 1.6019801423709987]);
    closeNested(D.klDivergence(m, q).item(), 0.27965516654281797);
    closeNested(D.klDivergence(p, m).tolist(), [1.2918790233528972, 1.4408666342996428]);
    throwsMsg(() => D.klDivergence(q, new D.LowRankMultivariateNormal(f64([0.0, 0.0]), f64([[1.0], [0.0]]), f64([1.0, 1.0]))),
      `KL-divergence between two Low Rank Multivariate Normals with${" ".repeat(26)}different event shapes cannot be computed`);
  });
});
