// torch.amp.GradScaler on the CPU: the scale / skip / update sequence of PyTorch's GradScaler
// (test/fixtures/amp-cpu.json "scaler", see amp-cpu.py), its state dict, errors and disabled form.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

type Num = number | string;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/amp-cpu.json", import.meta.url), "utf8")) as {
  scaler: {
    w0: number[];
    seq: { mult: string; scaled_grad: Num[]; unscaled_grad: Num[]; stepped: boolean; w: number[]; scale: number; tracker: number }[];
    state_dict: Record<string, number>;
  };
};
const num = (v: Num): number => (typeof v === "number" ? v : Number(v.replace("inf", "Infinity").replace("nan", "NaN")));

function assertClose(got: number[], want: Num[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => {
    const w = num(want[i]!);
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}]: ${g} vs NaN`);
    else if (!Number.isFinite(w)) assert.equal(g, w, `${what}[${i}]`);
    else assert.ok(Math.abs(g - w) <= 1e-6 * (1 + Math.abs(w)), `${what}[${i}]: ${g} vs ${w}`);
  });
}

describe("GradScaler", () => {
  test("scale, skip on inf/NaN, backoff and growth as PyTorch", () => {
    const s = fixture.scaler;
    const w = new torch.nn.Parameter(torch.tensor(s.w0));
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const scaler = new torch.amp.GradScaler("cpu", { initScale: 2 ** 14, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2 });
    for (const [i, step] of s.seq.entries()) {
      opt.zeroGrad();
      const loss = w.mul(w).sum().mul(num(step.mult));
      scaler.scale(loss).backward();
      assertClose(w.grad!.tolist() as number[], step.scaled_grad, `step ${i} scaled grad`);
      const before = w.detach().clone();
      scaler.step(opt);
      assert.equal(!torch.equal(before, w.detach()), step.stepped, `step ${i} stepped`);
      scaler.update();
      assertClose(w.grad!.tolist() as number[], step.unscaled_grad, `step ${i} unscaled grad`);
      assertClose(w.tolist() as number[], step.w, `step ${i} w`);
      assert.equal(scaler.getScale(), step.scale, `step ${i} scale`);
      assert.equal(scaler._getGrowthTracker(), step.tracker, `step ${i} tracker`);
    }
    assert.deepEqual(scaler.stateDict(), s.state_dict);
  });

  test("stateDict / loadStateDict round trip", () => {
    const a = new torch.amp.GradScaler("cpu", { initScale: 8, growthInterval: 3 });
    const b = new torch.cpu.amp.GradScaler();
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.stateDict(), { scale: 8, growth_factor: 2, backoff_factor: 0.5, growth_interval: 3, _growth_tracker: 0 });
    assert.equal(b.getScale(), 8);
    assert.throws(() => b.loadStateDict({}), /source state dict is empty/);
  });

  test("unscale_ once per step; clipping between unscale_ and step sees true gradients", () => {
    const w = new torch.nn.Parameter(torch.tensor([1.0, 2.0], { dtype: torch.float32 }));
    const opt = new torch.optim.SGD([w], { lr: 1 });
    const scaler = new torch.amp.GradScaler("cpu", { initScale: 4 });
    scaler.scale(w.sum()).backward();
    assert.deepEqual(w.grad!.tolist(), [4, 4]);
    scaler.unscale_(opt);
    assert.deepEqual(w.grad!.tolist(), [1, 1]);
    assert.throws(() => scaler.unscale_(opt), /unscale_\(\) has already been called on this optimizer since the last update\(\)/);
    assert.deepEqual(scaler.step(opt, { returnFoundInf: true }), [null, false]);
    assert.deepEqual(w.tolist(), [0, 1]);
    assert.throws(() => scaler.step(opt), /step\(\) has already been called since the last update\(\)/);
    assert.throws(() => scaler.unscale_(opt), /unscale_\(\) is being called after step\(\)/);
    scaler.update();
    assert.equal(scaler.getScale(), 4);
  });

  test("errors and the disabled forms", () => {
    const w = new torch.nn.Parameter(torch.tensor([1.0, 2.0], { dtype: torch.float32 }));
    const opt = new torch.optim.SGD([w], { lr: 1 });
    const fresh = new torch.amp.GradScaler("cpu");
    assert.throws(() => fresh.step(opt), /Attempted step but _scale is None/);
    assert.throws(() => new torch.amp.GradScaler("cpu", { growthFactor: 1 }), /growth factor must be > 1.0/);
    const off = new torch.amp.GradScaler("cpu", { enabled: false });
    const loss = w.sum();
    assert.equal(off.scale(loss), loss);
    assert.equal(off.getScale(), 1);
    assert.deepEqual(off.stateDict(), {});
    assert.equal(off.isEnabled(), false);
    // PyTorch's default device is "cuda", which torch-ts lacks: disabled, with PyTorch's warning.
    const warn = console.warn;
    console.warn = () => {};
    try { assert.equal(new torch.amp.GradScaler().isEnabled(), false); } finally { console.warn = warn; }
    const scaler = new torch.amp.GradScaler("cpu", { initScale: 2 });
    const [a, b] = scaler.scale([w.sum(), w.sum().mul(3)]);
    assert.deepEqual([a!.item(), b!.item()], [6, 18]);
    assert.throws(() => scaler.step(opt, { closure: () => 0 }), /Closure use is not currently supported/);
  });
});
