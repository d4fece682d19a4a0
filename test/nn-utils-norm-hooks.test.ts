// nn.utils.weightNorm / spectralNorm (the forward pre-hook forms) and their removal, against
// PyTorch 1.13 with torch.manual_seed(0) before the module is made.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;

function close(t: torch.Tensor, e: number[], what: string, tol = 2e-5): void {
  const a = t.detach().double().reshape(-1).tolist() as number[];
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}
type Rec = Record<string, torch.Tensor>;

describe("nn.utils.spectralNorm (hook form)", () => {
  test("buffers, forward, one power iteration per training call, gradient, removal", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    nn.utils.spectralNorm(m);
    const r = m as unknown as Rec;
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight_orig", "weight_u", "weight_v"]);
    close(r.weight_u!, [0.596432, 0.801426, -0.04455], "u");
    close(r.weight_v!, [0.568179, 0.677018, -0.028742, -0.466898], "v");
    const y = m.call(torch.ones(2, 4));
    close(y, [-1.600222, 0.38387, -0.558026, -1.600222, 0.38387, -0.558026], "y");
    close(r.weight_u!, [0.72446, 0.581698, 0.369844], "u after one iteration");
    y.pow(2).sum().backward();
    close(r.weight_orig!.grad!, [-8.479648, -23.209141, -5.221032, -17.584463, 7.740513, -4.086384, 10.356985, 0.429893, -2.071677, -9.591227, -0.408122, -6.719774], "grad");
    m.eval();
    const u = r.weight_u!.clone();
    m.call(torch.ones(1, 4));
    assert.ok(torch.equal(u, r.weight_u!), "eval: no power iteration");
    const w = r.weight!.detach().clone();
    nn.utils.removeSpectralNorm(m);
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight"]);
    assert.ok(torch.equal(w, m.weight) && m.weight.isLeaf && m.weight.requiresGrad);
    close(m.weight, [-0.008159, 0.584629, -0.896974, -0.802044, -0.41975, 0.292244, -0.021593, 0.86411, -0.096715, 0.288381, -0.329359, -0.214222], "weight");
    assert.throws(() => nn.utils.removeSpectralNorm(m), { message: "spectral_norm of 'weight' not found in Linear(in_features=4, out_features=3, bias=True)" });
  });

  test("errors", () => {
    const m = nn.utils.spectralNorm(new nn.Linear(2, 2));
    assert.throws(() => nn.utils.spectralNorm(m), { message: "Cannot register two spectral_norm hooks on the same parameter weight" });
    assert.throws(() => nn.utils.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }), /Expected n_power_iterations to be positive/);
  });
});

describe("nn.utils.weightNorm (hook form)", () => {
  test("weight_g, weight_v, gradient and removal", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    const w0 = m.weight.detach().clone();
    nn.utils.weightNorm(m);
    const r = m as unknown as Rec;
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight_g", "weight_v"]);
    close(r.weight_g!, [0.613766, 0.460792, 0.227962], "g");
    m.call(torch.ones(2, 4)).pow(2).sum().backward();
    close(r.weight_g!.grad!, [3.331872, -0.008832, 1.041323], "g.grad");
    close(r.weight_v!.grad!, [-3.95043, -5.426812, -1.736774, -1.973205, -0.016097, -0.009836, -0.012596, -0.004807, -1.267576, -2.074638, -0.780015, -1.021313], "v.grad");
    nn.utils.removeWeightNorm(m);
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight"]);
    close(m.weight, [-0.003743, 0.268222, -0.411523, -0.36797, -0.192577, 0.134079, -0.009907, 0.396445, -0.044372, 0.132306, -0.151107, -0.098283], "weight");
    assert.ok(torch.allclose(m.weight, w0), "g * v / |v| is the original weight");
    assert.throws(() => nn.utils.removeWeightNorm(m), { message: "weight_norm of 'weight' not found in Linear(in_features=4, out_features=3, bias=True)" });
  });

  test("dim=null: one norm; a second hook on the same weight is refused", () => {
    torch.manualSeed(0);
    const m = nn.utils.weightNorm(new nn.Linear(4, 3), "weight", null);
    assert.deepEqual((m as unknown as Rec).weight_g!.shape, []);
    close((m as unknown as Rec).weight_g!, [0.800628], "g");
    assert.throws(() => nn.utils.weightNorm(m), { message: "Cannot register two weight_norm hooks on the same parameter weight" });
  });
});
