// Complex matrix products as real GEMMs on the parts: (Ar + i Ai)(Br + i Bi) =
// (Ar Br - Ai Bi) + i (Ar Bi + Ai Br), each part read in place through its strided float view.
// A conjugate view (x.conj()) is its physical parts with the imaginary sign flipped: the sign goes
// into how the four products combine, so conj operands (the adjoints of mm's backward, x.mH) cost no copy.
// bmmKernel (blas.ts) hands complex operands here; autograd stays with the public ops.

import { Tensor } from "../core/tensor.js";
import { ConjStorage } from "../core/lazy-storage.js";
import { copyInto, emptyTensor } from "./engine.js";
import { rawPart } from "./complex-engine.js";

/** The physical real and imaginary parts of z and the sign its values give the imaginary parts (-1 for a conj view). */
function signedParts(z: Tensor): [Tensor, Tensor, 1 | -1] {
  if (!(z.storage instanceof ConjStorage)) return [rawPart(z, 0), rawPart(z, 1), 1];
  const physical = new Tensor(z.storage._physical, z._shape, z._strides, z._offset);
  return [rawPart(physical, 0), rawPart(physical, 1), -1];
}

/** a @ b for complex [B, M, K] and [B, K, N] (no autograd); `realBmm` is the real kernel. */
export function complexBmm(a: Tensor, b: Tensor, realBmm: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const [ar, ai, sa] = signedParts(a), [br, bi, sb] = signedParts(b);
  const out = emptyTensor([a._shape[0]!, a._shape[1]!, b._shape[2]!], a.dtype);
  // The real products are fresh tensors nothing else sees: combined in place.
  // re = Ar Br - (sa Ai)(sb Bi); im = Ar (sb Bi) + (sa Ai) Br.
  const re = realBmm(ar, br), aibi = realBmm(ai, bi);
  copyInto(rawPart(out, 0), sa * sb === 1 ? re.sub_(aibi) : re.add_(aibi));
  const arbi = realBmm(ar, bi), aibr = realBmm(ai, br);
  const im = sa === 1 ? (sb === 1 ? arbi.add_(aibr) : aibr.sub_(arbi)) : (sb === 1 ? arbi.sub_(aibr) : arbi.add_(aibr).neg_());
  copyInto(rawPart(out, 1), im);
  return out;
}
