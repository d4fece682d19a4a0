// any / all / count_nonzero on the "webgpu" device, composed of the backend's reductions: a
// nonzero mask (x != 0, so NaN counts as true and -0 as false, as on the CPU; a bool input is its
// own mask), then its max (any), min (all) or int32 sum (count_nonzero). Reducing over an empty
// block gives the identity (any: false, all: true, count: 0), as the CPU's loops do.

import type { Tensor } from "../core/tensor.js";
import { type DType, bool, int64 } from "../core/dtype.js";
import { reduce } from "../backends/webgpu/reduce.js";
import { checkDevices } from "./pointwise.js";
import { gpuOf, wrap, wrapExact } from "./storage.js";

export type LogicalReduceKind = "any" | "all" | "countNonzero";

const PUBLIC_NAME: Readonly<Record<LogicalReduceKind, string>> = { any: "any", all: "all", countNonzero: "count_nonzero" };

/**
 * any/all (result of `outDtype`: bool, or uint8 for uint8 inputs) or count_nonzero (int64) of `x`
 * over `dims` (every dim when empty); `outShape` is the front end's plan (keepdim applied).
 */
export function gpuLogicalReduce(kind: LogicalReduceKind, x: Tensor, dims: readonly number[], keepdim: boolean, outDtype: DType, outShape: readonly number[]): Tensor {
  checkDevices(PUBLIC_NAME[kind], x);
  if (kind === "countNonzero" ? outDtype !== int64 : outDtype !== bool && outDtype.name !== "uint8") {
    throw new Error(`${PUBLIC_NAME[kind]}: result dtype ${outDtype.name} is not supported for the 'webgpu' device`);
  }
  const nonzero = x.dtype === bool ? x.detach() : x.detach().ne(0);
  const reduced = dims.length === 0 ? [...x.shape.keys()] : [...dims];
  const blockSize = reduced.reduce((n, d) => n * x.shape[d]!, 1);
  let out: Tensor;
  if (kind === "countNonzero") {
    out = wrap(reduce("sum", gpuOf(nonzero), reduced, { keepdim, dtype: "int32" }), int64);
  } else if (blockSize === 0) {
    // max/min have no identity; an empty block is false for any and true for all.
    out = x.newFull([...outShape], kind === "all", { dtype: bool });
  } else {
    out = wrapExact(reduce(kind === "any" ? "max" : "min", gpuOf(nonzero), reduced, { keepdim }), bool);
  }
  if (out.shape.join() !== outShape.join()) out = out.reshape([...outShape]);
  return out.dtype === outDtype ? out : out.to(outDtype);
}
