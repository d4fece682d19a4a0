// torch.conj, conj_physical, resolve_conj, resolve_neg, is_conj, is_neg, real, imag. On real
// tensors PyTorch defines these as the identity (conj, real, resolve_*: the input itself), false
// (is_conj, is_neg), or an error (imag). On complex tensors real/imag are views of the parts;
// conj is computed (torch-ts has no lazy conjugate bit: is_conj is false, conj() is a new tensor).

import { Tensor as TensorClass, type Tensor } from "../core/tensor.js";
import { checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind } from "./args.js";
import { record } from "../autograd/record.js";
import { rawPart } from "./complex-engine.js";
import { complex } from "./complex-views.js";
import { throughRealView } from "./complex-parts.js";
import { applyInPlace } from "./inplace.js";
import { fromArray } from "./engine.js";
import { realOf } from "../core/dtype.js";

/** z with its imaginary parts negated (autograd through the real view). */
function conjugated(z: Tensor): Tensor {
  const signs = fromArray(new Float64Array([1, -1]), [2], realOf(z.dtype));
  return throughRealView(z, (r) => r.mul(signs));
}

/** torch.conj(input): the complex conjugate (a new tensor); the input itself for a real tensor, as in PyTorch. */
export function conj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj", arguments, 1); else if (isOptionsObject(input)) return rebind(conj, "conj", arguments, ["input"], 1, []); checkTensor("conj", "input", input); return input.dtype.isComplex ? conjugated(input) : input; }

/** torch.conj_physical(input): the complex conjugate; the input itself for a real tensor, as in PyTorch. */
export function conjPhysical(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical, "conj_physical", arguments, ["input"], 1, []); checkTensor("conj_physical", "input", input); return input.dtype.isComplex ? conjugated(input) : input; }

/** torch.conj_physical_(input): negates the imaginary parts in place; nothing to do for a real tensor. */
export function conjPhysical_(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical_", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical_, "conj_physical_", arguments, ["input"], 1, []);
  checkTensor("conj_physical_", "input", input);
  if (!input.dtype.isComplex) return input;
  return applyInPlace("conj_physical_", input, [], () => { const im = rawPart(input, 1); im.neg_(); }, (snap) => conjugated(snap));
}

/** torch.resolve_conj(input): the input itself (no tensor here has a lazy conjugate bit). */
export function resolveConj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveConj, "resolve_conj", arguments, ["input"], 1, []); return checkTensor("resolve_conj", "input", input); }

/** torch.resolve_neg(input): the input itself (no tensor here has a lazy negative bit). */
export function resolveNeg(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveNeg, "resolve_neg", arguments, ["input"], 1, []); return checkTensor("resolve_neg", "input", input); }

/** torch.is_conj(input): false. */
export function isConj(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(isConj, "is_conj", arguments, ["input"], 1, []); checkTensor("is_conj", "input", input); return false; }

/** torch.is_neg(input): false. */
export function isNeg(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(isNeg, "is_neg", arguments, ["input"], 1, []); checkTensor("is_neg", "input", input); return false; }

/** torch.real(input): the real parts of a complex tensor (a view); the input itself for a real tensor, as in PyTorch. */
export function real(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("real", arguments, 1); else if (isOptionsObject(input)) return rebind(real, "real", arguments, ["input"], 1, []);
  checkTensor("real", "input", input);
  if (!input.dtype.isComplex) return input;
  const dtype = input.dtype;
  return record("RealBackward0", [input], rawPart(input, 0), ([g]) => [g!.to(dtype)]);
}

/** torch.imag(input): the imaginary parts of a complex tensor (a view); an error for real tensors, as in PyTorch. */
export function imag(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("imag", arguments, 1); else if (isOptionsObject(input)) return rebind(imag, "imag", arguments, ["input"], 1, []);
  checkTensor("imag", "input", input);
  if (!input.dtype.isComplex) throw new Error("imag is not implemented for tensors with non-complex dtypes.");
  return record("ImagBackward0", [input], rawPart(input, 1), ([g]) => [complex(g!.mul(0), g!)]);
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
