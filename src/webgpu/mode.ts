// mode along one dim on the "webgpu" device, composed of device ops (no readback): a stable sort
// of each line, runs of equal values found by comparing neighbours (NaN equal to NaN, as the CPU
// groups them), each position's run bounds by a cummax of run starts and a reversed cummin of run
// ends, and the first longest run (ties: the smallest value, as the CPU's strict `>`). Its value
// and index are the run's last element's: stable sorting keeps equal values in index order, so
// that is the largest original index, as the CPU returns.

import type { Tensor } from "../core/tensor.js";
import { bool, int32, int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { cat } from "../ops/shape-join.js";
import { checkDevices } from "./pointwise.js";
import { gpuSortAlong } from "./scan-sort.js";

/** Values and int64 indices of the mode of `x` along `dim` (the front end records ModeBackward0). */
export function gpuModeAlong(x: Tensor, dim: number, keepdim: boolean): { values: Tensor; indices: Tensor; d: number } {
  checkDevices("mode", x);
  const d = x.dim() ? normalizeDim(dim, x.dim(), "mode") : 0;
  if (x.dim() > 0 && x.shape[d] === 0) throw new Error(`mode(): Expected reduction dim ${d} to have non-zero size.`);
  // Lines last; a 0-d tensor is one line of one element. bool sorts as int32 (false < true).
  const lines = x.dim() === 0 ? x.detach().reshape([1]) : x.detach().movedim(d, -1);
  const sortable = lines.dtype === bool ? lines.to(int32) : lines;
  const n = lines.shape[lines.dim() - 1]!;
  const { values: sorted, indices: order } = gpuSortAlong("mode", sortable, -1, n, false);
  let lastOfRun: Tensor;
  if (n === 1) {
    lastOfRun = order.newZeros(order.shape);
  } else {
    const head = sorted.narrow(-1, 0, n - 1), tail = sorted.narrow(-1, 1, n - 1);
    let same = tail.eq(head);
    if (sorted.dtype.isFloatingPoint) same = same.logicalOr(tail.isnan().logicalAnd(head.isnan()));
    const differs = same.logicalNot();
    const ones = differs.newOnes([...differs.shape.slice(0, -1), 1]);
    const runStart = cat([ones, differs], -1), runEnd = cat([differs, ones], -1);
    const positions = order.newZeros([n]).add(1).cumsum(0).sub(1).expand(order.shape);
    const firstOfRun = positions.mul(runStart.to(int64)).cummax(-1).values;
    lastOfRun = positions.where(runEnd, n).flip(-1).cummin(-1).values.flip(-1);
    const count = lastOfRun.sub(firstOfRun);
    // argmax takes the first of equal counts: the first position of the smallest longest run.
    lastOfRun = lastOfRun.gather(-1, count.argmax(-1, true));
  }
  const pick = (t: Tensor): Tensor => t.gather(-1, lastOfRun.narrow(-1, 0, 1));
  let values = pick(sorted), indices = pick(order);
  if (values.dtype !== x.dtype) values = values.to(x.dtype);
  if (x.dim() === 0) return { values: values.reshape([]), indices: indices.reshape([]), d };
  values = values.movedim(-1, d); indices = indices.movedim(-1, d);
  return keepdim ? { values, indices, d } : { values: values.squeeze(d), indices: indices.squeeze(d), d };
}

