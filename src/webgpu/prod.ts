// prod on the "webgpu" device: the backend's reduction (float32, or int32 wrapping as every
// integer op of the device: int64 results wrap at 32 bits), recorded as the CPU's ProdBackward0/1
// for float inputs. The gradient is the product of the other elements, computed exactly with
// zeros by exclusive cumulative products from both ends: the CPU tests for zeros on the host,
// which the device cannot do without a readback.

import type { Tensor } from "../core/tensor.js";
import { type DType, int32 } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { expandReducedGrad } from "../ops/reduce-engine.js";
import { cat } from "../ops/shape-join.js";
import { reduce } from "../backends/webgpu/reduce.js";
import { checkDevices } from "./pointwise.js";
import { gpuOf, wrap } from "./storage.js";

/** prod of x over `dims` (every dim when `all`), of dtype `outDtype` (x already cast to it by the front end). */
export function gpuProd(x: Tensor, dims: readonly number[], keepdim: boolean, outDtype: DType, all: boolean): Tensor {
  checkDevices("prod", x);
  const isFloat = outDtype.isFloatingPoint;
  // bool and the narrow integers multiply as int32 values.
  const src = isFloat || x.dtype === int32 ? x.detach() : x.detach().to(int32);
  const g = gpuOf(src);
  // float16 stored as f16: loaded as f32 by the kernel, the product rounded as it is stored.
  const dtype = !isFloat ? "int32" : g.dtype === "float16" && outDtype === x.dtype ? "float16" : "float32";
  let out = wrap(reduce("prod", g, dims.length === 0 ? undefined : dims, { keepdim, dtype }), outDtype);
  const outShape = keepdim ? x.shape.map((s, i) => (dims.length === 0 || dims.includes(i) ? 1 : s)) : x.shape.filter((_, i) => dims.length !== 0 && !dims.includes(i));
  if (out.shape.join() !== outShape.join()) out = out.reshape(outShape);
  if (!isFloat) return out;
  const reduced = dims.length === 0 ? [...x.shape.keys()] : [...dims];
  const inShape = x.shape;
  return record(all ? "ProdBackward0" : "ProdBackward1", [x], out, ([g]) => [
    expandReducedGrad(g!, inShape, reduced, keepdim).mul(productOfOthers(x, reduced)),
  ], [x]);
}

/** For each element, the product of the other elements of its reduced block (differentiable again). */
function productOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const kept = [...x.shape.keys()].filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const keptShape = kept.map((i) => x.shape[i]!), n = dims.reduce((a, d) => a * x.shape[d]!, 1);
  if (n === 0 || x.dim() === 0) return x.newOnes(x.shape);
  const rows = x.permute(perm).reshape([...keptShape, n]);
  const ones = rows.newOnes([...keptShape, 1]);
  const fromLeft = n === 1 ? ones : cat([ones, rows.cumprod(-1).narrow(-1, 0, n - 1)], -1);
  const fromRight = n === 1 ? ones : cat([rows.flip(-1).cumprod(-1).flip(-1).narrow(-1, 1, n - 1), ones], -1);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return fromLeft.mul(fromRight).reshape(perm.map((i) => x.shape[i]!)).permute(inverse);
}
