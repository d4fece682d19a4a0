// Optimizers on complex parameters: each steps the parameter's real view (PyTorch 2.x's rule for
// every optimizer: view_as_real of the parameter, its gradient and its state). Values from
// PyTorch 1.13 where it already did so; NAdam and Rprop (which 1.13 ran on complex arithmetic and
// 2.x on the real view) are held to the same optimizer on the equivalent real tensor.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

type Make = (p: torch.Tensor[]) => torch.optim.Optimizer;
const weights = () => torch.tensor([[1, 3], [2, 5]], { dtype: torch.float32 });

function runComplex(make: Make): number[] {
  const z = torch.tensor([new torch.Complex(1, 2), new torch.Complex(-0.5, 0.25)], { requiresGrad: true });
  const opt = make([z]);
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    torch.viewAsReal(z).pow(2).mul(weights()).sum().backward();
    opt.step();
  }
  return torch.viewAsReal(z).flatten().tolist() as number[];
}

function runReal(make: Make): number[] {
  const x = torch.tensor([[1, 2], [-0.5, 0.25]], { dtype: torch.float32, requiresGrad: true });
  const opt = make([x]);
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    x.pow(2).mul(weights()).sum().backward();
    opt.step();
  }
  return x.flatten().tolist() as number[];
}

const close = (a: number[], b: number[], tol = 2e-5) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < tol, `${a} vs ${b}`));

// for name, make in ...: z = torch.tensor([1+2j, -0.5+0.25j], requires_grad=True); three steps of
// (view_as_real(z)**2 * [[1, 3], [2, 5]]).sum() (PyTorch 1.13)
const PYTORCH: [string, Make, number[]][] = [
  ["SGD", (p) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9 }), [0.062, -1.708, 0.27, -0.2025]],
  ["Adam", (p) => new torch.optim.Adam(p, { lr: 0.1 }), [0.70159, 1.70062, -0.20487, -0.03021]],
  ["AdamW", (p) => new torch.optim.AdamW(p, { lr: 0.1 }), [0.69891, 1.69494, -0.20371, -0.03057]],
  ["RMSprop", (p) => new torch.optim.RMSprop(p, { lr: 0.01 }), [0.77998, 1.77535, -0.29043, 0.06614]],
  ["Adagrad", (p) => new torch.optim.Adagrad(p, { lr: 0.1 }), [0.78046, 1.77582, -0.2909, 0.06653]],
  ["Adadelta", (p) => new torch.optim.Adadelta(p, { lr: 0.1 }), [0.99903, 1.99903, -0.49903, 0.24903]],
  ["Adamax", (p) => new torch.optim.Adamax(p, { lr: 0.1 }), [0.7155, 1.70765, -0.23091, 0.01056]],
  ["RAdam", (p) => new torch.optim.RAdam(p, { lr: 0.1 }), [0.4623, -0.53447, -0.0215, -0.14945]],
  ["ASGD", (p) => new torch.optim.ASGD(p, { lr: 0.1 }), [0.51198, 0.12799, -0.108, 0]],
];

for (const [name, make, expected] of PYTORCH) {
  test(`${name} steps a complex parameter as PyTorch`, () => close(runComplex(make), expected));
}

test("NAdam steps a complex parameter as its real view", () => {
  const make: Make = (p) => new torch.optim.NAdam(p, { lr: 0.1 });
  close(runComplex(make), runReal(make));
});

test("Rprop steps a complex parameter as its real view, with PyTorch's complex step sizes", () => {
  // step_size is full_like(param, lr): lr + 0j, so the imaginary parts' step sizes start at 0 and
  // are clamped to step_sizes[0] = 1e-6, then grow by etaplus (1e-6, 1.2e-6, 1.44e-6).
  const make: Make = (p) => new torch.optim.Rprop(p, { lr: 0.1 });
  const z = runComplex(make), x = runReal(make);
  close([z[0]!, z[2]!], [x[0]!, x[2]!]);
  close([z[1]!, z[3]!], [2 - 3.64e-6, 0.25 - 3.64e-6], 3e-7);
});

test("LBFGS optimises a complex parameter as its real view", () => {
  const z = torch.tensor([new torch.Complex(1, 2), new torch.Complex(-0.5, 0.25)], { requiresGrad: true });
  const opt = new torch.optim.LBFGS([z], { lr: 0.5, maxIter: 3 });
  const closure = () => { opt.zeroGrad(); const l = torch.viewAsReal(z).pow(2).mul(weights()).sum(); l.backward(); return l; };
  opt.step(closure);
  const x = torch.tensor([[1, 2], [-0.5, 0.25]], { dtype: torch.float32, requiresGrad: true });
  const optReal = new torch.optim.LBFGS([x], { lr: 0.5, maxIter: 3 });
  optReal.step(() => { optReal.zeroGrad(); const l = x.pow(2).mul(weights()).sum(); l.backward(); return l; });
  close(torch.viewAsReal(z).flatten().tolist() as number[], x.flatten().tolist() as number[]);
  assert.equal(z.dtype, torch.complex64);
});
