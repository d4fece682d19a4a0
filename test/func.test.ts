// torch.func: grad/gradAndValue/vjp/jvp/jacrev/jacfwd/hessian against PyTorch 1.13's
// torch.autograd.functional values (test/fixtures/autograd-functional.json: torch.func is not in
// 1.13, and its results equal autograd.functional's), composition (grad(grad), jacrev(jacrev),
// vmap(grad) per-sample gradients equal to the per-sample loop), vmap's dims, randomness modes and
// PyTorch 2.11's errors, functionalCall (torch.nn.utils.stateless too) and stackModuleState.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

const { func, nn } = torch;
type Tensor = torch.Tensor;
const rec = JSON.parse(readFileSync(new URL("./fixtures/autograd-functional.json", import.meta.url), "utf8")) as Record<string, unknown>;
const f64 = { dtype: "float64" as const };
const x = () => torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], f64);
const y = () => torch.tensor([0.3, -0.2, 1.1], f64);
const multi = (a: Tensor, b: Tensor): Tensor[] => [a.mul(b), a.sin().mul(b).sum(1)];
const cross = (a: Tensor, b: Tensor): Tensor => a.pow(2).sum(0).mul(b.sin()).sum().add(a.mul(b).prod());
const list = (t: unknown): unknown => (Array.isArray(t) ? t.map(list) : (t as Tensor).tolist());
const TOL = 1e-12;
/** vmap's errors name the function: a name a bundler keeps (a top-level one no library symbol has). */
const pairDot = (a: Tensor, b: Tensor): Tensor => a.dot(b);

test("grad and gradAndValue: PyTorch's gradients, argnums, hasAux, no graph left behind", () => {
  const [outRec, gradsRec] = rec.vjp_cross as [number, unknown];
  const xin = x();
  const gx = func.grad(cross)(xin, y());
  closeNested(gx.tolist(), (gradsRec as unknown[])[0], TOL);
  assert.ok(!xin.requiresGrad && xin.grad === null);
  assert.ok(!gx.requiresGrad && gx.gradFn === null);
  closeNested(list(func.grad<[Tensor, Tensor], Tensor[]>(cross, [0, 1])(x(), y())), gradsRec, TOL);
  closeNested(func.grad(cross, 1)(x(), y()).tolist(), (gradsRec as unknown[])[1], TOL);
  const [g, v] = func.gradAndValue(cross)(x(), y());
  closeNested([g.tolist(), v.item()], [(gradsRec as unknown[])[0], outRec], TOL);
  const [ga, aux] = func.grad<[Tensor], [Tensor, Tensor]>((t: Tensor) => { const s = t.pow(2); return [s.sum(), s]; }, { hasAux: true })(y());
  assert.deepEqual(ga.tolist(), y().mul(2).tolist());
  assert.ok(!aux.requiresGrad);
  closeNested(aux.tolist(), y().pow(2).tolist(), TOL);
  // Pytrees: a dict argument gives a dict of gradients.
  const gd = func.grad<[Record<string, Tensor>], Record<string, Tensor>>((p: Record<string, Tensor>) => p.a!.mul(p.b!).sum())({ a: y(), b: y().mul(3) });
  assert.deepEqual(gd.a!.tolist(), y().mul(3).tolist());
  assert.deepEqual(gd.b!.tolist(), y().tolist());
  // An output that does not depend on the input: zeros. Under noGrad: still the gradient.
  assert.deepEqual(func.grad((_t: Tensor) => torch.tensor(1, f64))(y()).tolist(), [0, 0, 0]);
  torch.noGrad(() => assert.deepEqual(func.grad((t: Tensor) => t.pow(2).sum())(y()).tolist(), y().mul(2).tolist()));
});

test("grad keeps the graph for an outer autograd (parameters that require grad)", () => {
  const w = y().requiresGrad_();
  const g = func.grad((t: Tensor) => t.mul(w).pow(2).sum())(torch.ones(3, f64));
  // d/dt sum((t w)^2) = 2 t w^2; then d/dw sum(2 w^2) = 4 w.
  assert.ok(g.requiresGrad);
  g.sum().backward();
  closeNested(w.grad!.tolist(), y().mul(4).tolist(), TOL);
});

