// Broadcasting of two quantized operands as PyTorch's TensorIterator runs qadd / qmul: the output's
// elements in order, each operand read through its broadcast index, and which elements the
// vectorized kernel computes (cpu_kernel_vec vectorizes the innermost coalesced run when both
// inputs are contiguous in it, or one is constant along it, in blocks of 64 / 16 lanes).
import type { DType } from "../core/dtype.js";
import { broadcastShapes } from "../core/shape.js";
import { vectorizedCount } from "./quantized-engine.js";

export interface BroadcastPair {
  readonly shape: number[];
  /** For output element i, the element of a (and of b) it reads. */
  readonly aIndex: Int32Array;
  readonly bIndex: Int32Array;
  /** Whether output element i takes the vectorized path. */
  readonly vectorized: (i: number) => boolean;
}

function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0), lead = out.length - shape.length;
  for (let d = shape.length - 1, s = 1; d >= 0; s *= shape[d]!, d--) strides[d + lead] = shape[d] === 1 ? 0 : s;
  return strides;
}

export function broadcastPair(aShape: readonly number[], bShape: readonly number[], dtype: DType): BroadcastPair {
  // TensorIterator compares from the last dim: its first mismatch is the one PyTorch names.
  const ndim = Math.max(aShape.length, bShape.length);
  for (let j = ndim - 1; j >= 0; j--) {
    const da = aShape[j - ndim + aShape.length] ?? 1, db = bShape[j - ndim + bShape.length] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${j}`);
  }
  const shape = broadcastShapes(aShape, bShape);
  const sa = broadcastStrides(aShape, shape), sb = broadcastStrides(bShape, shape);
  const n = shape.reduce((x, y) => x * y, 1), aIndex = new Int32Array(n), bIndex = new Int32Array(n);
  const at = new Array<number>(shape.length).fill(0);
  for (let i = 0, ia = 0, ib = 0; i < n; i++) {
    aIndex[i] = ia;
    bIndex[i] = ib;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++at[d]! < shape[d]!) { ia += sa[d]!; ib += sb[d]!; break; }
      ia -= sa[d]! * (shape[d]! - 1); ib -= sb[d]! * (shape[d]! - 1); at[d] = 0;
    }
  }
  // The innermost run after TensorIterator coalesces dims (sizes 1 drop out).
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  let run = 1, k = dims.length - 1;
  if (k >= 0) {
    run = shape[dims[k]!]!;
    for (; k > 0; k--) {
      const inner = dims[k]!, outer = dims[k - 1]!;
      const joins = [sa, sb].every((s) => s[outer] === s[inner]! * shape[inner]!);
      if (!joins) break;
      run *= shape[outer]!;
    }
  }
  const last = dims.length ? dims[dims.length - 1]! : -1;
  const innerA = last < 0 ? 1 : sa[last]!, innerB = last < 0 ? 1 : sb[last]!;
  const vectorizable = (innerA === 1 && innerB === 1) || (innerA === 0 && innerB === 1) || (innerA === 1 && innerB === 0);
  const vectorRun = vectorizable ? vectorizedCount(dtype, run) : 0;
  return { shape, aIndex, bIndex, vectorized: (i) => i % run < vectorRun };
}
