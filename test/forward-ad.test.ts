// torch.autograd.forwardAd: tangents against PyTorch 1.13's forward_ad (test/fixtures/forward-ad.json,
// recorded by forward-ad.py: pointwise ops, reductions, matmul, views, in-place ops, conv2d,
// softmax, losses), the dual-tensor semantics (views share the tangent's memory, in-place ops update
// it, noGrad keeps forward AD, tangents vanish at the level's exit), reverse over forward, custom
// Functions' jvp and PyTorch's errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type Tensor = torch.Tensor;
const { forwardAd: fwAD } = torch.autograd;
const F = torch.nn.functional;
const f64 = { dtype: "float64" as const };
const t = (v: number[] | number[][], ...shape: number[]): Tensor => torch.tensor(v, f64).reshape(shape.length ? shape : [-1]);

interface Case { inputs: unknown[]; tangents: unknown[]; primals: unknown[]; outputs: unknown[] }
const rec = JSON.parse(readFileSync(new URL("./fixtures/forward-ad.json", import.meta.url), "utf8")) as Record<string, Case>;

function inplaceMul(a: Tensor, b: Tensor): Tensor { const c = a.clone(); c.mul_(b); return c; }
function inplaceView(a: Tensor, b: Tensor): Tensor { const c = a.clone(); c.select(0, 1).add_(b.select(0, 0)); return c; }

function copyFill(a: Tensor): Tensor { const b = torch.zeros([2, 3], f64); b.copy_(a); b.select(0, 0).fill_(2); return b; }
function setitemIndexAdd(a: Tensor): Tensor { const b = torch.zeros([2, 3], f64); b.set([0], a.select(0, 1)); b.indexAdd_(0, torch.tensor([1, 0]), a); return b; }
function maskedScatter(a: Tensor, b: Tensor): Tensor { const c = a.clone(); c.maskedFill_(c.gt(0.5), 0.5); c.scatter_(1, torch.tensor([[2, 1, 0], [0, 1, 2]]), b); return c; }
function tRelu(a: Tensor): Tensor { const c = a.clone(); c.t_(); F.relu(c, { inplace: true }); return c; }

const CASES: Record<string, (...a: Tensor[]) => Tensor> = {
  exp: (a) => a.exp(),
  sin_mul_tanh: (a, b) => a.sin().mul(b.tanh()),
  div_pow: (a, b) => a.div(b).add(a.pow(2.5)),
  sigmoid_clamp: (a) => a.sigmoid().add(a.clamp(-0.5, 0.5)),
  atan2_where: (a, b) => torch.where(a.gt(0), torch.atan2(a, b), a.mul(b)),
  sum_dim: (a) => a.sum(1),
  mean_prod: (a) => a.mean(0).mul(a.prod(0)),
  logsumexp_var: (a) => a.logsumexp(1).add(a.var(1)),
  norm_amax: (a) => a.norm().add(a.amax(1).sum()),
  matmul: (a, b) => a.matmul(b),
  bmm_addmm: (a, b, c) => torch.bmm(a, b).sum(0).add(torch.addmm(c, a.select(0, 0), b.select(0, 1))),
  transpose_reshape: (a) => a.t().reshape(6).mul(2),
  narrow_expand: (a) => a.narrow(1, 1, 2).unsqueeze(0).expand(2, 2, 2),
  select_diag: (a) => a.select(0, 1).add(a.diagonal()),
  inplace_mul: inplaceMul,
  inplace_view: inplaceView,
  copy_fill: copyFill,
  setitem_index_add: setitemIndexAdd,
  masked_scatter: maskedScatter,
  t_relu: tRelu,
  conv2d: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }),
  softmax_log_softmax: (a) => F.softmax(a, 1).add(F.logSoftmax(a, 0)),
  mse_l1: (a, b) => F.mseLoss(a, b).add(F.l1Loss(a, b)),
  cross_entropy: (a) => F.crossEntropy(a, torch.tensor([0, 2, 1])),
  bce_logits: (a, b) => F.binaryCrossEntropyWithLogits(a, b),
  layer_norm_linear: (x, w, b) => F.layerNorm(F.linear(x, w, b), [2]),
};

