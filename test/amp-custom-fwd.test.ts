// torch.amp.customFwd / customBwd around a custom autograd.Function: castInputs casts the device's
// floating-point inputs (not float64) and runs forward with autocast off; without it, forward runs
// under the caller's autocast and backward under the same state (PyTorch 2.11's torch/amp/autocast_mode.py).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { customFwd, customBwd } = torch.amp;
type Ctx = torch.autograd.FunctionCtx;

/** What each step saw: autocast's state and the dtypes of its tensors. */
const seen: Record<string, unknown> = {};

class CastMatmul extends torch.autograd.Function {
  static override forward = customFwd((ctx: Ctx, a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor) => {
    seen.fwdAutocast = torch.isAutocastEnabled("cpu");
    seen.fwdDtypes = [a.dtype, b.dtype, scale.dtype];
    ctx.saveForBackward(a, b);
    return a.mm(b);
  }, { deviceType: "cpu", castInputs: torch.float32 });
  static override backward = customBwd((ctx: Ctx, g: torch.Tensor) => {
    seen.bwdAutocast = torch.isAutocastEnabled("cpu");
    const [a, b] = ctx.savedTensors as [torch.Tensor, torch.Tensor];
    return [g.mm(b.t()), a.t().mm(g), null];
  }, { deviceType: "cpu" });
}

class AutocastMatmul extends torch.autograd.Function {
  static override forward = customFwd({ deviceType: "cpu" })((ctx: Ctx, a: torch.Tensor, b: torch.Tensor) => {
    seen.fwdAutocast = torch.isAutocastEnabled("cpu");
    ctx.saveForBackward(a, b);
    return a.mm(b);
  });
  static override backward = customBwd({ deviceType: "cpu" })((ctx: Ctx, g: torch.Tensor) => {
    seen.bwdAutocast = torch.isAutocastEnabled("cpu");
    const [a, b] = ctx.savedTensors as [torch.Tensor, torch.Tensor];
    const ga = g.mm(b.t());
    seen.bwdGradDtype = ga.dtype;
    return [ga, a.t().mm(g)];
  });
}

describe("torch.amp.customFwd / customBwd", () => {
  test("castInputs: float inputs cast (float64 kept), forward and backward with autocast off", () => {
    const a = torch.randn(2, 3, { dtype: torch.bfloat16, requiresGrad: true });
    const b = torch.randn(3, 2, { requiresGrad: true });
    const scale = torch.ones(1, { dtype: torch.float64 });
    const out = torch.autocast("cpu", () => CastMatmul.apply(a, b, scale)) as torch.Tensor;
    assert.equal(seen.fwdAutocast, false);
    assert.deepEqual(seen.fwdDtypes, [torch.float32, torch.float32, torch.float64]);
    assert.equal(out.dtype, torch.float32);
    out.sum().backward();
    assert.equal(seen.bwdAutocast, false);
    assert.equal(a.grad!.dtype, torch.bfloat16);
    // Outside autocast nothing is cast.
    CastMatmul.apply(a.detach(), b.detach().bfloat16(), scale);
    assert.deepEqual(seen.fwdDtypes, [torch.bfloat16, torch.bfloat16, torch.float64]);
  });

  test("without castInputs: forward under the caller's autocast, backward under the same", () => {
    const a = torch.randn(2, 3, { requiresGrad: true }), b = torch.randn(3, 2, { requiresGrad: true });
    const out = torch.autocast("cpu", () => AutocastMatmul.apply(a, b)) as torch.Tensor;
    assert.equal(seen.fwdAutocast, true);
    assert.equal(out.dtype, torch.bfloat16);
    out.float().sum().backward();
    assert.equal(seen.bwdAutocast, true);
    assert.equal(seen.bwdGradDtype, torch.bfloat16, "mm in backward is autocast to bfloat16");
    const plain = AutocastMatmul.apply(a, b) as torch.Tensor;
    assert.equal(plain.dtype, torch.float32);
    plain.sum().backward();
    assert.equal(seen.bwdAutocast, false);
  });

  test("errors", () => {
    assert.throws(() => customFwd(((ctx: Ctx) => ctx) as never, {} as never), /Expected `device_type` of type `str`, got: `NoneType`/);
    assert.throws(() => customBwd({ deviceType: 3 } as never), /Expected `device_type` of type `str`, got: `number`/);
    const fwd = customFwd((_ctx: Ctx, x: torch.Tensor) => x, { deviceType: "cuda" });
    assert.throws(() => fwd(new torch.autograd.FunctionCtx(), torch.ones(1)), /unsupported autocast device_type 'cuda'/);
    const bwd = customBwd((_ctx: Ctx, g: torch.Tensor) => g, { deviceType: "cpu" });
    assert.throws(() => bwd(new torch.autograd.FunctionCtx(), torch.ones(1)), /forward was not wrapped by custom_fwd/);
  });
});

describe("autograd.Function: the engine's checks of what backward returns", () => {
  test("a broadcast gradient is summed to the input's shape, another dtype cast to the input's", () => {
    class Broadcasting extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: torch.Tensor): torch.Tensor { return x.mul(2); }
      static override backward(_ctx: Ctx, g: torch.Tensor): torch.Tensor { return g.expand(3, 2).double(); }
    }
    const x = torch.ones(2, { dtype: torch.bfloat16, requiresGrad: true });
    (Broadcasting.apply(x) as torch.Tensor).sum().backward();
    assert.equal(x.grad!.dtype, torch.bfloat16);
    assert.deepEqual(x.grad!.tolist(), [3, 3]);
  });

  test("any other shape is PyTorch's error", () => {
    class Wrong extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: torch.Tensor): torch.Tensor { return x.mul(2); }
      static override backward(_ctx: Ctx, _g: torch.Tensor): torch.Tensor { return torch.ones(1); }
    }
    const x = torch.ones(2, { requiresGrad: true });
    assert.throws(() => (Wrong.apply(x) as torch.Tensor).sum().backward(),
      /Function WrongBackward returned an invalid gradient at index 0 - got \[1\] but expected shape compatible with \[2\]/);
  });
});
