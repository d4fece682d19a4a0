// The dim softmax-like functions take when none is given (PyTorch's deprecated _get_softmax_dim).
import { warnOnce } from "../../core/warnings.js";

/** PyTorch's implicit dim (deprecated): 0 for 0-, 1- and 3-d inputs, else 1, with a warning. */
export function implicitSoftmaxDim(name: string, ndim: number): number {
  warnOnce(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}
