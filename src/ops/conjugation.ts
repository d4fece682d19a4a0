// torch.conj, conj_physical, resolve_conj, resolve_neg, is_conj, is_neg, real, imag. On real
// tensors PyTorch defines these as the identity (conj, real, resolve_*: the input itself), false
// (is_conj, is_neg), or an error (imag). On complex tensors conj is PyTorch's lazy conjugate: a
// view with the conjugate bit (core/lazy-storage.ts), conj of it the plain view again; real/imag
// are views of the parts, the imaginary parts of a conjugate view carrying the negative bit.

import { Tensor as TensorClass, type Tensor } from "../core/tensor.js";
import { checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { record } from "../autograd/record.js";
import { lazyPart, rawPart } from "./complex-engine.js";
import { complex } from "./complex-views.js";
import { applyInPlace } from "./inplace.js";
import { allowComplexHalf, ComplexStorage } from "../core/storage.js";
import { ConjStorage, hasConjBit, hasNegBit } from "../core/lazy-storage.js";
import { noGrad } from "../autograd/grad-mode.js";

/**
 * The conjugate view of a complex tensor: the same memory and geometry read through the other
 * storage (the conjugating alias, or back to the physical one), a view of the same base.
 */
function conjView(x: Tensor): Tensor {
  const s = x.storage as ComplexStorage;
  const out = new TensorClass(s instanceof ConjStorage ? s._physical : new ConjStorage(s), x._shape.slice(), x._strides.slice(), x._offset);
  out._names = x._names;
  out._base = x._base ?? x;
  out._viewHistory = out._base._historyVersion;
  return record("ConjBackward0", [x], out, ([g]) => [g!.conj()]);
}

/** z with its imaginary parts negated, in new memory (ConjPhysicalBackward0). */
function conjugatedCopy(z: Tensor): Tensor {
  const out = noGrad(() => z.clone());
  const im = allowComplexHalf(() => rawPart(out, 1, true));
  noGrad(() => im.neg_());
  return record("ConjPhysicalBackward0", [z], out, ([g]) => [g!.conjPhysical()]);
}

/** torch.conj(input): the conjugate view of a complex tensor (shares memory, is_conj() true); the input itself for a real tensor, as in PyTorch. */
export function conj(input: Tensor): Tensor;
export function conj<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function conj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj", arguments, 1); else if (isOptionsObject(input)) return rebind(conj, "conj", arguments, ["input"], 1, []);
  checkTensor("conj", "input", input);
  if (!input.dtype.isComplex) return input;
  // A complex tensor without strided CPU memory (sparse, on a device) gets its conjugate computed.
  return input.storage instanceof ComplexStorage ? conjView(input) : conjugatedCopy(input);
}

/** torch.conj_physical(input): the complex conjugate in new memory; the input itself for a real tensor, as in PyTorch. */
export function conjPhysical(input: Tensor): Tensor;
export function conjPhysical<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function conjPhysical(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical, "conj_physical", arguments, ["input"], 1, []); checkTensor("conj_physical", "input", input); return input.dtype.isComplex ? conjugatedCopy(input) : input; }

/** torch.conj_physical_(input): negates the imaginary parts in place; nothing to do for a real tensor. */
export function conjPhysical_(input: Tensor): Tensor;
export function conjPhysical_<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function conjPhysical_(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical_", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical_, "conj_physical_", arguments, ["input"], 1, []);
  checkTensor("conj_physical_", "input", input);
  if (!input.dtype.isComplex) return input;
  // (A conjugate view's write goes through applyInPlace's out-of-place road, never direct.)
  return applyInPlace("conj_physical_", input, [], () => { const im = allowComplexHalf(() => rawPart(input, 1, true)); im.neg_(); }, (snap) => conjugatedCopy(snap));
}

/** torch.resolve_conj(input): a conjugate view's values in new memory (CloneBackward0, as PyTorch); any other tensor itself. */
export function resolveConj(input: Tensor): Tensor;
export function resolveConj<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function resolveConj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveConj, "resolve_conj", arguments, ["input"], 1, []); checkTensor("resolve_conj", "input", input); return hasConjBit(input) ? input.clone() : input; }

/** torch.resolve_neg(input): a negative view's values in new memory (CloneBackward0, as PyTorch); any other tensor itself. */
export function resolveNeg(input: Tensor): Tensor;
export function resolveNeg<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function resolveNeg(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveNeg, "resolve_neg", arguments, ["input"], 1, []); checkTensor("resolve_neg", "input", input); return hasNegBit(input) ? input.clone() : input; }

/** torch.is_conj(input): whether input is a conjugate view (x.conj() of a complex x, and the views of one). */
export function isConj(input: Tensor): boolean;
export function isConj<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isConj(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(isConj, "is_conj", arguments, ["input"], 1, []); checkTensor("is_conj", "input", input); return hasConjBit(input); }

/** torch.is_neg(input): whether input is a negative view (x.conj().imag, and the views of one). */
export function isNeg(input: Tensor): boolean;
export function isNeg<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): boolean;
export function isNeg(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(isNeg, "is_neg", arguments, ["input"], 1, []); checkTensor("is_neg", "input", input); return hasNegBit(input); }

/** torch.real(input): the real parts of a complex tensor (a view); the input itself for a real tensor, as in PyTorch. */
export function real(input: Tensor): Tensor;
export function real<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function real(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("real", arguments, 1); else if (isOptionsObject(input)) return rebind(real, "real", arguments, ["input"], 1, []);
  checkTensor("real", "input", input);
  if (!input.dtype.isComplex) return input;
  const dtype = input.dtype;
  return record("RealBackward0", [input], allowComplexHalf(() => lazyPart(input, 0)), ([g]) => [g!.to(dtype)]);
}

/** torch.imag(input): the imaginary parts of a complex tensor (a view); an error for real tensors, as in PyTorch. */
export function imag(input: Tensor): Tensor;
export function imag<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function imag(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("imag", arguments, 1); else if (isOptionsObject(input)) return rebind(imag, "imag", arguments, ["input"], 1, []);
  checkTensor("imag", "input", input);
  if (!input.dtype.isComplex) throw new Error("imag is not implemented for tensors with non-complex dtypes.");
  return record("ImagBackward0", [input], allowComplexHalf(() => lazyPart(input, 1)), ([g]) => [complex(g!.mul(0), g!)]);
}

declare module "../core/tensor.js" {
  interface Tensor {
    conj: Method<typeof conj>;
    conjPhysical: Method<typeof conjPhysical>;
    conjPhysical_: Method<typeof conjPhysical_>;
    resolveConj: Method<typeof resolveConj>;
    resolveNeg: Method<typeof resolveNeg>;
    isConj: Method<typeof isConj>;
    isNeg: Method<typeof isNeg>;
    /** x.real: the real parts of a complex tensor (a view; assigning copies into it); a real tensor itself. */
    real: Tensor;
    /** x.imag: the imaginary parts of a complex tensor (a view; assigning copies into it); an error for real tensors. */
    imag: Tensor;
  }
}
installMethods({ conj, conjPhysical, conjPhysical_, resolveConj, resolveNeg, isConj, isNeg });
// z.real = v / z.imag = v copy v into the parts, as PyTorch's setters.
Object.defineProperty(TensorClass.prototype, "real", { get(this: Tensor) { return real(this); }, set(this: Tensor, v: Tensor) { real(this).copy_(v); }, configurable: true });
Object.defineProperty(TensorClass.prototype, "imag", { get(this: Tensor) { return imag(this); }, set(this: Tensor, v: Tensor) { imag(this).copy_(v); }, configurable: true });
