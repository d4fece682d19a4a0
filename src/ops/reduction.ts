// Reductions: sum, mean (the template for the others).

import { isNested } from "../core/nested-kind.js";
import { nestedSum } from "./nested-ops.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, int64, toDType } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { forwardGrads } from "../autograd/forward-grad.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, installMethods, type Method, checkDims, isOptionsObject, rebind, type Rebound } from "./args.js";
import { expandReducedGrad, planReduce, reduceBig, reduceFast, sumInt64InDoubles, sumSmallInts } from "./reduce-engine.js";
import { emptyTensor } from "./engine.js";
import { castTo } from "./conversion.js";
import { deviceOp, onDevice } from "./device-hooks.js";

import { hasOut, withOut, type OutOption } from "./out.js";
import { kernelTypeName, requireTensor } from "./pointwise-util.js";
import { complexSumMean } from "./complex-reduce.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedSum } from "./sparse-compressed-reduce.js";
import { isQuantizedTensor } from "./quantized-engine.js";
import { quantizedMean } from "./quantized-pool.js";
import { isNamed, namedRefusal } from "./named-engine.js";
import { namedReduction, reducesByName } from "./named-rules.js";
import { anyBatched, batching, isBatched } from "../func/batched-tensor.js";
import { reduceRule } from "../func/batching-rules.js";
/** Dims to reduce: indices, or names of a named tensor's dims. */
export type Dims = number | string | (number | string)[] | null;

interface SumOptions { dim?: Dims; keepdim?: boolean; dtype?: DTypeLike | null }

function sumKernel(d: ArrayLike<number>, s: number, n: number): number {
  let acc = 0;
  for (let i = s; i < s + n; i++) acc += d[i]!;
  return acc;
}

