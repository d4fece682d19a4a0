// Reductions beyond sum/mean: prod, max/min (+ dim forms), amax/amin, argmax/argmin, aminmax,
// var/std (+ _mean), logsumexp, norm, all/any, count_nonzero, nanmean, median, mode, kthvalue.

import { dimnameRefusal, hasDimname, isNamed, namedRefusal } from "./named-engine.js";
import { namedReduction, reducesByName } from "./named-rules.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DTypeLike, bool, complex32, int64, toDType, getDefaultDtype, scalarTypeName } from "../core/dtype.js";
import { kernelTypeName, notImplementedFor, requireTensor } from "./pointwise-util.js";
import { normalizeDim, numel } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkDims, installMethods, type Method, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { expandReducedGrad, planReduce, reduceBig, reduceWith, reducedLast, reducedLastExact, type ExactArray, type ReducePlan } from "./reduce-engine.js";
import { emptyTensor, writeNumbers, type NumArray } from "./engine.js";
import { castTo } from "./conversion.js";
import { pairOf, valuesIndices, type ValuesIndices, namedTuple } from "./named-tuple.js";
import type { Dims } from "./reduction.js";
import * as linalg from "./linalg.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { noGrad } from "../autograd/grad-mode.js";
import { kernels } from "../backends/kernels.js";
import * as native from "../backends/native/index.js";
import { tryNativeByteReduce } from "./native-masks.js";
import { tryNativeLogsumexp, tryNativeSelect } from "./native-index.js";
import { type KthPick, tryNativeKth } from "./native-kth.js";

import { complexProd, complexVar } from "./complex-reduce.js";
import { hasOut, withOut, type OutOption, type OutPairOption } from "./out.js";
import { nonzeroMask } from "./complex-parts.js";
import { rawPart } from "./complex-engine.js";
import { allowComplexHalf } from "../core/storage.js";
import { anyBatched, batching, isBatched } from "../func/batched-tensor.js";
import { argRule, dimTupleRule, reduceRule } from "../func/batching-rules.js";
/**
 * Large contiguous float tensors reduce faster as a few native passes (max, exp, sum...) than in
 * the JS loops below, which call Math.exp or square per element (1M elements: 18 ms vs ~1 ms).
 */
function nativePasses(x: Tensor): boolean {
  return kernels.backend === "native" && x.numel() >= 1 << 14 && x.isContiguous() && (x.dtype.name === "float32" || x.dtype.name === "float64");
}

/**
 * The 2-norm of a whole tensor that passes nativePasses: sqrt of the native sum of squares, the
 * bits of x.square().sum().sqrt() without the squared copy (1M floats: a 4 MB output less).
 */
function nativeNorm2All(x: Tensor, outShape: readonly number[]): Tensor {
  const out = emptyTensor(outShape, x.dtype);
  (out.storage.data as Float32Array | Float64Array)[out._offset] = Math.sqrt(native.sumSquares(x.storage.data as Float32Array | Float64Array, x.numel(), x._offset));
  return out;
}

interface DimKeep { dim?: Dims; keepdim?: boolean; dtype?: DTypeLike | null }

function dimKeep(op: string, args: readonly unknown[], kw: string[] = []): { dims: number[] | null; keepdim: boolean; o: Record<string, unknown> } {
  const o = bindArgs(op, args, ["dim", "keepdim"], kw, 1);
  return { dims: checkDims(op, "dim", o.dim), keepdim: (o.keepdim as boolean | undefined) ?? false, o };
}

function requireFloat(op: string, x: Tensor): void {
  if (!x.dtype.isFloatingPoint) {
    throw new Error(`${op}(): input dtype should be either floating point or complex dtypes. Got ${kernelTypeName(x.dtype)} instead.`);
  }
}

