// Nested forward-mode AD: every jvp/jacfwd pass opens its own dual level inside the open ones, so
// jvp(jvp(f)), jacfwd(jacfwd(f)) and their mixes with reverse-mode transforms and vmap compute
// forward over forward. Values recorded from functorch in PyTorch 1.13 (torch.func in 2.x):
// test/fixtures/func-nested-forward.json, made by func-nested-forward.py next to it; and every
// differentiable op of the sample table, forward over forward against reverse over reverse.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";
import { NotImplemented } from "./conformance/ops-runner.js";
import { callCase, casePrimals, differentiableCases, mismatch, tangentFor } from "./support/differentiable-cases.js";

type Tensor = torch.Tensor;
type Nested = number | Nested[];
interface PerFunction { jvp_jvp: [Nested, Nested]; jacfwd_jacfwd: Nested; jacrev_jacfwd: Nested }
interface Recorded {
  scalar: PerFunction & { hessian: Nested; jvp_grad: [Nested, Nested]; grad_jvp: Nested; jvp3: [Nested, Nested]; jacfwd3: Nested };
  vector: PerFunction; views_inplace: PerFunction; layers: PerFunction;
  sin3: [Nested, Nested];
  two_args: { jacfwd_jacfwd_argnums: Nested[][]; jacfwd_jacfwd_10: Nested };
  vmap: { xs: Nested; jacfwd_jacfwd: Nested; jvp_jvp: Nested };
  confusion: { sum: number; product: number };
  mixed3: { grad_jvp_grad: Nested; jacfwd_jvp_jacrev: Nested; jvp_grad_jvp: Nested };
  edge: { identity: [Nested, Nested]; constant: [Nested, Nested]; vjp_in_jvp: [Nested, Nested]; aux: [Nested, Nested]; complex: Nested[] };
}
const rec = JSON.parse(readFileSync(new URL("./fixtures/func-nested-forward.json", import.meta.url), "utf8")) as Recorded;

const { func } = torch;
const F = torch.nn.functional;
const fwAD = torch.autograd.forwardAd;
const f64 = { dtype: "float64" as const };
const TOL = 1e-10;
const x = (): Tensor => torch.tensor([0.3, -0.2, 1.1], f64);
const v = torch.tensor([1.0, 2.0, -1.0], f64);
const w = torch.tensor([0.5, -1.5, 0.25], f64);
const m = torch.tensor([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], f64);
const list = (t: unknown): unknown => (Array.isArray(t) ? t.map(list) : (t as Tensor).tolist());

// The functions of the fixture script, op for op.
const scalarF = (a: Tensor): Tensor =>
  a.sin().mul(a.exp()).sum().add(torch.logsumexp(a, 0)).add(a.exp().div(a.exp().sum()).select(0, 1))
    .add(m.matmul(a.tanh()).pow(2).sum().div(a.pow(2).sum().add(1)));
const vectorF = (a: Tensor): Tensor =>
  torch.stack([a.prod(), a.mul(a.flip(0)).sum(), a.cumsum(0).select(0, -1).cos()]).add(m.t().matmul(m.matmul(a).sigmoid()));
const viewsInplaceF = (a: Tensor): Tensor => {
  const b = a.clone();
  b.mul_(a);
  b.narrow(0, 1, 2).add_(a.narrow(0, 0, 2).exp());
  const c = b.unsqueeze(0).expand(2, 3).t().clone();
  c.select(1, 1).sin_();
  return c.sum(1).mul(a);
};
const layersF = (a: Tensor): Tensor => {
  const lin = F.linear(a.view(1, 3), m, torch.tensor([0.1, -0.2], f64));
  const conv = F.conv1d(a.view(1, 1, 3), torch.tensor([[[0.5, -1.0]]], f64));
  return torch.cat([lin.tanh().view(-1), F.softplus(conv).view(-1)]);
};
const fns: [keyof Recorded, (a: Tensor) => Tensor][] = [["scalar", scalarF], ["vector", vectorF], ["views_inplace", viewsInplaceF], ["layers", layersF]];

