// CorrCholeskyTransform, ReshapeTransform, CatTransform, StackTransform, CumulativeDistributionTransform
// and the corr_cholesky / cat / stack registrations of bijectTo and transformTo, against PyTorch 1.13;
// and the parameterless transforms' shared equals/withCache.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

const D = torch.distributions;
const C = D.constraints;
type Nested = number | Nested[];
const f64 = (v: Nested, requiresGrad = false) => torch.tensor(v as number[], { dtype: "float64", requiresGrad });
const x = f64([[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]]);

describe("structured transforms", () => {
  test("CorrCholeskyTransform: forward, inverse, log|det J|, gradient, shapes", () => {
    const t = new D.CorrCholeskyTransform();
    const y = t.call(x);
    closeNested(y.tolist(), [[[1.0, 0.0, 0.0], [0.2913126124515909, 0.9566279119002483, 0.0], [-0.8336546070121552, 0.25522090760910715, 0.48977779096912166]],
      [[1.0, 0.0, 0.0], [0.9640275800758169, 0.2658022288340796, 0.0], [0.09966799462495582, -0.378057100987195, 0.92040160758258]]]);
    closeNested(t.inv.call(y).tolist(), [[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]], 1e-13);
    closeNested(t.logAbsDetJacobian(x, y).tolist(), [-2.109977468550449, -2.820887531956333]);
    assert.ok(C.corrCholesky.check(y).all().item());
    const xr = f64([[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]], true);
    t.call(xr).mul(torch.arange(9, { dtype: "float64" }).view([3, 3])).sum().backward();
    closeNested(xr.grad!.tolist(), [[1.630699780840801, 6.585926670112702, 1.22973159425005], [-0.8130102432072119, 5.470282437029736, 8.757293505591797]]);
    assert.deepEqual([t.forwardShape([2, 6]), t.inverseShape([5, 4, 4])], [[2, 4, 4], [5, 6]]);
    throwsMsg(() => t.forwardShape([2, 5]), "Input is not a flattend lower-diagonal number");
    throwsMsg(() => t.call(f64([0.1, 0.2])), "The size of last dimension is 2 which cannot be expressed as the lower triangular part of a square D x D matrix.");
    throwsMsg(() => t.eventDim, "Please use either .domain.event_dim or .codomain.event_dim");
  });
  test("ReshapeTransform", () => {
    const t = new D.ReshapeTransform([3], [3, 1]);
    const y = t.call(x);
    assert.deepEqual(y.shape, [2, 3, 1]);
    assert.deepEqual(t.logAbsDetJacobian(x, y).tolist(), [0, 0]);
    assert.deepEqual(t.inv.call(y).tolist(), x.tolist());
    assert.deepEqual([t.forwardShape([5, 3]), t.inverseShape([5, 3, 1])], [[5, 3, 1], [5, 3]]);
    throwsMsg(() => t.forwardShape([2, 4]), "Shape mismatch: expected torch.Size([4]) but got torch.Size([3])");
    throwsMsg(() => new D.ReshapeTransform([3], [2]), "in_shape, out_shape have different numbers of elements");
  });
  test("CatTransform and StackTransform", () => {
    const cat = new D.CatTransform([new D.ExpTransform(), D.identityTransform, new D.SigmoidTransform()], 1, [1, 1, 1]);
    const y = cat.call(x);
    closeNested(y.tolist(), [[1.3498588075760032, -1.2, 0.6224593312018546], [7.38905609893065, 0.1, 0.401312339887548]]);
    closeNested(cat.inv.call(y).tolist(), x.tolist(), 1e-14);
    closeNested(cat.logAbsDetJacobian(x, y).tolist(), [[0.3, 0.0, -1.4481539683602134], [2.0, 0.0, -1.4260305047999053]]);
    assert.deepEqual([cat.eventDim, String(cat.domain), cat.bijective], [0, "Cat()", true]);
    // A vector-valued part: StickBreaking takes 2 slots to 3, so the output grows by one.
    assert.equal(new D.CatTransform([new D.StickBreakingTransform(), new D.ExpTransform()], -1, [2, 1]).call(x).size(-1), 4);
    throwsMsg(() => cat.call(f64([[1, 2]])), "CatTransform: expected size 3 at dim 1, got 2");

    const xs = x.narrow(1, 0, 2);
    const stack = new D.StackTransform([new D.ExpTransform(), new D.TanhTransform()], 1);
    const ys = stack.call(xs);
    closeNested(ys.tolist(), [[1.3498588075760032, -0.8336546070121552], [7.38905609893065, 0.09966799462495582]]);
    closeNested(stack.inv.call(ys).tolist(), xs.tolist(), 1e-14);
    closeNested(stack.logAbsDetJacobian(xs, ys).tolist(), [[0.3, -1.1873779431880092], [2.0, -0.009983377643292934]]);
    assert.equal(String(stack.codomain), "Stack()");
  });
  test("CumulativeDistributionTransform", () => {
    const t = new D.CumulativeDistributionTransform(new D.Normal(f64(0.5), f64(2.0)));
    const y = t.call(x);
    closeNested(y.tolist(), [[0.460172162722971, 0.19766254312269244, 0.5], [0.7733726476231317, 0.420740290560897, 0.32635522028792]]);
    closeNested(t.inv.call(y).tolist(), x.tolist(), 1e-14);
    closeNested(t.logAbsDetJacobian(x, y).tolist(),
      [[-1.617085713764618, -1.973335713764618, -1.612085713764618], [-1.893335713764618, -1.632085713764618, -1.713335713764618]]);
    assert.deepEqual([t.sign, String(t.domain), t.withCache(1).cacheSize], [1, "Real()", 1]);
  });
  test("bijectTo / transformTo: corr_cholesky, cat, stack", () => {
    assert.ok(D.bijectTo(C.corrCholesky) instanceof D.CorrCholeskyTransform);
    assert.ok(D.transformTo(C.corrCholesky) instanceof D.CorrCholeskyTransform);
    const catT = D.bijectTo(C.cat([C.positive, C.real, C.unitInterval], 0, [1, 2, 1])) as InstanceType<typeof D.CatTransform>;
    assert.deepEqual(catT.transforms.map((t) => t.constructor.name), ["ComposeTransform", "ComposeTransform", "SigmoidTransform"]);
    const stackT = D.transformTo(C.stack([C.simplex, C.real], 1)) as InstanceType<typeof D.StackTransform>;
    assert.deepEqual(stackT.transforms.map((t) => t.constructor.name), ["SoftmaxTransform", "ComposeTransform"]);
    closeNested(D.bijectTo(C.cat([C.positive, C.unitInterval], 0, [2, 1])).call(f64([0.3, -1.0, 0.7])).tolist(),
      [1.3498588075760032, 0.36787944117144233, 0.6681877721681662]);
  });
});

describe("parameterless transforms", () => {
  test("equal by class, withCache builds a new one of the class", () => {
    assert.ok(new D.ExpTransform().equals(new D.ExpTransform()));
    assert.ok(!new D.ExpTransform().equals(new D.SigmoidTransform()));
    const softplus = new D.SoftplusTransform().withCache(1);
    assert.ok(softplus instanceof D.SoftplusTransform && softplus.cacheSize === 1);
    const corr = new D.CorrCholeskyTransform();
    assert.ok(!corr.equals(new D.CorrCholeskyTransform()) && corr.equals(corr));
    const cached = new D.CatTransform([new D.ExpTransform(), new D.TanhTransform()], 0, null, 1);
    assert.deepEqual(cached.transforms.map((t) => t.cacheSize), [1, 1]);
  });
});
