// Helpers shared by the F.* families of this folder (losses, normalization, sparse, attention,
// padding, distance): reductions and their legacy arguments, PyTorch's warnings, size printing,
// and the float buffers the dedicated kernels read and write. Not public API.

import { Tensor } from "../../core/tensor.js";
import { type DType, bfloat16, float16, float32, scalarTypeName } from "../../core/dtype.js";
import { emptyTensor, toNumbers, writeNumbers } from "../../ops/engine.js";
import { pyType, requireTensor } from "../../ops/pointwise-util.js";
import { warnOnce } from "../../core/warnings.js";

export type Reduction = "none" | "mean" | "sum";
export type Floats = Float32Array | Float64Array;

export { warnOnce };

/** `[3, 4]`, as ATen prints sizes. */
export function sizesStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** `torch.Size([3, 4])`, as Python prints tensor.size(). */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size(${sizesStr(shape)})`;
}

/** Python's tuple repr of ints: `(3,)`, `(3, 4)`. */
export function tupleStr(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

/** PyTorch's C++ scalar type names: Float, Double, Long, ... */
export const scalarName = scalarTypeName;

/** `op(): argument 'name' (position n) must be Tensor, not int` (pointwise-util's requireTensor). */
export const tensorArg = requireTensor;

/** An optional tensor argument (None allowed). */
export function optTensorArg(op: string, name: string, position: number, v: unknown): Tensor | null {
  if (v === null || v === undefined) return null;
  return tensorArg(op, name, position, v);
}

export function numberArg(op: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return Number(v);
  if (typeof v !== "number") throw new Error(`${op}(): argument '${name}' must be float, not ${pyType(v)}`);
  return v;
}

export function intArg(op: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return Number(v);
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`${op}(): argument '${name}' must be int, not ${pyType(v)}`);
  return v;
}

export function boolArg(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "boolean") throw new Error(`${op}(): argument '${name}' must be bool, not ${pyType(v)}`);
  return v;
}

// ---- reductions ---------------------------------------------------------------------------------

/** _Reduction.get_enum: the reduction string, checked. */
export function checkReduction(reduction: unknown): Reduction {
  if (reduction === "none" || reduction === "mean" || reduction === "sum") return reduction;
  if (reduction === "elementwise_mean") {
    warnOnce("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.");
    return "mean";
  }
  throw new Error(`${String(reduction)} is not a valid value for reduction`);
}

/** _Reduction.legacy_get_string: the deprecated size_average / reduce pair as a reduction. */
export function legacyReduction(sizeAverage: unknown, reduce: unknown): Reduction {
  const sa = sizeAverage === undefined || sizeAverage === null ? true : Boolean(sizeAverage);
  const rd = reduce === undefined || reduce === null ? true : Boolean(reduce);
  const ret: Reduction = sa && rd ? "mean" : rd ? "sum" : "none";
  warnOnce(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`);
  return ret;
}

/** The reduction of bound arguments: `sizeAverage`/`reduce` (legacy) win over `reduction`. */
export function reductionOf(a: Record<string, unknown>, dflt: Reduction = "mean"): Reduction {
  const legacy = (a.sizeAverage !== undefined && a.sizeAverage !== null) || (a.reduce !== undefined && a.reduce !== null);
  if (legacy) return legacyReduction(a.sizeAverage, a.reduce);
  return checkReduction(a.reduction ?? dflt);
}

/** apply_loss_reduction: mean, sum or nothing. */
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  return loss;
}

/** PyTorch's warning for a target whose size differs from the input's (losses broadcast anyway). */
export function warnSizeMismatch(input: Tensor, target: Tensor): void {
  const a = input.shape, b = target.shape;
  if (a.length === b.length && a.every((s, i) => s === b[i])) return;
  warnOnce(
    `Using a target size (${torchSize(b)}) that is different to the input size (${torchSize(a)}). ` +
    "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
  );
}

// ---- float buffers ------------------------------------------------------------------------------

/** A float tensor's values, contiguous and row-major (16-bit floats decoded to float32). */
/**
 * PyTorch's CPU dtype rule of batch/layer/group norm (ATen's mixed_data_type.h): parameters whose
 * first given one differs from the input in dtype must all be float32, and the input then float16
 * or bfloat16 (mixed precision, the output keeping the input's dtype). Returns whether it is mixed.
 */
export function checkMixedNormDtypes(input: Tensor, ...params: (Tensor | null)[]): boolean {
  const first = params.find((p) => p !== null);
  if (!first || first.dtype === input.dtype) return false;
  if (params.some((p) => p && p.dtype !== float32)) throw new Error("mixed dtype (CPU): expect parameter to have scalar type of Float");
  if (input.dtype !== float16 && input.dtype !== bfloat16) throw new Error("mixed dtype (CPU): all inputs must share same datatype.");
  return true;
}

export function floatValues(t: Tensor): Floats {
  const v = toNumbers(t);
  if (v instanceof Float32Array || v instanceof Float64Array) return v;
  return Float64Array.from(v);
}

/** A fresh tensor and the float buffer a kernel fills (the storage itself for float32/float64). */
export function floatOut(shape: readonly number[], dtype: DType): { data: Floats; done: () => Tensor } {
  const t = emptyTensor(shape, dtype);
  const d = t.storage.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return { data: d, done: () => t };
  const scratch = new Float32Array(t.numel());
  return { data: scratch, done: () => { writeNumbers(t, scratch); return t; } };
}

/** Integer values (int64 too) as doubles, contiguous. */
export function intValues(t: Tensor): Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array {
  const v = toNumbers(t);
  if (v instanceof Float32Array) return Float64Array.from(v);
  return v as Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array;
}
