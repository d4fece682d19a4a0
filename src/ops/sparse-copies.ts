// The *_copy forms of the sparse members (torch.crow_indices_copy, ..., indices_copy, values_copy:
// new tensors, not views, as PyTorch's functionalization names them) and PyTorch's old names for
// the sparse products (torch.spmm / dsmm: mm, hsmm: hspmm, saddmm: sspaddmm).

import type { Tensor } from "../core/tensor.js";
import { checkArgs, checkTensor } from "./args.js";
import { mm } from "./blas.js";
import { hspmm, sspaddmm } from "./sparse-products.js";

function copyOf(op: string, self: Tensor, member: (t: Tensor) => Tensor): Tensor {
  checkTensor(op, "self", self);
  return member(self).clone();
}

/** torch.crow_indices_copy(input): a new tensor of a CSR/BSR tensor's compressed row indices. */
export function crowIndicesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("crow_indices_copy", arguments, 1);
  return copyOf("crow_indices_copy", input, (t) => t.crowIndices());
}

/** torch.col_indices_copy(input): a new tensor of a CSR/BSR tensor's column indices. */
export function colIndicesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("col_indices_copy", arguments, 1);
  return copyOf("col_indices_copy", input, (t) => t.colIndices());
}

/** torch.ccol_indices_copy(input): a new tensor of a CSC/BSC tensor's compressed column indices. */
export function ccolIndicesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("ccol_indices_copy", arguments, 1);
  return copyOf("ccol_indices_copy", input, (t) => t.ccolIndices());
}

/** torch.row_indices_copy(input): a new tensor of a CSC/BSC tensor's row indices. */
export function rowIndicesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("row_indices_copy", arguments, 1);
  return copyOf("row_indices_copy", input, (t) => t.rowIndices());
}

/** torch.indices_copy(input): a new tensor of a coalesced COO tensor's indices. */
export function indicesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("indices_copy", arguments, 1);
  return copyOf("indices_copy", input, (t) => t.indices());
}

/** torch.values_copy(input): a new tensor of a sparse tensor's values (differentiable, as values()). */
export function valuesCopy(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("values_copy", arguments, 1);
  return copyOf("values_copy", input, (t) => t.values());
}

/** torch.spmm(input, mat2): torch.mm's old name for a sparse first operand. */
export function spmm(input: Tensor, mat2: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("spmm", arguments, 2);
  return mm(input, mat2);
}

/** torch.dsmm(input, mat2): sparse @ dense, dense (torch.mm). */
export function dsmm(input: Tensor, mat2: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("dsmm", arguments, 2);
  return mm(input, mat2);
}

/** torch.hsmm(input, mat2): torch.hspmm's old name. */
export function hsmm(input: Tensor, mat2: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("hsmm", arguments, 2);
  return hspmm(input, mat2);
}

/** torch.saddmm(input, mat1, mat2, beta=1, alpha=1): torch.sspaddmm's old name. */
export function saddmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  if (arguments.length > 4) checkArgs("saddmm", arguments, 4);
  return sspaddmm(input, mat1, mat2, options);
}
