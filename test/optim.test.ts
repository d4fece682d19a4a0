// Optimizers and schedulers beyond optim.jsonl: schedulers, LBFGS, state dicts and groups,
// checked against values recorded from PyTorch (test/fixtures/optim/schedulers.json, made with
// Debian's PyTorch 1.13: SGD lr 0.1 momentum 0.9, one scheduler step per optimizer step).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const expected = JSON.parse(readFileSync(new URL("./fixtures/optim/schedulers.json", import.meta.url), "utf8")) as Record<string, number[]>;
const S = torch.optim.lrScheduler;
type Sched = { step(m?: number): void };

function run(make: (o: torch.optim.Optimizer) => Sched, steps: number, metric?: number[]): number[] {
  const p = new torch.nn.Parameter(torch.zeros(1));
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  const s = make(opt);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push(opt.paramGroups[0]!.lr as number);
    p.grad = torch.ones(1);
    opt.step();
    s.step(metric?.[i]);
  }
  return out;
}

function assertClose(actual: number[], exp: number[], name: string): void {
  assert.equal(actual.length, exp.length, name);
  actual.forEach((v, i) => assert.ok(Math.abs(v - exp[i]!) <= 1e-12 * Math.max(1, Math.abs(exp[i]!)), `${name}[${i}]: ${v} vs ${exp[i]}`));
}

test("schedulers give PyTorch's learning rates", () => {
  assertClose(run((o) => new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }), 10), expected.ConstantLR!, "ConstantLR");
  assertClose(run((o) => new S.PolynomialLR(o, { totalIters: 6, power: 2 }), 10), expected.PolynomialLR!, "PolynomialLR");
  assertClose(run((o) => new S.LambdaLR(o, (e: number) => 0.9 ** e), 10), expected.LambdaLR!, "LambdaLR");
  assertClose(run((o) => new S.MultiplicativeLR(o, () => 0.95), 10), expected.MultiplicativeLR!, "MultiplicativeLR");
  assertClose(run((o) => new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: "triangular2" }), 14), expected.CyclicLR!, "CyclicLR");
  assertClose(run((o) => new S.SequentialLR(o, { schedulers: [new S.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(o, { gamma: 0.9 })], milestones: [2] }), 10), expected.SequentialLR!, "SequentialLR");
  assertClose(run((o) => new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(o, { gamma: 0.9 })]), 10), expected.ChainedScheduler!, "ChainedScheduler");
  assertClose(run((o) => new S.ReduceLROnPlateau(o, { patience: 2, factor: 0.5 }) as unknown as Sched, 10, [1, 0.9, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84]), expected.ReduceLROnPlateau!, "ReduceLROnPlateau");
});

test("LBFGS with strong Wolfe line search follows PyTorch on Rosenbrock", () => {
  const x = torch.tensor([-1.5, 2.0], { dtype: "float64", requiresGrad: true });
  const opt = new torch.optim.LBFGS([x], { lr: 1, maxIter: 50, lineSearchFn: "strong_wolfe" });
  const closure = () => {
    opt.zeroGrad();
    const a = x.get(0), b = x.get(1);
    const l = a.neg().add(1).pow(2).add(b.sub(a.pow(2)).pow(2).mul(100));
    l.backward();
    return l;
  };
  for (let i = 0; i < 5; i++) opt.step(closure);
  assertClose(x.tolist() as number[], expected.LBFGS_strong_wolfe_rosenbrock!.map(Number), "LBFGS");
  assert.throws(() => opt.step(), /requires a closure/);
});

test("optimizer state dicts round-trip and parameter groups take their own options", () => {
  const w = new torch.nn.Parameter(torch.ones(3)), b = new torch.nn.Parameter(torch.zeros(1));
  const opt = new torch.optim.Adam([{ params: [w] }, { params: [b], lr: 0.1 }], { lr: 0.01 });
  assert.equal(opt.paramGroups[0]!.lr, 0.01);
  assert.equal(opt.paramGroups[1]!.lr, 0.1);
  w.grad = torch.ones(3); b.grad = torch.ones(1);
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(sd.param_groups.map((g) => g.params), [[0], [1]]);
  assert.deepEqual([...sd.state.keys()], [0, 1]);
  const w2 = new torch.nn.Parameter(torch.ones(3)), b2 = new torch.nn.Parameter(torch.zeros(1));
  const opt2 = new torch.optim.Adam([{ params: [w2] }, { params: [b2], lr: 0.5 }], { lr: 0.5 });
  opt2.loadStateDict(sd);
  assert.equal(opt2.paramGroups[1]!.lr, 0.1);
  w.grad = torch.ones(3); w2.grad = torch.ones(3); torch.noGrad(() => w2.copy_(w.detach()));
  opt.step(); opt2.step();
  assert.deepEqual(w2.tolist(), w.tolist());
  assert.throws(() => new torch.optim.SGD([w], { lr: -1 }), /Invalid learning rate: -1/);
  assert.throws(() => new torch.optim.SGD([w], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new torch.optim.Adam([w], { betas: [1.5, 0.9] }), /Invalid beta parameter at index 0/);
  assert.throws(() => new torch.optim.SGD([w], { lr: 0.1, bogus: 1 } as never), /unexpected keyword argument 'bogus'/);
});

test("zeroGrad sets gradients to None by default, or to zero", () => {
  const w = new torch.nn.Parameter(torch.ones(2));
  const opt = new torch.optim.SGD([w], { lr: 0.1 });
  w.grad = torch.ones(2);
  opt.zeroGrad({ setToNone: false });
  assert.deepEqual(w.grad!.tolist(), [0, 0]);
  opt.zeroGrad();
  assert.equal(w.grad, null);
});

test("SGD and Adam without weight decay leave an infinite parameter infinite (PyTorch 1.13 skips the decay term)", () => {
  // PyTorch 1.13: p = [inf, 1, -inf], grad [1, 1, -2], one step at lr 0.1 ->
  // SGD [inf, 0.8999999761581421, -inf], Adam [inf, 0.9000000357627869, -inf].
  const cases = [
    [(p: torch.Tensor) => new torch.optim.SGD([p], { lr: 0.1 }), [Infinity, 0.8999999761581421, -Infinity]],
    [(p: torch.Tensor) => new torch.optim.Adam([p], { lr: 0.1 }), [Infinity, 0.9000000357627869, -Infinity]],
  ] as const;
  for (const [make, want] of cases) {
    const p = new torch.nn.Parameter(torch.tensor([Infinity, 1, -Infinity]));
    const opt = make(p);
    p.grad = torch.tensor([1, 1, -2], { dtype: "float32" });
    opt.step();
    const got = p.detach().tolist() as number[];
    // The infinities exactly; the finite entry within float32 rounding (Adam's last bit differs).
    assert.equal(got[0], want[0], opt.constructor.name);
    assert.equal(got[2], want[2], opt.constructor.name);
    assert.ok(Math.abs(got[1]! - want[1]) < 1e-6, `${opt.constructor.name}: ${got[1]}`);
  }
});