test("tangents equal PyTorch's forward_ad for each family of ops", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(rec).sort());
  for (const [name, c] of Object.entries(rec)) {
    fwAD.dualLevel(() => {
      const duals = c.inputs.map((v, i) => fwAD.makeDual(torch.tensor(v as number[], f64), torch.tensor(c.tangents[i] as number[], f64)));
      const out = CASES[name]!(...duals);
      const { primal, tangent } = fwAD.unpackDual(out);
      closeNested(primal.tolist(), c.primals[0], 1e-10, `${name} primal`);
      assert.ok(tangent, `${name}: no tangent`);
      closeNested(tangent.tolist(), c.outputs[0], 1e-10, `${name} tangent`);
    });
  }
});

test("makeDual and unpackDual: aliases, views share the tangent, unpacking as a namedtuple", () => {
  const x = t([1.5, -0.5, 2.5]), tan = t([0.5, 1.5, -2.5]);
  fwAD.dualLevel((level) => {
    assert.equal(level, 0);
    const d = fwAD.makeDual(x, tan);
    assert.ok(d !== x && d.storage === x.storage, "the dual is a view of the primal");
    const u = fwAD.unpackDual(d);
    assert.ok(u instanceof fwAD.UnpackedDualTensor);
    assert.equal(u.tangent, tan, "a tangent with the primal's layout is kept as is");
    assert.equal(u[1], u.tangent);
    assert.equal(u[0], u.primal);
    const [p, tg] = u;
    assert.equal(p, u.primal);
    assert.equal(tg, tan);
    assert.equal(fwAD.unpackDual(u.primal).tangent, null, "the primal has no tangent");
    assert.equal(fwAD.unpackDual(x).tangent, null, "the original tensor stays without tangent");
    // A view's tangent is the view of the tangent: same memory.
    const v = d.narrow(0, 1, 2);
    const vt = fwAD.unpackDual(v).tangent!;
    assert.equal(vt.storage, tan.storage);
    assert.deepEqual(vt.tolist(), [1.5, -2.5]);
    // A tangent with another layout is copied into the primal's.
    const m = t([1.5, 2.5, 3.5, 4.5], 2, 2);
    const mt = t([0.5, 1.5, 2.5, 3.5], 2, 2).t();
    const dm = fwAD.makeDual(m, mt);
    const dmt = fwAD.unpackDual(dm).tangent!;
    assert.notEqual(dmt, mt);
    assert.deepEqual(dmt.stride(), [2, 1]);
    assert.deepEqual(dmt.tolist(), mt.tolist());
    // Integer outputs have no tangent; noGrad keeps forward AD.
    assert.equal(fwAD.unpackDual(d.argmax()).tangent, null);
    assert.equal(fwAD.unpackDual(d.gt(0)).tangent, null);
    const s = torch.noGrad(() => d.sin());
    closeNested(fwAD.unpackDual(s).tangent!.tolist(), x.cos().mul(tan).tolist(), 1e-12);
    // detach drops the tangent (PyTorch's detach).
    assert.equal(fwAD.unpackDual(d.detach()).tangent, null);
  });
  assert.equal(fwAD.unpackDual(x).tangent, null);
});

test("in-place ops update the tangent, through views both ways", () => {
  fwAD.dualLevel(() => {
    const y = fwAD.makeDual(t([1.5, 2.5, 3.5]), t([1, 2, 3]));
    // A plain tensor updated in place by a dual gets a tangent; its base gets zeros elsewhere.
    const b = torch.zeros([4], f64);
    b.narrow(0, 1, 3).add_(y.mul(2));
    assert.deepEqual(fwAD.unpackDual(b).tangent!.tolist(), [0, 2, 4, 6]);
    const c = t([1.5, 2.5, 3.5]);
    c.mul_(y);
    assert.deepEqual(fwAD.unpackDual(c).tangent!.tolist(), [1.5, 5, 10.5]);
    // In place on a dual: the old tangent is updated in place, and its views see it.
    const d = fwAD.makeDual(t([1, 2, 3, 4]), t([1, 1, 1, 1]));
    const dt = fwAD.unpackDual(d).tangent!;
    const view = d.narrow(0, 2, 2);
    view.mul_(3);
    assert.deepEqual(dt.tolist(), [1, 1, 3, 3]);
    assert.deepEqual(fwAD.unpackDual(d).tangent!.tolist(), [1, 1, 3, 3]);
    // An output whose tangent is an input's (x + 1) owns a copy: in place on it leaves the input's.
    const e = d.add(1);
    e.mul_(2);
    assert.deepEqual(dt.tolist(), [1, 1, 3, 3]);
    assert.deepEqual(fwAD.unpackDual(e).tangent!.tolist(), [2, 2, 6, 6]);
    d.exp_();
    closeNested(fwAD.unpackDual(view).tangent!.tolist(), [3 * Math.exp(9), 3 * Math.exp(12)], 1e-12);
  });
});

