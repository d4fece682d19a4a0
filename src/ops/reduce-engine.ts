// Reductions over a set of dims: the reduced dims are moved last and made contiguous, so a
// kernel sees each output's inputs as one contiguous block.

import type { Tensor } from "../core/tensor.js";
import { type DType } from "../core/dtype.js";
import { normalizeDims, numel } from "../core/shape.js";
import { emptyTensor, toExactNumbers, toNumbers, type NumArray, writeNumbers } from "./engine.js";
import { tryNativeReduce } from "./native-fast.js";
import { tryNativeByteReduce } from "./native-masks.js";
import { refuseNamed } from "./named-engine.js";

export interface ReducePlan {
  /** Dims reduced, normalized and sorted. */
  dims: number[];
  /** Output shape (with 1s where keepdim). */
  outShape: number[];
  /** Number of outputs and of inputs reduced into each. */
  outer: number;
  inner: number;
}

/** Resolves `dim` (null/[] = all dims) for a reduction of `x`. */
export function planReduce(op: string, x: Tensor, dim: number | readonly number[] | null | undefined, keepdim: boolean): ReducePlan {
  // Reductions with a name rule hide the names before they get here.
  if (x._names !== null) refuseNamed();
  const nd = x.dim();
  let dims: number[];
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) dims = [...Array(nd).keys()];
  else dims = normalizeDims(typeof dim === "number" ? [dim] : (dim as number[]), nd, op).sort((a, b) => a - b);
  // A 0-d tensor reduces over its single implicit size-1 dim: nothing to move.
  if (nd === 0) dims = [];
  const outShape: number[] = [];
  x._shape.forEach((s, i) => { if (!dims.includes(i)) outShape.push(s); else if (keepdim) outShape.push(1); });
  const inner = numel(dims.map((d) => x._shape[d]!));
  return { dims, outShape, outer: numel(x._shape) / Math.max(inner, 1) || numel(outShape), inner };
}

/** The input's values with reduced dims last, contiguous (a copy only when needed). */
export function reducedLast(x: Tensor, dims: readonly number[]): NumArray {
  const nd = x.dim();
  const kept = [...Array(nd).keys()].filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const isIdentity = perm.every((p, i) => p === i);
  const src = isIdentity ? x : x.detach().permute(perm);
  return toNumbers(src);
}

/** Values as numbers, or int64 as bigints (exact past 2^53) for ops that only compare and copy them. */
export type ExactArray = NumArray | BigInt64Array;

/**
 * reducedLast for ops that only compare and copy values (max, sort, scans of max/min...): int64
 * stays a BigInt64Array, exact past 2^53, where toNumbers would round it through a double.
 */
export function reducedLastExact(x: Tensor, dims: readonly number[]): ExactArray {
  if (x.dtype.name !== "int64") return reducedLast(x, dims);
  const kept = [...Array(x.dim()).keys()].filter((i) => !dims.includes(i));
  return toExactNumbers(x.detach().permute([...kept, ...dims]));
}

/**
 * Reduces each block with `kernel(data, start, len) → value` and returns a tensor of `dtype`.
 * Empty blocks get kernel(data, start, 0): the op decides (0 for sum, error for max).
 */
export function reduceWith(x: Tensor, plan: ReducePlan, dtype: DType, kernel: (data: NumArray, start: number, len: number) => number): Tensor {
  const data = reducedLast(x, plan.dims);
  const n = numel(plan.outShape);
  const vals = new Float64Array(n);
  for (let o = 0; o < n; o++) vals[o] = kernel(data, o * plan.inner, plan.inner);
  const out = emptyTensor(plan.outShape, dtype);
  writeNumbers(out, vals);
  return out;
}

/** Magnitude bits of the integer dtypes whose sums double arithmetic can hold exactly. */
const SMALL_INT_BITS: Readonly<Record<string, number>> = { bool: 1, uint8: 8, int8: 8, int16: 16, int32: 32 };

/**
 * The int64 sums of a bool/uint8/int8/int16/int32 tensor, in doubles while that is exact (every
 * partial sum under 2^53), else null. reduceBig makes a BigInt per element (1M bools: 170 ms).
 */
