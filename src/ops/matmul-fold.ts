// at::matmul's choice between one mm over folded rows and a broadcast bmm (shared by matmul and
// F.linear, which records the graph of matmul + bias over its fused GEMM).

import type { Tensor } from "../core/tensor.js";

/**
 * Whether the batch dims of `t` (3-d+) fold into the rows of one mm/mv with an operand of
 * `otherDim` (1 or 2) dims: all but a batch of transposed matrices (permute(0, 2, 1)), which bmm
 * reads in place where folding would copy.
 */
export function shouldFold(t: Tensor, otherDim: number): boolean {
  const d = t.dim();
  if (d < 3 || (otherDim !== 1 && otherDim !== 2)) return false;
  const st = t._strides, sh = t._shape;
  return !(d === 3 && otherDim === 2 && st[2] !== 1 && st[0] === sh[1]! * sh[2]!);
}
