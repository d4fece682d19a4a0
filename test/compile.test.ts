// torch.compile runs eagerly in torch-ts (no Dynamo/Inductor); what scripts see of it is PyTorch
// 2.11's: an OptimizedModule holding the model as _orig_mod (state_dict keys "_orig_mod.*"), the
// same outputs and gradients, the decorator form, disable, and its argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("torch.compile(module): OptimizedModule over _orig_mod, same outputs and gradients, prefixed keys", () => {
  torch.manualSeed(0);
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.ReLU(), new torch.nn.Linear(4, 2));
  const compiled = torch.compile(model);
  assert.ok(compiled instanceof torch.OptimizedModule);
  assert.equal(compiled._orig_mod, model);
  assert.deepEqual([...compiled.stateDict().keys()], ["_orig_mod.0.weight", "_orig_mod.0.bias", "_orig_mod.2.weight", "_orig_mod.2.bias"]);
  const x = torch.randn(5, 3);
  const a = model.call(x) as torch.Tensor, b = compiled.call(x) as torch.Tensor;
  assert.deepEqual(b.tolist(), a.tolist());
  b.sum().backward();
  const g = (model.at(0) as torch.nn.Linear).weight.grad!.clone();
  model.zeroGrad();
  a.sum().backward();
  assert.deepEqual((model.at(0) as torch.nn.Linear).weight.grad!.tolist(), g.tolist());
  assert.equal([...compiled.parameters()].length, 4, "the optimizer sees the model's parameters");
  // A hook on the original still runs (the compiled module calls it).
  let calls = 0;
  model.registerForwardHook(() => { calls++; });
  compiled.call(x);
  assert.equal(calls, 1);
});

test("torch.compile(fn), the decorator form, disable, and PyTorch's argument errors", () => {
  const f = (x: torch.Tensor) => x.sin().add(1);
  const cf = torch.compile(f, { mode: "reduce-overhead", fullgraph: true });
  const x = torch.tensor([0.5, 1.5], { dtype: "float32" });
  assert.deepEqual(cf(x).tolist(), f(x).tolist());
  const deco = torch.compile({ backend: "eager" });
  assert.deepEqual(deco(f)(x).tolist(), f(x).tolist());
  const m = new torch.nn.Linear(2, 2);
  assert.equal(torch.compile(m, { disable: true }), m);
  assert.throws(() => torch.compile(f, { mode: "default", options: {} }), /Either mode or options can be specified, but both can't be specified at the same time\./);
  assert.throws(() => torch.compile(f, { mode: "fast" as never }), /Unrecognized mode=fast/);
  assert.throws(() => torch.compile(f, { backend: "nope" }), /Invalid backend: 'nope'/);
  assert.throws(() => torch.compile(f, { fullGraph: true } as never), /unexpected keyword argument 'fullGraph'/);
  assert.equal(torch.compiler.isCompiling(), false);
  assert.equal(torch.compiler.disable(f), f);
});
