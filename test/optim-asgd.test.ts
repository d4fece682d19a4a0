// torch.optim.ASGD against trajectories recorded from PyTorch 1.13 (test/fixtures/optim/asgd.py):
// parameters after each step, the final state (step, eta, mu as 0-d float32 tensors, ax), the
// group's options, argument errors and a state dict round trip.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

interface Case {
  name: string; dtype: "float32" | "float64"; kwargs: Record<string, number | boolean>;
  init: [number[], number[]][]; grads: number[][][]; after: number[][][];
  state: Record<string, number[] | [number, string]>[]; group: Record<string, unknown>;
}
const cases = JSON.parse(readFileSync(new URL("./fixtures/optim/asgd.json", import.meta.url), "utf8")) as Case[];

function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function close(a: number[], e: number[], what: string, tol: number): void {
  assert.equal(a.length, e.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

function start(c: Case): { params: torch.Tensor[]; opt: torch.optim.ASGD } {
  const params = c.init.map(([shape, data]) => torch.tensor(data, { dtype: c.dtype }).reshape(shape).requiresGrad_(true));
  return { params, opt: new torch.optim.ASGD(params, camelKeys(c.kwargs)) };
}

for (const c of cases) {
  test(`ASGD ${c.name}: PyTorch's parameters after each step and its final state`, () => {
    const { params, opt } = start(c);
    const tol = c.dtype === "float64" ? 1e-12 : 1e-6;
    c.grads.forEach((gs, step) => {
      gs.forEach((g, i) => { params[i]!.grad = torch.tensor(g, { dtype: c.dtype }).reshape(params[i]!.shape); });
      opt.step();
      params.forEach((p, i) => close(p.detach().reshape(-1).tolist() as number[], c.after[step]![i]!, `step ${step} param ${i}`, tol));
    });
    const sd = opt.stateDict();
    c.state.forEach((expected, i) => {
      const s = sd.state.get(i)!;
      assert.deepEqual(Object.keys(s).sort(), Object.keys(expected).sort());
      for (const [k, v] of Object.entries(expected)) {
        const t = s[k] as torch.Tensor;
        if (typeof v[1] === "string") {
          assert.equal(t.dim(), 0, k);
          assert.equal(`torch.${t.dtype.name}`, v[1], `${k} dtype`);
          close([t.item() as number], [v[0] as number], k, 1e-7);
        } else close(t.reshape(-1).tolist() as number[], v as number[], k, tol);
      }
    });
    for (const [k, v] of Object.entries(c.group)) assert.deepEqual(sd.param_groups[0]![k], v, `group option ${k}`);
  });
}

test("ASGD's options (PyTorch 2.x adds differentiable, capturable), errors, and a state dict round trip", () => {
  const w = new torch.nn.Parameter(torch.ones(3));
  const opt = new torch.optim.ASGD([w], { differentiable: false });
  assert.deepEqual(Object.keys(opt.paramGroups[0]!).filter((k) => k !== "params").sort(),
    ["alpha", "capturable", "differentiable", "foreach", "lambd", "lr", "maximize", "t0", "weight_decay"]);
  assert.throws(() => new torch.optim.ASGD([w], { lr: -0.1 }), /Invalid learning rate: -0.1/);
  assert.throws(() => new torch.optim.ASGD([w], { weightDecay: -1 }), /Invalid weight_decay value: -1/);
  assert.throws(() => new torch.optim.ASGD([w], { momentum: 0.9 } as never), /ASGD.__init__\(\) got an unexpected keyword argument 'momentum'/);

  const c = cases[2]!; // float32: loading casts eta and mu to the parameter's dtype, as PyTorch does
  const a = start(c), b = start(c);
  const feed = (step: number, ps: torch.Tensor[]) => c.grads[step]!.forEach((g, i) => { ps[i]!.grad = torch.tensor(g, { dtype: c.dtype }).reshape(ps[i]!.shape); });
  for (let step = 0; step < 3; step++) { feed(step, a.params); a.opt.step(); }
  a.params.forEach((p, i) => torch.noGrad(() => b.params[i]!.copy_(p)));
  b.opt.loadStateDict(a.opt.stateDict());
  for (let step = 3; step < 5; step++) { feed(step, a.params); feed(step, b.params); a.opt.step(); b.opt.step(); }
  b.params.forEach((p, i) => assert.deepEqual(p.tolist(), a.params[i]!.tolist()));
  assert.deepEqual((b.opt.stateDict().state.get(1)!.ax as torch.Tensor).tolist(), (a.opt.stateDict().state.get(1)!.ax as torch.Tensor).tolist());
  // The loaded state is a copy: stepping b does not move a's.
  assert.equal((a.opt.stateDict().state.get(0)!.step as torch.Tensor).item(), 5);
});
