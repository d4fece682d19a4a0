// The tutorial "Forward-mode Automatic Differentiation" (pytorch/tutorials
// intermediate_source/forward_ad_usage.py), ported line by line to torch-ts. The PyTorch original
// as run here: examples/py/forward-mode-ad.py (same seed, same numbers).
//   npx tsx examples/forward-mode-ad.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const { nn } = torch;
const fwAD = torch.autograd.forwardAd;
const { functionalCall } = torch.func;
const ft = torch.func; // the tutorial's `import functorch as ft`: its jvp is torch.func.jvp

/**
 * functorch.make_functional_with_buffers(model): [func, params, buffers], func(params, buffers,
 * ...args) calling model with those tensors. torch.func (PyTorch 2) dropped make_functional for
 * functional_call, which torch-ts has; this is make_functional_with_buffers written over it.
 */
function makeFunctionalWithBuffers(model: torch.nn.Module): [(params: torch.Tensor[], buffers: torch.Tensor[], ...args: unknown[]) => torch.Tensor, torch.Tensor[], torch.Tensor[]] {
  const paramNames = [...model.namedParameters()].map(([k]) => k), bufferNames = [...model.namedBuffers()].map(([k]) => k);
  const func = (params: torch.Tensor[], buffers: torch.Tensor[], ...args: unknown[]): torch.Tensor => {
    const named = new Map<string, torch.Tensor>([...paramNames.map((k, i): [string, torch.Tensor] => [k, params[i]!]), ...bufferNames.map((k, i): [string, torch.Tensor] => [k, buffers[i]!])]);
    return functionalCall(model, named, args) as torch.Tensor;
  };
  return [func, [...model.parameters()], [...model.buffers()]];
}

export interface ForwardModeAdResult {
  basicJvp: number[][]; moduleJvp: number[][]; functionalCallDiff: number; customJvp: number[][]; gradcheck: boolean;
  ftPrimalOut: number[][]; ftTangentOut: number[][]; partialPrimalOut: number[][]; partialTangentOut: number[][];
  modelOutput: number[][]; modelJvpOut: number[][];
}

