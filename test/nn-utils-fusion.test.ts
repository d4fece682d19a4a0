// nn.utils.fusion against PyTorch 1.13 (torch.manual_seed(0), statistics drawn as below).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const flat = (t: torch.Tensor): number[] => t.detach().double().reshape(-1).tolist() as number[];
function close(t: torch.Tensor, e: number[], what: string, tol = 1e-5): void {
  const a = flat(t);
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}
type Rec = Record<string, torch.Tensor>;

describe("nn.utils.fusion", () => {
  test("fuseConvBnEval and fuseLinearBnEval: PyTorch's fused parameters; the inputs are untouched", () => {
    torch.manualSeed(0);
    const conv = new nn.Conv2d(2, 3, 2), bn = new nn.BatchNorm2d(3);
    const b = bn as unknown as Rec;
    torch.noGrad(() => { b.running_mean!.uniform_(); b.running_var!.uniform_(0.5, 2); bn.weight!.uniform_(); bn.bias!.uniform_(); });
    conv.eval(); bn.eval();
    const w0 = flat(conv.weight);
    const f = nn.utils.fuseConvBnEval(conv, bn);
    const x = torch.randn(1, 2, 3, 3);
    close(f.bias!, [0.182445, 0.913632, 0.721175], "conv bias");
    close(f.weight.reshape(-1).narrow(0, 0, 4), [-0.00073, 0.052296, -0.080236, -0.071744], "conv weight");
    assert.ok(torch.allclose(f.call(x), bn.call(conv.call(x)), { atol: 1e-6 }));
    assert.ok(f !== conv && f instanceof nn.Conv2d && f.weight.isLeaf && f.weight.requiresGrad);
    assert.deepEqual(flat(conv.weight), w0);
    const lin = new nn.Linear(3, 2), bn1 = new nn.BatchNorm1d(2);
    torch.noGrad(() => { (bn1 as unknown as Rec).running_mean!.uniform_(); (bn1 as unknown as Rec).running_var!.uniform_(0.5, 2); });
    lin.eval(); bn1.eval();
    const g = nn.utils.fuseLinearBnEval(lin, bn1);
    close(g.bias!, [-1.842739, -1.20277], "linear bias");
    close(g.weight, [0.67525, 0.7092, 0.719102, 0.097444, -0.425777, 0.045043], "linear weight");
  });

  test("errors", () => {
    assert.throws(() => nn.utils.fuseConvBnEval(new nn.Conv2d(1, 1, 1), new nn.BatchNorm2d(1)), { message: "Fusion only for eval!" });
    const lin = new nn.Linear(2, 3).eval(), bn = new nn.BatchNorm1d(2).eval();
    assert.throws(() => nn.utils.fuseLinearBnEval(lin, bn), { message: "To fuse, linear.out_features == bn.num_features or bn.num_features == 1" });
  });

  test("fuseConvBnWeights with no conv bias and transpose", () => {
    const w = torch.ones(2, 3, 1), rm = torch.tensor([0, 1]), rv = torch.tensor([1, 4]);
    const [fw, fb] = nn.utils.fuseConvBnWeights(w, null, rm, rv, 0, null, null);
    close(fw, [1, 1, 1, 0.5, 0.5, 0.5], "weight");
    close(fb, [0, -0.5], "bias");
    const [tw] = nn.utils.fuseConvBnWeights(torch.ones(3, 2, 1), null, rm, rv, 0, null, null, true);
    close(tw, [1, 0.5, 1, 0.5, 1, 0.5], "transposed weight");
  });
});