/** jvp of jvp: [f(a), d/ds d/dt f(a + t t1 + s t2)]. */
function jvp2(f: (a: Tensor) => Tensor, a: Tensor, t1: Tensor, t2: Tensor): [Tensor, Tensor] {
  return func.jvp((b: Tensor) => func.jvp(f, [b], [t1])[1], [a], [t2]) as [Tensor, Tensor];
}

test("jvp(jvp(f)), jacfwd(jacfwd(f)) and jacrev(jacfwd(f)) through pointwise ops, reductions, views, in-place ops and layers", () => {
  for (const [name, f] of fns) {
    const r = rec[name] as PerFunction;
    const [p, t] = jvp2(f, x(), v, w);
    closeNested(p.tolist(), r.jvp_jvp[0], TOL, `${name} jvp(jvp) primal`);
    closeNested(t.tolist(), r.jvp_jvp[1], TOL, `${name} jvp(jvp) tangent`);
    closeNested(func.jacfwd(func.jacfwd(f))(x()).tolist(), r.jacfwd_jacfwd, TOL, `${name} jacfwd(jacfwd)`);
    closeNested(func.jacrev(func.jacfwd(f))(x()).tolist(), r.jacrev_jacfwd, TOL, `${name} jacrev(jacfwd)`);
  }
});

test("hessian by jacfwd(jacfwd) equals torch.func.hessian; jvp(grad(f)) and grad of a jvp; third derivatives", () => {
  const r = rec.scalar;
  closeNested(func.jacfwd(func.jacfwd(scalarF))(x()).tolist(), r.hessian, TOL);
  closeNested(func.hessian(scalarF)(x()).tolist(), r.hessian, TOL);
  const [g, hv] = func.jvp(func.grad(scalarF), [x()], [v]);
  closeNested([g.tolist(), hv.tolist()], r.jvp_grad, TOL);
  closeNested(func.grad((a: Tensor) => func.jvp(scalarF, [a], [v])[1])(x()).tolist(), r.grad_jvp, TOL);
  // Three levels: d³f[v, w, v] and the full third-derivative tensor.
  const [p3, t3] = func.jvp((a: Tensor) => jvp2(scalarF, a, v, w)[1], [x()], [v]);
  closeNested([p3.tolist(), t3.tolist()], r.jvp3, TOL);
  const [s3, u3] = func.jvp((a: Tensor) => jvp2(torch.sin, a, v, w)[1], [x()], [v]);
  closeNested([s3.tolist(), u3.tolist()], rec.sin3, TOL);
  closeNested(x().cos().neg().mul(v).mul(w).mul(v).tolist(), rec.sin3[1], TOL);
  closeNested(func.jacfwd(func.jacfwd(func.jacfwd(scalarF)))(x()).tolist(), r.jacfwd3, TOL);
});

test("two arguments with argnums, and vmap over the nested transforms", () => {
  const two = (a: Tensor, b: Tensor): Tensor => a.pow(3).mul(b.sin()).sum().add(a.mul(b).prod());
  const y = torch.tensor([0.7, 1.2, -0.4], f64);
  const h = func.jacfwd<[Tensor, Tensor], Tensor[][]>(func.jacfwd(two, [0, 1]), [0, 1])(x(), y);
  closeNested(list(h), rec.two_args.jacfwd_jacfwd_argnums, TOL);
  closeNested(func.jacfwd(func.jacfwd(two, 1), 0)(x(), y).tolist(), rec.two_args.jacfwd_jacfwd_10, TOL);
  const xs = torch.tensor(rec.vmap.xs as number[][], f64);
  closeNested(func.vmap(func.jacfwd(func.jacfwd(scalarF)))(xs).tolist(), rec.vmap.jacfwd_jacfwd, TOL);
  closeNested(func.vmap((a: Tensor) => jvp2(vectorF, a, v, w)[1])(xs).tolist(), rec.vmap.jvp_jvp, TOL);
});

