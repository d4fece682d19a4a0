// torch._standardGamma / _sampleDirichlet (PyTorch's CPU samplers: same seed, same numbers), their
// reparameterised gradients (_standardGammaGrad, _dirichletGrad), and the rsample gradients of
// Gamma, Dirichlet and Beta, against values recorded from PyTorch 1.13.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

const D = torch.distributions;
const f64 = (v: number[] | number[][], requiresGrad = false) => torch.tensor(v, { dtype: "float64", requiresGrad });
const f32 = (v: number[] | number[][], requiresGrad = false) => torch.tensor(v, { dtype: "float32", requiresGrad });

describe("gamma and Dirichlet samplers", () => {
  test("_standardGamma: PyTorch's draws, float32 and float64", () => {
    torch.manualSeed(0);
    assert.deepEqual(torch._standardGamma(f32([0.3, 1.0, 2.5, 10, 0.05])).tolist(),
      [5.906951628276147e-06, 0.11898370087146759, 2.41141939163208, 7.901071071624756, 0.00035739701706916094]);
    torch.manualSeed(1);
    assert.deepEqual(torch._standardGamma(f64([0.3, 1.0, 2.5, 10, 0.05])).tolist(),
      [0.8799756972712028, 1.4460558732153423, 3.6930072883627276, 12.03058031498344, 2.130459018333079e-07]);
    throwsMsg(() => torch._standardGamma(torch.tensor([1, 2])), "\"gamma_cpu\" not implemented for 'Long'");
  });
  test("_sampleDirichlet: PyTorch's draws", () => {
    torch.manualSeed(2);
    assert.deepEqual(torch._sampleDirichlet(f32([[0.3, 1.0, 2.5], [10, 0.05, 1.5]])).tolist(),
      [[0.00021755177294835448, 0.529649555683136, 0.47013288736343384], [0.8123561143875122, 8.860836828716856e-07, 0.18764300644397736]]);
  });
  test("_standardGammaGrad and _dirichletGrad: every branch", () => {
    closeNested(torch._standardGammaGrad(f64([0.3, 1.0, 2.5, 10, 20, 3]), f64([0.1, 0.5, 3.0, 10.5, 15, 2])).tolist(),
      [0.7894044031433252, 0.8069784920049818, 1.1692164760887411, 1.0417757910859535, 0.870233570034255, 0.856564023915415]);
    closeNested(torch._dirichletGrad(f64([0.1, 0.5, 0.9, 0.3, 0.45, 0.95]), f64([0.5, 2, 3, 8, 1.5, 2]), f64([1.5, 4, 3.5, 20, 4, 2.5])).tolist(),
      [0.5116855762208993, 0.29543145370663026, 0.3415464687139042, 0.04472891869642197, 0.3332914875873785, 0.5458648476708269]);
  });
});

describe("rsample gradients", () => {
  test("Gamma: concentration through _standardGammaGrad, rate directly", () => {
    const c = f64([0.4, 2.0, 12.0], true), r = f64([1.5, 0.5, 2.0], true);
    torch.manualSeed(3);
    const s = new D.Gamma(c, r).rsample([2]);
    s.sum().backward();
    closeNested(s.tolist(), [[0.43358485549914016, 9.80458961180503, 4.9933627736308575], [0.12571567785512416, 4.8711147429111685, 8.213169925418667]]);
    closeNested(c.grad!.tolist(), [1.8186305143853807, 5.682438026928539, 1.0525893056456572]);
    closeNested(r.grad!.tolist(), [-0.37286702223617624, -29.3514087094324, -6.6032663495247625]);
  });
  test("Dirichlet", () => {
    const c = f64([[0.4, 2.0, 12.0], [1.0, 1.0, 1.0]], true);
    torch.manualSeed(4);
    const s = new D.Dirichlet(c).rsample();
    s.mul(f64([1, -2, 0.5])).sum().backward();
    closeNested(s.tolist(), [[0.020068893408183897, 0.12491411233241323, 0.8550169942594029], [0.28057238906155135, 0.18649572214416735, 0.5329318887942813]]);
    closeNested(c.grad!.tolist(), [[0.06700479817562342, -0.16064915377824415, 0.02207722330764932], [0.32815628752931514, -0.6837258988441238, 0.18165664909651572]]);
  });
  test("Beta (float32)", () => {
    const a = f32([0.7, 3.0], true), b = f32([2.0, 9.0], true);
    torch.manualSeed(5);
    const s = new D.Beta(a, b).rsample();
    s.sum().backward();
    closeNested(s.tolist(), [0.08544518053531647, 0.4130966067314148], 3e-6);
    closeNested(a.grad!.tolist(), [0.2449633926153183, 0.06787128001451492], 3e-6);
    closeNested(b.grad!.tolist(), [-0.04359409213066101, -0.03177575394511223], 3e-6);
  });
});
