// cumsum / cumprod / logcumsumexp / cummax / cummin, and sort / topk / kthvalue / median along a
// dim on the "webgpu" device. The dim is moved last and the rows made contiguous ([rows, n]), the
// row kernels (src/backends/webgpu/scan.ts, sort.ts) run, and the results are moved back. No
// recording: the front end records the CPU op's node with its vjp in public ops.

import type { Tensor } from "../core/tensor.js";
import { bool, float32, int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { type ScanKind, scanRows } from "../backends/webgpu/scan.js";
import { sortRows } from "../backends/webgpu/sort.js";
import { gpuDTypeOf, requireFloatOperands, staged, wrap, wrapExact } from "./storage.js";
import { checkDevices } from "./pointwise.js";

/**
 * float32 (float16/bfloat16 scan in float32, each result rounded), or the integers the device
 * stores as int32 (int64's arithmetic then wraps at 32 bits, as all its device ops do; int8/uint8/
 * int16 results wrap to their type).
 */
function requireNumeric(op: string, x: Tensor): void {
  const d = x.dtype;
  if (d === bool || gpuDTypeOf(d) === null) throw notImplementedOnDevice(`${op} (dtype ${d.name})`);
}

/** x with dim d last, as contiguous rows: the [rows, n] matrix and the moved shape. */
function rowsOf(x: Tensor, d: number): { m: Tensor; moved: number[] } {
  const xd = x.detach();
  const t = xd.dim() === 0 ? xd.reshape([1]) : xd.movedim(d, -1);
  const moved = t.shape;
  const n = moved[moved.length - 1]!;
  return { m: t.contiguous().reshape([-1, n]), moved };
}

/** A [rows, k] result back in the input's layout (dim d of size k), contiguous as the CPU's. */
function unrows(r: Tensor, x: Tensor, moved: number[], d: number, k: number): Tensor {
  if (x.dim() === 0) return r.reshape([]);
  const shape = moved.slice();
  shape[shape.length - 1] = k;
  return r.reshape(shape).movedim(-1, d).contiguous();
}

/** The inclusive scan of float32 x along dim d (already normalized; 0 for a 0-d x). */
export function gpuScan(op: string, kind: Exclude<ScanKind, "max" | "min">, x: Tensor, d: number): Tensor {
  checkDevices(op, x);
  if (kind === "logsumexp") requireFloatOperands(op, x); else requireNumeric(op, x);
  const { m, moved } = rowsOf(x, d);
  const values = staged((s) => wrap(scanRows(kind, s.f32(m)).values, x.dtype));
  return unrows(values, x, moved, d, moved[moved.length - 1]!);
}

/** cummax / cummin along d: values and int64 indices. */
export function gpuScanWithIndices(op: "cummax" | "cummin", x: Tensor, d: number): { values: Tensor; indices: Tensor } {
  checkDevices(op, x);
  requireNumeric(op, x);
  const { m, moved } = rowsOf(x, d);
  const r = staged((s) => scanRows(op === "cummax" ? "max" : "min", s.f32(m)));
  const n = moved[moved.length - 1]!;
  return { values: unrows(wrapExact(r.values, x.dtype), x, moved, d, n), indices: unrows(wrap(r.indices!, int64), x, moved, d, n) };
}

/** The first k of each line along `dim` in stable sorted order (sort, topk): values, int64 indices, the dim. */
export function gpuSortAlong(op: string, x: Tensor, dim: number, k: number, descending: boolean): { values: Tensor; indices: Tensor; d: number } {
  checkDevices(op, x);
  requireNumeric(op, x);
  const d = x.dim() ? normalizeDim(dim, x.dim(), op) : 0;
  const { m, moved } = rowsOf(x, d);
  const n = moved[moved.length - 1]!;
  const r = staged((s) => sortRows(s.f32(m), descending));
  let values = wrapExact(r.values, x.dtype), indices = wrap(r.indices, int64);
  if (k < n) { values = values.narrow(1, 0, k); indices = indices.narrow(1, 0, k); }
  return { values: unrows(values, x, moved, d, k), indices: unrows(indices, x, moved, d, k), d };
}

/**
 * The element of rank kOf(n) (0-based, ascending, stable) along `dim` (null: of the flattened x),
 * or the first NaN of lines that have one, as the CPU's kthvalue/median pick. With `ignoreNaN`
 * (nanmedian) the rank is the lower median of each line's numbers (0 for lines of NaN only).
 */
/**
 * The k-th of the stable sorted order along dim; `nans` says what NaN does: "first" picks a line's
 * first NaN when it has one (median), "ignore" takes the lower median of the other values
 * (nanmedian), "ranked" leaves NaN where it sorts, after the numbers (kthvalue).
 */
export function gpuKthAlong(op: string, x: Tensor, dim: number | null, keepdim: boolean, kOf: (n: number) => number, nans: "first" | "ignore" | "ranked" = "first"): { values: Tensor; indices: Tensor; d: number | null } {
  checkDevices(op, x);
  requireNumeric(op, x);
  const d = dim === null ? null : x.dim() ? normalizeDim(dim, x.dim(), op) : 0;
  if (d !== null && x.dim() > 0 && x.shape[d] === 0) throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const src = d === null ? x.detach().reshape([-1]) : x.detach();
  const dd = d ?? 0;
  const n = src.dim() ? src.shape[dd]! : 1;
  const sorted = gpuSortAlong(op, src, dd, n, false);
  const k = kOf(n);
  let pos: Tensor | null = null;
  if (x.dtype.isFloatingPoint && src.dim() && nans !== "ranked") {
    // NaN sorts after a line's numbers: its first NaN is at rank n - count.
    const count = src.isnan().to(float32).sum(dd, true);
    pos = nans === "ignore"
      ? count.neg().add(n - 1).div(2).floor().clamp(0).to(int64)
      : count.gt(0).to(float32).mul(count.neg().add(n - k)).add(k).to(int64);
  }
  const pick = (t: Tensor): Tensor => {
    if (!src.dim()) return t;
    const p = pos ? t.gather(dd, pos) : t.narrow(dd, k, 1);
    return keepdim && d !== null ? p : p.squeeze(dd);
  };
  return { values: pick(sorted.values), indices: pick(sorted.indices), d };
}
