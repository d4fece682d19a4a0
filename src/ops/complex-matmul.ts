// Complex matrix products as real GEMMs on the parts: (Ar + i Ai)(Br + i Bi) =
// (Ar Br - Ai Bi) + i (Ar Bi + Ai Br), each part read in place through its strided float view.
// bmmKernel (blas.ts) hands complex operands here; autograd stays with the public ops.

import type { Tensor } from "../core/tensor.js";
import { copyInto, emptyTensor } from "./engine.js";
import { rawPart } from "./complex-engine.js";

/** a @ b for complex [B, M, K] and [B, K, N] (no autograd); `realBmm` is the real kernel. */
export function complexBmm(a: Tensor, b: Tensor, realBmm: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const ar = rawPart(a, 0), ai = rawPart(a, 1), br = rawPart(b, 0), bi = rawPart(b, 1);
  const out = emptyTensor([a._shape[0]!, a._shape[1]!, b._shape[2]!], a.dtype);
  // The real products are fresh tensors nothing else sees: combined in place.
  copyInto(rawPart(out, 0), realBmm(ar, br).sub_(realBmm(ai, bi)));
  copyInto(rawPart(out, 1), realBmm(ar, bi).add_(realBmm(ai, br)));
  return out;
}
