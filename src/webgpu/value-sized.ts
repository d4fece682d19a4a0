// The ops whose result's size depends on the values (nonzero, masked_select, unique,
// unique_consecutive) on the "webgpu" device, behind their async forms (`await x.nonzeroAsync()`).
// They are compositions of device ops (cumsum, sort, index_add, index_select, any): the only
// readback is the result's size, one scalar (the last element of an inclusive cumsum).

import type { Tensor } from "../core/tensor.js";
import { bool, int32, int64 } from "../core/dtype.js";
import { broadcastShapes, normalizeDim } from "../core/shape.js";
import { arange } from "../ops/creation.js";
import { cat, stack } from "../ops/shape-join.js";
import { checkDevices } from "./pointwise.js";
import { itemAsync } from "./transfer.js";

/**
 * The positions of the true elements of a 1-d bool device tensor (int64, ascending) and each
 * element's rank among the true ones (inclusive cumsum - 1; for a true element, its row in
 * `positions`). One readback: the count. Each true element's position is added at its rank
 * (index_add skips the -1 of the false ones), so no element is visited twice.
 */
async function compact(flat: Tensor): Promise<{ positions: Tensor; rank: Tensor }> {
  const n = flat.numel();
  const positions = arange(n, { dtype: int64, device: flat.device });
  if (n === 0) return { positions, rank: positions };
  const rank = flat.to(int32).cumsum(0).sub(1);
  const count = Number(await itemAsync(rank.get(-1))) + 1;
  if (count === 0) return { positions: positions.narrow(0, 0, 0), rank };
  const at = rank.where(flat, -1);
  return { positions: positions.newZeros([count]).indexAdd(0, at, positions), rank };
}

/** Row-major coordinates of flat positions in `shape`: one int64 column per dim. */
function coordinates(positions: Tensor, shape: readonly number[]): Tensor[] {
  const cols: Tensor[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const above = stride === 1 ? positions : positions.div(stride, { roundingMode: "floor" });
    cols.unshift(d === 0 ? above : above.remainder(shape[d]!));
    stride *= shape[d]!;
  }
  return cols;
}

/** torch.nonzero(x, { asTuple }) of a device tensor (the front end checked the arguments). */
export async function gpuNonzero(x: Tensor, asTuple: boolean): Promise<Tensor | Tensor[]> {
  checkDevices("nonzero", x);
  const xd = x.detach();
  const mask = (xd.dtype === bool ? xd : xd.ne(0)).reshape([-1]);
  const { positions } = await compact(mask);
  // A 0-d tensor: as PyTorch, one position column as a tuple, [n, 0] as a matrix.
  if (x.dim() === 0) return asTuple ? [positions] : positions.reshape([-1, 1]).narrow(1, 0, 0);
  // No position (an empty input among them, whose coordinates would divide by a zero size).
  const cols = positions.numel() === 0 ? x.shape.map(() => positions) : coordinates(positions, x.shape);
  return asTuple ? cols : stack(cols, 1);
}

/**
 * torch.masked_select(input, mask) of device tensors: the broadcast input's elements at the mask's
 * true positions, by index_select (so the gradient flows to input through its backward).
 */
export async function gpuMaskedSelect(input: Tensor, mask: Tensor): Promise<Tensor> {
  checkDevices("masked_select", input, mask);
  const shape = broadcastShapes(input._shape, mask._shape);
  const { positions } = await compact(mask.detach().expand(shape).reshape([-1]));
  return input.expand(shape).reshape([-1]).indexSelect(0, positions);
}

/**
 * The stable ascending order of the rows of a [n, L] matrix, compared column by column (L stable
 * sorts, last column first); one column sorts once.
 */
function lexicographicOrder(rows: Tensor): Tensor {
  const [n, width] = rows.shape as [number, number];
  if (width === 1) return rows.reshape([-1]).sort().indices;
  let order = arange(n, { dtype: int64, device: rows.device });
  for (let j = width - 1; j >= 0; j--) {
    const column = rows.select(1, j);
    order = order.indexSelect(0, (j === width - 1 ? column : column.indexSelect(0, order)).sort({ stable: true }).indices);
  }
  return order;
}

/**
 * torch.unique / unique_consecutive of a device tensor, flattened (dim null) or of its slices along
 * dim: rows sorted (unique) or kept in order (consecutive), a row that differs from the one before
 * starts a group (NaN differs from everything, -0 equals 0, as the CPU compares), group ids by
 * cumsum, the first row of each group kept (the first in input order: the sort is stable).
 */
export async function gpuUnique(op: string, x: Tensor, dim: number | null, consecutive: boolean, returnInverse: boolean, returnCounts: boolean): Promise<Tensor | Tensor[]> {
  checkDevices(op, x);
  const xd = x.detach();
  const d = dim === null ? null : normalizeDim(dim, x.dim(), "unique");
  const n = d === null ? xd.numel() : x.shape[d]!;
  const width = d === null ? 1 : xd.numel() / Math.max(1, n);
  // Rows of the values, bool compared as int32 (the device sorts no bool).
  const moved = d === null ? xd.reshape([n, 1]) : xd.movedim(d, 0).reshape([n, width]);
  const rows = moved.dtype === bool ? moved.to(int32) : moved;
  const order = consecutive || n === 0 ? null : lexicographicOrder(rows);
  const ordered = order ? rows.indexSelect(0, order) : rows;
  const changed = n > 1 ? ordered.narrow(0, 1, n - 1).ne(ordered.narrow(0, 0, n - 1)).any(1) : ordered.newZeros([0], { dtype: bool });
  const starts = n > 0 ? cat([changed.newOnes([1]), changed]) : changed;
  const { positions, rank } = await compact(starts);
  const firsts = order ? order.indexSelect(0, positions) : positions;
  const values = d === null ? xd.reshape([-1]).indexSelect(0, firsts) : xd.indexSelect(d, firsts);
  if (!returnInverse && !returnCounts) return values;
  const out = [values];
  if (returnInverse) {
    const inverse = order && n > 0 ? rank.newZeros([n]).indexAdd(0, order, rank) : rank;
    out.push(d === null ? inverse.reshape(x.shape) : inverse);
  }
  if (returnCounts) out.push(n > 0 ? rank.newZeros([positions.numel()]).indexAdd(0, rank, rank.newOnes([n])) : rank);
  return out;
}