/** torch.sum(input, dim?, keepdim?, { dtype }): integer inputs sum to int64. */
export function sum(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], SumOptions & OutOption>): Tensor;
export function sum<A extends Rebound<[input: Tensor], ["input"], SumOptions & OutOption>>(...args: A): Tensor;
export function sum(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], SumOptions & OutOption>): Tensor {
  if (autocasting.on && autocasts("sum", arguments)) return runAutocast(sum, arguments);
  if (arguments.length <= 1 && isOptionsObject(input)) return rebind(sum, "sum", arguments, ["input", "dim", "keepdim"], 1, ["dtype", "out"]);
  if (hasOut(args)) return withOut("sum", args, (rest) => sum(input, ...(rest as [])), "cast", true, [input]);
  if (!(input instanceof Tensor)) requireTensor("sum", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("sum", input, args, ["dim", "keepdim"], ["dtype"], (o) => sum(input, o));
  const a = bindArgs("sum", args, ["dim", "keepdim"], ["dtype"], 1);
  const dims = checkDims("sum", "dim", a.dim);
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  if (batching.on && isBatched(input)) return reduceRule(input, dims, (p, pd) => sum(p, pd, keepdim, a.dtype == null ? {} : { dtype: a.dtype as DTypeLike }));
  if (isNested(input)) return nestedSum(input, dims, keepdim);
  let x = input;
  let outDtype: DType = input.dtype.isFloatingPoint ? input.dtype : int64;
  if (a.dtype !== undefined && a.dtype !== null) { outDtype = toDType(a.dtype as DTypeLike); x = castTo(input, outDtype); }
  if (isCompressed(x)) return compressedSum(x, dims, keepdim);
  if (x.dtype.isComplex) return complexSumMean("sum", x, dims, keepdim);
  const plan = planReduce("sum", x, dims, keepdim);
  const out = onDevice(x) ? deviceOp("reduce", "sum")("sum", x, plan.dims, keepdim, outDtype)
    : outDtype === int64 && !x.dtype.isFloatingPoint
    ? sumSmallInts(x, plan, emptyTensor(plan.outShape, int64)) ?? sumInt64InDoubles(x, plan, emptyTensor(plan.outShape, int64))
      ?? reduceBig(x, plan, (v) => v.reduce((p, c) => p + c, 0n), emptyTensor(plan.outShape, int64))
    : reduceFast("sum", x, plan, outDtype, sumKernel);
  const inShape = x.shape;
  // Linear: the tangent is the sum of the tangent (no double vjp, which nested forward levels repeat).
  const r = record("SumBackward" + (dims === null ? "0" : "1"), [x], out, ([g]) => [expandReducedGrad(g!, inShape, plan.dims, keepdim)], [],
    forwardGrads.on ? ([t]) => [sum(t!, plan.dims, keepdim)] : undefined);
  if (tracing.on) traceOp("sum", [x], r, { dims: plan.dims, keepdim });
  return r;
}

export function nansum(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], SumOptions & OutOption>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("nansum", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("nansum");
  if (hasOut(args)) return withOut("nansum", args, (rest) => nansum(input, ...(rest as [])), "cast", true, [input]);
  if (input.dtype.isComplex) throw new Error("nansum does not support complex inputs");
  if (!input.dtype.isFloatingPoint) return sum(input, ...args);
  return sum(input.where(input.isnan().logicalNot(), 0), ...args);
}

/** torch.mean: floating inputs only (PyTorch's rule), or with dtype. */
export function mean(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], SumOptions & OutOption>): Tensor {
  if (hasOut(args)) return withOut("mean", args, (rest) => mean(input, ...(rest as [])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("mean", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("mean", input, args, ["dim", "keepdim"], ["dtype"], (o) => mean(input, o));
  const a = bindArgs("mean", args, ["dim", "keepdim"], ["dtype"], 1);
  if (batching.on && isBatched(input)) return reduceRule(input, checkDims("mean", "dim", a.dim), (p, pd) => mean(p, pd, (a.keepdim as boolean | undefined) ?? false, a.dtype == null ? {} : { dtype: a.dtype as DTypeLike }));
  if (isQuantizedTensor(input)) return quantizedMean(input, checkDims("mean", "dim", a.dim), (a.keepdim as boolean | undefined) ?? false);
  let x = input;
  if (a.dtype !== undefined && a.dtype !== null) x = castTo(input, toDType(a.dtype as DTypeLike));
  if (x.dtype.isComplex) return complexSumMean("mean", x, checkDims("mean", "dim", a.dim), (a.keepdim as boolean | undefined) ?? false);
  if (!x.dtype.isFloatingPoint) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${kernelTypeName(x.dtype)}`);
  }
  const dims = checkDims("mean", "dim", a.dim);
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  const plan = planReduce("mean", x, dims, keepdim);
  const n = plan.inner;
  const out = onDevice(x) ? deviceOp("reduce", "mean")("mean", x, plan.dims, keepdim, x.dtype)
    : reduceFast("mean", x, plan, x.dtype, (d, s, len) => sumKernel(d, s, len) / len);
  const inShape = x.shape;
  const r = record("MeanBackward" + (dims === null ? "0" : "1"), [x], out, ([g]) => [expandReducedGrad(g!, inShape, plan.dims, keepdim).div(n)], [],
    forwardGrads.on ? ([t]) => [mean(t!, plan.dims, keepdim)] : undefined);
  if (tracing.on) traceOp("mean", [x], r, { dims: plan.dims, keepdim });
  return r;
}

/** Tensor.sum_to_size: sums broadcast dims so the result has `size`. */
export function sumToSize(input: Tensor, ...size: (number | number[])[]): Tensor {
  const shape = (size.length === 1 && Array.isArray(size[0]) ? size[0] : size) as number[];
  const lead = input.dim() - shape.length;
  if (lead < 0) throw new Error(`size {${shape.join(", ")}} is not expandable to size {${input.shape.join(", ")}}.`);
  const dims: number[] = [];
  input.shape.forEach((s, i) => {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && s !== 1) dims.push(i);
    else if (shape[i - lead] !== s) throw new Error(`size {${shape.join(", ")}} is not expandable to size {${input.shape.join(", ")}}.`);
  });
  let r = dims.length ? sum(input, dims, true) : input;
  if (lead > 0) r = r.reshape(shape);
  return r;
}


declare module "../core/tensor.js" {
  interface Tensor {
    sum: Method<typeof sum>;
    nansum: Method<typeof nansum>;
    mean: Method<typeof mean>;
    sumToSize: Method<typeof sumToSize>;
  }
}

installMethods({ sum, nansum, mean, sumToSize });
