// nn.Module's smaller API against PyTorch 1.13 (test/fixtures/module-api.py): getBuffer, the extra
// state a subclass adds to its state dict, type(), cuda(), toEmpty(), shareMemory().
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const { nn } = torch;
const ref = JSON.parse(readFileSync(new URL("./fixtures/module-api.json", import.meta.url), "utf8"));
const message = (fn: () => unknown): string | null => { try { fn(); } catch (e) { return (e as Error).message; } return null; };

test("getBuffer by dotted path, and PyTorch's errors", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
  assert.deepEqual(seq.getBuffer("1.running_var").tolist(), ref.get_buffer);
  assert.deepEqual(["0.weight", "1.nope", "2.x"].map((k) => message(() => seq.getBuffer(k))), ref.get_buffer_errors.map((e: string[]) => e[1]));
  assert.deepEqual([message(() => seq.getExtraState()), message(() => seq.setExtraState(1))], ref.extra_state_errors.map((e: string[]) => e[1]));
});

test("getExtraState / setExtraState: the `_extra_state` entry, loaded back, missing and unexpected as PyTorch's", () => {
  class Counter extends nn.Module {
    lin = new nn.Linear(1, 1);
    count = 0;
    override getExtraState(): unknown { return { count: this.count }; }
    override setExtraState(state: unknown): void { this.count = (state as { count: number }).count + 100; }
  }
  const c = new Counter();
  c.count = 7;
  const sd = new nn.Sequential(c).stateDict();
  assert.deepEqual([...sd.keys()], ref.extra_state_keys);
  const c2 = new nn.Sequential(new Counter());
  c2.loadStateDict(sd);
  assert.equal((c2.at(0) as Counter).count, ref.extra_state_loaded);
  sd.delete("0._extra_state");
  assert.equal(message(() => new nn.Sequential(new Counter()).loadStateDict(sd)), ref.extra_state_missing[1]);
  assert.equal(message(() => new nn.Linear(1, 1).loadStateDict({ weight: torch.zeros(1, 1), bias: torch.zeros(1), _extra_state: 1 as unknown as torch.Tensor })), ref.extra_state_unexpected[1]);
});

test("type(dtype) casts every parameter and buffer; cuda() is PyTorch's error; toEmpty keeps Parameters", () => {
  const bn = new nn.BatchNorm1d(2).type(torch.float64);
  assert.deepEqual([bn.weight!.dtype, bn.num_batches_tracked!.dtype].map((d) => d.toString()), ref.type);
  assert.equal(message(() => new nn.Linear(2, 2).cuda()), ref.cuda[1]);
  assert.equal(new nn.Linear(2, 2).dumpPatches, false);
  assert.equal(nn.Module.dumpPatches, false);
  const e = new nn.Sequential(new nn.Linear(2, 3)).toEmpty({ device: "cpu" });
  const w = (e.at(0) as torch.nn.Linear).weight;
  assert.deepEqual([w.shape, w instanceof nn.Parameter ? "Parameter" : "Tensor", w.requiresGrad], ref.to_empty);
});

test("shareMemory moves parameters and buffers to shared memory in place", () => {
  const lin = new nn.Linear(2, 2);
  const before = lin.weight;
  const values = lin.weight.tolist();
  lin.shareMemory();
  assert.equal(lin.weight, before);
  assert.ok(lin.weight.isShared() && lin.bias!.isShared());
  assert.deepEqual(lin.weight.tolist(), values);
});

test("loadStateDict with assign keeps the checkpoint's tensors (dtype, storage), parameters stay Parameters with their requires_grad (PyTorch 2.x)", () => {
  const bn = new nn.BatchNorm1d(2);
  bn.weight!.requiresGrad_(false);
  const sd = new Map([...new nn.BatchNorm1d(2).stateDict()].map(([k, v]) => [k, v.double().add(k === "num_batches_tracked" ? 0 : 1)]));
  const weight = sd.get("weight")!;
  bn.loadStateDict(sd, { assign: true });
  assert.ok(bn.weight instanceof nn.Parameter);
  assert.equal(bn.weight!.dtype, torch.float64);
  assert.equal(bn.weight!.requiresGrad, false);
  assert.equal(bn.bias!.requiresGrad, true);
  assert.equal(bn.running_mean!.dtype, torch.float64);
  weight.fill_(5);
  assert.deepEqual(bn.weight!.tolist(), [5, 5]);
  assert.deepEqual([...bn.stateDict().keys()], [...sd.keys()]);
  assert.throws(() => bn.loadStateDict({ ...Object.fromEntries(sd), weight: torch.zeros(3) }, { assign: true }), /size mismatch for weight/);
});
