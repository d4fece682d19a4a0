// Elementwise arithmetic on complex tensors, written over the real view (view_as_real) with real
// ops: the gradients then follow PyTorch's convention by themselves. binaryOp (pointwise-engine.ts)
// hands an op here when the promoted dtype is complex; ops without a complex form refuse.

import { Tensor } from "../core/tensor.js";
import { type DType, complex32, complex64 } from "../core/dtype.js";
import { Complex } from "../core/complex.js";
import { noGrad } from "../autograd/grad-mode.js";
import { castTo } from "./conversion.js";
import { copyInto, emptyTensor, fillTensor } from "./engine.js";
import { notImplementedFor } from "./pointwise-util.js";
import { fromParts, parts, throughRealView, realView } from "./complex-parts.js";

type Operand = Tensor | number | bigint | boolean | Complex;

/** An operand as a complex tensor of `dtype` (a scalar as a 0-d tensor; autograd through the cast). */
export function asComplexTensor(v: Operand, dtype: DType): Tensor {
  if (v instanceof Tensor) return v.dtype === dtype ? v : castTo(v, dtype);
  const t = emptyTensor([], dtype);
  fillTensor(t, typeof v === "bigint" ? Number(v) : v);
  return t;
}

/** The elementwise complex binary ops: name -> composite over the parts. */
const BINARY: Record<string, (x: Tensor, y: Tensor) => Tensor> = {
  add: (x, y) => throughRealView(x, (r) => r.add(realView(y))),
  sub: (x, y) => throughRealView(x, (r) => r.sub(realView(y))),
  mul: (x, y) => {
    const [a, b] = parts(x), [c, d] = parts(y);
    return fromParts(a.mul(c).sub(b.mul(d)), a.mul(d).add(b.mul(c)));
  },
  div: (x, y) => {
    // Smith's algorithm would avoid overflow; this is the textbook form PyTorch's vectorised path uses.
    const [a, b] = parts(x), [c, d] = parts(y);
    const den = c.mul(c).add(d.mul(d));
    return fromParts(a.mul(c).add(b.mul(d)).div(den), b.mul(c).sub(a.mul(d)).div(den));
  },
};

/** The binary ops PyTorch 1.13's CPU computes on complex32 (its other kernels refuse ComplexHalf). */
const COMPLEX_HALF_BINARY = new Set(["add", "sub", "mul"]);

/** A complex32 result: computed in complex64, rounded to float16 parts (c10::complex<Half> arithmetic goes through float). */
function complexHalfBinary(name: string, f: (x: Tensor, y: Tensor) => Tensor, a: Operand, b: Operand, out?: Tensor): Tensor {
  if (!COMPLEX_HALF_BINARY.has(name)) throw notImplementedFor(`${name}_cpu`, complex32);
  // Operands (Python scalars too) are complex32 values first, as in PyTorch's kernel.
  const widened = (v: Operand): Tensor => castTo(asComplexTensor(v, complex32), complex64);
  const compute = (): Tensor => castTo(f(widened(a), widened(b)), complex32);
  if (!out) return compute();
  noGrad(() => copyInto(out, compute()));
  return out;
}

/**
 * binaryOp for a complex result: `out` (in-place forms, out=) receives the value, computed without
 * recording (the caller records); otherwise the composite's own graph carries the gradient.
 */
export function complexBinary(name: string, a: Operand, b: Operand, dtype: DType, out?: Tensor): Tensor {
  const f = BINARY[name];
  if (!f) throw notImplementedFor(`${name}_cpu`, dtype);
  if (dtype === complex32) return complexHalfBinary(name, f, a, b, out);
  if (!out) return f(asComplexTensor(a, dtype), asComplexTensor(b, dtype));
  noGrad(() => copyInto(out, f(asComplexTensor(a, dtype), asComplexTensor(b, dtype))));
  return out;
}
