// Advanced indexing, PyTorch's index / index_put: integer index tensors (and masks, expanded to
// the positions of their true elements) are broadcast together; the result's indexed dims take
// the place of the first indexed dim, or come first when the indexed dims are not adjacent.

import { Tensor } from "../core/tensor.js";
import { broadcastShapes, numel, shapeStr, shapesEqual } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { copyInto, emptyTensor, readable } from "./engine.js";
import {
  accessOf, broadcastContiguousStrides, checkIndexRange, combineFor, contiguousCopy, expandableTo, indexValues, isPlainNumeric,
  nonzeroColumns, offsetsOf, rawOf, scalarTypeName,
} from "./indexing-kernels.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { tryNativeMaskedSelect } from "./native-compact.js";
import { ComplexStorage } from "../core/storage.js";
import { complex32 } from "../core/dtype.js";

/** A complex tensor's (re, im) numbers: element offset o holds pairs[2o], pairs[2o + 1]. */
const pairsOf = (t: Tensor): Float32Array | Float64Array => (t.storage as ComplexStorage).pairs;

/** One entry per leading dim of the indexed tensor: an index tensor, or null for "all of it". */
export type IndexList = readonly (Tensor | null | undefined)[];

export interface AdvancedPlan {
  /** The result's shape. */
  shape: number[];
  /** Storage offsets of the dims before the indexed ones, of the indexed positions, of the dims after. */
  pre: Float64Array;
  mid: Float64Array;
  post: Float64Array;
  /** The indices, null for whole dims (what the backward reuses). */
  indices: (Tensor | null)[];
}

const INDEX_DTYPES = new Set(["int64", "int32", "uint8", "bool"]);

/** A mask indexing `src` from dim `first` on must have the shape of the dims it covers (PyTorch's message). */
export function checkMaskShape(mask: Tensor, src: Tensor, first: number): void {
  for (let j = 0; j < mask.dim(); j++) {
    const srcIdx = first + j;
    if (srcIdx >= src.dim() || mask._shape[j] !== src._shape[srcIdx]) {
      throw new Error(`The shape of the mask ${shapeStr(mask._shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(src._shape)} at index ${srcIdx}`);
    }
  }
}

/** Checks the indices against `src` (all of them, before anything is written) and plans the loops. */
export function planAdvanced(src: Tensor, indices: IndexList): AdvancedPlan {
  for (const t of indices) {
    if (t && !(t instanceof Tensor)) throw new Error("index: expected a Tensor or None as each index");
    if (t && !INDEX_DTYPES.has(t.dtype.name)) throw new Error("tensors used as indices must be long, int, byte or bool tensors");
  }
  // Masks become one index per mask dim: the positions of its true elements.
  const expanded: ({ values: ArrayLike<number>; shape: number[] } | null)[] = [];
  for (const t of indices) {
    if (!t) { expanded.push(null); continue; }
    if (t.dtype.name !== "bool" && t.dtype.name !== "uint8") { expanded.push({ values: indexValues(t), shape: t._shape }); continue; }
    checkMaskShape(t, src, expanded.length);
    for (const col of nonzeroColumns(t)) expanded.push({ values: col, shape: [col.length] });
  }
  if (expanded.length > src.dim()) {
    throw new Error(`too many indices for tensor of dimension ${src.dim()} (got ${expanded.length})`);
  }
  const dims: number[] = [];
  const idx: { values: ArrayLike<number>; shape: number[] }[] = [];
  expanded.forEach((t, d) => { if (t) { dims.push(d); idx.push(t); } });
  let bshape: number[];
  try {
    bshape = broadcastShapes(...idx.map((t) => t.shape));
  } catch {
    throw new Error(`shape mismatch: indexing tensors could not be broadcast together with shapes ${idx.map((t) => shapeStr(t.shape)).join(", ")}`);
  }
  if (dims.some((d) => src._shape[d] === 0) && !bshape.includes(0)) {
    throw new Error("index is out of bounds for dimension with size 0");
  }
  const nb = numel(bshape);
  const mid = new Float64Array(nb);
  idx.forEach((t, j) => {
    const d = dims[j]!;
    const size = src._shape[d]!, stride = src._strides[d]!;
    const vals = t.values;
    checkIndexRange(vals, size, true, (v) => `index ${v} is out of bounds for dimension ${j} with size ${size}`);
    const same = t.shape.length === bshape.length && t.shape.every((s, i) => s === bshape[i]);
    const at = same ? null : offsetsOf(bshape, broadcastContiguousStrides(t.shape, bshape));
    for (let b = 0; b < nb; b++) {
      const v = vals[at ? at[b]! : b]!;
      mid[b]! += (v < 0 ? v + size : v) * stride;
    }
  });
  const adjacent = dims.length === 0 || dims[dims.length - 1]! - dims[0]! === dims.length - 1;
  const rest: number[] = [];
  for (let d = 0; d < src.dim(); d++) if (!expanded[d]) rest.push(d);
  const preDims = adjacent && dims.length ? rest.filter((d) => d < dims[0]!) : [];
  const postDims = rest.filter((d) => !preDims.includes(d));
  const sizes = (ds: number[]) => ds.map((d) => src._shape[d]!);
  const strides = (ds: number[]) => ds.map((d) => src._strides[d]!);
  return {
    shape: [...sizes(preDims), ...bshape, ...sizes(postDims)],
    pre: offsetsOf(sizes(preDims), strides(preDims), src._offset),
    mid,
    post: offsetsOf(sizes(postDims), strides(postDims)),
    indices: indices.map((t) => t ?? null),
  };
}

