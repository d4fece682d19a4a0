// torch.autograd.functional against PyTorch 1.13 (test/fixtures/autograd-functional.json, recorded by
// autograd-functional.py): vjp, jvp, jacobian, hessian, vhp, hvp on single and tuple inputs/outputs,
// strict mode's errors, createGraph, and the forward-mode strategies (forward-mode AD).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

const AF = torch.autograd.functional;
type Tensor = torch.Tensor;
const rec = JSON.parse(readFileSync(new URL("./fixtures/autograd-functional.json", import.meta.url), "utf8")) as Record<string, unknown>;
const f64 = { dtype: "float64" as const };
const x = () => torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], f64);
const y = () => torch.tensor([0.3, -0.2, 1.1], f64);
const expReducer = (a: Tensor): Tensor => a.exp().sum(1);
const adder = (a: Tensor, b: Tensor): Tensor => a.mul(2).add(b.mul(3));
const multi = (a: Tensor, b: Tensor): Tensor[] => [a.mul(b), a.sin().mul(b).sum(1)];
const cross = (a: Tensor, b: Tensor): Tensor => a.pow(2).sum(0).mul(b.sin()).sum().add(a.mul(b).prod());
const list = (t: unknown): unknown => (Array.isArray(t) ? t.map(list) : (t as Tensor).tolist());
const TOL = 1e-12;

test("vjp and jvp: single and tuple inputs/outputs as PyTorch nests them", () => {
  closeNested(list(AF.vjp(expReducer, x(), torch.tensor([1, 2], f64))), rec.vjp, TOL);
  closeNested(list(AF.vjp(adder, [y(), y().mul(2)], torch.ones(3, f64))), rec.vjp_tuple, TOL);
  closeNested(list(AF.jvp(expReducer, x(), torch.ones(2, 3, f64).mul(0.5))), rec.jvp, TOL);
  closeNested(list(AF.jvp(multi, [x(), y()], [torch.ones(2, 3, f64), torch.tensor([1, 0, -1], f64)])), rec.jvp_tuple, TOL);
  // Options object form: v given by name.
  closeNested(list(AF.vjp(expReducer, x(), { v: torch.tensor([1, 2], f64) })), rec.vjp, TOL);
});

test("jacobian: single, nested (outputs x inputs), unused inputs as zeros, vectorize gives the same", () => {
  const f = (a: Tensor): Tensor => a.sin().mul(a.sum());
  closeNested((AF.jacobian(f, y()) as Tensor).tolist(), rec.jac_single, TOL);
  const nested = AF.jacobian(multi, [x(), y()]) as Tensor[][];
  assert.deepEqual(nested[0]!.map((t) => t.shape), [[2, 3, 2, 3], [2, 3, 3]]);
  closeNested(list(nested), rec.jac_nested, TOL);
  closeNested(list(AF.jacobian((a: Tensor, _b: Tensor) => a.mul(2), [y(), y()])), rec.jac_unused, TOL);
  closeNested((AF.jacobian(f, y(), { vectorize: true }) as Tensor).tolist(), rec.jac_vectorize, TOL);
});

test("jacobian's createGraph keeps the graph of the input; without it the result is detached", () => {
  const a = y().requiresGrad_();
  const jc = AF.jacobian((t: Tensor) => t.pow(2), a, true) as Tensor;
  assert.deepEqual([jc.requiresGrad, jc.gradFn !== null], rec.jac_cg);
  // d/da of trace(diag(2a)) = 2 per element.
  jc.diagonal().sum().backward();
  assert.deepEqual(a.grad!.tolist(), [2, 2, 2]);
  // hessian with createGraph: differentiable again (d/da trace(diag(6a)) = 6).
  const b = y().requiresGrad_();
  const h = AF.hessian((t: Tensor) => t.pow(3).sum(), b, { createGraph: true }) as Tensor;
  h.sum().backward();
  assert.deepEqual(b.grad!.tolist(), [6, 6, 6]);
  const jn = AF.jacobian((t: Tensor) => t.pow(2), y().requiresGrad_()) as Tensor;
  assert.deepEqual([jn.requiresGrad], rec.jac_nocg);
});

test("hessian of known functions: x^3 sums and a coupled two-input function", () => {
  const h = AF.hessian((a: Tensor) => a.pow(3).sum(), x()) as Tensor;
  assert.deepEqual(h.shape, [2, 3, 2, 3]);
  closeNested(h.tolist(), rec.hess_single, TOL);
  // 6 x on the diagonal: the Hessian of sum(x^3).
  assert.deepEqual(h.reshape(6, 6).diagonal().tolist(), x().reshape(-1).mul(6).tolist());
  closeNested(list(AF.hessian(cross, [x(), y()])), rec.hess_tuple, 1e-10);
});

