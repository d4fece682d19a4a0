// torch.autograd.Function with PyTorch 2.x's separate setupContext (forward(...args) without ctx,
// then setupContext(ctx, inputs, output)), as PyTorch 2.11 documents it. PyTorch 1.13 has no
// setup_context, so these tests check behaviour: gradients (analytic, and equal to the combined
// forward(ctx, ...) form), saveForBackward, needsInputGrad, markDirty, markNonDifferentiable, jvp
// through saveForForward, double backward and gradcheck.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";

type Tensor = torch.Tensor;
type Ctx = torch.autograd.FunctionCtx;
const f64 = { dtype: "float64" as const };
const fwAD = torch.autograd.forwardAd;

/** x³ with forward(x) and setupContext saving x; backward in differentiable ops (double backward). */
class Cube extends torch.autograd.Function {
  static seen: { forwardArgs: number; gradEnabled: boolean; inputs: unknown[]; output: unknown; needsInputGrad: boolean[] }[] = [];
  static override forward(...args: unknown[]): Tensor {
    Cube.seen.push({ forwardArgs: args.length, gradEnabled: torch.isGradEnabled(), inputs: [], output: null, needsInputGrad: [] });
    return (args[0] as Tensor).pow(3);
  }
  static override setupContext(ctx: Ctx, inputs: [Tensor], output: Tensor): void {
    Object.assign(Cube.seen[Cube.seen.length - 1]!, { inputs, output, needsInputGrad: [...ctx.needsInputGrad], gradEnabled: torch.isGradEnabled() });
    ctx.saveForBackward(inputs[0]);
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x!.pow(2)).mul(3);
  }
}

test("setupContext: forward gets the arguments alone; setupContext gets ctx, the inputs and the output, under no_grad", () => {
  Cube.seen = [];
  const x = torch.tensor([1, 2, -3], f64).requiresGrad_();
  const y = Cube.apply(x) as Tensor;
  const s = Cube.seen[0]!;
  assert.equal(s.forwardArgs, 1);
  assert.equal(s.gradEnabled, false);
  assert.equal(s.inputs[0], x);
  assert.deepEqual(s.needsInputGrad, [true]);
  assert.deepEqual((s.output as Tensor).tolist(), [1, 8, -27]);
  assert.equal(y.gradFn!.name(), "CubeBackward");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 12, 27]);
  assert.ok(torch.autograd.gradcheck((a) => Cube.apply(a) as Tensor, [torch.randn(4, f64).requiresGrad_()]));
});

test("setupContext: saved tensors give double backward (d²x³/dx² = 6x)", () => {
  const x = torch.tensor([0.5, -2], f64).requiresGrad_();
  const [g] = torch.autograd.grad([(Cube.apply(x) as Tensor).sum()], [x], { createGraph: true });
  assert.deepEqual(g!.tolist(), [0.75, 12]);
  g!.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, -12]);
});

/** k·x·y and x + 1 from forward(x, y, k); the combined form below computes the same. */
class ScaleMul extends torch.autograd.Function {
  static override forward(x: Tensor, y: Tensor, k: number): Tensor[] { return [x.mul(y).mul(k), x.add(1)]; }
  static override setupContext(ctx: Ctx, [x, y, k]: [Tensor, Tensor, number], output: Tensor[]): void {
    assert.equal(output.length, 2);
    ctx.saveForBackward(x, y);
    ctx.saveForForward(x, y);
    ctx.k = k;
  }
  static override backward(ctx: Ctx, g0: Tensor, g1: Tensor): (Tensor | null)[] {
    const [x, y] = ctx.savedTensors as [Tensor, Tensor];
    const k = ctx.k as number;
    return [ctx.needsInputGrad[0] ? g0.mul(y).mul(k).add(g1) : null, ctx.needsInputGrad[1] ? g0.mul(x).mul(k) : null, null];
  }
  static override jvp(ctx: Ctx, tx: Tensor | null, ty: Tensor | null, tk: Tensor | null): Tensor[] {
    assert.equal(tk, null);
    const [x, y] = ctx.savedTensors as [Tensor, Tensor];
    const k = ctx.k as number;
    return [tx!.mul(y).mul(k).add(x.mul(ty!).mul(k)), tx!];
  }
}
class ScaleMulCombined extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor, y: Tensor, k: number): Tensor[] {
    ctx.saveForBackward(x, y);
    ctx.k = k;
    return [x.mul(y).mul(k), x.add(1)];
  }
  static override backward(ctx: Ctx, g0: Tensor, g1: Tensor): (Tensor | null)[] { return ScaleMul.backward(ctx, g0, g1); }
}

