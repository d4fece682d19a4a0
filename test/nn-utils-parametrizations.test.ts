// nn.utils.parametrizations (spectral_norm, orthogonal, weight_norm) against PyTorch 1.13, with
// torch.manual_seed(0) before the module is made (its init and the power-iteration start draw
// from the global generator). weight_norm's numbers are those of 1.13's hook form (the same math).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const PZ = nn.utils.parametrizations;

function close(t: torch.Tensor, e: number[], what: string, tol = 2e-5): void {
  const a = t.detach().double().reshape(-1).tolist() as number[];
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

type Rec = Record<string, torch.Tensor>;
const list = (m: torch.nn.Module, name = "weight"): torch.nn.ModuleList =>
  (m as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get(name) as torch.nn.ModuleList;
const weight = (m: torch.nn.Module): torch.Tensor => (m as unknown as Rec).weight!;
const original = (m: torch.nn.Module, key = "original"): torch.Tensor => (list(m) as unknown as Rec)[key]!;

describe("nn.utils.parametrizations", () => {
  test("spectralNorm: PyTorch's u, v, weight and gradient; eval stops the power iteration", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    PZ.spectralNorm(m);
    assert.deepEqual([...m.stateDict().keys()], ["bias", "parametrizations.weight.original", "parametrizations.weight.0._u", "parametrizations.weight.0._v"]);
    const sn = list(m).at(0) as unknown as Rec;
    close(sn._u!, [0.878617, -0.376203, 0.294116], "u");
    close(sn._v!, [0.082142, 0.328134, -0.588944, -0.733979], "v");
    close(weight(m), [-0.00548, 0.392675, -0.602466, -0.538705, -0.281931, 0.19629, -0.014503, 0.580392, -0.06496, 0.193695, -0.221219, -0.143885], "weight");
    m.call(torch.ones(2, 4)).pow(2).sum().backward();
    close(original(m).grad!, [-7.679446, -9.077793, -3.864637, -3.040185, 1.073096, 1.671835, -0.560316, -0.913327, -2.747459, -3.215555, -1.470455, -1.19447], "grad");
    m.eval();
    const u = sn._u!.clone();
    original(m).detach().mul_(torch.tensor([[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]).add(1));
    weight(m);
    assert.ok(torch.equal(u, sn._u!), "no power iteration in eval mode");
    m.train();
    weight(m);
    assert.ok(!torch.equal(u, sn._u!), "one power iteration per access in training mode");
  });

  test("spectralNorm: dim 1 for ConvTranspose; argument errors", () => {
    torch.manualSeed(0);
    const c = new nn.ConvTranspose1d(2, 3, 2);
    PZ.spectralNorm(c);
    close((list(c).at(0) as unknown as Rec)._u!, [0.359834, -0.928971, -0.086789], "u");
    close(weight(c), [-0.006386, 0.457585, -0.702056, -0.627755, -0.328536, 0.228738, -0.016901, 0.676333, -0.075698, 0.225714, -0.257787, -0.16767], "weight");
    assert.throws(() => PZ.spectralNorm(new nn.Linear(3, 2), { nPowerIterations: 0 }), { message: "Expected n_power_iterations to be positive, but got n_power_iterations=0" });
    assert.throws(() => PZ.spectralNorm(new nn.Linear(3, 2), "weight", 1, 1e-12, 2), /Dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)/);
    assert.throws(() => PZ.spectralNorm(new nn.Linear(3, 2), "nope"), /has no parameter or buffer with name 'nope'/);
  });

  const orthogonalCases = [
    { map: "matrix_exp", triv: true, grad: [0, 1.04412, 4.287971, 0, 0, -0.06987] },
    { map: "cayley", triv: true, grad: [0, 1.04412, 4.287971, 0, 0, -0.06987] },
    { map: "householder", triv: true, grad: [0, 2.088241, 8.575942, 0, 0, -0.13974] },
    { map: "householder", triv: false, grad: [0, 3.678531, 2.372081, 0, 0, -0.120555] },
  ] as const;
  for (const c of orthogonalCases) {
    test(`orthogonal ${c.map}${c.triv ? "" : " without trivialization"}: weight, gradient, keys`, () => {
      torch.manualSeed(0);
      const m = new nn.Linear(3, 2);
      PZ.orthogonal(m, "weight", c.map, { useTrivialization: c.triv });
      close(weight(m), [-0.00762, 0.54602, -0.837738, -0.972708, -0.198337, -0.120424], "W");
      assert.ok(torch.allclose(weight(m).matmul(weight(m).mT), torch.eye(2), { atol: 1e-5 }), "orthonormal rows");
      m.call(torch.arange(3).reshape(1, 3).float()).pow(2).sum().backward();
      close(original(m).grad!, [...c.grad], "grad");
      assert.deepEqual([...m.stateDict().keys()], ["bias", "parametrizations.weight.original", ...(c.triv ? ["parametrizations.weight.0.base"] : [])]);
    });
  }

  test("orthogonal errors", () => {
    assert.throws(() => PZ.orthogonal(new nn.Linear(3, 2), "bias"), { message: "Expected a matrix or batch of matrices. Got a tensor of 1 dimensions." });
    assert.throws(() => PZ.orthogonal(new nn.Linear(3, 2), "weight", "qr" as "cayley"), /orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: qr/);
    const m = new nn.Linear(2, 2);
    PZ.orthogonal(m, { orthogonalMap: "cayley", useTrivialization: false });
    assert.throws(() => { (m as unknown as Rec).weight = torch.eye(2); }, /not possible to assign to the matrix exponential or the Cayley parametrizations/);
  });

  test("weightNorm: original0 = g, original1 = v; values and gradients; dim=null", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    PZ.weightNorm(m);
    assert.deepEqual([...m.stateDict().keys()], ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]);
    close(original(m, "original0"), [0.613766, 0.460792, 0.227962], "g");
    m.call(torch.ones(2, 4)).pow(2).sum().backward();
    close(original(m, "original0").grad!, [3.331872, -0.008832, 1.041323], "g.grad");
    close(original(m, "original1").grad!, [-3.95043, -5.426812, -1.736774, -1.973205, -0.016097, -0.009836, -0.012596, -0.004807, -1.267576, -2.074638, -0.780015, -1.021313], "v.grad");
    torch.manualSeed(0);
    const k = new nn.Linear(4, 3);
    PZ.weightNorm(k, { dim: null });
    assert.deepEqual(original(k, "original0").shape, []);
    close(original(k, "original0"), [0.800628], "g");
    k.call(torch.ones(2, 4)).pow(2).sum().backward();
    close(original(k, "original0").grad!, [2.845645], "g.grad");
  });

  test("weightNorm loads a checkpoint of the hook form (weight_g / weight_v), as PyTorch 2.x's compat hook", () => {
    torch.manualSeed(0);
    const old = nn.utils.weightNorm(new nn.Linear(4, 3));
    const saved = old.stateDict();
    assert.deepEqual([...saved.keys()].sort(), ["bias", "weight_g", "weight_v"]);
    const m = new nn.Sequential(PZ.weightNorm(new nn.Linear(4, 3)));
    const prefixed = new Map([...saved].map(([k, v]) => [`0.${k}`, v.mul(2)]));
    const r = m.loadStateDict(prefixed);
    assert.deepEqual([r.missingKeys, r.unexpectedKeys], [[], []]);
    const loaded = m.at(0);
    close(original(loaded, "original0"), saved.get("weight_g")!.mul(2).reshape(-1).tolist() as number[], "g", 0);
    close(original(loaded, "original1"), saved.get("weight_v")!.mul(2).reshape(-1).tolist() as number[], "v", 0);
    close(weight(loaded), weight(old).mul(2).reshape(-1).tolist() as number[], "weight", 1e-6);
  });
});