test("no perturbation confusion: d/dx [x * d/dy (x + y)] = 1, d/dx [x * d/dy (x * y)] = 2x", () => {
  const confusion = (g: (a: Tensor, b: Tensor) => Tensor): number => {
    const outer = (a: Tensor): Tensor => a.mul(func.jvp((b: Tensor) => g(a, b), [torch.tensor(2, f64)], [torch.tensor(1, f64)])[1]);
    return func.jvp(outer, [torch.tensor(3, f64)], [torch.tensor(1, f64)])[1].item() as number;
  };
  assert.equal(confusion((a, b) => a.add(b)), rec.confusion.sum);
  assert.equal(confusion((a, b) => a.mul(b)), rec.confusion.product);
  // The inner level's tangent does not leak out: its primal output keeps only the outer tangent.
  func.jvp((a: Tensor) => {
    const [p, t] = func.jvp((b: Tensor) => b.mul(a), [a], [torch.tensor(10, f64)]);
    assert.equal(fwAD.unpackDual(p).tangent!.item(), 6); // d/da (a * a) at 3, outer direction 1
    assert.equal(fwAD.unpackDual(t).tangent!.item(), 10); // d/da (10 a)
    return p;
  }, [torch.tensor(3, f64)], [torch.tensor(1, f64)]);
});

test("a custom autograd.Function's jvp runs at each level (derivatives by hand)", () => {
  class Cube extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, a: Tensor): Tensor { ctx.saveForBackward(a); ctx.saveForForward(a); return a.pow(3); }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor { return g.mul(ctx.savedTensors[0]!.pow(2)).mul(3); }
    static override jvp(ctx: torch.autograd.FunctionCtx, t: Tensor | null): Tensor { return t!.mul(ctx.savedTensors[0]!.pow(2)).mul(3); }
  }
  const [, second] = jvp2((a) => Cube.apply(a) as Tensor, x(), v, w);
  closeNested(second.tolist(), x().mul(6).mul(v).mul(w).tolist(), TOL);
  // A jvp reading the output: the outer levels' tangents reach it before the inner level's jvp runs.
  class Exp extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, a: Tensor): Tensor { const r = a.exp(); ctx.saveForBackward(r); ctx.saveForForward(r); return r; }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor { return g.mul(ctx.savedTensors[0]!); }
    static override jvp(ctx: torch.autograd.FunctionCtx, t: Tensor | null): Tensor { return t!.mul(ctx.savedTensors[0]!); }
  }
  closeNested(jvp2((a) => Exp.apply(a) as Tensor, x(), v, w)[1].tolist(), x().exp().mul(v).mul(w).tolist(), TOL);
  closeNested(func.jacrev(func.jacfwd((a: Tensor) => Exp.apply(a) as Tensor))(x()).tolist(), torch.diag(x().exp()).unsqueeze(-1).mul(torch.eye(3, f64)).tolist(), TOL);
});

test("dual levels: the user's refuses to nest (PyTorch's words), the transforms nest inside any", () => {
  const cube = (a: Tensor): Tensor => a.pow(3).sum();
  func.jvp((a: Tensor) => {
    throwsMsg(() => fwAD.enterDualLevel(), "Nested forward mode AD is not supported at the moment");
    throwsMsg(() => fwAD.dualLevel(() => 0), "Nested forward mode AD is not supported at the moment");
    throwsMsg(() => fwAD.exitDualLevel(), "Trying to exit a forward AD level that was not the last one that was created. This is not supported.");
    // Levels by number: only the innermost takes tangents (PyTorch 1.13's words for a level that is
    // not its one); an outer one can be read; one not open has none.
    func.jvp((b: Tensor) => {
      throwsMsg(() => fwAD.makeDual(x(), v, { level: 0 }), "Invalid level given to _make_dual");
      throwsMsg(() => fwAD.makeDual(x(), v, { level: 3 }), "Invalid level given to _make_dual");
      assert.equal(fwAD.unpackDual(b, { level: 3 }).tangent, null);
      closeNested(fwAD.unpackDual(b, { level: 1 }).tangent!.tolist(), w.tolist(), 0);
      closeNested(fwAD.unpackDual(b, { level: 0 }).tangent!.tolist(), v.tolist(), 0);
      return b;
    }, [a], [w]);
    return a;
  }, [x()], [v]);
  // A jvp inside the user's level opens its own: the user's tangent differentiates it.
  fwAD.dualLevel(() => {
    const [, t] = func.jvp(cube, [fwAD.makeDual(x(), w)], [v]);
    closeNested(t.item(), x().pow(2).mul(3).mul(v).sum().item(), TOL);
    closeNested(fwAD.unpackDual(t).tangent!.item(), x().mul(6).mul(v).mul(w).sum().item(), TOL);
  });
  assert.equal(fwAD.enterDualLevel(), 0);
  fwAD.exitDualLevel();
});

