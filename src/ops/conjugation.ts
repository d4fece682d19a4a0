// torch.conj, conj_physical, resolve_conj, resolve_neg, is_conj, is_neg, real, imag. torch-ts has
// real dtypes only, where PyTorch defines these as the identity (conj, real, resolve_*: the input
// itself), false (is_conj, is_neg), or an error (imag).

import { Tensor as TensorClass, type Tensor } from "../core/tensor.js";
import { checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind } from "./args.js";

/** torch.conj(input): the input itself for a real tensor, as in PyTorch. */
export function conj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj", arguments, 1); else if (isOptionsObject(input)) return rebind(conj, "conj", arguments, ["input"], 1, []); return checkTensor("conj", "input", input); }

/** torch.conj_physical(input): the input itself for a real tensor, as in PyTorch. */
export function conjPhysical(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical, "conj_physical", arguments, ["input"], 1, []); return checkTensor("conj_physical", "input", input); }

/** torch.conj_physical_(input): nothing to do for a real tensor. */
export function conjPhysical_(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("conj_physical_", arguments, 1); else if (isOptionsObject(input)) return rebind(conjPhysical_, "conj_physical_", arguments, ["input"], 1, []); return checkTensor("conj_physical_", "input", input); }

/** torch.resolve_conj(input): the input itself (no tensor here has a lazy conjugate bit). */
export function resolveConj(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveConj, "resolve_conj", arguments, ["input"], 1, []); return checkTensor("resolve_conj", "input", input); }

/** torch.resolve_neg(input): the input itself (no tensor here has a lazy negative bit). */
export function resolveNeg(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("resolve_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(resolveNeg, "resolve_neg", arguments, ["input"], 1, []); return checkTensor("resolve_neg", "input", input); }

/** torch.is_conj(input): false. */
export function isConj(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_conj", arguments, 1); else if (isOptionsObject(input)) return rebind(isConj, "is_conj", arguments, ["input"], 1, []); checkTensor("is_conj", "input", input); return false; }

/** torch.is_neg(input): false. */
export function isNeg(input: Tensor): boolean { if (arguments.length > 1) checkArgs("is_neg", arguments, 1); else if (isOptionsObject(input)) return rebind(isNeg, "is_neg", arguments, ["input"], 1, []); checkTensor("is_neg", "input", input); return false; }

/** torch.real(input): the input itself for a real tensor, as in PyTorch. */
export function real(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("real", arguments, 1); else if (isOptionsObject(input)) return rebind(real, "real", arguments, ["input"], 1, []); return checkTensor("real", "input", input); }

/** torch.imag(input): an error for real tensors, as in PyTorch. */
export function imag(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("imag", arguments, 1); else if (isOptionsObject(input)) return rebind(imag, "imag", arguments, ["input"], 1, []);
  checkTensor("imag", "input", input);
  throw new Error("imag is not implemented for tensors with non-complex dtypes.");
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
    /** x.real: the tensor itself (a real tensor is its own real part). */
    readonly real: Tensor;
    /** x.imag: an error for real tensors, as in PyTorch. */
    readonly imag: Tensor;
  }
}
installMethods({ conj, conjPhysical, conjPhysical_, resolveConj, resolveNeg, isConj, isNeg });
Object.defineProperty(TensorClass.prototype, "real", { get(this: Tensor) { return this; }, configurable: true });
Object.defineProperty(TensorClass.prototype, "imag", { get(this: Tensor) { return imag(this); }, configurable: true });
