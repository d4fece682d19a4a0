// gradcheck's forward-mode options (checkForwardAd, checkBackwardAd), as the forward-AD tutorial
// calls them, and gradgradcheck's random grad_outputs: drawn as PyTorch draws them, so the default
// generator's stream after a gradgradcheck is PyTorch's (test/fixtures/autograd-gradcheck-options.py).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/autograd-gradcheck-options.json", import.meta.url), "utf8")) as Record<string, unknown>;
type Ctx = torch.autograd.FunctionCtx;

class ExpJvpOnly extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: torch.Tensor): torch.Tensor {
    const result = torch.exp(x);
    ctx.result = result;
    return result;
  }
  static override jvp(ctx: Ctx, gI: torch.Tensor): torch.Tensor {
    return gI.mul(ctx.result as torch.Tensor);
  }
}

/** A jvp that is wrong off the diagonal: only a forward-mode check can see it (backward is right). */
class WrongJvp extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: torch.Tensor): torch.Tensor {
    ctx.saveForBackward(x);
    return x.cumsum(0);
  }
  static override backward(_ctx: Ctx, g: torch.Tensor): torch.Tensor {
    return g.flip(0).cumsum(0).flip(0);
  }
  static override jvp(_ctx: Ctx, t: torch.Tensor): torch.Tensor {
    return t.clone();
  }
}

const apply = (F: typeof torch.autograd.Function) => (x: torch.Tensor): torch.Tensor => F.apply(x) as torch.Tensor;

test("gradcheck(checkForwardAd, checkBackwardAd: false) checks a Function that has only jvp, as PyTorch's", () => {
  torch.manualSeed(0);
  const primal = torch.randn(3, 2, { dtype: torch.double, requiresGrad: true });
  const ok = torch.autograd.gradcheck(apply(ExpJvpOnly), [primal], { checkForwardAd: true, checkBackwardAd: false, checkUndefinedGrad: false });
  assert.equal(ok, ref.gradcheck_forward_only);
  // Without checkBackwardAd: false, the reverse-mode check needs the backward it lacks.
  assert.throws(() => torch.autograd.gradcheck(apply(ExpJvpOnly), [primal], { checkForwardAd: true }), /backward/);
});

test("gradcheck(checkForwardAd) finds a wrong jvp that the reverse-mode check passes", () => {
  const x = torch.tensor([0.5, -1, 2], { dtype: torch.double, requiresGrad: true });
  assert.equal(torch.autograd.gradcheck(apply(WrongJvp), [x]), true);
  assert.throws(() => torch.autograd.gradcheck(apply(WrongJvp), [x], { checkForwardAd: true }), /Jacobian computed with forward mode mismatch for output 0 with respect to input 0/);
  assert.equal(torch.autograd.gradcheck(apply(WrongJvp), [x], { checkForwardAd: true, raiseException: false }), false);
  assert.throws(() => torch.autograd.gradcheck(apply(WrongJvp), [x], { checkForwardAd: false, checkBackwardAd: false }), /at least one of check_forward_ad or check_backward_ad/);
});

test("gradgradcheck draws its grad_outputs from the default generator as PyTorch does: the draws after it are PyTorch's", () => {
  torch.manualSeed(0);
  const x = torch.rand(2, 3, { dtype: torch.double, requiresGrad: true });
  assert.equal(torch.autograd.gradgradcheck((x) => x.mul(x), x), ref.gradgradcheck_one_output);
  assert.deepEqual(torch.rand(4).tolist(), ref.rand_after_one_output);
  assert.equal(torch.autograd.gradgradcheck((x) => [x.sin(), x.sum().mul(x)], x), ref.gradgradcheck_two_outputs);
  assert.deepEqual(torch.rand(4).tolist(), ref.rand_after_two_outputs);
});

test("gradgradcheck takes gradOutputs, and then draws nothing", () => {
  torch.manualSeed(0);
  const x = torch.rand(2, 3, { dtype: torch.double, requiresGrad: true });
  const before = torch.getRngState();
  assert.equal(torch.autograd.gradgradcheck((x) => x.pow(3), x, { gradOutputs: torch.full([2, 3], 0.5, { dtype: torch.double, requiresGrad: true }) }), true);
  assert.deepEqual(torch.getRngState(), before);
});