test("edge cases: identity and constant inner functions, vjp inside jvp, hasAux inside, complex inputs", () => {
  const jvpOf = (inner: (b: Tensor) => Tensor): Nested[] => list(func.jvp(inner, [x()], [w])) as Nested[];
  closeNested(jvpOf((b) => func.jvp((a: Tensor) => a, [b], [v])[1]), rec.edge.identity, TOL);
  closeNested(jvpOf((b) => func.jvp(() => torch.ones(3, f64), [b], [v])[1]), rec.edge.constant, TOL);
  const sinX = (a: Tensor): Tensor => a.sin().mul(a).sum();
  closeNested(jvpOf((b) => func.vjp(sinX, b)[1](torch.tensor(1, f64))[0]!), rec.edge.vjp_in_jvp, TOL);
  closeNested(jvpOf((b) => func.jvp((c: Tensor) => [c.exp(), c.cos()], [b], [v], { hasAux: true })[1]), rec.edge.aux, TOL);
  const z = torch.complex(torch.tensor([0.3, -0.2], f64), torch.tensor([0.1, 0.5], f64));
  const [zp, zt] = func.jvp((b: Tensor) => func.jvp((c: Tensor) => c.mul(c.exp()), [b], [z])[1], [z], [z.conj()]);
  closeNested([zp.real.tolist(), zp.imag.tolist(), zt.real.tolist(), zt.imag.tolist()], rec.edge.complex, TOL);
});

test("three transforms, forward and reverse mixed: grad(jvp(grad)), jacfwd(jvp(jacrev)), jvp(grad(jvp))", () => {
  const f = (a: Tensor): Tensor => a.sin().mul(a.exp()).sum().add(a.pow(2).sum().add(1).log());
  closeNested(func.grad((a: Tensor) => func.jvp(func.grad(f), [a], [v])[1].dot(w))(x()).tolist(), rec.mixed3.grad_jvp_grad, TOL);
  closeNested(func.jacfwd((a: Tensor) => func.jvp(func.jacrev(f), [a], [v])[1])(x()).tolist(), rec.mixed3.jacfwd_jvp_jacrev, TOL);
  closeNested(func.jvp((a: Tensor) => func.grad((b: Tensor) => func.jvp(f, [b], [v])[1])(a), [x()], [w])[1].tolist(), rec.mixed3.jvp_grad_jvp, TOL);
});

test("every differentiable op of the sample table (float64): jvp(jvp(f)) equals the second derivative by reverse over reverse", () => {
  const AF = torch.autograd.functional;
  // PyTorch has no forward AD for these (test/forward-ad-ops.test.ts checks their refusal).
  const refused = new Set(["F.grid_sample#1", "F.ctc_loss#1"]);
  const wrong: string[] = [];
  let checked = 0;
  for (const c of differentiableCases()) {
    const primals = casePrimals(c);
    if (refused.has(c.id) || primals.some((p) => p.dtype.name !== "float64")) continue;
    const t1 = primals.map((p, i) => tangentFor(p, i)), t2 = primals.map((p, i) => tangentFor(p, i + 11));
    const call = (...ps: Tensor[]): Tensor[] => callCase(c, ps);
    let got: Tensor[];
    try {
      got = func.jvp((...ps: Tensor[]) => func.jvp(call as (...a: never[]) => unknown, ps, t1)[1], primals, t2)[1] as unknown as Tensor[];
    } catch (e) {
      if (e instanceof NotImplemented) continue;
      wrong.push(`${c.id}: threw ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    const expected = AF.jvp((...ps: Tensor[]) => AF.jvp(call, ps, t1, { createGraph: true })[1] as Tensor[], primals, t2)[1] as Tensor[];
    wrong.push(...mismatch(c.id, got, expected, 1e-7));
    checked++;
  }
  for (const m of wrong) console.log(`  ${m}`);
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 200, `only ${checked} cases checked`);
});
