// torch.sparse.sampled_addmm(input, mat1, mat2, *, beta=1, alpha=1): beta * input + alpha * (mat1 @
// mat2) at the specified elements of the CSR tensor input only (batched too), a CSR tensor of its
// pattern. Each sampled element is one row of mat1 dotted with one column of mat2: O(nnz * K), the
// product is never formed. Public ops throughout, so gradients reach input's values, mat1 and mat2.

import { Tensor } from "../core/tensor.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { sparseCsr } from "../core/layout.js";
import { scalarTypeName } from "../core/dtype.js";
import { checkArgs, checkTensor } from "./args.js";
import { toNumbers } from "./engine.js";
import { longTensor } from "./sparse-engine.js";
import { cooIndices, makeCompressed } from "./sparse-compressed-engine.js";
import { compressedValues, layoutWord } from "./sparse-compressed-dispatch.js";

export function sampledAddmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  if (arguments.length > 4) checkArgs("sparse.sampled_addmm", arguments, 4);
  checkTensor("sampled_addmm", "input", input);
  checkTensor("sampled_addmm", "mat1", mat1);
  checkTensor("sampled_addmm", "mat2", mat2);
  if (!isCompressed(input)) throw new Error(`Could not run 'aten::sparse_sampled_addmm' with arguments from the '${layoutWord(input) === "Sparse" ? "SparseCPU" : "CPU"}' backend.`);
  for (const [name, m] of [["mat1", mat1], ["mat2", mat2]] as const) {
    if (layoutWord(m) !== "Strided") throw new Error(`sampled_addmm: Expected ${name} to have strided layout, but got ${layoutWord(m)}`);
  }
  if (input._compressedLayout !== sparseCsr) throw new Error(`sampled_addmm: Expected result to have sparse csr layout, but got ${layoutWord(input)}`);
  if (input._denseDimCount !== 0) throw new Error("sampled_addmm: Expected non-hybrid self tensor");
  if (mat1.dtype !== mat2.dtype) throw new Error(`sampled_addmm: Expected mat1 and mat2 to have the same dtype, but got ${scalarTypeName(mat1.dtype)} and ${scalarTypeName(mat2.dtype)}`);
  if (mat1.dtype !== input.dtype) throw new Error(`sampled_addmm: Expected mat1 and self to have the same dtype, but got ${scalarTypeName(mat1.dtype)} and ${scalarTypeName(input.dtype)}`);
  for (const [name, m] of [["mat1", mat1], ["mat2", mat2]] as const) {
    if (m.dim() < 2) throw new Error(`sampled_addmm: Expected ${name} to be a matrix, got ${m.dim()}-D tensor`);
  }
  const bd = input._batchDim;
  const batch = input.shape.slice(0, bd);
  if (mat1.shape.slice(0, -2).join() !== batch.join() || mat2.shape.slice(0, -2).join() !== batch.join()) {
    throw new Error(`sampled_addmm: Expected self, mat1 and mat2 to have the same batch dimensions, got [${batch.join(", ")}], [${mat1.shape.slice(0, -2).join(", ")}] and [${mat2.shape.slice(0, -2).join(", ")}]`);
  }
  const [m, k] = mat1.shape.slice(-2) as [number, number];
  const [k2, n] = mat2.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`sampled_addmm: mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
  if (input.shape[bd] !== m || input.shape[bd + 1] !== n) {
    throw new Error(`sampled_addmm: Expected self to have shape [${[...batch, m, n].join(", ")}] (mat1 @ mat2), got [${input.shape.join(", ")}]`);
  }
  // The (batch, row) of mat1 and (batch, column) of mat2 for each specified element, batches flattened.
  const idx = toNumbers(cooIndices(input)), total = idx.length / (bd + 2);
  const rows = new Float64Array(total), cols = new Float64Array(total);
  for (let e = 0; e < total; e++) {
    let b = 0;
    for (let d = 0; d < bd; d++) b = b * batch[d]! + idx[d * total + e]!;
    rows[e] = b * m + idx[bd * total + e]!;
    cols[e] = b * n + idx[(bd + 1) * total + e]!;
  }
  const left = mat1.reshape([-1, k]).indexSelect(0, longTensor(rows, [total]));
  const right = mat2.transpose(-2, -1).reshape([-1, k]).indexSelect(0, longTensor(cols, [total]));
  const sampled = left.mul(right).sum(1).reshape(input._compressedValues.shape);
  const beta = options.beta ?? 1, alpha = options.alpha ?? 1;
  const values = compressedValues(input).mul(beta).add(sampled, { alpha });
  return makeCompressed(sparseCsr, input._compressedIndices, input._plainIndices, values, input.shape);
}