test("setupContext: several outputs and a non-tensor input; the combined form's gradients", () => {
  const grads = (Fn: typeof ScaleMul | typeof ScaleMulCombined): number[][] => {
    const x = torch.tensor([1, 2], f64).requiresGrad_(), y = torch.tensor([3, -1], f64).requiresGrad_();
    const [a, b] = Fn.apply(x, y, 2) as Tensor[];
    assert.deepEqual([a!.tolist(), b!.tolist()], [[6, -4], [2, 3]]);
    a!.mul(torch.tensor([1, 10], f64)).sum().add(b!.sum()).backward();
    return [x.grad!.tolist() as number[], y.grad!.tolist() as number[]];
  };
  assert.deepEqual(grads(ScaleMul), [[7, -19], [2, 40]]);
  assert.deepEqual(grads(ScaleMul), grads(ScaleMulCombined));
  // needsInputGrad, read in backward: y without requiresGrad gets no gradient.
  const x = torch.tensor([1, 2], f64).requiresGrad_(), y = torch.tensor([3, -1], f64);
  (ScaleMul.apply(x, y, 2) as Tensor[])[0]!.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [6, -2]);
  assert.ok(torch.autograd.gradcheck((p, q) => (ScaleMul.apply(p, q, 3) as Tensor[])[0]!, [torch.randn(3, f64).requiresGrad_(), torch.randn(3, f64).requiresGrad_()]));
});

test("setupContext: jvp reads what setupContext saved for forward", () => {
  fwAD.dualLevel(() => {
    const d = fwAD.makeDual(torch.tensor([1, 2], f64), torch.tensor([1, 0.5], f64));
    const [a, b] = ScaleMul.apply(d, torch.tensor([3, 4], f64), 3) as Tensor[];
    assert.deepEqual(fwAD.unpackDual(a!).tangent!.tolist(), [9, 6]);
    assert.deepEqual(fwAD.unpackDual(b!).tangent!.tolist(), [1, 0.5]);
  });
  // torch.func.jvp through the same Function.
  const [out, tangent] = torch.func.jvp((p: Tensor) => (ScaleMul.apply(p, torch.tensor([3, 4], f64), 3) as Tensor[])[0]!, [torch.tensor([1, 2], f64)], [torch.tensor([1, 0.5], f64)]);
  assert.deepEqual([out.tolist(), tangent.tolist()], [[9, 24], [9, 6]]);
});

/** In-place doubling, marked dirty in setupContext; the count of a mask, marked non-differentiable. */
class DoubleInPlace extends torch.autograd.Function {
  static override forward(x: Tensor): Tensor { return x.mul_(2); }
  static override setupContext(ctx: Ctx, inputs: [Tensor]): void { ctx.markDirty(inputs[0]); }
  static override backward(_ctx: Ctx, g: Tensor): Tensor { return g.mul(2); }
}
class WithMask extends torch.autograd.Function {
  static override forward(x: Tensor): Tensor[] { return [x.mul(3), x.gt(0).to("float64")]; }
  static override setupContext(ctx: Ctx, _inputs: [Tensor], output: Tensor[]): void { ctx.markNonDifferentiable(output[1]!); }
  static override backward(_ctx: Ctx, g: Tensor): Tensor { return g.mul(3); }
}