test("tangents vanish when the level exits; one level at a time", () => {
  const x = t([1.5, 2.5]);
  let y: Tensor | null = null;
  fwAD.enterDualLevel();
  try {
    y = fwAD.makeDual(x, t([1, 1])).mul(2);
    assert.ok(fwAD.unpackDual(y).tangent);
    throwsMsg(() => fwAD.enterDualLevel(), "Nested forward mode AD is not supported at the moment");
    throwsMsg(() => fwAD.dualLevel(() => 0), "Nested forward mode AD is not supported at the moment");
    throwsMsg(() => fwAD.exitDualLevel({ level: 1 }), "Trying to exit a forward AD level that was not the last one that was created. This is not supported.");
  } finally {
    fwAD.exitDualLevel();
  }
  const u = fwAD.unpackDual(y);
  assert.equal(u.primal, y);
  assert.equal(u.tangent, null);
  throwsMsg(() => fwAD.makeDual(x, x), "Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.");
  throwsMsg(() => fwAD.exitDualLevel(), "Dual level must be a positive number.");
  // An error inside dualLevel exits the level.
  assert.throws(() => fwAD.dualLevel(() => { throw new Error("boom"); }), /boom/);
  fwAD.dualLevel(() => assert.ok(fwAD.unpackDual(fwAD.makeDual(x, t([1, 1]))).tangent));
});

test("makeDual refuses what PyTorch refuses", () => {
  fwAD.dualLevel(() => {
    const x = t([1.5, 2.5, 3.5]);
    throwsMsg(() => fwAD.makeDual(x, t([1, 2, 3, 4])), "Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [3] while the given forward gradient is of size [4].");
    throwsMsg(() => fwAD.makeDual(torch.arange(3), torch.arange(3)), "Expected primal to be floating point or complex, but got: torch.int64");
    throwsMsg(() => fwAD.makeDual(x, torch.arange(3)), "Expected tangent to be floating point or complex, but got: torch.int64");
    const d = fwAD.makeDual(x, t([1, 2, 3]));
    throwsMsg(() => fwAD.makeDual(d, t([1, 2, 3])), "Making a dual Tensor based on a Tensor that already has a forward gradient at the same level 0 is not supported.");
    throwsMsg(() => fwAD.unpackDual(3 as unknown as Tensor), "_unpack_dual(): argument 'dual' (position 1) must be Tensor, not int");
  });
});

test("reverse over forward: a tangent is differentiable; forward over reverse: jvp of a gradient", () => {
  const x0 = t([0.5, -1.5, 2.5]), v = t([1, 2, -1]);
  // d/dx <grad(f)(x) ... >: tangent of f(x) = sum(x^3) along v is 3 x^2 · v; its gradient is 6 x v.
  const x = x0.clone().requiresGrad_();
  const tangent = fwAD.dualLevel(() => fwAD.unpackDual(fwAD.makeDual(x, v).pow(3).sum()).tangent!);
  assert.ok(tangent.requiresGrad);
  const [g] = torch.autograd.grad(tangent, x);
  closeNested(g!.tolist(), x0.mul(v).mul(6).tolist(), 1e-12);
  // Hessian-vector product: the tangent of the gradient (computed with createGraph) along v.
  const hv = fwAD.dualLevel(() => {
    const d = fwAD.makeDual(x0.clone().requiresGrad_(), v);
    const [gr] = torch.autograd.grad(d.pow(3).sum(), d, { createGraph: true });
    return fwAD.unpackDual(gr!).tangent!;
  });
  closeNested(hv.tolist(), x0.mul(v).mul(6).tolist(), 1e-12);
  // Through the ops with hand-written forward derivatives (linear, relu, mul): the tangent
  // sum(relu'(x Wᵀ) ⊙ (t Wᵀ)) ⊙ 3 has gradient 3 · Σ_rows mask_r ⊗ t_r with respect to W.
  const W = t([0.5, -1, 2, 1.5, 0.25, -0.5], 2, 3).requiresGrad_();
  const xs = t([1, 2, -1, 0.5, -0.5, 1], 2, 3), ts = t([0.5, 1, 1.5, -1, 2, 0.25], 2, 3);
  const tl = fwAD.dualLevel(() => fwAD.unpackDual(F.relu(F.linear(fwAD.makeDual(xs, ts), W)).mul(3).sum()).tangent!);
  const [gW] = torch.autograd.grad(tl, W);
  const mask = xs.matmul(W.detach().t()).gt(0).double();
  closeNested(gW!.tolist(), mask.t().matmul(ts).mul(3).tolist(), 1e-12);
  // A dual whose primal needs no gradient gives no gradient to it.
  const z = t([1.5, 2.5]);
  const w = t([0.5, 0.5]).requiresGrad_();
  const tz = fwAD.dualLevel(() => fwAD.unpackDual(fwAD.makeDual(z, w).exp().sum()).tangent!);
  tz.backward();
  assert.equal(z.grad, null);
  closeNested(w.grad!.tolist(), z.exp().tolist(), 1e-12);
});