/** out (contiguous, plan.shape) ← src at the planned positions. */
/** Whether offsets are consecutive: post[l] = post[0] + l. */
function isRun(post: ArrayLike<number>): boolean {
  for (let l = 1; l < post.length; l++) if (post[l] !== post[0]! + l) return false;
  return true;
}

export function gatherPlanned(plan: AdvancedPlan, src: Tensor, out: Tensor): void {
  const { pre, mid, post } = plan;
  const np = post.length;
  let k = 0;
  if (src.dtype.isComplex) {
    const a = pairsOf(out), b = pairsOf(src);
    for (let i = 0; i < pre.length; i++) {
      for (let j = 0; j < mid.length; j++) {
        const o = pre[i]! + mid[j]!;
        for (let l = 0; l < np; l++, k += 2) { const q = 2 * (o + post[l]!); a[k] = b[q]!; a[k + 1] = b[q + 1]!; }
      }
    }
    return;
  }
  const a = rawOf(out), b = rawOf(src);
  if (np >= 16 && isRun(post) && a.constructor === b.constructor) {
    // Each gathered block is a contiguous run (rows of index_select along dim 0): one set() each.
    const da = a as unknown as Float32Array, db = b as unknown as Float32Array, p0 = post[0]!;
    for (let i = 0; i < pre.length; i++) {
      for (let j = 0; j < mid.length; j++, k += np) {
        const o = pre[i]! + mid[j]! + p0;
        da.set(db.subarray(o, o + np), k);
      }
    }
    return;
  }
  for (let i = 0; i < pre.length; i++) {
    for (let j = 0; j < mid.length; j++) {
      const o = pre[i]! + mid[j]!;
      for (let l = 0; l < np; l++) a[k++] = b[o + post[l]!]!;
    }
  }
}

/** dst at the planned positions ← values (contiguous, plan.shape, dst's dtype); += when accumulating. */
export function putPlanned(plan: AdvancedPlan, dst: Tensor, values: Tensor, accumulate: boolean): void {
  const { pre, mid, post } = plan;
  const np = post.length;
  let k = 0;
  if (dst.dtype.isComplex) {
    const a = pairsOf(dst), v = pairsOf(values);
    for (let i = 0; i < pre.length; i++) {
      for (let j = 0; j < mid.length; j++) {
        const o = pre[i]! + mid[j]!;
        for (let l = 0; l < np; l++, k += 2) {
          const q = 2 * (o + post[l]!);
          if (accumulate) { a[q]! += v[k]!; a[q + 1]! += v[k + 1]!; } else { a[q] = v[k]!; a[q + 1] = v[k + 1]!; }
        }
      }
    }
    return;
  }
  if (!accumulate) {
    const a = rawOf(dst), v = rawOf(values);
    for (let i = 0; i < pre.length; i++) {
      for (let j = 0; j < mid.length; j++) {
        const o = pre[i]! + mid[j]!;
        for (let l = 0; l < np; l++) a[o + post[l]!] = v[k++]!;
      }
    }
    return;
  }
  if (isPlainNumeric(dst.dtype)) {
    const a = rawOf(dst) as unknown as Float64Array, v = rawOf(values) as unknown as Float64Array;
    for (let i = 0; i < pre.length; i++) {
      for (let j = 0; j < mid.length; j++) {
        const o = pre[i]! + mid[j]!;
        for (let l = 0; l < np; l++) a[o + post[l]!]! += v[k++]!;
      }
    }
    return;
  }
  const d = accessOf(dst), v = accessOf(values);
  const add = combineFor("add", dst.dtype);
  for (let i = 0; i < pre.length; i++) {
    for (let j = 0; j < mid.length; j++) {
      const o = pre[i]! + mid[j]!;
      for (let l = 0; l < np; l++) {
        const p = o + post[l]!;
        d.store(p, add(d.load(p), v.load(k++)));
      }
    }
  }
}