test("composition: grad(grad(f)), jacrev(jacrev(f)), hessian, jacfwd, vmap(jacrev)", () => {
  const t = torch.tensor(0.7, f64);
  const gg = func.grad(func.grad((a: Tensor) => a.sin()))(t);
  closeNested(gg.item(), -Math.sin(0.7), TOL);
  assert.ok(!gg.requiresGrad);
  const ggg = func.grad(func.grad(func.grad((a: Tensor) => a.pow(4))))(t);
  closeNested(ggg.item(), 24 * 0.7, TOL);
  const cube = (a: Tensor): Tensor => a.pow(3).sum();
  closeNested(func.jacrev(func.jacrev(cube))(x()).tolist(), rec.hess_single, TOL);
  closeNested(func.hessian(cube)(x()).tolist(), rec.hess_single, TOL);
  closeNested(list(func.hessian<[Tensor, Tensor], Tensor[][]>(cross, [0, 1])(x(), y())), rec.hess_tuple, 1e-10);
  // grad of a jvp (forward over reverse by hand), vmap inside grad, jacrev over a dict argument.
  const ones = torch.ones(3, f64);
  const gj = func.grad((t: Tensor) => func.jvp((u: Tensor) => u.sin(), [t], [ones])[1].sum())(y());
  closeNested(gj.tolist(), y().sin().neg().tolist(), TOL);
  assert.deepEqual(func.grad((t: Tensor) => func.vmap((r: Tensor) => r.pow(2).sum())(t).sum())(torch.ones(2, 3, f64)).tolist(), [[2, 2, 2], [2, 2, 2]]);
  const jd = func.jacrev<[Record<string, Tensor>], Record<string, Tensor>>((p: Record<string, Tensor>) => p.a!.mul(p.b!))({ a: torch.ones(2, f64), b: torch.tensor([2, 3.5], f64) });
  assert.deepEqual([jd.a!.tolist(), jd.b!.tolist()], [[[2, 0], [0, 3.5]], [[1, 0], [0, 1]]]);
  const jb = func.vmap(func.jacrev((a: Tensor) => a.sin()))(x());
  assert.deepEqual(jb.shape, [2, 3, 3]);
  closeNested(jb.get(1).tolist(), torch.diag(x().get(1).cos()).tolist(), TOL);
});

