// torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp, as PyTorch's
// torch/autograd/functional.py computes them with autograd.grad. Tuples are arrays; a Tensor given
// (or returned) where a tuple may be stays unwrapped in the results, as in PyTorch. jvp and hvp use
// the double-backward trick, as PyTorch does. jacobian's strategy "forward-mode" (and hessian's
// outer_jacobian_strategy) runs func on dual tensors (forwardAd), one pass per input element, where
// PyTorch vmaps the same passes. vectorize=true computes row by row (or pass by pass) as
// vectorize=false does: the results are identical, only slower than PyTorch's.

import { Tensor } from "../core/tensor.js";
import { grad as autogradGrad } from "./engine.js";
import { enableGrad } from "./grad-mode.js";
import { type Args, bindArgs } from "../ops/args.js";
import { stack } from "../ops/shape-join.js";
import { zerosLike } from "../ops/creation.js";
import { pythonType } from "../func/pytree.js";
import { detachKeepingTangent } from "./forward-grad.js";
import { dualLevel, makeDual, unpackDual } from "./forward-ad.js";

export type TensorOrTensors = Tensor | Tensor[];
/** A function of Tensors, as the functional API calls it: func(...inputs). */
export type TensorFunction = (...inputs: Tensor[]) => TensorOrTensors;
/** jacobian and hessian results: Tensor, a tuple per input or per output, or a tuple of tuples. */
export type NestedTensors = Tensor | Tensor[] | Tensor[][];

export interface ProductOptions { v?: TensorOrTensors | null; createGraph?: boolean; strict?: boolean }
export interface JacobianOptions { createGraph?: boolean; strict?: boolean; vectorize?: boolean; strategy?: Strategy }
export interface HessianOptions { createGraph?: boolean; strict?: boolean; vectorize?: boolean; outerJacobianStrategy?: Strategy }
export type Strategy = "reverse-mode" | "forward-mode";

type Stage = "back" | "back_trick" | "double_back" | "double_back_trick";
type GradCheckKind = "outputs" | "grad_inputs" | "jacobian" | "hessian";

/** _as_tuple: whether inp was a tuple, and the tensors. */
function asTuple(inp: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(inp);
  const items: unknown[] = isTuple ? inp : [inp];
  items.forEach((el, i) => {
    if (el instanceof Tensor) return;
    throw new TypeError(isTuple
      ? `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the value at index ${i} has type ${pythonType(el)}.`
      : `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the given ${argName} has type ${pythonType(el)}.`);
  });
  return [isTuple, items as Tensor[]];
}

/** Undoes asTuple (one flag) or the nesting of two asTuple calls (outputs, inputs). */
function tuplePostprocess(res: Tensor[] | Tensor[][], toUnpack: boolean | [boolean, boolean]): NestedTensors {
  if (typeof toUnpack === "boolean") return toUnpack ? res : res[0]!;
  let r: Tensor[] | Tensor[][] = res;
  if (!toUnpack[1]) r = (r as Tensor[][]).map((el) => el[0]!);
  return toUnpack[0] ? r : r[0]!;
}

/**
 * New tensor objects for the inputs (so that the function's own captures of the same tensors are
 * told apart): differentiable views when building a graph through them, detached leaves otherwise.
 */
function gradPreprocess(inputs: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((inp) => {
    if (createGraph && inp.requiresGrad) return inp._sparse ? inp.clone() : inp.viewAs(inp);
    return detachKeepingTangent(inp).requiresGrad_(needGraph);
  });
}

function gradPostprocess<T extends Tensor[] | Tensor[][]>(inputs: T, createGraph: boolean): T {
  if (createGraph) return inputs;
  return inputs.map((el) => (el instanceof Tensor ? detachKeepingTangent(el) : el.map(detachKeepingTangent))) as T;
}

const torchSize = (t: Tensor): string => `torch.Size([${t.shape.join(", ")}])`;

function validateV(v: Tensor[], other: Tensor[], isOtherTuple: boolean): void {
  if (other.length !== v.length) {
    if (isOtherTuple) throw new Error(`v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`);
    throw new Error("The given v should contain a single Tensor.");
  }
  v.forEach((el, idx) => {
    const o = other[idx]!;
    if (el.shape.join() !== o.shape.join()) {
      throw new Error(`${isOtherTuple ? `Entry ${idx} in ` : ""}v has invalid size: should be ${torchSize(o)} but got ${torchSize(el)}.`);
    }
  });
}

