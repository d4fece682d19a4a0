// Max pooling's backward pair as ops (not exported from F): the gradient scattered to the saved
// indices of the max, and its adjoint, the gather, so that double backward works as PyTorch's.
// Shared by max, adaptive max, fractional max pooling and max unpooling.

import { Tensor } from "../../core/tensor.js";
import { record } from "../../autograd/record.js";
import { contiguous } from "../../ops/view.js";
import { gatherByIndices } from "../../backends/js/pool.js";
import { kernels } from "../../backends/kernels.js";
import { floatData, scratch } from "./float-scratch.js";

/** The int64 values of an indices tensor (contiguous). */
export function int64Data(t: Tensor): BigInt64Array {
  const c = contiguous(t.detach());
  return (c.storage.data as BigInt64Array).subarray(c._offset, c._offset + c.numel());
}

/** max pooling's backward as an op: the gradient lands at the saved indices. */
export function scatterByIndices(g: Tensor, indices: Tensor, inputShape: number[], k: number, node: string): Tensor {
  const out = scratch(inputShape, g.dtype, true);
  kernels.maxPoolBackward(floatData(g), int64Data(indices), g.shape, out.data, inputShape, k);
  const res = out.finish();
  const outShape = g.shape;
  return record(node, [g], res, ([gg]) => [gatherByIndices_(gg!, indices, outShape, k)]);
}

/** The adjoint of scatterByIndices (max pooling's double backward; max_unpool's backward). */
export function gatherByIndices_(x: Tensor, indices: Tensor, outShape: number[], k: number): Tensor {
  const out = scratch(outShape, x.dtype, true);
  gatherByIndices(floatData(x), x.shape, int64Data(indices), out.data, outShape, k);
  const res = out.finish();
  const inShape = x.shape;
  return record("GatherBackward0", [x], res, ([g]) => [scatterByIndices(g!, indices, inShape, k, "ScatterAddBackward0")]);
}


/** The *_with_indices forms' arguments: returnIndices set, in the trailing options object or appended as one. */
export function withIndices(args: readonly unknown[]): unknown[] {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last) && !(last instanceof Tensor)) {
    return [...args.slice(0, -1), { ...(last as object), returnIndices: true }];
  }
  return [...args, { returnIndices: true }];
}
