// nn.utils.prune against PyTorch 1.13 (masks recorded with the seeds below): orig/mask/hook
// layout and keys, repeated pruning through a PruningContainer, the random methods' draws, the
// structured and global methods, removal, and errors that leave the module as it was.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;
const prune = nn.utils.prune;
type Rec = Record<string, torch.Tensor>;
const r = (m: torch.nn.Module): Rec => m as unknown as Rec;
const flat = (t: torch.Tensor): number[] => t.detach().double().reshape(-1).tolist() as number[];

function close(t: torch.Tensor, e: number[], what: string, tol = 1e-5): void {
  const a = flat(t);
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

describe("nn.utils.prune", () => {
  test("random, then L1, then random structured on one weight; gradient; remove", () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    const orig = m.weight;
    prune.randomUnstructured(m, "weight", 0.5);
    assert.deepEqual(flat(r(m).weight_mask!), [1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0]);
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight_orig", "weight_mask"]);
    assert.deepEqual([...m.namedParameters()].map(([n]) => n), ["bias", "weight_orig"]);
    assert.equal(r(m).weight_orig, orig);
    assert.ok(prune.isPruned(m) && prune.isPruned(new nn.Sequential(m)));
    const method = prune.l1Unstructured(m, "weight", 3) as unknown;
    assert.deepEqual(flat(r(m).weight_mask!), [0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    close(r(m).weight!, [0, 0, 0, -0.36797, -0.192577, 0, 0, 0.396445, 0, 0, 0, 0], "weight");
    m.call(torch.ones(1, 4)).sum().backward();
    assert.deepEqual(flat(orig.grad!), [0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    void method;
    prune.randomStructured(m, "weight", 1, 0);
    assert.deepEqual(flat(r(m).weight_mask!), [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
    prune.remove(m, "weight");
    assert.deepEqual([...m.stateDict().keys()], ["bias", "weight"]);
    assert.equal(m.weight, orig, "the Parameter object stays");
    close(m.weight, [0, 0, 0, 0, -0.192577, 0, 0, 0.396445, 0, 0, 0, 0], "pruned for good");
    assert.ok(!prune.isPruned(m));
    const before = flat(m.weight);
    m.call(torch.ones(1, 4));
    assert.deepEqual(flat(m.weight), before, "no hook left");
  });

  test("the container keeps every method; pre-hook recomputes the weight from orig", () => {
    const m = new nn.Linear(3, 2);
    prune.identity(m, "weight");
    const c = prune.L1Unstructured.apply(m, "weight", 2) as torch.nn.utils.prune.PruningContainer;
    assert.ok(c instanceof prune.PruningContainer);
    assert.equal(c.length, 2);
    assert.ok(c.at(0) instanceof prune.Identity && c.at(1) instanceof prune.L1Unstructured);
    torch.noGrad(() => r(m).weight_orig!.fill_(2));
    m.call(torch.ones(1, 3));
    assert.deepEqual(flat(r(m).weight!), flat(r(m).weight_mask!).map((v) => 2 * v));
  });

  test("ln structured along dims 0 then 1", () => {
    torch.manualSeed(1);
    const c = new nn.Conv2d(2, 4, 2);
    prune.lnStructured(c, "weight", 0.5, 2, 0);
    assert.deepEqual(flat(r(c).weight_mask!.sum([1, 2, 3])), [8, 0, 0, 8]);
    prune.lnStructured(c, "weight", 1, 1, 1);
    assert.deepEqual(flat(r(c).weight_mask!.sum([0, 2, 3])), [0, 8]);
    assert.deepEqual(flat(r(c).weight_mask!.sum([1, 2, 3])), [4, 0, 0, 4]);
  });

  test("global, identity, importance scores, custom mask", () => {
    torch.manualSeed(2);
    const a = new nn.Linear(3, 2), b = new nn.Linear(2, 2);
    prune.globalUnstructured([[a, "weight"], [b, "bias"]], prune.L1Unstructured, { amount: 0.5 });
    assert.deepEqual(flat(r(a).weight_mask!), [0, 0, 1, 0, 1, 0]);
    assert.deepEqual(flat(r(b).bias_mask!), [1, 1]);
    assert.deepEqual([...b.namedBuffers()].map(([n]) => n), ["bias_mask"]);
    prune.identity(b, "weight");
    assert.deepEqual(flat(r(b).weight_mask!), [1, 1, 1, 1]);
    torch.manualSeed(0);
    const m = new nn.Linear(4, 3);
    prune.l1Unstructured(m, "weight", 0.25, { importanceScores: torch.arange(12).reshape(3, 4).float() });
    assert.deepEqual(flat(r(m).weight_mask!), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    prune.customFromMask(m, "bias", torch.tensor([0, 1, 0]));
    assert.deepEqual(flat(r(m).bias_mask!), [0, 1, 0]);
    close(r(m).bias!, [0, -0.331141, 0], "bias");
    assert.equal(prune.L1Unstructured.apply(m, "bias", 1).constructor, prune.PruningContainer);
  });

  test("errors leave the module unchanged", () => {
    const m = new nn.Linear(2, 3);
    assert.throws(() => prune.l1Unstructured(m, "bias", 5), { message: "amount=5 should be smaller than the number of parameters to prune=3" });
    assert.deepEqual([...m.stateDict().keys()], ["weight", "bias"]);
    assert.ok(!prune.isPruned(m));
    assert.throws(() => prune.remove(m, "weight"), { message: "Parameter 'weight' of module Linear(in_features=2, out_features=3, bias=True) has to be pruned before pruning can be removed" });
    assert.throws(() => prune.randomUnstructured(m, "weight", 1.5), { message: "amount=1.5 should either be a float in the range [0, 1] or a non-negative integer" });
    assert.throws(() => prune.randomStructured(m, "bias", 1, 0), /Structured pruning can only be applied to multidimensional tensors/);
    prune.l1Unstructured(m, "weight", 1);
    assert.throws(() => prune.l1Unstructured(m, "weight", 9), /amount=9 should be smaller/);
    prune.l1Unstructured(m, "weight", 1);
    assert.equal(flat(r(m).weight_mask!).filter((v) => v === 0).length, 2, "the failed step added nothing");
  });

  // The Pruning tutorial finds a tensor's pruning history through module._forward_pre_hooks, whose
  // values in PyTorch are the pruning methods themselves.
  test("the forward pre-hooks are the pruning methods: _tensorName, class, and a container's history", () => {
    torch.manualSeed(0);
    const m = new nn.Conv2d(1, 6, 5);
    prune.randomUnstructured(m, "weight", 0.3);
    prune.l1Unstructured(m, "bias", 3);
    type Method = torch.nn.utils.prune.BasePruningMethod;
    const methods = (): Method[] => m._forwardPreHooks().map((h) => h as unknown as Method);
    assert.deepEqual(methods().map((h) => [h.constructor.name, h._tensorName]), [["RandomUnstructured", "weight"], ["L1Unstructured", "bias"]]);
    prune.lnStructured(m, "weight", 0.5, 2, 0);
    const hook = methods().find((h) => h._tensorName === "weight")!;
    assert.ok(hook instanceof prune.PruningContainer);
    assert.deepEqual([...(hook as torch.nn.utils.prune.PruningContainer)].map((x) => x.constructor.name), ["RandomUnstructured", "LnStructured"]);
    // still a working hook: it recomputes weight = weight_orig * weight_mask before the call
    r(m).weight_orig!.detach().fill_(2);
    m.call(torch.ones(1, 1, 5, 5));
    assert.equal(flat(r(m).weight!).filter((v) => v === 2).length, flat(r(m).weight_mask!).filter((v) => v === 1).length);
  });
});
