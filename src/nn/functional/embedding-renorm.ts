// The renorm of embedding rows (PyTorch's embedding_renorm_), shared by torch.embedding_renorm_ and
// the max_norm path of F.embedding / F.embedding_bag: one implementation over public ops.

import type { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { int64 } from "../../core/dtype.js";
import { copyInto, fromArray, toNumbers } from "../../ops/engine.js";

/**
 * Scales down, in place and without autograd, each distinct row of the 2-D `weight` named in
 * `rows` (valid non-negative row numbers) whose `normType`-norm exceeds `maxNorm`: the row is
 * multiplied by maxNorm / (norm + 1e-7), the norm computed in the weight's dtype, as ATen's kernel
 * does. Rows are independent, so the order of visits does not matter. Does not bump the version.
 */
export function renormEmbeddingRows(weight: Tensor, rows: ArrayLike<number>, maxNorm: number, normType: number): void {
  const distinct = [...new Set(Array.from(rows))];
  if (distinct.length === 0) return;
  noGrad(() => {
    // The norms of all named rows in one op; only the rows over max_norm are then written.
    const picked = fromArray(BigInt64Array.from(distinct, (r) => BigInt(r)), [distinct.length], int64);
    const norms = toNumbers(weight.indexSelect(0, picked).norm(normType, 1));
    for (let i = 0; i < distinct.length; i++) {
      const norm = norms[i]!;
      if (!(norm > maxNorm)) continue;
      const row = weight.select(0, distinct[i]!);
      copyInto(row, row.mul(maxNorm / (norm + 1e-7)));
    }
  });
}
