// Module hooks beyond forward ones: full backward hooks and pre-hooks, the deprecated regular
// backward hook, module-wide hooks (torch.nn.modules.module), grad_fn hooks, state-dict hooks, and
// the forward hooks' prepend/withKwargs/alwaysCall options. Values recorded from PyTorch 1.13
// (test/fixtures/module-hooks.py); the options and backward pre-hooks (PyTorch 2.x) by behaviour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { captureWarnings } from "./support/warnings.js";

type Tensor = torch.Tensor;
type Grads = (Tensor | null)[];
const { nn } = torch;
const ref = JSON.parse(readFileSync(new URL("./fixtures/module-hooks.json", import.meta.url), "utf8"));
const f64 = { dtype: "float64" as const };
const t = (v: unknown): Tensor => torch.tensor(v as number[], f64);
const vals = (gs: Grads): unknown[] => gs.map((g) => (g === null ? null : g.tolist()));

function close(actual: unknown, expected: unknown, tol = 1e-12): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length);
    expected.forEach((e, i) => close((actual as unknown[])[i], e, tol));
  } else if (typeof expected === "number") {
    assert.ok(Math.abs((actual as number) - expected) <= tol * Math.max(1, Math.abs(expected)), `${String(actual)} vs ${expected}`);
  } else if (expected !== null && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], e, tol);
  } else {
    assert.deepEqual(actual, expected);
  }
}

test("full backward hook on Linear: the gradients of the module's input and output, and a replaced grad_input", () => {
  const r = ref.linear;
  const lin = new nn.Linear(3, 2, { dtype: torch.float64 });
  torch.noGrad(() => { lin.weight.copy_(t(r.weight)); lin.bias!.copy_(t(r.bias)); });
  const x = t(r.x).requiresGrad_();
  const seen: unknown[] = [];
  const h = lin.registerFullBackwardHook((_m, gi, go) => { seen.push({ gi: vals(gi), go: vals(go) }); return [gi[0]!.mul(2)]; });
  lin.call(x).mul(torch.arange(8, f64).view(4, 2)).sum().backward();
  close(seen, r.seen);
  close(x.grad!.tolist(), r.x_grad);
  close(lin.weight.grad!.tolist(), r.w_grad);
  h.remove();

  // The input needs no grad: grad_input is [null], and the hook runs as the output's gradient arrives.
  lin.zeroGrad();
  const seen2: unknown[] = [];
  lin.registerFullBackwardHook((_m, gi, go) => { seen2.push({ gi: vals(gi), go: vals(go) }); });
  lin.call(x.detach()).sum().backward();
  close(seen2, ref.no_input_grad.seen);
  close(lin.weight.grad!.tolist(), ref.no_input_grad.w_grad);
});

test("full backward hook: positional arguments one entry each (null for non-tensors and unused outputs), tuple outputs", () => {
  class Two extends nn.Module {
    override forward(a: Tensor, k: number, b: Tensor): Tensor[] { return [a.mul(b).mul(k), a.add(b)]; }
  }
  const r = ref.two;
  const two = new Two();
  let seen: unknown[] = [];
  two.registerFullBackwardHook((_m, gi, go) => { seen.push({ gi: vals(gi), go: vals(go) }); });
  const a = t(r.a).requiresGrad_(), b = t(r.b);
  let [p, q] = two.call(a, 3, b);
  p!.sum().add(q!.mul(q!).sum()).backward();
  close(seen, r.seen);
  close(a.grad!.tolist(), r.a_grad);

  a.grad = null;
  seen = [];
  [p, q] = two.call(a, 2, b);
  p!.sum().backward();
  close(seen, ref.two_first_only.seen);
  close(a.grad!.tolist(), ref.two_first_only.a_grad);
});