export function sumSmallInts(x: Tensor, plan: ReducePlan, out: Tensor): Tensor | null {
  const bits = SMALL_INT_BITS[x.dtype.name];
  if (bits === undefined) return null;
  if (tryNativeByteReduce("sum", x, plan.dims, out)) return out;
  if (plan.inner * 2 ** bits > 2 ** 53) return null;
  // A contiguous input reduced over its trailing dims is read in place (no copy in line order).
  const nd = x.dim(), trailing = plan.dims.every((d, i) => d === nd - plan.dims.length + i);
  const inPlace = x.isContiguous() && trailing;
  const data = inPlace ? (x.storage.data as unknown as NumArray) : reducedLast(x, plan.dims);
  const start = inPlace ? x._offset : 0;
  const o = out.storage.data as BigInt64Array;
  const n = numel(plan.outShape), len = plan.inner;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = start + i * len, end = j + len; j < end; j++) s += data[j]!;
    o[i] = BigInt(s);
  }
  return out;
}

/**
 * The sums of an int64 tensor in doubles when that is exact (every |value| and every block's
 * bound max|value| * length under 2^53), else null: reduceBig's BigInt per element costs
 * ~130 ms per 1M elements. A value past 2^53 reads as at least 2^53, so the bound sees it.
 */
export function sumInt64InDoubles(x: Tensor, plan: ReducePlan, out: Tensor): Tensor | null {
  if (x.dtype.name !== "int64") return null;
  // A glance at the first values first: large ones usually come together, and then the copy
  // into doubles below would be wasted (1M values past 2^60: +80 ms before reduceBig).
  if (x.isContiguous() && x.storage._physical === null) {
    const raw = x.storage.data as BigInt64Array;
    for (let i = x._offset, end = x._offset + Math.min(x.numel(), 64); i < end; i++) {
      const a = Math.abs(Number(raw[i]!));
      if (a >= 2 ** 53 || a * plan.inner > 2 ** 53) return null;
    }
  }
  const data = reducedLast(x, plan.dims);
  let max = 0;
  for (let i = 0; i < data.length; i++) { const a = Math.abs(data[i]!); if (a > max) max = a; }
  if (max >= 2 ** 53 || max * plan.inner > 2 ** 53) return null;
  const o = out.storage.data as BigInt64Array;
  const n = numel(plan.outShape), len = plan.inner;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * len, end = j + len; j < end; j++) s += data[j]!;
    o[i] = BigInt(s);
  }
  return out;
}

/** Exact int64 reduction with BigInt (sums and products of int64 stay exact). */
export function reduceBig(x: Tensor, plan: ReducePlan, kernel: (vals: bigint[]) => bigint, out: Tensor): Tensor {
  const nd = x.dim();
  const kept = [...Array(nd).keys()].filter((i) => !plan.dims.includes(i));
  const src = x.detach().permute([...kept, ...plan.dims]);
  const idx = src._storageIndices();
  const d = x.storage.data as unknown as (number | bigint)[];
  const o = out.storage.data as BigInt64Array;
  const n = numel(plan.outShape);
  for (let i = 0; i < n; i++) {
    const vals: bigint[] = [];
    for (let j = 0; j < plan.inner; j++) vals.push(BigInt(d[idx[i * plan.inner + j]!]!));
    o[i] = BigInt.asIntN(64, kernel(vals));
  }
  return out;
}

/** The gradient of a reduction output, reshaped/expanded back over the input (keepdim aware). */
export function expandReducedGrad(g: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim) {
    const shape = inputShape.map((s, i) => (dims.includes(i) ? 1 : s));
    r = r.reshape(shape);
  }
  return r.expand(inputShape as number[]);
}

/** reduceWith, through the native reduction when the input allows it (contiguous float, consecutive dims). */
export function reduceFast(op: "sum" | "mean" | "max" | "min", x: Tensor, plan: ReducePlan, dtype: DType, kernel: (data: NumArray, start: number, len: number) => number): Tensor {
  if (dtype === x.dtype) {
    const out = emptyTensor(plan.outShape, dtype);
    if (tryNativeReduce(op, x, plan.dims, out)) return out;
  }
  return reduceWith(x, plan, dtype, kernel);
}
