// PyTorch's memory-overlap rules (ATen's MemoryOverlap.cpp): a write whose result would depend on
// the order of the loop is refused before any kernel runs. A tensor with a stride-0 dim of size > 1
// overlaps itself (internal overlap); two dense tensors over the same memory overlap fully (same
// first and last byte and the same strides: x.add_(x), allowed) or partially (refused). Anything
// harder to tell (strided, non-dense) is let through, as PyTorch lets it through.

import type { Tensor } from "../core/tensor.js";
import { isNonOverlappingAndDense } from "../core/memory-format.js";
import { warnOnce } from "../core/warnings.js";

const INTERNAL_MESSAGE = "unsupported operation: more than one element of the written-to tensor refers to a single memory location. " +
  "Please clone() the tensor before performing the operation.";
const SHARED_MESSAGE = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. " +
  "Please clone() the tensor before performing the operation.";

/** PyTorch's has_internal_overlap == Yes: a non-empty tensor with a stride-0 dim of size > 1. */
export function hasInternalOverlap(t: Tensor): boolean {
  const shape = t._shape, strides = t._strides;
  let repeated = false;
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 0) return false;
    if (strides[i] === 0 && n > 1) repeated = true;
  }
  return repeated;
}

/** "full": the same elements in the same layout; "partial": some shared; "no" (or too hard to tell, as PyTorch's TooHard). */
export type OverlapStatus = "no" | "full" | "partial";

/** PyTorch's get_overlap_status(a, b), with TooHard read as "no". */
export function overlapStatus(a: Tensor, b: Tensor): OverlapStatus {
  if (a === b) return "full";
  if (!mayShareMemory(a, b)) return "no";
  const sa = a.storage, sb = b.storage;
  const na = a.numel(), nb = b.numel();
  if (na === 0 || nb === 0) return "no";
  if (!isDense(a) || !isDense(b)) return "no";
  // Byte addresses in the shared buffer (a dtype view or a complex part is another storage over it).
  const ia = a.dtype.itemsize, ib = b.dtype.itemsize;
  const baseA = sa === sb ? 0 : sa._array.byteOffset, baseB = sa === sb ? 0 : sb._array.byteOffset;
  const beginA = baseA + a._offset * ia, endA = beginA + na * ia;
  const beginB = baseB + b._offset * ib, endB = beginB + nb * ib;
  if (beginA === beginB && endA === endB) return sameStrides(a._strides, b._strides) ? "full" : "partial";
  return beginA < endB && beginB < endA ? "partial" : "no";
}

/** Whether a and b are over the same memory (the same storage, or CPU storages over one buffer). */
export function mayShareMemory(a: Tensor, b: Tensor): boolean {
  const sa = a.storage, sb = b.storage;
  return sa === sb || (a.device.type === "cpu" && b.device.type === "cpu" && sa._memory === sb._memory);
}

function isDense(t: Tensor): boolean {
  // Contiguous first: one pass, no allocation (the sort of isNonOverlappingAndDense only for the rest).
  const shape = t._shape, strides = t._strides;
  let expected = 1, contiguous = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    const n = shape[i]!;
    if (n === 1) continue;
    if (strides[i] !== expected) { contiguous = false; break; }
    expected *= n;
  }
  return contiguous || isNonOverlappingAndDense(shape, strides);
}

function sameStrides(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** PyTorch's assert_no_internal_overlap: the written-to tensor must not repeat an element. */
export function assertNoInternalOverlap(op: string, t: Tensor): void {
  if (hasInternalOverlap(t)) throw new Error(`${op}: ${INTERNAL_MESSAGE}`);
}

/** PyTorch's TORCH_WARN where an op still writes an expanded tensor (masked_fill_, index_put_, index_fill_). */
export function warnInternalOverlap(op: string, t: Tensor, appliesTo: string): void {
  if (hasInternalOverlap(t)) {
    warnOnce(`Use of ${op} on expanded tensors is deprecated. Please clone() the tensor before performing this operation. ` +
      `This also applies to advanced indexing e.g. ${appliesTo}`);
  }
}

/** PyTorch's assert_no_partial_overlap: the written-to tensor may be an input exactly (x.add_(x)), not part of one. */
export function assertNoPartialOverlap(op: string, out: Tensor, input: Tensor | null | undefined): void {
  if (input != null && overlapStatus(out, input) === "partial") throw new Error(`${op}: ${SHARED_MESSAGE}`);
}

/** PyTorch's assert_no_overlap: the written-to tensor shares no memory with the input at all. */
export function assertNoOverlap(op: string, out: Tensor, input: Tensor | null | undefined): void {
  if (input != null && overlapStatus(out, input) !== "no") throw new Error(`${op}: ${SHARED_MESSAGE}`);
}

/**
 * TensorIterator's rule for an op writing `out` from `inputs` (pointwise ops, in-place and out=,
 * copy_, scans, sort): out repeats no element and is no input's part.
 */
export function assertWritable(op: string, out: Tensor, inputs: readonly (Tensor | null | undefined)[]): void {
  assertNoInternalOverlap(op, out);
  for (let i = 0; i < inputs.length; i++) assertNoPartialOverlap(op, out, inputs[i]);
}
