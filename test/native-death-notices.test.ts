// Death notices (native/death_notice.cc): a token's id is reported once a young-generation
// collection frees it, never while it is reachable, and each id once. The safe points the autograd
// engine reaches (src/core/safe-point.ts): one at the end of each outermost backward.

import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import * as torch from "../src/index.js";
import { deathNotices } from "../src/core/death-notices.js";
import { onSafePoint } from "../src/core/safe-point.js";

const notices = deathNotices();

describe("death notices", { skip: notices ? false : "the native addon is not loaded" }, () => {
  test("a young collection reports the ids of dead tokens, not of reachable ones, each once", () => {
    const n = notices!;
    n.collectYoung();
    n.take();
    const kept: object[] = [];
    for (let id = 1; id <= 200; id++) {
      const holder = { token: n.token(1e9 + id) };
      if (id % 4 === 0) kept.push(holder);
    }
    n.collectYoung();
    const ids = [...n.take()].filter((id) => id > 1e9).map((id) => id - 1e9).sort((a, b) => a - b);
    const expected = Array.from({ length: 200 }, (_, i) => i + 1).filter((id) => id % 4 !== 0);
    assert.deepEqual(ids, expected);
    n.collectYoung();
    assert.equal([...n.take()].filter((id) => id > 1e9).length, 0, "an id was reported twice, or a kept token died");
    assert.equal(kept.length, 50);
  });

  test("after a full collection, objects of a site whose objects survived still die young (no allocation-site pretenuring)", () => {
    // A training step's tensors come from the same sites step after step, and some (the gradients)
    // live across a young collection; V8 would then allocate that site's objects in old space,
    // where no young collection sees them die.
    const n = notices!;
    n.collectYoung();
    const holder = (token: object): object => ({ token, kind: 1 });
    let id = n.reserveIds(100_000);
    const kept: object[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 2000; i++) kept.push(holder(n.token(id++)));
      n.collectYoung();
    }
    v8.setFlagsFromString("--expose-gc");
    (vm.runInNewContext("gc") as () => void)();
    v8.setFlagsFromString("--no-expose-gc");
    n.take();
    const first = id;
    const makeDead = (): void => { for (let i = 0; i < 1000; i++) holder(n.token(id++)); };
    makeDead();
    n.collectYoung();
    // (The last one may still sit in a register of the interpreter; pretenured, none is found.)
    const found = [...n.take()].filter((x) => x >= first).length;
    assert.ok(found >= 990, `a young collection found ${found} of 1000 dead holders`);
    assert.equal(kept.length, 40000);
  });

  test("an id that is not a safe integer is refused", () => {
    assert.throws(() => notices!.token(0.5), /deathToken: id 0.5 is not a safe integer/);
    assert.throws(() => notices!.reserveIds(0), /reserveDeathIds: count 0/);
  });

  test("a worker thread's dead tokens are reported to that worker, not to the main thread", async () => {
    const n = notices!;
    const addonPath = fileURLToPath(new URL("../build/Release/torch_ts_native.node", import.meta.url));
    const code = `
      const { parentPort, workerData } = require("node:worker_threads");
      const v8 = require("node:v8"), vm = require("node:vm");
      const a = require(workerData.addonPath);
      v8.setFlagsFromString("--no-concurrent-array-buffer-sweeping");
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc");
      const base = a.reserveDeathIds(100);
      for (let i = 0; i < 100; i++) a.deathToken(base + i);
      gc({ type: "minor" });
      parentPort.postMessage({ base });
      parentPort.once("message", () => parentPort.postMessage({ taken: Array.from(a.takeDeathNotices()) }));`;
    const w = new Worker(code, { eval: true, workerData: { addonPath } });
    try {
      const next = (): Promise<{ base?: number; taken?: number[] }> => new Promise((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
      });
      const { base } = (await next()) as { base: number };
      // The worker's tokens died and reported; the main thread's take must not get them.
      n.collectYoung();
      assert.equal([...n.take()].filter((id) => id >= base && id < base + 100).length, 0, "the main thread got the worker's notices");
      const reply = next();
      w.postMessage("take");
      const { taken } = (await reply) as { taken: number[] };
      assert.equal(taken.filter((id) => id >= base && id < base + 100).length, 100, "the worker did not get its own notices");
    } finally {
      await w.terminate();
    }
  });

  test("reserved id blocks do not overlap", () => {
    const a = notices!.reserveIds(1000), b = notices!.reserveIds(10);
    assert.ok(b >= a + 1000 || a >= b + 10, `blocks at ${a} (1000) and ${b} (10) overlap`);
  });
});

describe("safe points", () => {
  test("the end of each outermost backward or autograd.grad is one safe point", () => {
    let reached = 0;
    const leave = onSafePoint(() => { reached++; });
    try {
      const x = torch.tensor([1.5, 2, 3], { requiresGrad: true });
      x.square().sum().backward();
      assert.equal(reached, 1);
      // A hook that runs a backward of its own inside the outer one: still one safe point.
      const y = torch.tensor([1.5, 2], { requiresGrad: true });
      const z = y.mul(3);
      z.registerHook((g) => {
        torch.enableGrad(() => torch.tensor([4.5], { requiresGrad: true }).square().sum().backward());
        return g;
      });
      z.sum().backward();
      assert.equal(reached, 2);
      torch.autograd.grad(x.exp().sum(), x);
      assert.equal(reached, 3);
    } finally {
      leave();
    }
    torch.tensor([1.5], { requiresGrad: true }).sum().backward();
    assert.equal(reached, 3, "a listener was called after leaving");
  });
});