function nonEmpty(op: string, x: Tensor, dims: number[] | null): void {
  if (x.numel() === 0) {
    throw new Error(`${op}(): Expected reduction dim${dims ? ` ${dims[0]}` : ""} to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
}

// ---- prod -----------------------------------------------------------------------------------

function prodKernel(d: ArrayLike<number>, s: number, n: number): number {
  let acc = 1;
  for (let i = s; i < s + n; i++) acc *= d[i]!;
  return acc;
}

/** d prod / d x_i = product of the other elements, computed exactly even with zeros. */
function prodOthers(x: Tensor, dims: number[]): Tensor {
  const plan = planReduce("prod", x, dims, true);
  const data = reducedLast(x.detach(), plan.dims);
  const vals = new Float64Array(data.length);
  for (let o = 0; o < plan.outer; o++) {
    const s = o * plan.inner, n = plan.inner;
    let left = 1;
    for (let i = 0; i < n; i++) { vals[s + i] = left; left *= data[s + i]!; }
    let right = 1;
    for (let i = n - 1; i >= 0; i--) { vals[s + i]! *= right; right *= data[s + i]!; }
  }
  // vals is laid out with the reduced dims last: permute back.
  const kept = [...Array(x.dim()).keys()].filter((i) => !plan.dims.includes(i));
  const perm = [...kept, ...plan.dims];
  const permShape = perm.map((i) => x.shape[i]!);
  const t = emptyTensor(permShape, x.dtype);
  writeNumbers(t, vals);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return t.permute(inverse);
}

export function prod(input: Tensor, ...args: Args<[dim?: number | string, keepdim?: boolean], DimKeep & OutOption>): Tensor {
  if (autocasting.on && autocasts("prod", arguments)) return runAutocast(prod, arguments);
  if (hasOut(args)) return withOut("prod", args, (rest) => prod(input, ...(rest as [])), "cast", true, [input]);
  if (!(input instanceof Tensor)) requireTensor("prod", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("prod", input, args, ["dim", "keepdim"], ["dtype"], (o) => prod(input, o));
  const { dims, keepdim, o } = dimKeep("prod", args, ["dtype"]);
  if (dims && dims.length > 1) throw new Error("prod(): argument 'dim' must be int, not list");
  let x = input;
  let outDtype = input.dtype.isFloatingPoint ? input.dtype : int64;
  if (o.dtype !== undefined && o.dtype !== null) { outDtype = toDType(o.dtype as DTypeLike); x = castTo(input, outDtype); }
  if (x.dtype.isComplex) return complexProd(x, dims ? dims[0]! : null, keepdim);
  const plan = planReduce("prod", x, dims, keepdim);
  if (onDevice(x)) return deviceOp("prod", "prod")(x, plan.dims, keepdim, outDtype, dims === null);
  const out = outDtype === int64 && !x.dtype.isFloatingPoint
    ? reduceBig(x, plan, (v) => v.reduce((p, c) => p * c, 1n), emptyTensor(plan.outShape, int64))
    : reduceWith(x, plan, outDtype, prodKernel);
  const inShape = x.shape;
  record(dims === null ? "ProdBackward0" : "ProdBackward1", [x], out, ([g]) => {
    const ge = expandReducedGrad(g!, inShape, plan.dims, keepdim);
    // Without zeros the product rule is out / x (differentiable again); with zeros, exact others-product.
    const hasZero = x.eq(0).any().item() as boolean;
    if (!hasZero) return [ge.mul(expandReducedGrad(out, inShape, plan.dims, keepdim)).div(x)];
    return [ge.mul(prodOthers(x, plan.dims))];
  }, [x]);
  if (tracing.on) traceOp("prod", [x], out, { dims: plan.dims, keepdim });
  return out;
}

// ---- max / min / amax / amin / argmax / argmin ----------------------------------------------

type Pick = (d: ExactArray, s: number, n: number) => number;

/** Index (within the block) of the max, first occurrence; NaN wins (propagates) at its first index. */
const pickMax: Pick = (d, s, n) => {
  let best = 0, bv = d[s]!;
  if (bv !== bv) return 0;
  for (let i = 1; i < n; i++) {
    const v = d[s + i]!;
    if (v !== v) return i;
    if (v > bv) { bv = v; best = i; }
  }
  return best;
};
const pickMin: Pick = (d, s, n) => {
  let best = 0, bv = d[s]!;
  if (bv !== bv) return 0;
  for (let i = 1; i < n; i++) {
    const v = d[s + i]!;
    if (v !== v) return i;
    if (v < bv) { bv = v; best = i; }
  }
  return best;
};

/** The picked element of each reduced block: its value (int64 exact) and its index in the block. */
function pickAlong(x: Tensor, plan: ReducePlan, pick: Pick): { values: Tensor; idx: Float64Array } {
  const data = reducedLastExact(x.detach(), plan.dims);
  const n = numel(plan.outShape);
  const idx = new Float64Array(n), vals = data instanceof BigInt64Array ? new BigInt64Array(n) : new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const i = plan.inner ? pick(data, o * plan.inner, plan.inner) : 0;
    idx[o] = i;
    vals[o] = data[o * plan.inner + i]!;
  }
  const values = emptyTensor(plan.outShape, x.dtype);
  if (vals instanceof BigInt64Array) (values.storage.data as BigInt64Array).set(vals);
  else writeNumbers(values, vals);
  return { values, idx };
}

/** Values and int64 indices of a selecting reduction along one dim (or all, flattened). */
function selectAlong(op: string, x: Tensor, dim: number | null, keepdim: boolean, pick: Pick, kth?: KthPick): { values: Tensor; indices: Tensor; d: number | null } {
  if (onDevice(x)) return deviceOp("selectAlong", op)(op, x, dim, keepdim, pick === pickMax ? "max" : pick === pickMin ? "min" : null);
  const d = dim === null ? null : normalizeDim(dim, x.dim(), op);
  if (d !== null && x.dim() > 0 && x.shape[d] === 0) {
    throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  if (x.numel() === 0 && d === null) throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  const plan = planReduce(op, x, d === null ? null : [d], keepdim);
  const isMax = pick === pickMax ? true : pick === pickMin ? false : null;
  const fast = isMax === null ? (kth ? tryNativeKth(x, d, plan.outShape, kth) : null) : tryNativeSelect(x, d, plan.outShape, isMax);
  if (fast) return { ...fast, d };
  const { values, idx } = pickAlong(x, plan, pick);
  const indices = emptyTensor(plan.outShape, int64);
  writeNumbers(indices, idx);
  return { values, indices, d };
}

/** Gradient of value-selecting reductions: g placed at the selected index (scatter). */
function scatterToIndex(g: Tensor, indices: Tensor, inShape: number[], d: number, keepdim: boolean): Tensor {
  const gk = keepdim ? g : g.unsqueeze(d);
  const ik = keepdim ? indices : indices.unsqueeze(d);
  return g.newZeros(inShape).scatter(d, ik, gk);
}

/** Gradient of full max/min/amax/amin: shared evenly among the tied elements. */
function evenlyDistributed(g: Tensor, x: Tensor, value: Tensor, dims: number[], keepdim: boolean): Tensor {
  const v = expandReducedGrad(value, x.shape, dims, keepdim);
  const mask = x.eq(v).to(g.dtype);
  const count = mask.sum(dims, true);
  return expandReducedGrad(g, x.shape, dims, keepdim).mul(mask).div(count);
}

type MaxResult = Tensor | ValuesIndices;

function maxMin(op: "max" | "min", input: Tensor, args: unknown[]): MaxResult {
  checkTensor(op, "input", input);
  const first = args[0];
  if (first instanceof Tensor) {
    return op === "max" ? (input as unknown as { maximum(o: Tensor): Tensor }).maximum(first) : (input as unknown as { minimum(o: Tensor): Tensor }).minimum(first);
  }
  if (reducesByName(input, args)) return namedReduction(op, input, args, ["dim", "keepdim"], [], (o) => maxMin(op, input, [o]));
  const o = bindArgs(op, args, ["dim", "keepdim"], [], 1);
  const pick = op === "max" ? pickMax : pickMin;
  if (o.dim === undefined || o.dim === null) {
    if (input.numel() === 0) throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    const { values } = selectAlong(op, input, null, false, pick);
    const dims = [...Array(input.dim()).keys()];
    return record(op === "max" ? "MaxBackward1" : "MinBackward1", [input], values, ([g]) => [evenlyDistributed(g!, input, values, dims, false)], [input]);
  }
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  if (batching.on && isBatched(input)) return pairOf(dimTupleRule(input, o.dim as number, (p, pd) => maxMin(op, p, [pd, keepdim]) as ValuesIndices));
  const { values, indices, d } = selectAlong(op, input, o.dim as number, keepdim, pick);
  const inShape = input.shape;
  record(op === "max" ? "MaxBackward0" : "MinBackward0", [input], [values, indices], ([g]) => [scatterToIndex(g!, indices, inShape, d!, keepdim)], [input]);
  if (tracing.on) traceOp(`${op}_dim`, [input], [values, indices], { dim: d, keepdim });
  return valuesIndices(values, indices);
}

/** torch.max(input) → 0-d; max(input, dim, keepdim?) → (values, indices); max(input, other) → maximum. */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, other: Tensor): Tensor;
export function max(input: Tensor, ...args: Args<[dim: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices;
export function max(input: Tensor, ...args: unknown[]): MaxResult {
  if (hasOut(args)) return withOut("max", args, (rest) => max(input, ...(rest as [])), "same", false, [input]);
  if (batching.on && args.length === 0 && isBatched(input)) return reduceRule(input, null, (p, pd) => amax(p, pd));
  return maxMin("max", input, args);
}

export function min(input: Tensor): Tensor;
export function min(input: Tensor, other: Tensor): Tensor;
export function min(input: Tensor, ...args: Args<[dim: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices;
export function min(input: Tensor, ...args: unknown[]): MaxResult {
  if (hasOut(args)) return withOut("min", args, (rest) => min(input, ...(rest as [])), "same", false, [input]);
  if (batching.on && args.length === 0 && isBatched(input)) return reduceRule(input, null, (p, pd) => amin(p, pd));
  return maxMin("min", input, args);
}

function amaxAmin(op: "amax" | "amin", input: Tensor, args: unknown[]): Tensor {
  const { dims, keepdim } = dimKeep(op, args);
  if (batching.on && isBatched(input)) return reduceRule(input, dims, (p, pd) => amaxAmin(op, p, [pd, keepdim]));
  const plan = planReduce(op, input, dims, keepdim);
  if (input.numel() === 0) nonEmpty(op, input, dims);
  const pick = op === "amax" ? pickMax : pickMin;
  // One dim, or all of them, through the native selection (the value of the first of ties, as here).
  const whole = plan.dims.length === input.dim();
  const fast = onDevice(input) || (plan.dims.length !== 1 && !whole) || input.numel() === 0 ? null
    : tryNativeSelect(input, whole ? null : plan.dims[0]!, plan.outShape, op === "amax");
  const out = onDevice(input) ? deviceOp("reduce", op)(op === "amax" ? "max" : "min", input, plan.dims, keepdim, input.dtype)
    : fast?.values ?? (input.dtype === int64 ? pickAlong(input, plan, pick).values
      : reduceWith(input, plan, input.dtype, (d, s, n) => d[s + pick(d, s, n)]!));
  const r = record(op === "amax" ? "AmaxBackward0" : "AminBackward0", [input], out, ([g]) => [evenlyDistributed(g!, input, out, plan.dims, keepdim)], [input]);
  if (tracing.on) traceOp(op, [input], r, { dims: plan.dims, keepdim });
  return r;
}

export function amax(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("amax", args, (rest) => amax(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("amax", "input", 1, input);
  return amaxAmin("amax", input, args);
}
export function amin(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("amin", args, (rest) => amin(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("amin", "input", 1, input);
  return amaxAmin("amin", input, args);
}

export function aminmax(input: Tensor, options: { dim?: number | null; keepdim?: boolean } = {}): Tensor[] & { min: Tensor; max: Tensor } {
  const o = bindArgs("aminmax", [options], [], ["dim", "keepdim"]);
  const a = { dim: o.dim as number | undefined ?? null, keepdim: (o.keepdim as boolean | undefined) ?? false };
  return namedTuple(["min", "max"], [amin(input, a), amax(input, a)]);
}

function argPick(op: string, input: Tensor, args: unknown[], pick: Pick): Tensor {
  const o = bindArgs(op, args, ["dim", "keepdim"], [], 1);
  if (input.dtype === bool) throw notImplementedFor(`${op}_cpu`, bool);
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  if (batching.on && isBatched(input)) return argRule(input, o.dim as number | null | undefined, keepdim, (p, d, k) => argPick(op, p, [d, k], pick));
  let r: Tensor;
  if (o.dim === undefined || o.dim === null) {
    const { indices } = selectAlong(op, input.reshape(-1), 0, false, pick);
    r = keepdim ? indices.reshape(input.shape.map(() => 1)) : indices;
  } else {
    r = selectAlong(op, input, o.dim as number, keepdim, pick).indices;
  }
  if (tracing.on) traceOp(op, [input], r, { dim: o.dim ?? null, keepdim });
  return r;
}

export function argmax(input: Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], { dim?: number | null; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("argmax", args, (rest) => argmax(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("argmax", "input", 1, input);
  return argPick("argmax", input, args, pickMax);
}
export function argmin(input: Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], { dim?: number | null; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("argmin", args, (rest) => argmin(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("argmin", "input", 1, input);
  return argPick("argmin", input, args, pickMin);
}

// ---- var / std --------------------------------------------------------------------------------

interface VarOptions { dim?: Dims; correction?: number | null; unbiased?: boolean; keepdim?: boolean }

/** Binds var/std's forms: (x), (x, unbiased), (x, dim, unbiased?, keepdim?), (x, dim, { correction, keepdim }). */
/** var(input, unbiased) (the old overload): a leading boolean is unbiased, with no dim. */
function unbiasedFirst(args: unknown[]): unknown[] {
  return typeof args[0] === "boolean" ? [null, args[0], ...args.slice(1)] : args;
}

function varArgs(op: string, args: unknown[]): { dims: number[] | null; correction: number; keepdim: boolean } {
  const rest = unbiasedFirst(args);
  const o = bindArgs(op, rest, ["dim", "unbiased", "keepdim"], ["correction"]);
  if (o.unbiased !== undefined && o.correction !== undefined && o.correction !== null) {
    throw new Error(`${op}(): cannot specify both unbiased and correction`);
  }
  const correction = o.correction !== undefined && o.correction !== null ? (o.correction as number) : o.unbiased === false ? 0 : 1;
  return { dims: checkDims(op, "dim", o.dim), correction, keepdim: (o.keepdim as boolean | undefined) ?? false };
}

function varCore(op: string, input: Tensor, dims: number[] | null, correction: number, keepdim: boolean): { v: Tensor; mean: Tensor; n: number; plan: ReturnType<typeof planReduce> } {
  requireFloat(op, input);
  const plan = planReduce(op, input, dims, keepdim);
  const n = plan.inner;
  if (onDevice(input)) return { ...deviceOp("varMean", op)(input, plan.dims, keepdim, correction, n), n, plan };
  const means = reduceWith(input, plan, input.dtype, (d, s, len) => { let a = 0; for (let i = s; i < s + len; i++) a += d[i]!; return a / len; });
  const v = reduceWith(input, plan, input.dtype, (d, s, len) => {
    let m = 0;
    for (let i = s; i < s + len; i++) m += d[i]!;
    m /= len;
    let a = 0;
    for (let i = s; i < s + len; i++) { const e = d[i]! - m; a += e * e; }
    return a / Math.max(0, len - correction);
  });
  return { v, mean: means, n, plan };
}

/**
 * varCore of a complex input: the variances of the parts added (PyTorch's E|z - mean|^2, a real
 * tensor); var_ and std record it with their own gradients, which hold for complex inputs too.
 */
function complexVarCore(input: Tensor, dims: number[] | null, correction: number, keepdim: boolean): { v: Tensor; plan: ReturnType<typeof planReduce> } {
  const v = noGrad(() => complexVar(input.detach(), (part) => var_(part, { dim: dims, correction, keepdim })));
  return { v, plan: planReduce("var", input, dims, keepdim) };
}

export function var_(input: Tensor, ...args: Args<[dim?: Dims, unbiased?: boolean, keepdim?: boolean], VarOptions & OutOption>): Tensor {
  if (hasOut(args)) return withOut("var", args, (rest) => var_(input, ...(rest as [])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("var", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("var", input, unbiasedFirst(args), ["dim", "unbiased", "keepdim"], ["correction"], (o) => var_(input, o));
  // complex32 (PyTorch's CPU var takes it, giving float16): computed in complex64, rounded to float16.
  if (input.dtype === complex32) return var_(input.cfloat(), ...args).half();
  const { dims, correction, keepdim } = varArgs("var", args);
  if (batching.on && isBatched(input)) return reduceRule(input, dims, (p, pd) => var_(p, { dim: pd, correction, keepdim }));
  const { v, plan } = input.dtype.isComplex ? complexVarCore(input, dims, correction, keepdim) : varCore("var", input, dims, correction, keepdim);
  const inShape = input.shape;
  record("VarBackward0", [input], v, ([g]) => {
    const m = input.mean(plan.dims, true);
    return [expandReducedGrad(g!, inShape, plan.dims, keepdim).mul(input.sub(m)).mul(2 / (plan.inner - correction))];
  }, [input]);
  if (tracing.on) traceOp("var", [input], v, { dims: plan.dims, keepdim, correction, std: false });
  return v;
}

export function std(input: Tensor, ...args: Args<[dim?: Dims, unbiased?: boolean, keepdim?: boolean], VarOptions & OutOption>): Tensor {
  if (hasOut(args)) return withOut("std", args, (rest) => std(input, ...(rest as [])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("std", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("std", input, unbiasedFirst(args), ["dim", "unbiased", "keepdim"], ["correction"], (o) => std(input, o));
  const { dims, correction, keepdim } = varArgs("std", args);
  if (batching.on && isBatched(input)) return reduceRule(input, dims, (p, pd) => std(p, { dim: pd, correction, keepdim }));
  const { v, plan } = input.dtype.isComplex ? complexVarCore(input, dims, correction, keepdim) : varCore("std", input, dims, correction, keepdim);
  const out = v.detach().sqrt();
  const inShape = input.shape;
  record("StdBackward0", [input], out, ([g]) => {
    const m = input.mean(plan.dims, true);
    const o = expandReducedGrad(out, inShape, plan.dims, keepdim);
    return [expandReducedGrad(g!, inShape, plan.dims, keepdim).mul(input.sub(m)).div(o.mul(plan.inner - correction))];
  }, [input, out]);
  if (tracing.on) traceOp("var", [input], out, { dims: plan.dims, keepdim, correction, std: true });
  return out;
}

export function varMean(input: Tensor, ...args: Args<[dim?: Dims, unbiased?: boolean, keepdim?: boolean], VarOptions>): Tensor[] {
  if (!(input instanceof Tensor)) requireTensor("var_mean", "input", 1, input);
  if (reducesByName(input, unbiasedFirst(args))) return namedReduction("var_mean", input, unbiasedFirst(args), ["dim", "unbiased", "keepdim"], ["correction"], (o) => varMean(input, o));
  const { dims, correction, keepdim } = varArgs("var_mean", args);
  const o = { dim: dims, correction, keepdim };
  // complex32 (1.13's var_mean takes it, though its mean does not): computed in complex64, rounded back.
  if (input.dtype === complex32) { const [v, m] = varMean(input.cfloat(), o); return [v!.half(), m!.chalf()]; }
  return [var_(input, o), input.mean({ dim: dims, keepdim })];
}

export function stdMean(input: Tensor, ...args: Args<[dim?: Dims, unbiased?: boolean, keepdim?: boolean], VarOptions>): Tensor[] {
  if (!(input instanceof Tensor)) requireTensor("std_mean", "input", 1, input);
  if (reducesByName(input, unbiasedFirst(args))) return namedReduction("std_mean", input, unbiasedFirst(args), ["dim", "unbiased", "keepdim"], ["correction"], (o) => stdMean(input, o));
  const { dims, correction, keepdim } = varArgs("std_mean", args);
  const o = { dim: dims, correction, keepdim };
  return [std(input, o), input.mean({ dim: dims, keepdim })];
}

// ---- logsumexp / nanmean / norm ---------------------------------------------------------------

export function logsumexp(input: Tensor, ...args: Args<[dim: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (autocasting.on && autocasts("logsumexp", arguments)) return runAutocast(logsumexp, arguments);
  if (hasOut(args)) return withOut("logsumexp", args, (rest) => logsumexp(input, ...(rest as [never])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("logsumexp", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("logsumexp", input, args, ["dim", "keepdim"], [], (o) => logsumexp(input, o as { dim: Dims }));
  const { dims, keepdim } = dimKeep("logsumexp", args);
  if (batching.on && isBatched(input)) return reduceRule(input, dims, (p, pd) => logsumexp(p, pd, keepdim));
  if (input.dtype.isComplex) throw new Error(`logsumexp(): Expected floating point type for result tensor, but got: ${scalarTypeName(input.dtype)}`);
  const x = input.dtype.isFloatingPoint ? input : castTo(input, getDefaultDtype());
  const plan = planReduce("logsumexp", x, dims, keepdim);
  const out = onDevice(x) ? deviceOp("logsumexp")(x, plan.dims, keepdim) : tryNativeLogsumexp(x, plan.dims, plan.outShape) ?? (nativePasses(x) ? noGrad(() => {
    // PyTorch's formula: an infinite max is replaced by 0 before subtracting it.
    const m = x.amax(plan.dims, true);
    const shift = m.where(m.isfinite(), 0);
    return x.sub(shift).exp().sum(plan.dims, true).log().add(shift).reshape(plan.outShape);
  }) : reduceWith(x, plan, x.dtype, (d, s, n) => {
    // A NaN anywhere gives NaN, an infinite max gives itself (PyTorch's results).
    let m = -Infinity;
    for (let i = s; i < s + n; i++) { const v = d[i]!; if (v !== v) return NaN; if (v > m) m = v; }
    if (m === -Infinity || m === Infinity) return m;
    let a = 0;
    for (let i = s; i < s + n; i++) a += Math.exp(d[i]! - m);
    return m + Math.log(a);
  }));
  const inShape = x.shape;
  record("LogsumexpBackward0", [x], out, ([g]) => [
    expandReducedGrad(g!, inShape, plan.dims, keepdim).mul(x.sub(expandReducedGrad(out, inShape, plan.dims, keepdim)).exp()),
  ], [x, out]);
  if (tracing.on) traceOp("logsumexp", [x], out, { dims: plan.dims, keepdim });
  return out;
}

export function nanmean(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], DimKeep>): Tensor {
  if (isNamed(input)) throw namedRefusal("nanmean");
  const { dims, keepdim, o } = dimKeep("nanmean", args, ["dtype"]);
  requireFloat("nanmean", input);
  const notNan = input.isnan().logicalNot();
  const kw = { dim: dims, keepdim, ...(o.dtype ? { dtype: o.dtype as DTypeLike } : {}) };
  return input.nansum(kw).div(notNan.sum({ dim: dims, keepdim }));
}

export type NormOrd = number | "fro" | "nuc" | null;

/** p-norm over dims with PyTorch's gradient (zero where the norm is zero). */
export function vectorNormImpl(x: Tensor, p: number, dims: number[] | null, keepdim: boolean): Tensor {
  if (x.dtype.isComplex) return vectorNormImpl(x.abs(), p, dims, keepdim);
  requireFloat("linalg.vector_norm", x);
  const plan = planReduce("norm", x, dims, keepdim);
  const out = onDevice(x) ? deviceOp("vectorNorm", "norm")(x, p, plan.dims, keepdim)
    : p === 2 && plan.dims.length === x.dim() && nativePasses(x) ? nativeNorm2All(x, plan.outShape)
    : (p === 2 || p === 1) && nativePasses(x) ? noGrad(() => {
      const total = (p === 2 ? x.square() : x.abs()).sum(plan.dims, true).reshape(plan.outShape);
      return p === 2 ? total.sqrt() : total;
    })
    : reduceWith(x, plan, x.dtype, (d, s, n) => {
    if (p === Infinity) { let m = 0; for (let i = s; i < s + n; i++) m = Math.max(m, Math.abs(d[i]!)); return n ? m : 0; }
    if (p === -Infinity) { let m = Infinity; for (let i = s; i < s + n; i++) m = Math.min(m, Math.abs(d[i]!)); return m; }
    if (p === 0) { let c = 0; for (let i = s; i < s + n; i++) if (d[i] !== 0) c++; return c; }
    if (p === 1) { let a = 0; for (let i = s; i < s + n; i++) a += Math.abs(d[i]!); return a; }
    if (p === 2) {
      let scale = 0;
      for (let i = s; i < s + n; i++) scale = Math.max(scale, Math.abs(d[i]!));
      if (scale === 0 || !Number.isFinite(scale)) { let a = 0; for (let i = s; i < s + n; i++) a += d[i]! * d[i]!; return Math.sqrt(a); }
      let a = 0;
      for (let i = s; i < s + n; i++) { const v = d[i]! / scale; a += v * v; }
      return scale * Math.sqrt(a);
    }
    let a = 0;
    for (let i = s; i < s + n; i++) a += Math.abs(d[i]!) ** p;
    return a ** (1 / p);
  });
  const inShape = x.shape;
  record("LinalgVectorNormBackward0", [x], out, ([g]) => {
    const ge = expandReducedGrad(g!, inShape, plan.dims, keepdim);
    const ne = expandReducedGrad(out, inShape, plan.dims, keepdim);
    if (p === 0) return [x.mul(0)];
    if (p === 1) return [ge.mul(x.sign())];
    if (p === Infinity || p === -Infinity) {
      const mask = x.abs().eq(ne).to(x.dtype);
      return [ge.mul(x.sign()).mul(mask).div(mask.sum(plan.dims, true))];
    }
    const safe = ne.where(ne.ne(0), 1);
    const scaled = p === 2 ? x.div(safe) : x.mul(x.abs().pow(p - 2)).div(safe.pow(p - 1));
    return [ge.mul(scaled).mul(ne.ne(0).to(x.dtype))];
  }, [x, out]);
  if (tracing.on) traceOp("vector_norm", [x], out, { ord: p, dims: plan.dims, keepdim });
  return out;
}

function ordValue(v: unknown): number {
  if (v === "inf" || v === Infinity) return Infinity;
  if (v === "-inf" || v === -Infinity) return -Infinity;
  if (typeof v !== "number") throw new Error(`norm: order must be a number, got ${String(v)}`);
  return v;
}

/** torch.norm(input, p = "fro", dim?, keepdim?, { dtype }). */
export function norm(input: Tensor, ...args: Args<[p?: NormOrd | "inf" | "-inf", dim?: Dims, keepdim?: boolean], { p?: NormOrd | "inf" | "-inf"; dim?: Dims; keepdim?: boolean; dtype?: DTypeLike | null } & OutOption>): Tensor {
  if (autocasting.on && autocasts("norm", arguments)) return runAutocast(norm, arguments);
  if (hasOut(args)) return withOut("norm", args, (rest) => norm(input, ...(rest as [])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("norm", "input", 1, input);
  const o = bindArgs("norm", args, ["p", "dim", "keepdim"], ["dtype"], 1);
  const dims = checkDims("norm", "dim", o.dim);
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  const x = o.dtype ? castTo(input, toDType(o.dtype as DTypeLike)) : input;
  // PyTorch sends the nuclear norm, and "fro" over two dims, to linalg.matrix_norm.
  if (o.p === "nuc" || (o.p === "fro" && dims && dims.length === 2)) {
    return linalg.matrixNorm(x, o.p, { dim: dims ?? [-2, -1], keepdim });
  }
  const p = o.p === undefined || o.p === null || o.p === "fro" ? 2 : ordValue(o.p);
  if (batching.on && isBatched(x)) return reduceRule(x, dims, (px, pd) => vectorNormImpl(px, p, pd, keepdim));
  return vectorNormImpl(x, p, dims, keepdim);
}

// ---- all / any / count_nonzero ----------------------------------------------------------------

function logicalReduce(op: string, input: Tensor, args: unknown[], isAll: boolean): Tensor {
  if (isNamed(input)) {
    // PyTorch's all/any have no dimname overloads: a name is refused, an index reduces as usual.
    if (hasDimname(bindArgs(op, args, ["dim", "keepdim"], [], 1).dim)) throw dimnameRefusal(op);
    return namedReduction(op, input, args, ["dim", "keepdim"], [], (o) => logicalReduce(op, input, [o], isAll));
  }
  // Complex inputs (complex32 too): 1.13's CPU reads an element as true where its real part is
  // nonzero (its complex-to-bool cast takes the real part: torch.tensor([1j]).any() is False).
  if (input.dtype.isComplex) return logicalReduce(op, allowComplexHalf(() => rawPart(input, 0)).ne(0), args, isAll);
  const { dims, keepdim } = dimKeep(op, args);
  const plan = planReduce(op, input, dims, keepdim);
  const outDtype = input.dtype === bool ? bool : input.dtype.name === "uint8" ? input.dtype : bool;
  if (onDevice(input)) return deviceOp("logicalReduce", op)(isAll ? "all" : "any", input, plan.dims, keepdim, outDtype, plan.outShape);
  let out = emptyTensor(plan.outShape, outDtype);
  if (!tryNativeByteReduce(isAll ? "all" : "any", input, plan.dims, out)) {
    out = reduceWith(input, plan, outDtype, isAll
      ? (d, s, n) => { for (let i = s; i < s + n; i++) if (d[i] === 0) return 0; return 1; }
      : (d, s, n) => { for (let i = s; i < s + n; i++) if (d[i] !== 0) return 1; return 0; });
  }
  if (tracing.on) traceOp(op, [input], out, { dims: plan.dims, keepdim });
  return out;
}

export function all(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("all", args, (rest) => all(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("all", "input", 1, input);
  return logicalReduce("all", input, args, true);
}
export function any(input: Tensor, ...args: Args<[dim?: Dims, keepdim?: boolean], { dim?: Dims; keepdim?: boolean } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("any", args, (rest) => any(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("any", "input", 1, input);
  return logicalReduce("any", input, args, false);
}

export function countNonzero(input: Tensor, ...args: Args<[dim?: Dims], { dim?: Dims }>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("count_nonzero", "input", 1, input);
  const o = bindArgs("count_nonzero", args, ["dim"], [], 1);
  const plan = planReduce("count_nonzero", input, checkDims("count_nonzero", "dim", o.dim), false);
  if (input.dtype.isComplex) return countNonzero(nonzeroMask(input), ...args);
  if (onDevice(input)) return deviceOp("logicalReduce", "count_nonzero")("countNonzero", input, plan.dims, false, int64, plan.outShape);
  const out = emptyTensor(plan.outShape, int64);
  if (tryNativeByteReduce("countNonzero", input, plan.dims, out)) return out;
  return reduceWith(input, plan, int64, (d, s, n) => { let c = 0; for (let i = s; i < s + n; i++) if (d[i] !== 0) c++; return c; });
}

// ---- median / mode / kthvalue -----------------------------------------------------------------

/** Sorted (value, index) pairs of a block, NaN last, stable. */
function sortedBlock(d: ExactArray, s: number, n: number): number[] {
  const idx = [...Array(n).keys()];
  idx.sort((a, b) => {
    const x = d[s + a]!, y = d[s + b]!;
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  return idx;
}

function kthPick(k: (n: number) => number): Pick {
  return (d, s, n) => {
    for (let i = s; i < s + n; i++) if (d[i] !== d[i]) return i - s;
    return sortedBlock(d, s, n)[k(n)]!;
  };
}

export function median(input: Tensor): Tensor;
export function median(input: Tensor, ...args: Args<[dim: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices;
export function median(input: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  if (hasOut(args)) return withOut("median", args, (rest) => median(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("median", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("median", input, args, ["dim", "keepdim"], [], (o) => median(input, o as { dim: number }));
  const o = bindArgs("median", args, ["dim", "keepdim"], [], 1);
  if (input.dtype === bool) throw notImplementedFor(o.dim === undefined || o.dim === null ? "median_cpu" : "median_out", bool);
  const pick = kthPick((n) => Math.floor((n - 1) / 2));
  // (An empty one takes the plain path, which reads its values: vmap's loop.)
  if (batching.on && isBatched(input) && input.numel() > 0) {
    if (o.dim === undefined || o.dim === null) return argRule(input, null, false, (p, pd) => (median(p, pd) as ValuesIndices).values);
    const keep = (o.keepdim as boolean | undefined) ?? false;
    return pairOf(dimTupleRule(input, o.dim as number, (p, pd) => median(p, pd, keep) as ValuesIndices));
  }
  if (o.dim === undefined || o.dim === null) {
    if (input.numel() === 0) return input.newFull([], NaN);
    const { values } = onDevice(input) ? deviceOp("kthAlong", "median")("median", input, null, false, (n) => Math.floor((n - 1) / 2))
      : selectAlong("median", input.reshape(-1), 0, false, pick, { mode: "median", k: 0 });
    const dims = [...Array(input.dim()).keys()];
    return record("MedianBackward0", [input], values, ([g]) => [evenlyDistributed(g!, input, values, dims, false)], [input]);
  }
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  const { values, indices, d } = onDevice(input) ? deviceOp("kthAlong", "median")("median", input, o.dim as number, keepdim, (n) => Math.floor((n - 1) / 2))
    : selectAlong("median", input, o.dim as number, keepdim, pick, { mode: "median", k: 0 });
  const inShape = input.shape;
  record("MedianBackward1", [input], [values, indices], ([g]) => [scatterToIndex(g!, indices, inShape, d!, keepdim)], [input]);
  if (tracing.on) traceOp("median_dim", [input], [values, indices], { dim: d, keepdim });
  return valuesIndices(values, indices);
}

export function nanmedian(input: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  if (reducesByName(input, args)) return namedReduction("nanmedian", input, args, ["dim", "keepdim"], [], (o) => nanmedian(input, o));
  const o = bindArgs("nanmedian", args, ["dim", "keepdim"], [], 1);
  if (input.dtype === bool) throw notImplementedFor(o.dim === undefined || o.dim === null ? "median_cpu" : "median_out", bool);
  const pick: Pick = (d, s, n) => {
    const order = sortedBlock(d, s, n);
    const valid = order.filter((i) => d[s + i] === d[s + i]);
    if (!valid.length) return order[0]!;
    return valid[Math.floor((valid.length - 1) / 2)]!;
  };
  const lowerMedian = (n: number): number => Math.floor((n - 1) / 2);
  if (o.dim === undefined || o.dim === null) {
    const all = onDevice(input) ? deviceOp("kthAlong", "nanmedian")("nanmedian", input, null, false, lowerMedian, "ignore").values
      : selectAlong("nanmedian", input.reshape(-1), 0, false, pick, { mode: "nanmedian", k: 0 }).values;
    if (tracing.on) traceOp("nanmedian", [input], all, { dim: null, keepdim: false });
    return all;
  }
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  const { values, indices, d } = onDevice(input) ? deviceOp("kthAlong", "nanmedian")("nanmedian", input, o.dim as number, keepdim, lowerMedian, "ignore")
    : selectAlong("nanmedian", input, o.dim as number, keepdim, pick, { mode: "nanmedian", k: 0 });
  if (tracing.on) traceOp("nanmedian", [input], [values, indices], { dim: d, keepdim });
  return valuesIndices(values, indices);
}

export function kthvalue(input: Tensor, k: number, ...args: Args<[dim?: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices;
export function kthvalue<A extends Rebound<[input: Tensor, k: number], ["input", "k"], { dim?: number | string; keepdim?: boolean } & OutPairOption>>(...args: A): ValuesIndices;
export function kthvalue(input: Tensor, k: number, ...args: Args<[dim?: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? k : input)) return rebind(kthvalue, "kthvalue", arguments, ["input", "k", "dim", "keepdim"], 2, ["out"]);
  if (hasOut(args)) return withOut("kthvalue", args, (rest) => kthvalue(input, k, ...(rest as [])), "same", false, [input, k]);
  if (!(input instanceof Tensor)) requireTensor("kthvalue", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("kthvalue", input, [{ dim: -1, ...bindArgs("kthvalue", args, ["dim", "keepdim"], [], 2) }], ["dim", "keepdim"], [], (o) => kthvalue(input, k, o), 2);
  const o = bindArgs("kthvalue", args, ["dim", "keepdim"], [], 2);
  if (input.dtype === bool) throw notImplementedFor("kthvalue_cpu", bool);
  const dim = (o.dim as number | undefined) ?? -1;
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  const d0 = normalizeDim(dim, input.dim(), "kthvalue");
  const size = input.dim() ? input.shape[d0]! : 1;
  if (!Number.isInteger(k) || k < 1 || k > size) throw new Error(`kthvalue(): selected number k out of range for dimension ${d0}`);
  if (batching.on && isBatched(input)) return pairOf(dimTupleRule(input, dim, (p, pd) => kthvalue(p, k, pd, keepdim)));
  const { values, indices, d } = onDevice(input) ? deviceOp("kthAlong", "kthvalue")("kthvalue", input, dim, keepdim, () => k - 1, "ranked")
    : selectAlong("kthvalue", input, dim, keepdim, (d, s, n) => sortedBlock(d, s, n)[k - 1]!, { mode: "kth", k: k - 1 });
  const inShape = input.shape;
  record("KthvalueBackward0", [input], [values, indices], ([g]) => [scatterToIndex(g!, indices, inShape, d!, keepdim)], [input]);
  if (tracing.on) traceOp("kthvalue", [input], [values, indices], { k, dim: d, keepdim });
  return valuesIndices(values, indices);
}

/** torch.mode: the most frequent value (smallest on ties) and the last index where it occurs. */
export function mode(input: Tensor, ...args: Args<[dim?: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean } & OutPairOption>): ValuesIndices {
  if (hasOut(args)) return withOut("mode", args, (rest) => mode(input, ...(rest as [])), "same", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("mode", "input", 1, input);
  if (reducesByName(input, args)) return namedReduction("mode", input, [{ dim: -1, ...bindArgs("mode", args, ["dim", "keepdim"], [], 1) }], ["dim", "keepdim"], [], (o) => mode(input, o));
  const o = bindArgs("mode", args, ["dim", "keepdim"], [], 1);
  const dim = (o.dim as number | undefined) ?? -1;
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  if (batching.on && isBatched(input)) return pairOf(dimTupleRule(input, dim, (p, pd) => mode(p, pd, keepdim)));
  const pick: Pick = (d, s, n) => {
    const order = sortedBlock(d, s, n);
    let bestCount = 0, bestIdx = 0;
    for (let i = 0; i < n;) {
      let j = i;
      const v = d[s + order[i]!]!;
      let lastIdx = order[i]!;
      while (j < n && (d[s + order[j]!] === v || (v !== v && d[s + order[j]!] !== d[s + order[j]!]))) { lastIdx = Math.max(lastIdx, order[j]!); j++; }
      if (j - i > bestCount) { bestCount = j - i; bestIdx = lastIdx; }
      i = j;
    }
    return bestIdx;
  };
  const { values, indices, d } = onDevice(input) ? deviceOp("modeAlong", "mode")(input, dim, keepdim) : selectAlong("mode", input, dim, keepdim, pick);
  const inShape = input.shape;
  record("ModeBackward0", [input], [values, indices], ([g]) => [scatterToIndex(g!, indices, inShape, d!, keepdim)], [input]);
  if (tracing.on) traceOp("mode", [input], [values, indices], { dim: d, keepdim });
  return valuesIndices(values, indices);
}

export { var_ as var };

declare module "../core/tensor.js" {
  interface Tensor {
    prod: Method<typeof prod>;
    max: typeof maxMethod;
    min: typeof maxMethod;
    amax: Method<typeof amax>;
    amin: Method<typeof amin>;
    aminmax: Method<typeof aminmax>;
    argmax: Method<typeof argmax>;
    argmin: Method<typeof argmin>;
    var: Method<typeof var_>;
    std: Method<typeof std>;
    logsumexp: Method<typeof logsumexp>;
    nanmean: Method<typeof nanmean>;
    norm: Method<typeof norm>;
    all: Method<typeof all>;
    any: Method<typeof any>;
    countNonzero: Method<typeof countNonzero>;
    median: typeof medianMethod;
    nanmedian: Method<typeof nanmedian>;
    kthvalue: Method<typeof kthvalue>;
    mode: Method<typeof mode>;
  }
}

// Overloaded methods keep their overloads.
declare function maxMethod(): Tensor;
declare function maxMethod(other: Tensor): Tensor;
declare function maxMethod(...args: Args<[dim: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean }>): ValuesIndices;
declare function medianMethod(): Tensor;
declare function medianMethod(...args: Args<[dim: number | string, keepdim?: boolean], { dim?: number | string; keepdim?: boolean }>): ValuesIndices;

installMethods({
  prod, max: max as (s: Tensor, ...a: never[]) => unknown, min: min as (s: Tensor, ...a: never[]) => unknown, amax, amin, aminmax, argmax, argmin,
  var: var_, std, logsumexp, nanmean, norm, all, any, countNonzero, median: median as (s: Tensor, ...a: never[]) => unknown, nanmedian, kthvalue, mode,
});