test("setupContext: markDirty and markNonDifferentiable", () => {
  const a = torch.tensor([1, -2], f64).requiresGrad_();
  const x = a.clone();
  const y = DoubleInPlace.apply(x) as Tensor;
  assert.equal(y, x);
  assert.deepEqual(x.tolist(), [2, -4]);
  assert.equal(x.gradFn!.name(), "DoubleInPlaceBackward");
  y.sum().backward();
  assert.deepEqual(a.grad!.tolist(), [2, 2]);
  const [m, mask] = WithMask.apply(torch.tensor([1, -2], f64).requiresGrad_()) as Tensor[];
  assert.equal(m!.requiresGrad, true);
  assert.equal(mask!.requiresGrad, false);
});

test("setupContext left to the base: forward takes ctx; calling the base's is PyTorch's error", () => {
  assert.throws(() => torch.autograd.Function.setupContext(new torch.autograd.FunctionCtx(), [], torch.zeros(1)), /^Error: setup_context is not implemented\.$/);
  class Twice extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor): Tensor { assert.ok(ctx instanceof torch.autograd.FunctionCtx); return x.mul(2); }
    static override backward(_ctx: Ctx, g: Tensor): Tensor { return g.mul(2); }
  }
  const x = torch.ones(2, f64).requiresGrad_();
  (Twice.apply(x) as Tensor).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [2, 2]);
});

test("backward gets one gradient per output: a non-differentiable one's is zeros, or null without materialized grads (PyTorch 1.13)", () => {
  const seen: (number[] | null)[][] = [];
  class MaskFirst extends torch.autograd.Function {
    static override forward(x: Tensor): Tensor[] { return [x.gt(0).to("float64"), x.mul(3)]; }
    static override setupContext(ctx: Ctx, inputs: [Tensor], output: Tensor[]): void {
      ctx.markNonDifferentiable(output[0]!);
      ctx.setMaterializeGrads(inputs[0].shape[0] !== 3);
    }
    static override backward(_ctx: Ctx, gMask: Tensor | null, g: Tensor): Tensor {
      seen.push([gMask === null ? null : (gMask.tolist() as number[]), g.tolist() as number[]]);
      return g.mul(3);
    }
  }
  const x = torch.tensor([1, -2], f64).requiresGrad_();
  (MaskFirst.apply(x) as Tensor[])[1]!.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 3]);
  const x3 = torch.tensor([1, -2, 4], f64).requiresGrad_();
  (MaskFirst.apply(x3) as Tensor[])[1]!.sum().backward();
  assert.deepEqual(seen, [[[0, 0], [1, 1]], [null, [1, 1, 1]]]);
});

test("an unused differentiable output's gradient is zeros, or null after setMaterializeGrads(false) (PyTorch 1.13)", () => {
  const seen: (number[] | null)[][] = [];
  const make = (materialize: boolean) => class Two extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor): Tensor[] { ctx.setMaterializeGrads(materialize); return [x.mul(2), x.mul(3)]; }
    static override backward(_ctx: Ctx, g1: Tensor | null, g2: Tensor | null): Tensor {
      seen.push([g1 === null ? null : (g1.tolist() as number[]), g2 === null ? null : (g2.tolist() as number[])]);
      return (g1 ?? torch.zeros(2, f64)).mul(2).add((g2 ?? torch.zeros(2, f64)).mul(3));
    }
  };
  for (const materialize of [true, false]) {
    const Two = make(materialize);
    const x = torch.ones(2, f64).requiresGrad_();
    (Two.apply(x) as Tensor[])[0]!.sum().backward();
    (Two.apply(x) as Tensor[])[1]!.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [5, 5]);
  }
  // 1.13: g2 None when only the first output is used, g1 None when only the second.
  assert.deepEqual(seen, [[[1, 1], [0, 0]], [[0, 0], [1, 1]], [[1, 1], null], [null, [1, 1]]]);
});