/** self[indices] as a new tensor (autograd: IndexBackward0). */
export function indexWith(src: Tensor, indices: IndexList): Tensor {
  if (onDevice(src, indices)) return deviceOp("index", "index")(src, indices.map((t) => t ?? null));
  // complex32 (PyTorch's CPU index takes it): gathered as complex64, exactly.
  if (src.dtype === complex32) return indexWith(src.cfloat(), indices).chalf();
  const mask = indices.length === 1 ? indices[0] : null;
  // x[mask] with a bool mask of x's whole shape is masked_select: one native compaction.
  const fast = mask instanceof Tensor && mask.dtype.name === "bool" && shapesEqual(mask._shape, src._shape) && !src.dtype.isComplex
    ? tryNativeMaskedSelect(src, mask, src._shape) : null;
  // A conjugate or negative view gathers from its values resolved (only its own elements).
  const from = fast ? src : readable(src);
  const plan = fast ? null : planAdvanced(from, indices);
  const out = fast ?? emptyTensor(plan!.shape, src.dtype);
  if (plan) gatherPlanned(plan, from, out);
  const inShape = src.shape, expanded = plan ? plan.indices : indices.map((t) => t ?? null);
  const saved = expanded.filter((t): t is Tensor => t !== null);
  record("IndexBackward0", [src], out, ([g]) => [indexPutWith(g!.newZeros(inShape), expanded, g!, true)], saved);
  // The exporter needs the index tensors (masks included, as given) in their positions.
  if (tracing.on) traceOp("index", [src, ...indices], out);
  return out;
}

/**
 * Checks `values` for index_put into `plan` and returns them contiguous in the result's shape.
 * `castValues` converts (Python scalars, masked_fill's fast path); otherwise dtypes must match.
 */
export function valuesForPut(plan: AdvancedPlan, dst: Tensor, values: Tensor, castValues = false): Tensor {
  if (!expandableTo(values._shape, plan.shape)) {
    throw new Error(`shape mismatch: value tensor of shape ${shapeStr(values._shape)} cannot be broadcast to indexing result of shape ${shapeStr(plan.shape)}`);
  }
  if (!castValues && values.dtype !== dst.dtype) {
    throw new Error(`Index put requires the source and destination dtypes match, got ${scalarTypeName(dst.dtype)} for the destination and ${scalarTypeName(values.dtype)} for the source.`);
  }
  return contiguousCopy(values, dst.dtype, plan.shape);
}

/** index_put without autograd: checks everything, then writes into `dst`. */
export function indexPutInto(dst: Tensor, indices: IndexList, values: Tensor, accumulate: boolean, castValues = false): void {
  if (onDevice(dst, indices, values)) {
    copyInto(dst, deviceOp("indexPut", "index_put_")(dst, indices, values, accumulate, castValues));
    return;
  }
  if (dst.dtype === complex32 && (castValues || values.dtype === complex32)) {
    // complex32 (PyTorch's CPU index_put_ takes it): written as complex64 (an accumulation rounds once), then copied back.
    const wide = dst.cfloat();
    indexPutInto(wide, indices, values.dtype === complex32 ? values.cfloat() : values, accumulate, castValues);
    copyInto(dst, wide);
    return;
  }
  const plan = planAdvanced(dst, indices);
  const vals = valuesForPut(plan, dst, values, castValues);
  putPlanned(plan, dst, vals, accumulate);
}

/** Out-of-place index_put (autograd: IndexPutBackward0). */
export function indexPutWith(input: Tensor, indices: IndexList, values: Tensor, accumulate: boolean): Tensor {
  if (input.dtype === complex32 && values.dtype === complex32 && !onDevice(input, indices, values)) return indexPutWith(input.cfloat(), indices, values.cfloat(), accumulate).chalf();
  let out: Tensor, expanded: (Tensor | null)[];
  const vShape = values.shape;
  let valuesGrad = (g: Tensor): Tensor => sumToShape(indexWith(g, expanded), vShape);
  if (onDevice(input, indices, values)) {
    // Device indices are never read back: a mask stays a mask (one alone is a masked assignment).
    out = deviceOp("indexPut", "index_put")(input, indices, values, accumulate);
    expanded = indices.map((t) => t ?? null);
    const defined = expanded.filter((t): t is Tensor => t !== null);
    const m = defined.length === 1 && (defined[0]!.dtype.name === "bool" || defined[0]!.dtype.name === "uint8") ? defined[0]! : null;
    if (m) {
      const mask = m.dtype.name === "bool" ? m : m.ne(0), d = expanded.indexOf(m);
      valuesGrad = (g) => deviceOp("maskedAssignValueGrad", "index_put")(g, d, mask, vShape);
    }
  } else {
    out = contiguousCopy(input);
    const plan = planAdvanced(out, indices);
    const vals = valuesForPut(plan, out, values);
    putPlanned(plan, out, vals, accumulate);
    expanded = plan.indices;
  }
  return record("IndexPutBackward0", [input, values], out, ([g]) => [
    input._requiresGrad ? (accumulate ? g! : indexPutWith(g!, expanded, g!.newZeros(vShape), false)) : null,
    values._requiresGrad ? valuesGrad(g!) : null,
  ], expanded.filter((t): t is Tensor => t !== null));
}
