// In-place ops (add_, mul_, clamp_, ...): without autograd they write straight into the tensor's
// storage; with autograd they compute the out-of-place result on a snapshot of the tensor and
// take its graph node, so saved values stay valid (PyTorch's rebase_history).

import { namesMode } from "./named-engine.js";
import { namedInPlace } from "./named-rules.js";
import type { Tensor } from "../core/tensor.js";
import { ConjStorage } from "../core/lazy-storage.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { needsGrad } from "../autograd/record.js";
import { copyInto } from "./engine.js";
import { type ViewGeometry, rebaseOnView } from "./copy-slices.js";
import { AccumulateGrad, OpNode, nextSequenceNr } from "../autograd/node.js";
import { canCast } from "./promotion.js";
import { type DType, cppTypeName, scalarTypeName } from "../core/dtype.js";
import { traceInPlace, tracing } from "../onnx/hook.js";
import { carryTangents, forwardGrads, updateTangentsInPlace } from "../autograd/forward-grad.js";
import { assertNoInternalOverlap, assertNoOverlap, assertWritable, hasInternalOverlap, mayShareMemory, warnInternalOverlap } from "./memory-overlap.js";

/**
 * Views made by a multi-output view op (split, unbind) that required grad, with the op's node
 * name: in-place ops autograd would record on them are refused, as PyTorch's (kept off the Tensor:
 * few tensors are such views).
 */
export const multiOutputViews = new WeakMap<Tensor, string>();

