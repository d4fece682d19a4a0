// torch.result_type, torch.promote_types, torch.can_cast over tensors and Python scalars.

import { Tensor } from "../core/tensor.js";
import type { Complex } from "../core/complex.js";
import { type DType, type DTypeLike, promoteTypes as promote, resultTypeOf, toDType, type PromotionOperand } from "../core/dtype.js";

export type TensorOrScalar = Tensor | number | bigint | boolean | Complex;

export function operandOf(v: TensorOrScalar | Complex): PromotionOperand {
  if (v instanceof Tensor) return { kind: "tensor", dtype: v.dtype, zeroDim: v.dim() === 0 };
  return { kind: "scalar", value: v };
}

/** torch.result_type(a, b). */
export function resultType(a: TensorOrScalar, b: TensorOrScalar): DType {
  return resultTypeOf([operandOf(a), operandOf(b)]);
}

export function resultTypeMany(...vals: TensorOrScalar[]): DType {
  return resultTypeOf(vals.map(operandOf));
}

export function promoteTypes(a: DTypeLike, b: DTypeLike): DType {
  return promote(toDType(a), toDType(b));
}

const ORDER = { bool: 0, int: 1, float: 2, complex: 3 } as const;

/** torch.can_cast: same or higher category (bool < int < float < complex). */
export function canCast(from: DTypeLike, to: DTypeLike): boolean {
  const f = toDType(from), t = toDType(to);
  // PyTorch's rules name complex, floating and integral types only: a quantized one always passes.
  if (f.category === "quantized" || t.category === "quantized") return true;
  return ORDER[f.category] <= ORDER[t.category];
}
