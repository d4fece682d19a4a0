// torch.distributions.transforms and bijectTo/transformTo against PyTorch 1.13 (values recorded by
// test/fixtures/distributions-transforms.py): forward, inverse, log|det J|, and the registries.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested } from "./support/recorded.js";

const D = torch.distributions;
type Rec = { y: number[][]; inv?: number[][]; ladj?: number[] | number[][] };
const fx = JSON.parse(readFileSync(new URL("./fixtures/distributions-transforms.json", import.meta.url), "utf8")) as Record<string, Rec> & { biject: Record<string, string> };
const t64 = (v: number | number[] | number[][]) => torch.tensor(v, { dtype: "float64" });
const x = t64([[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]]);
const pos = t64([[0.3, 1.2, 0.5], [2.0, 0.1, 0.4]]);

function checkTransform(name: string, t: torch.distributions.Transform, input: torch.Tensor) {
  const rec = fx[name]!;
  const y = t.call(input);
  closeNested(y.tolist(), rec.y, 1e-12, `${name}.y`);
  if (rec.inv) closeNested(t.inv.call(y).tolist(), rec.inv, 1e-12, `${name}.inv`);
  if (rec.ladj) closeNested(t.logAbsDetJacobian(input, y).tolist(), rec.ladj, 1e-12, `${name}.ladj`);
}

describe("transforms", () => {
  test("forward, inverse and log|det J| as PyTorch", () => {
    checkTransform("exp", new D.ExpTransform(), x);
    checkTransform("sigmoid", new D.SigmoidTransform(), x);
    checkTransform("tanh", new D.TanhTransform(), x);
    checkTransform("softplus", new D.SoftplusTransform(), x);
    checkTransform("affine", new D.AffineTransform(t64([0.5, -1, 2]), t64([2, -0.5, 3])), x);
    checkTransform("affine-event", new D.AffineTransform(0.5, t64([2, -0.5, 3]), 1), x);
    checkTransform("power", new D.PowerTransform(t64(2.5)), pos);
    checkTransform("stick", new D.StickBreakingTransform(), x);
    checkTransform("compose", new D.ComposeTransform([new D.AffineTransform(0.5, 2.0), new D.ExpTransform()]), x);
    checkTransform("softmax", new D.SoftmaxTransform(), x);
    checkTransform("lowerchol", new D.LowerCholeskyTransform(), t64([[0.3, 0], [1.2, -0.5]]));
    checkTransform("abs", new D.AbsTransform(), x);
  });
  test("shapes, signs, domains and the cache", () => {
    const stick = new D.StickBreakingTransform();
    assert.deepEqual(stick.forwardShape([4, 2]), [4, 3]);
    assert.deepEqual(stick.inverseShape([4, 3]), [4, 2]);
    assert.equal(new D.AffineTransform(0, -2).sign, -1);
    assert.equal(String(new D.ComposeTransform([new D.ExpTransform(), stick]).domain), "IndependentConstraint(Real(), 1)");
    assert.ok(new D.ExpTransform().inv.inv instanceof D.ExpTransform);
    const cached = new D.ExpTransform(1);
    const y = cached.call(x);
    assert.equal(cached.inv.call(y), x); // the cached x itself, not log(exp(x))
    assert.throws(() => new D.ExpTransform(2), /cache_size must be 0 or 1/);
  });
  test("bijectTo / transformTo", () => {
    const C = D.constraints;
    closeNested(D.bijectTo(C.interval(-1, 3)).call(x).tolist(), fx["biject-interval-y"] as unknown as number[][], 1e-12);
    closeNested(D.bijectTo(C.positive).call(x).tolist(), fx["biject-positive-y"] as unknown as number[][], 1e-12);
    closeNested(D.transformTo(C.simplex).call(x).tolist(), fx["transform-simplex-y"] as unknown as number[][], 1e-12);
    assert.ok(D.bijectTo(C.unitInterval) instanceof D.SigmoidTransform);
    assert.ok(D.bijectTo(C.simplex) instanceof D.StickBreakingTransform);
    assert.ok(D.transformTo(C.lowerCholesky) instanceof D.LowerCholeskyTransform);
    assert.equal(D.bijectTo(C.real), D.identityTransform);
    assert.throws(() => D.bijectTo(C.lowerCholesky), /Cannot transform LowerCholesky constraints/);
  });
  test("TransformedDistribution: log_prob through the transforms, rsample gradients", () => {
    const base = new D.Normal(t64([0.5, -1]), t64([1.5, 0.25]));
    const d = new D.TransformedDistribution(base, [new D.ExpTransform()]);
    const ln = new D.LogNormal(t64([0.5, -1]), t64([1.5, 0.25]));
    closeNested(d.logProb(t64([0.7, 0.3])).tolist(), ln.logProb(t64([0.7, 0.3])).tolist(), 1e-12);
    const scale = t64([2.0]).requiresGrad_();
    torch.autograd.gradcheck((s: torch.Tensor) => new D.HalfNormal(s).logProb(t64([0.3, 1.7])), [scale]);
    torch.autograd.gradcheck((c1: torch.Tensor) => new D.Kumaraswamy(c1, t64([1.5, 0.7])).logProb(t64([0.3, 0.6])), [t64([0.8, 2.0]).requiresGrad_()]);
    const loc = t64([0.5]).requiresGrad_();
    torch.manualSeed(0);
    const s = new D.LogNormal(loc, 1).rsample();
    s.backward();
    closeNested(loc.grad!.tolist(), s.detach().tolist(), 1e-15); // d exp(loc + eps) / d loc = the sample
  });
});
