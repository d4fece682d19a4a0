// Death notices (native/death_notice.cc): a token's id is reported once a young-generation
// collection frees it, never while it is reachable, and each id once. The safe points the autograd
// engine reaches (src/core/safe-point.ts): one at the end of each outermost backward.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
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

  test("an id that is not a safe integer is refused", () => {
    assert.throws(() => notices!.token(0.5), /deathToken: id 0.5 is not a safe integer/);
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
