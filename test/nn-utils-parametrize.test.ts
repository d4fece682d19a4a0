// nn.utils.parametrize against PyTorch 1.13 (values recorded with torch.manual_seed(0)): the
// computed attribute, state_dict keys, gradients to `original`, assignment through right_inverse,
// chaining, caching, removal and its errors.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const P = nn.utils.parametrize;

function close(t: torch.Tensor, e: number[], what: string, tol = 1e-5): void {
  const a = t.detach().double().reshape(-1).tolist() as number[];
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

class Symmetric extends nn.Module {
  calls = 0;
  override forward(x: torch.Tensor): torch.Tensor { this.calls++; return x.triu().add(x.triu(1).mT); }
  rightInverse(a: torch.Tensor): torch.Tensor { return a.triu(); }
}
class Double extends nn.Module {
  override forward(x: torch.Tensor): torch.Tensor { return x.mul(2); }
  rightInverse(a: torch.Tensor): torch.Tensor { return a.div(2); }
}
class Split extends nn.Module {
  override forward(a: torch.Tensor, b: torch.Tensor): torch.Tensor { return a.add(b); }
  rightInverse(w: torch.Tensor): torch.Tensor[] { return [w.mul(0.25), w.mul(0.75)]; }
}
class Shrink extends nn.Module {
  override forward(x: torch.Tensor): torch.Tensor { return x.get(0); }
}

type Parametrized = torch.nn.Module & { weight: torch.Tensor; parametrizations: torch.nn.ModuleDict; forward(x: torch.Tensor): torch.Tensor };
const weightOf = (m: torch.nn.Module): torch.Tensor => (m as Parametrized).weight;
const originalOf = (m: torch.nn.Module, key = "original"): torch.Tensor =>
  ((m as Parametrized).parametrizations.get("weight") as unknown as Record<string, torch.Tensor>)[key]!;

describe("nn.utils.parametrize", () => {
  test("the parametrized weight, its keys, class and gradient", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(3, 3);
    const w0 = m.weight;
    P.registerParametrization(m, "weight", new Symmetric());
    close(weightOf(m), [-0.004323, 0.309716, -0.475185, 0.309716, -0.222369, 0.154821, -0.475185, 0.154821, -0.051236], "weight");
    assert.deepEqual([...m.stateDict().keys()], ["bias", "parametrizations.weight.original"]);
    assert.deepEqual([...m.namedParameters()].map(([n]) => n), ["bias", "parametrizations.weight.original"]);
    assert.equal(m.constructor.name, "ParametrizedLinear");
    assert.equal(P.typeBeforeParametrizations(m), nn.Linear);
    assert.ok(m instanceof nn.Linear && P.isParametrized(m) && P.isParametrized(m, "weight") && !P.isParametrized(m, "bias"));
    assert.equal(originalOf(m), w0, "the Parameter object is kept as original");
    m.call(torch.arange(6).reshape(2, 3).float()).pow(2).sum().backward();
    close(w0.grad!, [-5.983541, -5.118061, -18.979744, 0, 4.939919, -3.485732, 0, 0, -12.003979], "grad");
  });

  test("assignment goes through right_inverse; chaining; removal keeps the original or the value", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(3, 3);
    P.registerParametrization(m, "weight", new Symmetric());
    (m as unknown as Parametrized).weight = torch.arange(9).reshape(3, 3).float();
    close(originalOf(m), [0, 1, 2, 0, 4, 5, 0, 0, 8], "original");
    close(weightOf(m), [0, 1, 2, 1, 4, 5, 2, 5, 8], "weight");
    P.registerParametrization(m, "weight", new Double());
    close(weightOf(m), [0, 2, 4, 2, 8, 10, 4, 10, 16], "chained");
    P.removeParametrizations(m, "weight", { leaveParametrized: false });
    close(m.weight, [0, 1, 2, 0, 4, 5, 0, 0, 8], "original after removal");
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight"]);
    assert.equal(m.constructor.name, "Linear");
    assert.ok(!P.isParametrized(m) && !("parametrizations" in m));

    const k = new nn.Linear(3, 3);
    const orig = k.weight;
    P.registerParametrization(k, "weight", new Symmetric());
    const value = weightOf(k).detach().clone();
    P.removeParametrizations(k, "weight");
    assert.equal(k.weight, orig, "leaveParametrized keeps the Parameter object");
    assert.ok(k.weight.isLeaf && k.weight.requiresGrad);
    close(k.weight, value.reshape(-1).tolist() as number[], "parametrized value kept");
  });

  test("a rightInverse returning several tensors registers original0, original1", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(2, 2);
    P.registerParametrization(m, "weight", new Split());
    assert.deepEqual([...m.stateDict().keys()], ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]);
    close(originalOf(m, "original0"), [-0.001323, 0.094831, -0.145495, -0.130097], "original0");
    assert.throws(() => P.removeParametrizations(m, "weight", false), /Cannot leave unparametrized \(`leave_parametrized=False`\) a tensor that is parametrized in terms of a sequence of tensors\./);
    const w = weightOf(m).detach().clone();
    P.removeParametrizations(m, "weight");
    close(m.weight, w.reshape(-1).tolist() as number[], "weight");
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight"]);
  });

  test("buffers can be parametrized", () => {
    const m = new nn.BatchNorm1d(2);
    P.registerParametrization(m, "running_var", new Double());
    assert.deepEqual([...m.stateDict().keys()], ["weight", "bias", "running_mean", "num_batches_tracked", "parametrizations.running_var.original"]);
    assert.deepEqual([...m.parameters()].length, 2);
    close((m as unknown as Record<string, torch.Tensor>).running_var!, [1, 1], "running_var");
    close(m.stateDict().get("parametrizations.running_var.original")!, [0.5, 0.5], "original");
    P.removeParametrizations(m, "running_var");
    assert.deepEqual([...m.stateDict().keys()], ["weight", "bias", "running_mean", "num_batches_tracked", "running_var"]);
  });

  test("cached() computes each parametrized tensor once", () => {
    const m = new nn.Linear(2, 2);
    const sym = new Symmetric();
    P.registerParametrization(m, "weight", sym);
    const before = sym.calls;
    P.cached(() => { weightOf(m); weightOf(m); P.cached(() => weightOf(m)); });
    assert.equal(sym.calls - before, 1);
    weightOf(m); weightOf(m);
    assert.equal(sym.calls - before, 3);
  });

  test("errors name the problem and change nothing", () => {
    const m = new nn.Linear(2, 2);
    assert.throws(() => P.registerParametrization(m, "weight", new Shrink()),
      { message: "Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled.\nunparametrized shape: torch.Size([2, 2])\nparametrized shape: torch.Size([2])" });
    assert.throws(() => P.registerParametrization(m, "foo", new Double()),
      { message: "Module 'Linear(in_features=2, out_features=2, bias=True)' does not have a parameter, a buffer, or a parametrized element with name 'foo'" });
    assert.throws(() => P.removeParametrizations(m, "weight"), /does not have a parametrization on weight/);
    assert.ok(!P.isParametrized(m));
    assert.deepEqual([...m.stateDict().keys()], ["weight", "bias"]);
    P.registerParametrization(m, "weight", new Shrink(), { unsafe: true });
    assert.deepEqual(weightOf(m).shape, [2]);
    P.registerParametrization(m, "weight", new Double());
    class NoInverse extends nn.Module { override forward(x: torch.Tensor): torch.Tensor { return x; } }
    P.registerParametrization(m, "weight", new NoInverse());
    assert.throws(() => { (m as unknown as Parametrized).weight = torch.zeros(2); }, /parametrization NoInverse does not implement right_inverse\./);
  });
});