test("vhp and hvp (double-backward trick) equal PyTorch's", () => {
  const v = [torch.ones(2, 3, f64), torch.tensor([1, 2, 3], f64)];
  closeNested(list(AF.vhp(cross, [x(), y()], v)), rec.vhp, 1e-10);
  closeNested(list(AF.hvp(cross, [x(), y()], v)), rec.hvp, 1e-10);
});

test("strict mode and bad arguments: PyTorch's errors", () => {
  const e = rec as Record<string, string>;
  throwsMsg(() => AF.vjp(() => torch.ones(2, f64), y(), torch.ones(2, f64), false, true), e.err_vjp_strict!);
  throwsMsg(() => AF.jacobian((a: Tensor, _b: Tensor) => a.mul(2), [y(), y()], { strict: true }), e.err_jac_strict!);
  throwsMsg(() => AF.hessian((a: Tensor) => a.sum(), y(), { strict: true }), e.err_hess_strict!);
  throwsMsg(() => AF.jvp((a: Tensor) => a.detach().mul(2), y(), torch.ones(3, f64), { strict: true }), e.err_jvp_strict!);
  throwsMsg(() => AF.vjp(expReducer, x(), torch.ones(3, f64)), e.err_v_size!);
  throwsMsg(() => AF.vjp(expReducer, x()), e.err_v_none!);
  throwsMsg(() => AF.jvp(adder, [y(), y()], [torch.ones(3, f64)]), e.err_v_tuple!);
  throwsMsg(() => AF.hessian((a: Tensor) => a.mul(2), y()), e.err_hess_out!);
  throwsMsg(() => AF.jacobian((a: Tensor) => a, 3.5 as unknown as Tensor), e.err_type!);
  throwsMsg(() => AF.jacobian((a: Tensor) => [a, 2 as unknown as Tensor], y()), e.err_out_type!);
  throwsMsg(() => AF.jacobian((a: Tensor) => a, y(), { strategy: "sideways" as "reverse-mode" }), e.err_strategy!);
  throwsMsg(() => AF.jacobian((a: Tensor) => a, y(), { createGraph: true, strategy: "forward-mode" }), e.err_fwd_cg!);
  throwsMsg(() => AF.jacobian((a: Tensor) => a, y(), { strict: true, vectorize: true }), e.err_vec_strict!);
  throwsMsg(() => AF.jacobian((a: Tensor) => a, y(), { strategy: "forward-mode" }), "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for `vectorize=True`.");
  throwsMsg(() => AF.jacobian((a: Tensor) => a, y(), { strict: true, vectorize: true, strategy: "forward-mode" }), 'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.');
});

test('strategy "forward-mode": forward-mode Jacobians (one pass per input element) and forward-over-reverse Hessians', () => {
  let calls = 0;
  const counted = (a: Tensor, b: Tensor): Tensor[] => { calls++; return multi(a, b); };
  closeNested(list(AF.jacobian(counted, [x(), y()], { vectorize: true, strategy: "forward-mode" })), rec.jac_nested, TOL);
  assert.equal(calls, 9, "one forward pass per input element (6 + 3)");
  closeNested(list(AF.hessian(cross, [x(), y()], { vectorize: true, outerJacobianStrategy: "forward-mode" })), rec.hess_tuple, 1e-10);
  closeNested((AF.hessian((a: Tensor) => a.pow(3).sum(), x(), { vectorize: true, outerJacobianStrategy: "forward-mode" }) as Tensor).tolist(), rec.hess_single, TOL);
  // An output that depends on no input has a zero Jacobian; a single tensor stays unwrapped.
  const j = AF.jacobian((a: Tensor) => [a.mul(2), torch.ones(2, f64)], y(), { vectorize: true, strategy: "forward-mode" }) as Tensor[];
  assert.deepEqual(j[1]!.tolist(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual((AF.jacobian((a: Tensor) => a.mul(2), y(), { vectorize: true, strategy: "forward-mode" }) as Tensor).tolist(), torch.eye(3, f64).mul(2).tolist());
});

test("results carry no graph unless createGraph, and the caller's grad mode is left alone", () => {
  const a = y().requiresGrad_();
  const [out, g] = AF.vjp((t: Tensor) => t.pow(2).sum(), a) as [Tensor, Tensor];
  assert.ok(!out.requiresGrad && !g.requiresGrad);
  assert.deepEqual(g.tolist(), a.detach().mul(2).tolist());
  const [, gc] = AF.vjp((t: Tensor) => t.pow(2).sum(), a, null, true) as [Tensor, Tensor];
  assert.ok(gc.requiresGrad);
  torch.noGrad(() => {
    const [, h] = AF.hvp((t: Tensor) => t.pow(3).sum(), y(), torch.ones(3, f64)) as [Tensor, Tensor];
    closeNested(h.tolist(), y().mul(6).tolist(), TOL);
    assert.equal(torch.isGradEnabled(), false);
  });
});