class ScaleMul extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor, y: Tensor, k: number): Tensor[] {
    ctx.saveForForward(x, y);
    ctx.k = k;
    return [x.mul(y).mul(k), x.add(1)];
  }
  static override jvp(ctx: torch.autograd.FunctionCtx, tx: Tensor | null, ty: Tensor | null, tk: Tensor | null): Tensor[] {
    assert.equal(tk, null);
    const [x, y] = ctx.savedTensors as [Tensor, Tensor];
    const k = ctx.k as number;
    return [tx!.mul(y).mul(k).add(x.mul(ty!).mul(k)), tx!];
  }
}
class NoJvp extends torch.autograd.Function {
  static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor { return x.mul(2); }
  static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor { return g.mul(2); }
}
class TwoTangents extends torch.autograd.Function {
  static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor { return x.mul(2); }
  static override jvp(_ctx: torch.autograd.FunctionCtx, tx: Tensor | null): Tensor[] { return [tx!, tx!]; }
}

test("autograd.Function: jvp gives the tangents (zeros for a tensor without one), PyTorch's errors", () => {
  fwAD.dualLevel(() => {
    const d = fwAD.makeDual(t([1, 2]), t([1, 0.5]));
    const [a, b] = ScaleMul.apply(d, t([3, 4]), 3) as Tensor[];
    assert.deepEqual(fwAD.unpackDual(a!).tangent!.tolist(), [9, 6]);
    assert.deepEqual(fwAD.unpackDual(b!).tangent!.tolist(), [1, 0.5]);
    throwsMsg(() => NoJvp.apply(d), "You must implement the jvp function for custom autograd.Function to use it with forward mode AD.");
    assert.equal(fwAD.unpackDual(NoJvp.apply(t([1, 2])) as Tensor).tangent, null, "no dual input: no jvp needed");
    throwsMsg(() => TwoTangents.apply(d), "Function's jvp returned an invalid number of forward gradients (expected 1 but got 2)");
  });
});

test("complex tangents equal PyTorch's (holomorphic and not), and a dual tensor prints its tangent", () => {
  const c = (re: number[], im: number[]): Tensor => torch.complex(t(re), t(im));
  const parts = (z: Tensor): number[][] => (torch.viewAsReal(z).tolist() as number[][]);
  fwAD.dualLevel(() => {
    const d = fwAD.makeDual(c([1, -0.5], [2, 0.25]), c([0.5, 2], [-1, 0.5]));
    const dr = fwAD.makeDual(t([1.5, -2]), t([0.25, 1]));
    const tan = (y: Tensor): Tensor => fwAD.unpackDual(y).tangent!;
    // PyTorch 1.13's values.
    closeNested(parts(tan(d.exp())), [[1.9061244801264121, 2.367067719759223], [1.1003211373767636, 0.5939537184162879]], 1e-12);
    closeNested(parts(tan(d.mul(d.conj()))), [[-3, 0], [-1.75, 0]], 1e-12);
    closeNested(tan(d.abs()).tolist(), [-0.6708203932499368, -1.5652475842498526], 1e-12);
    closeNested(tan(d.mul(d).real).tolist(), [5, -2.25], 1e-12);
    closeNested(parts(tan(torch.complex(dr, dr.mul(2)).mul(d))), [[3, 1], [-3, -9.75]], 1e-12);
    closeNested(tan(d.angle()).tolist(), [-0.4, -2.4], 1e-12);
    const p = fwAD.makeDual(torch.tensor([0.1999, 0.6439, -0.3611]), torch.tensor([0.1445, -0.6365, -0.7532], f64));
    assert.equal(String(p), "tensor([ 0.1999,  0.6439, -0.3611],\n       tangent=tensor([ 0.1445, -0.6365, -0.7532], dtype=torch.float64))");
  });
});