test("jacrev / jacfwd: PyTorch's nesting (outputs outside, argnums inside), hasAux, errors", () => {
  const f = (a: Tensor): Tensor => a.sin().mul(a.sum());
  closeNested(func.jacrev(f)(y()).tolist(), rec.jac_single, TOL);
  closeNested(func.jacfwd(f)(y()).tolist(), rec.jac_single, TOL);
  closeNested(list(func.jacrev<[Tensor, Tensor], Tensor[][]>(multi, [0, 1])(x(), y())), rec.jac_nested, TOL);
  closeNested(list(func.jacfwd<[Tensor, Tensor], Tensor[][]>(multi, [0, 1])(x(), y())), rec.jac_nested, TOL);
  // argnums=1 alone: one Jacobian per output, with respect to y.
  const j1 = func.jacrev<[Tensor, Tensor], Tensor[]>(multi, 1)(x(), y());
  closeNested(list(j1), (rec.jac_nested as unknown[][]).map((row) => row[1]), TOL);
  const [jac, aux] = func.jacrev<[Tensor], [Tensor, Tensor]>((a: Tensor) => [a.exp(), a.exp()], { hasAux: true })(y());
  closeNested(jac.tolist(), torch.diag(y().exp()).tolist(), TOL);
  closeNested(aux.tolist(), y().exp().tolist(), TOL);
  throwsMsg(() => func.jacrev(f, { chunkSize: 0 }), "jacrev: `chunk_size` should be greater than 0.");
  throwsMsg(() => func.jacrev(f)(torch.ones(2, { dtype: "complex64" })), "jacrev: Expected all inputs to be real but received complex tensor at flattened input idx: 0");
  throwsMsg(() => func.jacfwd((a: Tensor) => a.add(torch.rand(3, f64)))(y()), "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
  closeNested(func.jacfwd((a: Tensor) => a.add(torch.rand(3, f64)), { randomness: "same" })(y()).tolist(), torch.eye(3, f64).tolist(), TOL);
});

test("vjp and jvp: PyTorch's products, pytrees of outputs, errors", () => {
  const expReducer = (a: Tensor): Tensor => a.exp().sum(1);
  const [out, vjpFn] = func.vjp(expReducer, x()) as [Tensor, torch.func.VjpFn];
  closeNested([out.tolist(), vjpFn(torch.tensor([1, 2], f64))[0]!.tolist()], rec.vjp, TOL);
  const [o2, fn2] = func.vjp(multi, x(), y()) as [Tensor[], torch.func.VjpFn];
  assert.equal(o2.length, 2);
  assert.equal(fn2([torch.ones(2, 3, f64), torch.ones(2, f64)]).length, 2);
  throwsMsg(() => fn2(torch.ones(2, 3, f64)), "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: *, primal output: (*, *)");
  const [po, to] = func.jvp(expReducer, [x()], [torch.ones(2, 3, f64).mul(0.5)]);
  closeNested([po.tolist(), to.tolist()], rec.jvp, TOL);
  const [pt, tt] = func.jvp<Tensor[]>(multi, [x(), y()], [torch.ones(2, 3, f64), torch.tensor([1, 0, -1], f64)]);
  closeNested([list(pt), list(tt)], rec.jvp_tuple, TOL);
  assert.ok(!tt[0]!.requiresGrad);
  assert.deepEqual(func.jvp(() => torch.ones(2, f64), [y()], [y()])[1].tolist(), [0, 0]);
  throwsMsg(() => func.jvp(() => torch.ones(2, f64), [y()], [y()], { strict: true }), "jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.");
  throwsMsg(() => func.jvp(expReducer, x() as unknown as Tensor[], [x()]), "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals).");
  throwsMsg(() => func.grad((a: Tensor) => a.mul(2))(y()), "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?");
  throwsMsg(() => func.grad((a: Tensor) => a.sum(), 2)(y()), "Got argnum=2, but only 1 positional inputs");
  throwsMsg(() => func.grad((a: Tensor) => a.sum(), [0, 0])(y()), "argnums elements must be unique, got (0, 0)");
  throwsMsg(() => func.grad((a: Tensor) => a.sum(), { hasAux: true })(y()), "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True");
});

test("vmap: inDims/outDims, broadcast (null) arguments, pytrees, and PyTorch's errors", () => {
  const a = torch.arange(6, f64).reshape(2, 3), b = torch.arange(6, f64).reshape(3, 2);
  assert.deepEqual(func.vmap(pairDot)(a, a).tolist(), [5, 50]);
  assert.deepEqual(func.vmap(pairDot, 1)(b, b).tolist(), [20, 35]);
  assert.deepEqual(func.vmap(pairDot, [0, null])(a, torch.ones(3, f64)).tolist(), [3, 12]);
  assert.deepEqual(func.vmap((t: Tensor) => t.mul(2), 0, 1)(a).tolist(), a.mul(2).t().tolist());
  const dictIn = func.vmap((d: Record<string, Tensor>) => d.x!.dot(d.y!), [{ x: 0, y: null }]);
  assert.deepEqual(dictIn({ x: a, y: torch.ones(3, f64) }).tolist(), [3, 12]);
  const [s, m] = func.vmap((t: Tensor) => [t.sum(), t.max()], 0, [0, null] as unknown as number)(torch.tensor([[1, 5], [2, 5]], f64).get(":", 1).unsqueeze(1)) as unknown as Tensor[];
  assert.deepEqual([s!.tolist(), m!.tolist()], [[5, 5], 5]);
  // Nested vmap and torch.vmap.
  assert.deepEqual(torch.vmap(func.vmap(pairDot))(a.reshape(1, 2, 3), a.reshape(1, 2, 3)).tolist(), [[5, 50]]);
  throwsMsg(() => func.vmap(pairDot)(a, b), "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [2, 3] for the mapped dimension");
  throwsMsg(() => func.vmap(pairDot)(a, 3 as unknown as Tensor), "vmap(pairDot, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input but the input is of type <class 'int'>. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim");
  throwsMsg(() => func.vmap(pairDot, [0])(a, a), "vmap(pairDot, in_dims=(0,), ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. in_dims has structure (*,) but inputs has structure (*, *).");
  throwsMsg(() => func.vmap(pairDot, 2)(a, a), "vmap(pairDot, in_dims=2, ...)(<inputs>): Got in_dim=2 for some input, but that input is a Tensor of dimensionality 2 so expected in_dim to satisfy -2 <= in_dim < 2.");
  throwsMsg(() => func.vmap(pairDot, [null, null])(a, a), "vmap: Expected at least one Tensor to vmap over");
  throwsMsg(() => (func.vmap(pairDot) as (...a: unknown[]) => Tensor)(), "vmap(pairDot)(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported.");
  throwsMsg(() => func.vmap((t: Tensor) => (t.sum().item() as number) + 0.5)(a), "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'float'>. Did you mean to set out_dim= to None for output?");
  throwsMsg(() => func.vmap((t: Tensor) => t, 0, null)(a), "vmap(<lambda>, ...): `<lambda>` can not return a BatchedTensor when out_dim is None");
  throwsMsg(() => func.vmap(pairDot, 0, 0, "sometimes" as "same"), "Only allowed values for randomness are 'error', 'different', or 'same'. Got sometimes");
  throwsMsg(() => func.vmap(pairDot, { chunkSize: 0 }), "vmap: chunk_size should be None or greater than 0. (got 0)");
  assert.deepEqual(func.vmap(pairDot, { chunkSize: 1 })(a, a).tolist(), [5, 50]);
});

test("vmap's randomness: error refuses any random op, same reuses one draw, different draws per element", () => {
  const addNoise = (t: Tensor): Tensor => t.add(torch.rand(3));
  const errMsg = "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap";
  throwsMsg(() => func.vmap(addNoise)(torch.zeros(2, 3)), errMsg);
  throwsMsg(() => func.vmap((t: Tensor) => nn.functional.dropout(t, 0.5))(torch.ones(2, 3)), errMsg);
  // An outer "error" still refuses under an inner "different".
  throwsMsg(() => func.vmap(func.vmap((t: Tensor) => t.add(torch.randn(1)), 0, 0, "different"))(torch.zeros(2, 2)), errMsg);
  torch.manualSeed(1);
  const one = torch.rand(3), next = torch.rand(3);
  torch.manualSeed(1);
  const same = func.vmap(addNoise, 0, 0, "same")(torch.zeros(4, 3));
  for (let i = 0; i < 4; i++) assert.deepEqual(same.get(i).tolist(), one.tolist());
  // The generator is left where one unbatched draw leaves it.
  assert.deepEqual(torch.rand(3).tolist(), next.tolist());
  torch.manualSeed(1);
  const diff = func.vmap(addNoise, { randomness: "different" })(torch.zeros(2, 3));
  assert.deepEqual(diff.tolist(), [one.tolist(), next.tolist()]);
  // Draws outside vmap are unaffected after an error.
  assert.equal(torch.rand(2).shape[0], 2);
});

test("per-sample gradients of an nn.Linear model: vmap(grad(loss)) with functionalCall equals the per-sample loop", () => {
  torch.manualSeed(0);
  const model = new nn.Linear(3, 2);
  const params = Object.fromEntries([...model.namedParameters()].map(([k, v]) => [k, v.detach()]));
  const X = torch.randn(5, 3), Y = torch.randn(5, 2);
  const loss = (p: Record<string, Tensor>, xi: Tensor, yi: Tensor): Tensor =>
    nn.functional.mseLoss(func.functionalCall(model, p, xi.unsqueeze(0)) as Tensor, yi.unsqueeze(0));
  const perSample = func.vmap(func.grad<[Record<string, Tensor>, Tensor, Tensor], Record<string, Tensor>>(loss), [null, 0, 0])(params, X, Y);
  assert.deepEqual([perSample.weight!.shape, perSample.bias!.shape], [[5, 2, 3], [5, 2]]);
  assert.ok(!perSample.weight!.requiresGrad);
  for (let i = 0; i < 5; i++) {
    model.zeroGrad();
    nn.functional.mseLoss(model.call(X.get(i).unsqueeze(0)), Y.get(i).unsqueeze(0)).backward();
    closeNested(perSample.weight!.get(i).tolist(), model.weight.grad!.tolist(), 1e-6);
    closeNested(perSample.bias!.get(i).tolist(), model.bias!.grad!.tolist(), 1e-6);
  }
  // The model's own parameters are back in place and were not touched.
  assert.ok(model.weight instanceof nn.Parameter && model.weight.requiresGrad);
});

test("functionalCall (torch.func and nn.utils.stateless): swaps by dotted key, restores even on throw, PyTorch's errors", () => {
  const net = new nn.Sequential(new nn.Linear(2, 2, { bias: false }), new nn.BatchNorm1d(2));
  net.eval();
  const w = net.getSubmodule("0") as torch.nn.Linear;
  const orig = w.weight;
  const eye = torch.eye(2);
  const xin = torch.tensor([[1, 2]], { dtype: "float32" });
  const out = nn.utils.stateless.functionalCall(net, new Map([["0.weight", eye], ["1.running_mean", torch.tensor([1, 1])]]), xin) as Tensor;
  closeNested(out.tolist(), [[0, 1]], 1e-4);
  assert.equal(w.weight, orig);
  assert.deepEqual((net.getSubmodule("1") as torch.nn.BatchNorm1d).runningMean!.tolist(), [0, 0]);
  // A throwing forward still restores.
  assert.throws(() => func.functionalCall(net, { "0.weight": torch.ones(3, 3) }, [xin]));
  assert.equal(w.weight, orig);
  // Several dicts, pairs, strict and tied weights.
  closeNested((func.functionalCall(net, [{ "0.weight": eye }, { "1.running_mean": torch.zeros(2) }], [xin]) as Tensor).tolist(), [[1, 2]], 1e-4);
  closeNested((func.functionalCall(net, [["0.weight", eye]] as [string, Tensor][], [xin]) as Tensor).tolist(), [[1, 2]], 1e-4);
  throwsMsg(() => func.functionalCall(net, [{ "0.weight": eye }, { "0.weight": eye }], [xin]), "['0.weight'] appeared in multiple dictionaries; behavior of functional call is ambiguous");
  throwsMsg(() => func.functionalCall(net, { "0.weight": eye, extra: eye }, [xin], null, { strict: true }),
    "Error(s) in reparametrizing for Sequential:\n\tUnexpected key(s): 'extra'.\n\tMissing key(s): '1.bias', '1.num_batches_tracked', '1.running_mean', '1.running_var', '1.weight'.");
  throwsMsg(() => func.functionalCall(net, { "2.weight": eye }, [xin]), "Sequential has no attribute `2`");
  class Tied extends nn.Module {
    a = new nn.Linear(2, 2, { bias: false });
    b = new nn.Linear(2, 2, { bias: false });
    constructor() { super(); this.b.weight = this.a.weight; }
    override forward(t: Tensor): Tensor { return this.b.call(this.a.call(t)); }
  }
  const tied = new Tied();
  closeNested((func.functionalCall(tied, { "a.weight": eye.mul(2) }, [xin]) as Tensor).tolist(), [[4, 8]], 1e-6);
  closeNested((func.functionalCall(tied, { "a.weight": eye.mul(2) }, [xin], null, { tieWeights: false }) as Tensor).tolist(), tied.b.call(xin.mul(2)).tolist(), 1e-6);
  throwsMsg(() => func.functionalCall(tied, { "a.weight": eye, "b.weight": eye.mul(2) }, [xin]), "functional_call got multiple values for keys ['a.weight', 'b.weight'], which are tied. Consider using tie_weights=False");
  // A module that replaces a buffer during the call writes the new tensor back into the caller's dict.
  class Counter extends nn.Module {
    constructor() { super(); this.registerBuffer("count", torch.zeros([])); }
    override forward(t: Tensor): Tensor { const self = this as unknown as { count: Tensor }; self.count = self.count.add(1); return t; }
  }
  const c = new Counter();
  const given = { count: torch.tensor(5) };
  func.functionalCall(c, given, [xin]);
  assert.equal(given.count.item(), 6);
  assert.equal((c as unknown as { count: Tensor }).count.item(), 0);
});

test("stackModuleState and vmap over an ensemble equal each model's output", () => {
  torch.manualSeed(3);
  const models = [new nn.Linear(3, 2), new nn.Linear(3, 2), new nn.Linear(3, 2)];
  const [params, buffers] = func.stackModuleState(models);
  assert.deepEqual(params.weight!.shape, [3, 2, 3]);
  assert.ok(params.weight!.isLeaf && params.weight!.requiresGrad);
  assert.deepEqual(Object.keys(buffers), []);
  const data = torch.randn(4, 3);
  const out = func.vmap((p: Record<string, Tensor>, b: Record<string, Tensor>, d: Tensor) => func.functionalCall(models[0]!, [p, b], [d]) as Tensor, [0, 0, null])(params, buffers, data);
  assert.deepEqual(out.shape, [3, 4, 2]);
  models.forEach((m, i) => closeNested(out.get(i).tolist(), m.call(data).tolist(), 1e-6));
  throwsMsg(() => func.stackModuleState([]), "stack_module_state: Expected at least one model, got 0.");
  throwsMsg(() => func.stackModuleState([new nn.Linear(1, 1), new nn.Linear(1, 1).eval()]), "stack_module_state: Expected all models to have the same training/eval mode.");
});