describe("parametrize.transferParametrizationsAndParams", () => {
  test("the parametrizations and the shared originals move to another module, as PyTorch 1.13", () => {
    const a = new nn.Linear(3, 3), b = new nn.Linear(3, 3);
    P.registerParametrization(a, "weight", new Symmetric());
    assert.equal(P.transferParametrizationsAndParams(a, b), b);
    assert.equal(b.constructor.name, "ParametrizedLinear");
    assert.deepEqual([...b.stateDict().keys()], ["bias", "parametrizations.weight.original"]);
    assert.equal(originalOf(b), originalOf(a));
    assert.deepEqual(weightOf(b).tolist(), weightOf(a).tolist());
    // A module without the tensor gets it: a Parameter with the parametrized value, then parametrized.
    const c = new nn.Module();
    P.transferParametrizationsAndParams(a, c, "weight");
    assert.deepEqual([...c.stateDict().keys()], ["parametrizations.weight.original"]);
    assert.deepEqual(weightOf(c).tolist(), weightOf(a).tolist());
    // Several originals (original0, original1) are shared too.
    const s = new nn.Linear(2, 2), t = new nn.Linear(2, 2);
    P.registerParametrization(s, "weight", new Split());
    P.transferParametrizationsAndParams(s, t);
    assert.equal(originalOf(t, "original1"), originalOf(s, "original1"));
    assert.deepEqual(weightOf(t).tolist(), weightOf(s).tolist());
    // An unparametrized source changes nothing.
    assert.equal(P.transferParametrizationsAndParams(new nn.Linear(2, 2), t), t);
  });
});