function checkRequiresGrad(inputs: readonly (Tensor | null)[], kind: GradCheckKind, strict: boolean): void {
  if (!strict) return;
  inputs.forEach((inp, i) => {
    if (inp === null) throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (inp.requiresGrad) return;
    switch (kind) {
      case "hessian":
        throw new Error(`The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`);
      case "jacobian":
        throw new Error(`While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`);
      case "grad_inputs":
        throw new Error(`The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`);
      default:
        throw new Error(`Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`);
    }
  });
}

/** autograd.grad that skips outputs that are null or do not require grad (null for every input if none is left). */
function gradOfDifferentiable(outputs: readonly (Tensor | null)[], inputs: Tensor[], gradOutputs: readonly (Tensor | null)[] | null, createGraph: boolean, retainGraph?: boolean): (Tensor | null)[] {
  const outs: Tensor[] = [];
  const gos: (Tensor | null)[] = [];
  outputs.forEach((out, i) => {
    if (out !== null && out.requiresGrad) { outs.push(out); gos.push(gradOutputs?.[i] ?? null); }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return autogradGrad(outs, inputs, { gradOutputs: gos, allowUnused: true, createGraph, retainGraph });
}

function fillInZeros(grads: readonly (Tensor | null)[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        if (stage === "back") throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
        if (stage === "back_trick") throw new Error(`The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`);
        if (stage === "double_back") throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
        throw new Error(`The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`);
      }
      return zerosLike(refs[i]!);
    }
    if (strict && createGraph && !g.requiresGrad) {
      if (!stage.includes("double")) throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
      throw new Error(`The hessian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** PyTorch runs the products' backward with grad enabled when building a graph, else in the caller's mode. */
function inBackwardMode<T>(createGraph: boolean, fn: () => T): T {
  return createGraph ? enableGrad(fn) : fn();
}

function productArgs(op: string, args: readonly unknown[]): { v: TensorOrTensors | null; createGraph: boolean; strict: boolean } {
  const a = bindArgs(op, args, ["v", "createGraph", "strict"]);
  return { v: (a.v as TensorOrTensors | null | undefined) ?? null, createGraph: (a.createGraph as boolean | undefined) ?? false, strict: (a.strict as boolean | undefined) ?? false };
}

/** The v of vjp/jvp/vhp/hvp: checked against `other`, detached unless it carries a graph to keep. */
function prepareV(op: string, v: TensorOrTensors, other: Tensor[], isOtherTuple: boolean, createGraph: boolean): Tensor[] {
  const [, vs] = asTuple(v, "v", op);
  const prepared = gradPreprocess(vs, createGraph, false);
  validateV(prepared, other, isOtherTuple);
  return prepared;
}

/**
 * torch.autograd.functional.vjp(func, inputs, v=None, create_graph=False, strict=False):
 * [func(*inputs), v^T J], each shaped as PyTorch returns them (a Tensor or an array).
 */
export function vjp(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[v?: TensorOrTensors | null, createGraph?: boolean, strict?: boolean], ProductOptions>): [TensorOrTensors, TensorOrTensors] {
  const { v, createGraph, strict } = productArgs("vjp", args);
  const [isInputsTuple, ins, isOutputsTuple, outs, vs] = enableGrad(() => {
    const [isIn, raw] = asTuple(inputs, "inputs", "vjp");
    const inp = gradPreprocess(raw, createGraph, true);
    const [isOut, out] = asTuple(func(...inp), "outputs of the user-provided function", "vjp");
    checkRequiresGrad(out, "outputs", strict);
    let vv: Tensor[] | null = null;
    if (v !== null) vv = prepareV("vjp", v, out, isOut, createGraph);
    else if (out.length !== 1 || out[0]!.numel() !== 1) {
      throw new Error("The vector v can only be None if the user-provided function returns a single Tensor with a single element.");
    }
    return [isIn, inp, isOut, out, vv] as const;
  });
  const res = inBackwardMode(createGraph, () => fillInZeros(gradOfDifferentiable(outs, ins, vs, createGraph), ins, strict, createGraph, "back"));
  return [tuplePostprocess(gradPostprocess(outs, createGraph), isOutputsTuple) as TensorOrTensors, tuplePostprocess(gradPostprocess(res, createGraph), isInputsTuple) as TensorOrTensors];
}

/**
 * torch.autograd.functional.jvp(func, inputs, v=None, create_graph=False, strict=False):
 * [func(*inputs), J v], computed with the double-backward trick as PyTorch does.
 */
export function jvp(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[v?: TensorOrTensors | null, createGraph?: boolean, strict?: boolean], ProductOptions>): [TensorOrTensors, TensorOrTensors] {
  const { v, createGraph, strict } = productArgs("jvp", args);
  const [isOutputsTuple, outs, gradOutputs, gradInputs, vs] = enableGrad(() => {
    const [isIn, raw] = asTuple(inputs, "inputs", "jvp");
    const inp = gradPreprocess(raw, createGraph, true);
    let vv: Tensor[] | null = null;
    if (v !== null) vv = prepareV("jvp", v, inp, isIn, createGraph);
    else if (inp.length !== 1 || inp[0]!.numel() !== 1) {
      throw new Error("The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.");
    }
    const [isOut, out] = asTuple(func(...inp), "outputs of the user-provided function", "jvp");
    checkRequiresGrad(out, "outputs", strict);
    const gos = out.map((o) => zerosLike(o, { requiresGrad: true }));
    const gis = gradOfDifferentiable(out, inp, gos, true);
    checkRequiresGrad(gis, "grad_inputs", strict);
    return [isOut, out, gos, gis, vv] as const;
  });
  const res = inBackwardMode(createGraph, () => fillInZeros(gradOfDifferentiable(gradInputs, gradOutputs, vs, createGraph), outs, strict, createGraph, "back_trick"));
  return [tuplePostprocess(gradPostprocess(outs, createGraph), isOutputsTuple) as TensorOrTensors, tuplePostprocess(gradPostprocess(res, createGraph), isOutputsTuple) as TensorOrTensors];
}

function checkStrategy(strategy: unknown, hint: boolean): asserts strategy is Strategy {
  if (strategy !== "forward-mode" && strategy !== "reverse-mode") {
    throw new Error(hint
      ? 'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".'
      : 'Expected strategy to be either "forward-mode" or "reverse-mode".');
  }
}

/**
 * jacobian with strategy="forward-mode" (PyTorch's _jacfwd): PyTorch's refusals, then one
 * forward-mode pass per input element, its tangents the basis vector of that element; an output
 * without a tangent depends on no input (zeros).
 */
function forwardModeJacobian(func: TensorFunction, inputs: TensorOrTensors, createGraph: boolean, strict: boolean, vectorize: boolean): NestedTensors {
  if (createGraph) throw new Error('torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.');
  if (strict) throw new Error('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.');
  const [isInputsTuple, ins] = asTuple(inputs, "inputs", "jacobian");
  if (!vectorize) throw new Error("Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for `vectorize=True`.");
  const numels = ins.map((t) => t.numel());
  const total = numels.reduce((a, b) => a + b, 0);
  let isOutputsTuple = false;
  let outs: Tensor[] = [];
  const columns: Tensor[][] = [];
  for (let j = 0; j < Math.max(total, 1); j++) {
    let start = 0;
    const tangents = ins.map((inp, i) => {
      const tg = zerosLike(inp);
      if (j >= start && j < start + numels[i]!) tg.view(-1).select(0, j - start).fill_(1);
      start += numels[i]!;
      return tg;
    });
    dualLevel(() => {
      const [isOut, dualOuts] = asTuple(func(...ins.map((inp, i) => makeDual(inp, tangents[i]!))), "outputs", "jacobian");
      isOutputsTuple = isOut;
      const unpacked = dualOuts.map((o) => unpackDual(o));
      outs = unpacked.map((u) => u.primal);
      columns.push(unpacked.map((u) => u.tangent ?? zerosLike(u.primal)));
    });
  }
  const jac = outs.map((out, k) => {
    let start = 0;
    return ins.map((inp, i) => {
      const cols = columns.slice(start, start + numels[i]!).map((c) => c[k]!);
      start += numels[i]!;
      return cols.length === 0 || total === 0 ? out.newZeros([...out.shape, ...inp.shape]) : stack(cols, -1).view([...out.shape, ...inp.shape]);
    });
  });
  return tuplePostprocess(jac, [isOutputsTuple, isInputsTuple]);
}

/**
 * torch.autograd.functional.jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
 * strategy="reverse-mode"): J[i][j] = d output_i / d input_j, shaped output_i.shape + input_j.shape.
 * vectorize=true gives the same values, computed row by row (torch-ts has no batched gradients);
 * "forward-mode" (vectorize=true, as PyTorch requires) runs func once per input element on duals.
 */
export function jacobian(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[createGraph?: boolean, strict?: boolean, vectorize?: boolean, strategy?: Strategy], JacobianOptions>): NestedTensors {
  const a = bindArgs("jacobian", args, ["createGraph", "strict", "vectorize", "strategy"]);
  const createGraph = (a.createGraph as boolean | undefined) ?? false, strict = (a.strict as boolean | undefined) ?? false;
  const vectorize = (a.vectorize as boolean | undefined) ?? false, strategy = a.strategy ?? "reverse-mode";
  checkStrategy(strategy, true);
  if (strategy === "forward-mode") return forwardModeJacobian(func, inputs, createGraph, strict, vectorize);
  return enableGrad(() => {
    const [isInputsTuple, raw] = asTuple(inputs, "inputs", "jacobian");
    const ins = gradPreprocess(raw, createGraph, true);
    const [isOutputsTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", "jacobian");
    checkRequiresGrad(outs, "outputs", strict);
    if (vectorize && strict) {
      throw new Error("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.");
    }
    const jac = outs.map((out, i) => {
      const rows: Tensor[][] = ins.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = gradOfDifferentiable([flat.select(0, j)], ins, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g !== null) {
            if (strict && createGraph && !g.requiresGrad) {
              throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
            }
            rows[k]!.push(g);
          } else {
            if (strict) throw new Error(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            rows[k]!.push(zerosLike(ins[k]!));
          }
        });
      }
      return rows.map((r, k) => stack(r, 0).view([...out.shape, ...ins[k]!.shape]));
    });
    return tuplePostprocess(gradPostprocess(jac, createGraph), [isOutputsTuple, isInputsTuple]);
  });
}

/**
 * torch.autograd.functional.hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
 * outer_jacobian_strategy="reverse-mode"): the Jacobian of the Jacobian of a function with a
 * single-element output; H[i][j] shaped input_i.shape + input_j.shape. With "forward-mode" the
 * outer Jacobian is forward over the inner reverse one.
 */
export function hessian(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[createGraph?: boolean, strict?: boolean, vectorize?: boolean, outerJacobianStrategy?: Strategy], HessianOptions>): NestedTensors {
  const a = bindArgs("hessian", args, ["createGraph", "strict", "vectorize", "outerJacobianStrategy"]);
  const createGraph = (a.createGraph as boolean | undefined) ?? false, strict = (a.strict as boolean | undefined) ?? false;
  const vectorize = (a.vectorize as boolean | undefined) ?? false, strategy = a.outerJacobianStrategy ?? "reverse-mode";
  const [isInputsTuple, ins] = asTuple(inputs, "inputs", "hessian");
  checkStrategy(strategy, false);
  const singleOutput = (...inp: Tensor[]): Tensor => {
    const out = func(...inp);
    const [isOutTuple, tOut] = asTuple(out, "outputs of the user-provided function", "hessian");
    checkRequiresGrad(tOut, "outputs", strict);
    if (isOutTuple || !(out instanceof Tensor)) throw new Error("The function given to hessian should return a single Tensor");
    if (out.numel() !== 1) throw new Error("The Tensor returned by the function given to hessian should contain a single element");
    return out.squeeze();
  };
  const jacFunc = (...inp: Tensor[]): Tensor[] => {
    const jac = jacobian(singleOutput, inp, { createGraph: true }) as Tensor[];
    checkRequiresGrad(jac, "jacobian", strict);
    return jac;
  };
  const res = jacobian(jacFunc, ins, { createGraph, strict, vectorize, strategy }) as Tensor[][];
  return tuplePostprocess(res, [isInputsTuple, isInputsTuple]);
}

/** The single-Tensor, single-element output vhp and hvp need, and its gradient with a graph. */
function firstDerivative(op: "vhp" | "hvp", func: TensorFunction, ins: Tensor[], strict: boolean): [boolean, Tensor[], (Tensor | null)[]] {
  const [isOut, outs] = asTuple(func(...ins), "outputs of the user-provided function", op);
  checkRequiresGrad(outs, "outputs", strict);
  if (isOut) throw new Error(`The function given to ${op} should return a single Tensor`);
  if (outs[0]!.numel() !== 1) throw new Error(`The Tensor returned by the function given to ${op} should contain a single element`);
  const jac = gradOfDifferentiable(outs, ins, null, true);
  checkRequiresGrad(jac, "jacobian", strict);
  return [isOut, outs, jac];
}

function hessianProductInputs(op: "vhp" | "hvp", inputs: TensorOrTensors, v: TensorOrTensors | null, createGraph: boolean): [boolean, Tensor[], Tensor[] | null] {
  const [isIn, raw] = asTuple(inputs, "inputs", op);
  const ins = gradPreprocess(raw, createGraph, true);
  let vs: Tensor[] | null = null;
  if (v !== null) vs = prepareV(op, v, ins, isIn, createGraph);
  else if (ins.length !== 1 || ins[0]!.numel() !== 1) {
    throw new Error("The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.");
  }
  return [isIn, ins, vs];
}

/**
 * torch.autograd.functional.vhp(func, inputs, v=None, create_graph=False, strict=False):
 * [func(*inputs), v^T H] for a function with a single-element output.
 */
export function vhp(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[v?: TensorOrTensors | null, createGraph?: boolean, strict?: boolean], ProductOptions>): [TensorOrTensors, TensorOrTensors] {
  const { v, createGraph, strict } = productArgs("vhp", args);
  const [isInputsTuple, ins, vs, isOutputsTuple, outs, jac] = enableGrad(() => {
    const [isIn, inp, vv] = hessianProductInputs("vhp", inputs, v, createGraph);
    const [isOut, out, j] = firstDerivative("vhp", func, inp, strict);
    return [isIn, inp, vv, isOut, out, j] as const;
  });
  const res = inBackwardMode(createGraph, () => fillInZeros(gradOfDifferentiable(jac, ins, vs, createGraph), ins, strict, createGraph, "double_back"));
  return [tuplePostprocess(gradPostprocess(outs, createGraph), isOutputsTuple) as TensorOrTensors, tuplePostprocess(gradPostprocess(res, createGraph), isInputsTuple) as TensorOrTensors];
}

/**
 * torch.autograd.functional.hvp(func, inputs, v=None, create_graph=False, strict=False):
 * [func(*inputs), H v], with the double-backward trick as PyTorch computes it.
 */
export function hvp(func: TensorFunction, inputs: TensorOrTensors, ...args: Args<[v?: TensorOrTensors | null, createGraph?: boolean, strict?: boolean], ProductOptions>): [TensorOrTensors, TensorOrTensors] {
  const { v, createGraph, strict } = productArgs("hvp", args);
  const [isInputsTuple, ins, vs, isOutputsTuple, outs, gradJac, doubleBack] = enableGrad(() => {
    const [isIn, inp, vv] = hessianProductInputs("hvp", inputs, v, createGraph);
    const [isOut, out, jac] = firstDerivative("hvp", func, inp, strict);
    const gj = inp.map((t) => zerosLike(t, { requiresGrad: true }));
    const db = gradOfDifferentiable(jac, inp, gj, true);
    // PyTorch checks the first derivative again here (not the double backward).
    checkRequiresGrad(jac, "hessian", strict);
    return [isIn, inp, vv, isOut, out, gj, db] as const;
  });
  const res = inBackwardMode(createGraph, () => fillInZeros(gradOfDifferentiable(doubleBack, gradJac, vs, createGraph), ins, strict, createGraph, "double_back_trick"));
  return [tuplePostprocess(gradPostprocess(outs, createGraph), isOutputsTuple) as TensorOrTensors, tuplePostprocess(gradPostprocess(res, createGraph), isInputsTuple) as TensorOrTensors];
}