test("full backward pre-hook replaces the output gradients before the module's backward (PyTorch 2.x)", () => {
  torch.manualSeed(0);
  const lin = new nn.Linear(3, 2, { dtype: torch.float64 });
  const x = torch.randn(4, 3, f64).requiresGrad_();
  lin.call(x).sum().backward();
  const plain = x.grad!.clone();
  x.grad = null;
  const order: string[] = [];
  lin.registerFullBackwardPreHook((_m, go) => { order.push("pre"); return [go[0]!.mul(3)]; });
  lin.registerFullBackwardHook((_m, gi, go) => { order.push("full"); close(go[0]!.tolist(), torch.full([4, 2], 3, f64).tolist()); close(gi[0]!.tolist(), plain.mul(3).tolist()); });
  lin.call(x).sum().backward();
  assert.deepEqual(order, ["pre", "full"]);
  close(x.grad!.tolist(), plain.mul(3).tolist());
  assert.throws(() => { lin.registerFullBackwardPreHook(() => [null, null]); lin.call(x).sum().backward(); }, /Backward pre hook returned an invalid number of grad_output, got 2, but expected 1/);
});

test("the deprecated regular backward hook sees the last op's gradients, with PyTorch's warning; mixing kinds is an error", () => {
  class MulW extends nn.Module {
    w = new nn.Parameter(torch.tensor([1, 2, 3], f64));
    constructor(readonly twice: boolean) { super(); }
    override forward(x: Tensor): Tensor { return (this.twice ? x.mul(2) : x).mul(this.w); }
  }
  for (const twice of [true, false]) {
    const r = ref.regular[twice ? "twice" : "once"];
    const m = new MulW(twice);
    const x = torch.tensor([4, 5, 6], f64).requiresGrad_();
    const seen: unknown[] = [];
    m.registerBackwardHook((_m, gi, go) => { seen.push({ gi: vals(gi), go: vals(go) }); });
    const warnings = captureWarnings(() => m.call(x.mul(1)).mul(torch.tensor([1, 10, 100], f64)).sum().backward());
    close(seen, r.seen);
    assert.deepEqual(warnings, r.warnings);
    if (!twice) assert.throws(() => m.registerFullBackwardHook(() => undefined), (e: Error) => e.message === ref.mixed_error);
  }
});

test("the deprecated regular backward hook on nn.Linear sees AddmmBackward0's gradients: bias, input, weight.t()", () => {
  const r = ref.regular_linear;
  const lin = new nn.Linear(3, 2, { dtype: torch.float64 });
  torch.noGrad(() => { lin.weight.copy_(t(r.weight)); lin.bias!.copy_(t(r.bias)); });
  const x = t(r.x).requiresGrad_();
  const seen: unknown[] = [];
  lin.registerBackwardHook((_m, gi, go) => { seen.push({ gi: vals(gi), go: vals(go) }); });
  const warnings = captureWarnings(() => lin.call(x).mul(torch.arange(8, f64).view(4, 2)).sum().backward());
  close(seen, r.seen);
  assert.deepEqual(warnings, r.warnings);
});

test("grad_fn.registerPrehook / registerHook: PyTorch 1.13's calls and replaced gradients", () => {
  const r = ref.node_hooks;
  const u = torch.tensor([1, 2, 3], f64).requiresGrad_(), v = torch.tensor([4, 5, 6], f64).requiresGrad_();
  const y = u.mul(v);
  const calls: unknown[] = [];
  assert.equal(y.gradFn!.name(), r.name);
  y.gradFn!.registerPrehook((go) => { calls.push(["pre", vals(go)]); return [go[0]!.mul(10)]; });
  y.gradFn!.registerHook((gi, go) => { calls.push(["post", vals(gi), vals(go)]); return [gi[0]!.add(1), null]; });
  y.sum().backward();
  close(calls, r.calls);
  close(u.grad!.tolist(), r.u_grad);
  assert.equal(v.grad, r.v_grad);
  const z = u.mul(2);
  z.gradFn!.registerHook(() => [null]);
  assert.throws(() => z.sum().backward(), /has returned an incorrect number of values \(got 1, but expected 2\)/);
});

