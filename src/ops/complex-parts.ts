// Data-movement ops on complex tensors, by parts: an op that only moves, selects, sums or fills
// elements acts alike on the real and the imaginary numbers, so its complex form is
// complex(op(real parts), op(imaginary parts)). Written over the differentiable torch.real /
// torch.imag / torch.complex, the gradient follows PyTorch's convention with no rule of its own.
// throughRealView is the other road: one real op on the real view [..., 2].

import { Tensor } from "../core/tensor.js";
import { complex32, cppTypeName } from "../core/dtype.js";
import { currentOpName } from "../core/op-name.js";
import { Complex } from "../core/complex.js";
import { noGrad } from "../autograd/grad-mode.js";
import { complex, viewAsComplex, viewAsReal } from "./complex-views.js";
import { imag, real, resolveConj } from "./conjugation.js";
import { copyInto } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import { lazyRealView, rawPart } from "./complex-engine.js";
import { ConjStorage } from "../core/lazy-storage.js";
import { allowComplexHalf } from "../core/storage.js";
import { record } from "../autograd/record.js";

/** Which numbers of a complex value: 0 the real parts, 1 the imaginary parts. */
export type Part = 0 | 1;

/** complex(f(0), f(1)): an op applied to the real and to the imaginary parts of its operands. */
export function byParts(f: (p: Part) => Tensor): Tensor {
  return fromParts(f(0), f(1));
}

/** (re, im) of a tensor as two real tensors, with autograd (a real tensor's imaginary parts are zeros). */
export function parts(z: Tensor): [Tensor, Tensor] {
  return [part(z, 0), part(z, 1)];
}

/** A complex tensor from real parts (broadcast), with autograd: torch.complex. */
export function fromParts(re: Tensor, im: Tensor): Tensor {
  return complex(re, im);
}

/**
 * A real op run on a complex tensor's real view [..., 2] and seen as complex again:
 * viewAsComplex(f(viewAsReal(z))). f must keep the pair dim last with stride 1 (viewAsComplex's
 * rule); autograd flows through both views, so the gradient follows PyTorch's convention.
 */
export function throughRealView(z: Tensor, f: (r: Tensor) => Tensor): Tensor {
  return viewAsComplex(f(realView(z)));
}

/**
 * view_as_real without its conjugate-bit refusal, for the complex ops' own use: a conjugate view's
 * real view reads its imaginary parts negated (core/lazy-storage.ts), so real ops on it compute on
 * the conjugated values, and a result over the same memory seen as complex is the conjugate view again.
 */
export function realView(z: Tensor): Tensor {
  if (z.dtype === complex32) throw complexHalfRefused();
  return z.storage instanceof ConjStorage ? record("ViewAsRealBackward0", [z], lazyRealView(z), ([g]) => [viewAsComplex(g!.contiguous())]) : viewAsReal(z);
}

/** The real (0) or imaginary (1) parts of a tensor, with autograd; a real tensor's imaginary parts are zeros. */
export function part(t: Tensor, p: Part): Tensor {
  // The public real/imag views take complex32; the ops composed over parts are PyTorch's complex64/128 kernels.
  if (t.dtype === complex32) throw complexHalfRefused();
  if (p === 0) return real(t);
  // A conjugate view's imaginary parts computed on are its values resolved (only its own elements;
  // CloneBackward0 keeps the gradient), not the negative view torch.imag gives, which kernels would read whole.
  if (t.storage instanceof ConjStorage) return imag(resolveConj(t));
  return t.dtype.isComplex ? imag(t) : t.mul(0);
}

/** PyTorch's refusal of complex32 by a kernel without a ComplexHalf form, naming the op. */
function complexHalfRefused(): Error { return new Error(`"${currentOpName()}" not implemented for 'ComplexHalf'`); }

/** One part of a scalar: a Complex's re/im, a real number's itself / 0. */
export function scalarPart(v: number | bigint | boolean | Complex, p: Part): number {
  if (v instanceof Complex) return p === 0 ? v.re : v.im;
  return p === 0 ? Number(v) : 0;
}

/** A value (Complex, number, tensor) as one part; tensors keep autograd. */
export function valuePart<V extends number | bigint | boolean | Complex | Tensor>(v: V, p: Part): number | Tensor {
  return v instanceof Tensor ? part(v, p) : scalarPart(v as number | Complex, p);
}

/** An in-place op on a complex tensor: its out-of-place form's result copied in (autograd through applyInPlace). */
export function complexInPlace(op: string, self: Tensor, others: readonly (Tensor | null | undefined)[], outOfPlace: (x: Tensor) => Tensor): Tensor {
  return applyInPlace(op, self, others, () => copyInto(self, noGrad(() => outOfPlace(self.detach()))), outOfPlace);
}

/** PyTorch's refusal of a complex scalar written into a real tensor. */
export function checkComplexScalarFits(op: string, self: Tensor, v: unknown, words: "convert" | "overflow" = "overflow"): void {
  if (!(v instanceof Complex) || self.dtype.isComplex) return;
  throw new Error(words === "convert"
    ? `${op}: Converting complex Scalar to non-complex type is not supported`
    : `value cannot be converted to type ${cppTypeName(self.dtype)} without overflow`);
}

/** Where either part is nonzero (a bool tensor, no autograd): what nonzero / count_nonzero count. */
export function nonzeroMask(z: Tensor): Tensor {
  // complex32 too (PyTorch's nonzero / count_nonzero take it).
  const [re, im] = allowComplexHalf(() => [rawPart(z, 0), rawPart(z, 1)]);
  return re.ne(0).logicalOr(im.ne(0));
}
