// Comparisons, value tests and selection on complex tensors, over their real views: eq/ne compare
// both parts (lt/le/gt/ge refuse, as PyTorch), isnan/isinf/isfinite/isreal look at the parts,
// where selects pairs. comparison.ts hands complex operands here.

import { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import { allowComplexHalf } from "../core/storage.js";
import { record } from "../autograd/record.js";
import { copyInto } from "./engine.js";
import { rawPart, rawRealView } from "./complex-engine.js";
import { asComplexTensor } from "./complex-arith.js";
import { notImplementedFor } from "./pointwise-util.js";
import { gradFor } from "./pointwise-engine.js";
import { viewAsComplex } from "./complex-views.js";
import type { TensorOrScalar } from "./promotion.js";

/** eq / ne of operands whose promoted dtype is complex (a bool tensor); the ordering comparisons refuse. */
export function complexCompare(name: string, input: Tensor, other: TensorOrScalar, dtype: DType, out?: Tensor): Tensor {
  if (name !== "eq" && name !== "ne") throw notImplementedFor(`${name}_cpu`, dtype);
  // complex32 too (PyTorch compares ComplexHalf): the float16 views read in place.
  const [a, b] = allowComplexHalf(() => [rawRealView(asComplexTensor(input, dtype).detach()), rawRealView(asComplexTensor(other, dtype).detach())]);
  const res = name === "eq" ? a.eq(b).all(-1) : a.ne(b).any(-1);
  if (!out) return res;
  copyInto(out, res);
  return out;
}

/** The value tests of a complex tensor, part by part; isposinf / isneginf / signbit refuse in PyTorch's words. */
export function complexTest(op: string, z: Tensor): Tensor {
  const [re, im] = allowComplexHalf(() => [rawPart(z, 0), rawPart(z, 1)]);
  switch (op) {
    case "isnan": return re.isnan().logicalOr(im.isnan());
    case "isinf": return re.isinf().logicalOr(im.isinf());
    case "isfinite": return re.isfinite().logicalAnd(im.isfinite());
    case "isreal": return im.eq(0);
    case "signbit": throw new Error("signbit is not implemented for complex tensors.");
    default: throw new Error(`${op} does not support complex inputs.`);
  }
}

/** torch.where with a complex result: the pairs selected through the real views (WhereBackward0 as for reals). */
export function complexWhere(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar, dtype: DType): Tensor {
  const x = asComplexTensor(input, dtype), y = asComplexTensor(other, dtype);
  const [xr, yr] = allowComplexHalf(() => [rawRealView(x.detach()), rawRealView(y.detach())]);
  const pairs = xr.where(condition.unsqueeze(-1), yr);
  // pairs needs no gradient: viewAsComplex records nothing here.
  const out = viewAsComplex(pairs.contiguous());
  return record("WhereBackward0", [x, y], out, ([g]) => [
    x.requiresGrad ? gradFor(g!.where(condition, 0), x) : null,
    y.requiresGrad ? gradFor(g!.where(condition.logicalNot(), 0), y) : null,
  ], [condition]);
}