test("module-wide hooks (nn.modules.module) run before each module's own, in PyTorch 1.13's order", () => {
  const order: string[] = [];
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
  const mm = nn.modules.module;
  const handles = [
    mm.registerModuleForwardPreHook((m) => { order.push(`gpre ${m.constructor.name}`); }),
    mm.registerModuleForwardHook((m) => { order.push(`gfwd ${m.constructor.name}`); }),
    mm.registerModuleFullBackwardHook((m) => { order.push(`gbwd ${m.constructor.name}`); }),
  ];
  try {
    const lin = seq.at(0);
    lin.registerForwardPreHook(() => { order.push("pre Linear"); });
    lin.registerForwardHook(() => { order.push("fwd Linear"); });
    lin.registerFullBackwardHook(() => { order.push("bwd Linear"); });
    (seq.call(torch.randn(1, 2, { requiresGrad: true })) as Tensor).sum().backward();
  } finally {
    for (const h of handles) h.remove();
  }
  assert.deepEqual(order, ref.global_order);
  assert.equal(mm.Module, nn.Module);
});

test("state-dict hooks: a load pre-hook renames keys (the caller's dict untouched), a post-hook clears a missing key", () => {
  const r = ref.load_hooks;
  class Old extends nn.Module {
    lin = new nn.Linear(2, 2);
    constructor() {
      super();
      this.registerBuffer("extra", torch.zeros(2));
      this.registerLoadStateDictPreHook((_m, sd, prefix) => {
        for (const k of [...sd.keys()]) if (k.startsWith(`${prefix}fc.`)) { sd.set(`${prefix}lin.${k.slice(prefix.length + 3)}`, sd.get(k)!); sd.delete(k); }
      });
      this.registerLoadStateDictPostHook((_m, keys) => {
        const i = keys.missingKeys.indexOf("extra");
        if (i >= 0) keys.missingKeys.splice(i, 1);
      });
    }
  }
  const o = new Old();
  const sd = new Map([["fc.weight", torch.ones(2, 2)], ["fc.bias", torch.full([2], 3)]]);
  const result = o.loadStateDict(sd);
  assert.deepEqual(result.missingKeys, r.missing);
  assert.deepEqual(result.unexpectedKeys, r.unexpected);
  close(o.lin.weight.tolist(), r.weight);
  close(o.lin.bias!.tolist(), r.bias);
  assert.deepEqual([...sd.keys()].sort(), r.caller_keys);
  assert.throws(() => new Old().loadStateDict({ "fc.weight": torch.ones(2, 2) }), (e: Error) => e.message === ref.load_hooks_error);
});

test("state-dict hooks: a post-hook edits the result in place, with the module's version; a pre-hook sees prefix and keepVars", () => {
  const m9 = new nn.Linear(2, 1);
  const pre: unknown[] = [];
  m9.registerStateDictPreHook((_m, prefix, keepVars) => { pre.push([prefix, keepVars]); });
  m9.registerStateDictPostHook((_m, sd, prefix, meta) => { sd.delete(`${prefix}bias`); sd.set(`${prefix}version`, torch.tensor(meta.version as number)); });
  const sd = new nn.Sequential(m9).stateDict({ keepVars: true });
  const got = Object.fromEntries([...sd].map(([k, v]) => [k, k.endsWith("version") ? v.item() : v.shape]));
  assert.deepEqual(got, ref.state_dict_hook);
  assert.deepEqual(pre, [["0.", true]]);
});

test("forward hook options: prepend, withKwargs (the trailing options object), alwaysCall (PyTorch 2.x)", () => {
  class Scale extends nn.Module {
    override forward(x: Tensor, opts: { factor?: number; fail?: boolean } = {}): Tensor {
      if (opts.fail) throw new Error("forward failed");
      return x.mul(opts.factor ?? 1);
    }
  }
  const m = new Scale();
  const order: string[] = [];
  m.registerForwardPreHook(() => { order.push("a"); });
  m.registerForwardPreHook(() => { order.push("b"); }, { prepend: true });
  m.registerForwardPreHook((_m, args, kwargs) => { order.push(`kw ${JSON.stringify(kwargs)} ${args.length}`); return [args, { ...kwargs, factor: 5 }]; }, { withKwargs: true });
  m.registerForwardHook((_m, args, kwargs, out) => { order.push(`fwd ${JSON.stringify(kwargs)} ${args.length}`); return (out as Tensor).add(1); }, { withKwargs: true });
  const y = m.call(torch.tensor([1, 2]), { factor: 2 });
  assert.deepEqual(y.tolist(), [6, 11]);
  assert.deepEqual(order, ["b", "a", 'kw {"factor":2} 1', 'fwd {"factor":5} 1']);
  // Without an options object, a kwargs hook gets {} and may add keywords.
  order.length = 0;
  assert.deepEqual(m.call(torch.tensor([1])).tolist(), [6]);

  const always: string[] = [];
  const failing = new Scale();
  failing.registerForwardHook(() => { always.push("plain"); });
  failing.registerForwardHook((_m, _a, out) => { always.push(`always ${String(out)}`); }, { alwaysCall: true });
  assert.throws(() => failing.call(torch.tensor([1]), { fail: true }), /forward failed/);
  assert.deepEqual(always, ["always null"]);
  assert.throws(() => m.registerForwardPreHook(5 as unknown as () => void), /hook must be callable/);
});