export function checkInplaceLeaf(op: string, self: Tensor): void {
  if (self._base !== null && isGradEnabled()) {
    const node = multiOutputViews.get(self);
    if (node !== undefined) {
      throw new Error(`Output ${self._outputNr} of ${node} is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`);
    }
  }
  if (isGradEnabled() && self.isLeaf && self._requiresGrad) {
    throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
}

export function checkInplaceCast(op: string, result: DType, self: Tensor): void {
  if (!canCast(result, self.dtype)) {
    throw new Error(`${op}: result type ${typeName(result)} can't be cast to the desired output type ${typeName(self.dtype)}`);
  }
}

const typeName = scalarTypeName;

/**
 * Runs an in-place op on `self`. `direct()` writes the result into self (no autograd);
 * `outOfPlace(snapshot)` computes it with autograd from a snapshot of self.
 */
export function applyInPlace(
  op: string, self: Tensor, others: readonly (Tensor | null | undefined)[],
  direct: () => void, outOfPlace: (snapshot: Tensor) => Tensor,
): Tensor {
  if (self._names !== null && namesMode.enabled) return namedInPlace(op, self, others, () => applyInPlace(op, self, others, direct, outOfPlace));
  checkInplaceLeaf(op, self);
  checkInPlaceOverlap(op, self, others);
  if (tracing.on) traceInPlace(op, self);
  if (needsGrad(self, ...others)) {
    if (self._base) return inPlaceOnView(op, self, self._base, outOfPlace);
    // A copy even without history: the op's backward may read self's old values (PyTorch keeps
    // the original self; zeros(4).mul_(w) gives w the old zeros' gradient).
    const snapshot = self._requiresGrad ? snapshotWithHistory(self) : self.detach().clone();
    if (forwardGrads.on) carryTangents(self, snapshot);
    const r = outOfPlace(snapshot);
    if (forwardGrads.on) updateTangentsInPlace(self, r);
    copyInto(self, r.detach());
    self._bumpVersion();
    self._gradFn = r._gradFn;
    self._outputNr = r._outputNr;
    self._requiresGrad = r._requiresGrad;
    self._historyVersion++;
    return self;
  }
  // A conjugate or negative view: its values computed out of place, written back through copyInto,
  // which conjugates/negates them into the physical memory (PyTorch's conjugate fallback).
  if (self.storage._physical !== null) copyInto(self, outOfPlace(self.detach().clone()));
  else direct();
  self._bumpVersion();
  return self;
}

/**
 * PyTorch's memory-overlap rule of each in-place op (TensorIterator's by default: self repeats no
 * element and is no input's part). Checks an op makes on arguments it does not pass as `others`
 * (masks, index tensors) are the op's own.
 */
const overlapRules: ReadonlyMap<string, (op: string, self: Tensor, others: readonly (Tensor | null | undefined)[]) => void> = new Map([
  // Written whatever their layout (fill_ reads its value once; setitem checks as its PyTorch op does).
  ...["fill_", "tril_", "triu_", "threshold_", "addmv_", "baddbmm_", "conj_physical_", "setitem", "masked_fill_", "index_fill_"]
    .map((op) => [op, noCheck] as const),
  // Their inputs are read whole before self is written.
  ...["masked_scatter_", "addmm_", "addbmm_"].map((op) => [op, (o: string, self: Tensor) => assertNoInternalOverlap(o, self)] as const),
  ["index_put_", (op, self, others) => { warnInternalOverlap(op, self, "tensor[indices] = tensor"); noneShared(op, self, others); }],
  // The index ops refuse any sharing with their source, the exact alias included.
  ...["index_add_", "index_copy_", "index_reduce_", "scatter_", "scatter_add_", "scatter_reduce_", "put_"]
    .map((op) => [op, (o: string, self: Tensor, others: readonly (Tensor | null | undefined)[]) => { assertNoInternalOverlap(o, self); noneShared(o, self, others); }] as const),
]);

function noCheck(): void {}

function noneShared(op: string, self: Tensor, others: readonly (Tensor | null | undefined)[]): void {
  for (const t of others) assertNoOverlap(op, self, t);
}

function checkInPlaceOverlap(op: string, self: Tensor, others: readonly (Tensor | null | undefined)[]): void {
  // The common case, whatever the op's rule: self repeats nothing and shares memory with no input.
  if (!hasInternalOverlap(self)) {
    let shared = false;
    for (let i = 0; i < others.length && !shared; i++) { const o = others[i]; shared = o != null && mayShareMemory(self, o); }
    if (!shared) return;
  }
  const rule = overlapRules.get(op);
  if (rule === undefined) assertWritable(op, self, others);
  else rule(op, self, others);
}

/**
 * A copy of t's values that stands for t in the graph: ops on it record edges to t's history, as
 * the in-place op's node has in PyTorch (no CloneBackward0 between). Its own memory keeps the old
 * values that the op's backward may have saved.
 */
function snapshotWithHistory(t: Tensor): Tensor {
  const edge = t._gradEdge();
  const s = t.detach().clone();
  if (edge[0] instanceof AccumulateGrad) s._accumulator = edge[0];
  else { s._gradFn = edge[0]; s._outputNr = edge[1]; }
  s._requiresGrad = true;
  return s;
}

/**
 * An in-place op on a view with autograd (PyTorch's rebase_history): the op runs on a snapshot of
 * the view; the base's history becomes a CopySlices node over the op's node, and every view of the
 * base, this one included, regenerates its gradFn from it (AsStridedBackward0).
 */
function inPlaceOnView(op: string, self: Tensor, base: Tensor, outOfPlace: (snapshot: Tensor) => Tensor): Tensor {
  if (isGradEnabled() && base.isLeaf && base._requiresGrad) {
    throw new Error(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  const region = self.requiresGrad ? snapshotWithHistory(self) : self.detach().clone();
  if (forwardGrads.on) carryTangents(self, region);
  const firstNode = nextSequenceNr();
  const r = outOfPlace(region);
  // A conjugate view of a base without the bit (or the reverse) reads its region conjugated.
  const geometry = { size: self.shape, stride: self.stride(), offset: self._offset - base._offset, conjugated: (self.storage instanceof ConjStorage) !== (base.storage instanceof ConjStorage) };
  const fn = r._requiresGrad ? r._gradFn : null;
  // One node, whose inputs are the region and the op's other operands: CopySlices wraps it. An op
  // composed of several (complex arithmetic on real parts) rebases the base by a scatter instead.
  const single = fn instanceof OpNode && fn.sequenceNr >= firstNode
    && fn.nextFunctions.every(([n]) => n === null || n.sequenceNr < firstNode || n instanceof AccumulateGrad);
  const scattered = fn !== null && !single ? scatterRegion(op, base, r, geometry) : null;
  if (forwardGrads.on) updateTangentsInPlace(self, r);
  copyInto(self, r.detach());
  self._bumpVersion();
  if (fn === null) return self;
  if (scattered) {
    base._gradFn = scattered._gradFn;
    base._outputNr = scattered._outputNr;
    base._requiresGrad = true;
  } else rebaseOnView(base, geometry, fn as OpNode);
  base._historyVersion++;
  self._refreshView();
  return self;
}

/** The base with the view's region replaced by r, as a graph (AsStridedScatterBackward0). */
function scatterRegion(op: string, base: Tensor, r: Tensor, view: ViewGeometry): Tensor {
  if (!base.isContiguous()) {
    throw new Error(`${op}: in-place operations with autograd on views of a non-contiguous tensor are not supported; call .contiguous() on the base first`);
  }
  const snapshot = base._requiresGrad ? snapshotWithHistory(base) : base.detach();
  return snapshot.asStridedScatter(view.conjugated ? r.conj() : r, view.size, view.stride, view.offset);
}

/**
 * An in-place form whose result is its out-of-place op's (addmm_, cumprod_, ...): the result must
 * have self's size and dtype (PyTorch's "Bad in-place call", raised before self changes).
 */
export function inPlaceByResult(op: string, self: Tensor, others: readonly (Tensor | null | undefined)[], compute: (snapshot: Tensor) => Tensor): Tensor {
  const checked = (r: Tensor): Tensor => {
    if (r._shape.length !== self._shape.length || r._shape.some((n, i) => n !== self._shape[i])) {
      throw new Error(`${op}: Bad in-place call: input tensor size [${self._shape.join(", ")}] and output tensor size [${r._shape.join(", ")}] should match`);
    }
    if (r.dtype !== self.dtype) {
      throw new Error(`${op}: Bad in-place call: input tensor dtype ${cppTypeName(self.dtype)} and output tensor dtype ${cppTypeName(r.dtype)} should match`);
    }
    return r;
  };
  return applyInPlace(op, self, others, () => copyInto(self, checked(compute(self.detach())).detach()), (s) => checked(compute(s)));
}
