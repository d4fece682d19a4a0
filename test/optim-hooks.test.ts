// Optimizer hooks (PyTorch 2.x: step pre/post hooks, module-wide step hooks, state-dict hooks),
// checked by behaviour, and the learning-rate schedulers' call-order and epoch warnings against
// PyTorch 1.13 (test/fixtures/optim-hooks.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { captureWarnings } from "./support/warnings.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/optim-hooks.json", import.meta.url), "utf8"));

function sgd(): [torch.nn.Parameter, torch.optim.SGD] {
  const p = new torch.nn.Parameter(torch.zeros(1));
  p.grad = torch.ones(1);
  return [p, new torch.optim.SGD([p], { lr: 1 })];
}

test("step pre- and post-hooks: module-wide first, then the optimizer's; a pre-hook may replace the arguments", () => {
  const [p, opt] = sgd();
  const order: string[] = [];
  const g1 = torch.optim.optimizer.registerOptimizerStepPreHook(() => { order.push("global pre"); });
  const g2 = torch.optim.optimizer.registerOptimizerStepPostHook(() => { order.push("global post"); });
  try {
    opt.registerStepPreHook((o, args) => { order.push(`pre ${args.length} ${o === opt}`); return [[() => { order.push("closure"); return 7; }], {}]; });
    const h = opt.registerStepPostHook((_o, args) => { order.push(`post ${args.length}`); });
    assert.equal(opt.step(), 7);
    assert.deepEqual(order, ["global pre", "pre 0 true", "closure", "global post", "post 1"]);
    assert.deepEqual(p.tolist(), [-1]);
    h.remove();
    order.length = 0;
    opt.step();
    assert.deepEqual(order, ["global pre", "pre 0 true", "closure", "global post"]);
  } finally {
    g1.remove();
    g2.remove();
  }
  opt.registerStepPreHook(() => [1] as unknown as [unknown[], Record<string, unknown>]);
  assert.throws(() => opt.step(), /must return None or a tuple of \(new_args, new_kwargs\), but got 1\./);
});

test("state-dict hooks: pre/post around stateDict, pre/post around loadStateDict (a copy is loaded)", () => {
  const [p, opt] = sgd();
  new torch.optim.SGD([p], { lr: 1, momentum: 0.9 });
  const order: string[] = [];
  opt.registerStateDictPreHook(() => { order.push("sd pre"); });
  opt.registerStateDictPostHook((_o, sd) => { order.push("sd post"); return { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, note: 1 })) }; });
  opt.registerStateDictPreHook(() => { order.push("sd pre first"); }, true);
  const sd = opt.stateDict();
  assert.deepEqual(order, ["sd pre first", "sd pre", "sd post"]);
  assert.equal(sd.param_groups[0]!.note, 1);
  order.length = 0;
  opt.registerLoadStateDictPreHook((_o, s) => { order.push("load pre"); return { ...s, param_groups: s.param_groups.map((g) => ({ ...g, lr: 0.25 })) }; });
  opt.registerLoadStateDictPostHook((o) => { order.push(`load post ${String(o.paramGroups[0]!.lr)}`); });
  opt.loadStateDict(sd);
  assert.deepEqual(order, ["load pre", "load post 0.25"]);
  assert.equal(sd.param_groups[0]!.lr, 1);
});

test("schedulers warn as PyTorch 1.13 does: scheduler stepped before the optimizer, and the epoch argument", () => {
  const run = (order: (string | number)[]): { warnings: string[]; lr: number } => {
    const [, opt] = sgd();
    const sched = new torch.optim.lrScheduler.StepLR(opt, 1, { gamma: 0.5 });
    const warnings = captureWarnings(() => {
      for (const what of order) {
        if (what === "opt") opt.step();
        else if (what === "sched") sched.step();
        else sched.step(what as number);
      }
    });
    return { warnings, lr: opt.paramGroups[0]!.lr as number };
  };
  assert.deepEqual(run(["sched", "opt"]), ref.sched_first);
  assert.deepEqual(run(["opt", "sched", "opt", "sched"]), ref.opt_first);
  assert.deepEqual(run(["opt", 3]), ref.epoch);
});