test("registerPostAccumulateGradHook runs after .grad is accumulated (an optimizer step in backward, PyTorch 2.x)", () => {
  const w = torch.tensor([1, 2], f64).requiresGrad_();
  w.grad = torch.tensor([10, 10], f64);
  const seen: unknown[] = [];
  const h = w.registerPostAccumulateGradHook((p) => {
    seen.push(p.grad!.tolist());
    torch.noGrad(() => { p.sub_(p.grad!.mul(0.5)); });
    p.grad = null;
  });
  w.mul(w).sum().backward();
  assert.deepEqual(seen, [[12, 14]]);
  assert.deepEqual(w.tolist(), [-5, -5]);
  assert.equal(w.grad, null);
  h.remove();
  w.sum().backward();
  assert.equal(seen.length, 1);
  assert.throws(() => w.mul(2).registerPostAccumulateGradHook(() => undefined), /post accumulate grad hooks cannot be registered on non-leaf tensors/);
  assert.throws(() => torch.zeros(1).registerPostAccumulateGradHook(() => undefined), /doesn't require gradient/);
});

test("autograd.graph.registerMultiGradHook: 'all' once the reached gradients are in (null for the others), 'any' once per backward", () => {
  const a = torch.tensor([1, 2], f64).requiresGrad_(), b = torch.tensor([3], f64).requiresGrad_();
  const calls: unknown[] = [];
  const h = torch.autograd.graph.registerMultiGradHook([a, b], (grads: Grads) => { calls.push(vals(grads)); });
  a.mul(b).sum().backward();
  a.mul(2).sum().backward();
  const y1 = a.mul(3), y2 = a.mul(b);
  torch.autograd.graph.registerMultiGradHook([y1, y2], (grads: Grads) => { calls.push(["inner", ...vals(grads)]); });
  y1.sum().add(y2.sum()).backward();
  assert.deepEqual(calls, [[[3, 3], [3]], [[2, 2], null], ["inner", [1, 1], [1, 1]], [[6, 6], [3]]]);
  h.remove();
  const any: unknown[] = [];
  torch.autograd.graph.registerMultiGradHook([a, b], (g: Tensor) => { any.push(g.tolist()); }, { mode: "any" });
  a.mul(b).sum().backward();
  a.mul(b).sum().backward();
  assert.equal(any.length, 2);
  assert.throws(() => torch.autograd.graph.registerMultiGradHook([a], () => undefined, { mode: "some" as "all" }), /Expects mode to be one of \('all', 'any'\) but got some/);
});

test("autograd.graph.getGradientEdge and incrementVersion", () => {
  const a = torch.tensor([1, 2], f64).requiresGrad_();
  class Two extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor[] { return [x.mul(2), x.mul(3)]; }
    static override backward(_ctx: torch.autograd.FunctionCtx, g1: Tensor, g2: Tensor): Tensor { return g1.mul(2).add(g2.mul(3)); }
  }
  const [p, q] = Two.apply(a) as Tensor[];
  assert.equal(torch.autograd.graph.getGradientEdge(a).node.name(), "torch::autograd::AccumulateGrad");
  const edge = torch.autograd.graph.getGradientEdge(q!);
  assert.equal(edge.node, q!.gradFn);
  assert.equal(edge.node, p!.gradFn);
  assert.equal(edge.outputNr, 1);
  assert.throws(() => torch.autograd.graph.getGradientEdge(torch.zeros(1)), /does not require gradients/);
  const y = a.mul(a);
  torch.autograd.graph.incrementVersion(a);
  assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
});