/** The tutorial's steps; returns each Jacobian-vector product it computes (nested arrays) and gradcheck's verdict. */
export function run({ seed = 0 }: { seed?: number } = {}): ForwardModeAdResult {
  torch.manualSeed(seed);

  // Basic Usage
  let primal = torch.randn(10, 10);
  let tangent = torch.randn(10, 10);

  function fn(x: torch.Tensor, y: torch.Tensor): torch.Tensor {
    return x.pow(2).add(y.pow(2));
  }

  let jvp!: torch.Tensor;
  let dualOutput!: torch.Tensor;
  fwAD.dualLevel(() => {
    // To create a dual tensor we associate a tensor, which we call the
    // primal with another tensor of the same size, which we call the tangent.
    const dualInput = fwAD.makeDual(primal, tangent);
    assert.ok(fwAD.unpackDual(dualInput).tangent === tangent);

    // To demonstrate the case where the copy of the tangent happens,
    // we pass in a tangent with a layout different from that of the primal
    const dualInputAlt = fwAD.makeDual(primal, tangent.T);
    assert.ok(fwAD.unpackDual(dualInputAlt).tangent !== tangent);

    // Tensors that do not have an associated tangent are automatically
    // considered to have a zero-filled tangent of the same shape.
    const plainTensor = torch.randn(10, 10);
    dualOutput = fn(dualInput, plainTensor);

    // Unpacking the dual returns a namedtuple with ``primal`` and ``tangent``
    // as attributes
    jvp = fwAD.unpackDual(dualOutput).tangent!;
  });

  assert.equal(fwAD.unpackDual(dualOutput).tangent, null);
  const basicJvp = jvp;

  // Usage with Modules
  let model = new nn.Linear(5, 5);
  let input = torch.randn(16, 5);

  const params = Object.fromEntries([...model.namedParameters()].map(([name, p]) => [name, p]));
  const tangents = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, torch.randLike(p)]));

  fwAD.dualLevel(() => {
    for (const [name, p] of Object.entries(params)) {
      Reflect.deleteProperty(model, name); // delattr(model, name)
      Reflect.set(model, name, fwAD.makeDual(p, tangents[name]!)); // setattr(model, name, ...)
    }

    const out = model.call(input);
    jvp = fwAD.unpackDual(out).tangent!;
  });
  const moduleJvp = jvp;

  // Using the functional Module API (beta)
  // We need a fresh module because the functional call requires the
  // the model to have parameters registered.
  model = new nn.Linear(5, 5);

  const dualParams: Record<string, torch.Tensor> = {};
  let jvp2!: torch.Tensor;
  fwAD.dualLevel(() => {
    for (const [name, p] of Object.entries(params)) {
      // Using the same ``tangents`` from the above section
      dualParams[name] = fwAD.makeDual(p, tangents[name]!);
    }
    const out = functionalCall(model, dualParams, input);
    jvp2 = fwAD.unpackDual(out).tangent!;
  });

  // Check our results
  assert.ok(torch.allclose(jvp, jvp2));
  const functionalCallDiff = Number(jvp.sub(jvp2).abs().max().item());

  // Custom autograd Function
  class Fn extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, foo: torch.Tensor): torch.Tensor {
      const result = torch.exp(foo);
      // Tensors stored in ctx can be used in the subsequent forward grad
      // computation.
      ctx.result = result;
      return result;
    }

    static override jvp(ctx: torch.autograd.FunctionCtx, gI: torch.Tensor): torch.Tensor {
      const gO = gI.mul(ctx.result as torch.Tensor);
      // If the tensor stored in ctx will not also be used in the backward pass,
      // one can manually free it using ``del``
      delete ctx.result;
      return gO;
    }
  }

  const fnApply = (foo: torch.Tensor): torch.Tensor => Fn.apply(foo) as torch.Tensor; // fn = Fn.apply

  primal = torch.randn(10, 10, { dtype: torch.double, requiresGrad: true });
  tangent = torch.randn(10, 10);

  fwAD.dualLevel(() => {
    const dualInput = fwAD.makeDual(primal, tangent);
    const dualOutput = fnApply(dualInput);
    jvp = fwAD.unpackDual(dualOutput).tangent!;
  });
  const customJvp = jvp;

  // It is important to use ``autograd.gradcheck`` to verify that your
  // custom autograd Function computes the gradients correctly.
  const gradcheck = torch.autograd.gradcheck(fnApply, [primal], {
    checkForwardAd: true, checkBackwardAd: false, checkUndefinedGrad: false, checkBatchedGrad: false,
  });

  // Functional API (beta)
  const primal0 = torch.randn(10, 10);
  const tangent0 = torch.randn(10, 10);
  const primal1 = torch.randn(10, 10);
  const tangent1 = torch.randn(10, 10);

  // Here is a basic example to compute the JVP of the above function.
  // The ``jvp(func, primals, tangents)`` returns ``func(*primals)`` as well as the
  // computed Jacobian-vector product (JVP). Each primal must be associated with a tangent of the same shape.
  let [primalOut, tangentOut] = ft.jvp(fn, [primal0, primal1], [tangent0, tangent1]);
  const ftPrimalOut = primalOut, ftTangentOut = tangentOut;

  // ``functorch.jvp`` requires every primal to be associated with a tangent.
  // If we only want to associate certain inputs to `fn` with tangents,
  // then we'll need to create a new function that captures inputs without tangents:
  primal = torch.randn(10, 10);
  tangent = torch.randn(10, 10);
  const y = torch.randn(10, 10);

  const newFn = (x: torch.Tensor): torch.Tensor => fn(x, y); // functools.partial(fn, y=y)
  [primalOut, tangentOut] = ft.jvp(newFn, [primal], [tangent]);

  // Using the functional API with Modules
  model = new nn.Linear(5, 5);
  input = torch.randn(16, 5);
  const tangentsTuple = [...model.parameters()].map((p) => torch.randLike(p));

  // Given a ``torch.nn.Module``, ``makeFunctionalWithBuffers`` extracts the state
  // (``params`` and buffers) and returns a functional version of the model that
  // can be invoked like a function.
  const [func, paramsTuple, buffers] = makeFunctionalWithBuffers(model);

  // Because ``jvp`` requires every input to be associated with a tangent, we need to
  // create a new function that, when given the parameters, produces the output
  function funcParamsOnly(params: torch.Tensor[]): torch.Tensor {
    return func(params, buffers, input);
  }

  const [modelOutput, jvpOut] = ft.jvp(funcParamsOnly, [paramsTuple], [tangentsTuple]);

  const l2 = (t: torch.Tensor): number[][] => t.tolist() as number[][];
  return {
    basicJvp: l2(basicJvp), moduleJvp: l2(moduleJvp), functionalCallDiff, customJvp: l2(customJvp), gradcheck,
    ftPrimalOut: l2(ftPrimalOut), ftTangentOut: l2(ftTangentOut), partialPrimalOut: l2(primalOut), partialTangentOut: l2(tangentOut),
    modelOutput: l2(modelOutput), modelJvpOut: l2(jvpOut),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = run();
  console.log("jvp_out[0]", r.modelJvpOut[0]);
}
