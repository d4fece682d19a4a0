// torch.func's forward-mode transforms: jvp runs func once on dual tensors, jacfwd once per input
// element (the randomness flag per direction, as PyTorch's vmap of jvps), hessian = jacfwd(jacrev)
// equals autograd.functional.hessian, and nesting (jvp of jvp, jacfwd of jacfwd, jacrev of jacfwd,
// a transform inside a user's dual level) gives the same values as reverse mode.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested } from "./support/recorded.js";

type Tensor = torch.Tensor;
const { func } = torch;
const AF = torch.autograd.functional;
const fwAD = torch.autograd.forwardAd;
const f64 = { dtype: "float64" as const };
const x = (): Tensor => torch.tensor([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], f64);
const y = (): Tensor => torch.tensor([0.3, -0.2, 1.1], f64);
const TOL = 1e-12;
const list = (t: unknown): unknown => (Array.isArray(t) ? t.map(list) : (t as Tensor).tolist());
const coupled = (a: Tensor, b: Tensor): Tensor => a.pow(2).sum(0).mul(b.sin()).sum().add(a.mul(b).prod());

test("jvp runs func once, on dual tensors, and gives J·t", () => {
  let calls = 0;
  const seen: (Tensor | null)[] = [];
  const f = (a: Tensor, b: Tensor): Tensor[] => {
    calls++;
    seen.push(fwAD.unpackDual(a).tangent);
    return [a.mul(b), a.sin().mul(b).sum(1)];
  };
  const ta = torch.ones(2, 3, f64), tb = torch.tensor([1, 0, -1], f64);
  const [out, tan] = func.jvp<Tensor[]>(f, [x(), y()], [ta, tb]);
  assert.equal(calls, 1);
  assert.ok(seen[0], "func saw a dual tensor");
  const [, ref] = AF.jvp((a: Tensor, b: Tensor) => f(a, b), [x(), y()], [ta, tb]) as [Tensor[], Tensor[]];
  closeNested(list(tan), list(ref), TOL);
  closeNested(out[0]!.tolist(), x().mul(y()).tolist(), TOL);
  // No tangent is left on the results once the level is gone.
  assert.equal(fwAD.unpackDual(tan[0]!).tangent, null);
});

test("jacfwd: one forward pass per input element; randomness per direction", () => {
  let calls = 0;
  const f = (a: Tensor): Tensor => { calls++; return a.sin().mul(a.sum()); };
  const j = func.jacfwd(f)(y());
  assert.equal(calls, 3);
  closeNested(j.tolist(), func.jacrev(f)(y()).tolist(), TOL);
  // "different": each direction draws anew, so the columns of d(a * r)/da differ; "same" repeats one draw.
  const noisy = (a: Tensor): Tensor => a.mul(torch.rand(3, f64));
  const diff = func.jacfwd(noisy, { randomness: "different" })(y());
  const same = func.jacfwd(noisy, { randomness: "same" })(y());
  const diag = (m: Tensor): number[] => m.diagonal().tolist() as number[];
  torch.manualSeed(3);
  const draws = [torch.rand(3, f64), torch.rand(3, f64), torch.rand(3, f64)];
  torch.manualSeed(3);
  closeNested(diag(func.jacfwd(noisy, { randomness: "different" })(y())), [0, 1, 2].map((k) => (draws[k]!.tolist() as number[])[k]!), TOL);
  torch.manualSeed(3);
  closeNested(diag(func.jacfwd(noisy, { randomness: "same" })(y())), draws[0]!.tolist() as number[], TOL);
  assert.deepEqual(diff.shape, [3, 3]);
  assert.deepEqual(same.shape, [3, 3]);
});

test("hessian (jacfwd over jacrev) equals autograd.functional.hessian; argnums nest as PyTorch's", () => {
  const h = func.hessian<[Tensor, Tensor], Tensor[][]>(coupled, [0, 1])(x(), y());
  const ref = AF.hessian(coupled, [x(), y()]) as Tensor[][];
  closeNested(list(h), list(ref), 1e-10);
  closeNested(func.hessian((a: Tensor) => a.pow(3).sum())(x()).tolist(), (AF.hessian((a: Tensor) => a.pow(3).sum(), x()) as Tensor).tolist(), TOL);
});

test("nesting: jvp of jvp, jacfwd of jacfwd, jacrev of jacfwd, inside a user's dual level", () => {
  const f = (a: Tensor): Tensor => a.pow(3).sum();
  const v = torch.tensor([1, 2, -1], f64);
  // d/ds d/dt f(y + s v + t v) = v^T H v = sum(6 y v^2).
  const inner = (a: Tensor): Tensor => func.jvp(f, [a], [v])[1];
  const [, second] = func.jvp(inner, [y()], [v]);
  closeNested(second.item(), y().mul(v.pow(2)).mul(6).sum().item(), TOL);
  const hRef = AF.hessian(f, y()) as Tensor;
  closeNested(func.jacfwd(func.jacfwd(f))(y()).tolist(), hRef.tolist(), TOL);
  closeNested(func.jacrev(func.jacfwd(f))(y()).tolist(), hRef.tolist(), TOL);
  closeNested(func.jacfwd(func.jacrev(f))(y()).tolist(), hRef.tolist(), TOL);
  // Inside a user's dual level, grad runs in reverse mode and jvp in a level of its own; the user's tangent flows through.
  fwAD.dualLevel(() => {
    const d = fwAD.makeDual(y(), v);
    const g = func.grad(f)(d);
    closeNested(fwAD.unpackDual(g).tangent!.tolist(), hRef.matmul(v).tolist(), TOL);
    const [, t] = func.jvp(f, [y()], [v]);
    closeNested(t.item(), y().pow(2).mul(3).mul(v).sum().item(), TOL);
  });
});
