// The tangents of forward-mode AD (PyTorch's forward grads, torch/csrc/autograd/forward_grad.h):
// one dual level at a time, a weak map from tensor to tangent that is dropped when the level
// exits. A stored tangent always has its primal's layout (strides, storage offset and storage
// size), so that the tangent of a view is the same view of the base's tangent, and in-place ops on
// either alias reach the other.

import type { Tensor } from "../core/tensor.js";

/**
 * Whether ops must look for tangents: a dual level is open and no tangent rule is running (the
 * rule's own ops must not propagate). One property load on every recorded op.
 */
export const forwardGrads = { on: false };

let currentLevel = -1;
/** A tensor mapped to null has no tangent and none derived from its base (unpackDual's primal). */
let tangents = new WeakMap<Tensor, Tensor | null>();

/** @internal The open dual level, -1 when none. */
export function dualLevelNow(): number { return currentLevel; }

/** @internal Opens the only dual level torch-ts supports (PyTorch 2.11 refuses nesting). */
export function openLevel(): number {
  if (currentLevel >= 0) throw new Error("Nested forward mode AD is not supported at the moment");
  currentLevel = 0;
  forwardGrads.on = true;
  return currentLevel;
}

/** @internal Closes the level: every tangent made in it vanishes. */
export function closeLevel(): void {
  currentLevel = -1;
  tangents = new WeakMap();
  forwardGrads.on = false;
}

/** The tangent of t at the open level: its own, or the matching view of its base's tangent. */
export function tangentOf(t: Tensor): Tensor | null {
  const own = tangents.get(t);
  if (own !== undefined) return own;
  const base = t._base;
  if (base === null || base.storage !== t.storage || base.dtype !== t.dtype) return null;
  const baseTangent = tangents.get(base);
  if (!baseTangent) return null;
  return withForwardOff(() => baseTangent.asStrided(t.shape, t.stride(), t._offset));
}

/** Whether any of these tensors (or nested arrays of them) has a tangent at the open level. */
export function anyTangent(inputs: readonly unknown[]): boolean {
  for (const t of inputs) {
    if (Array.isArray(t)) { if (anyTangent(t)) return true; }
    else if (t && tangentOf(t as Tensor)) return true;
  }
  return false;
}

/** Marks t as having no tangent, even where its base has one (unpackDual's primal). */
export function clearTangent(t: Tensor): void {
  tangents.set(t, null);
}

/** Sets t's tangent, copied into t's layout where its own differs (PyTorch's new_with_same_meta). */
export function setTangent(t: Tensor, tangent: Tensor): void {
  tangents.set(t, sameLayout(tangent, t) ? tangent : withForwardOff(() => inLayoutOf(t, tangent)));
}

/**
 * An in-place op replaced t's values: its tangent takes the new one in place (so that views and
 * the base see it); a view without a tangent of its own first gives its base a zero tangent.
 */
export function updateTangentInPlace(t: Tensor, tangent: Tensor | null): void {
  if (!tangent) return;
  withForwardOff(() => {
    const existing = tangentOf(t);
    if (existing) { existing.copy_(tangent); return; }
    const base = t._base;
    if (base !== null && base.storage === t.storage && base.dtype === t.dtype) {
      const baseTangent = inLayoutOf(base, null);
      tangents.set(base, baseTangent);
      const view = baseTangent.asStrided(t.shape, t.stride(), t._offset);
      view.copy_(tangent);
      tangents.set(t, view);
      return;
    }
    setTangent(t, tangent);
  });
}

/** Runs fn with tangent propagation off (the tangent rule's own ops, tangent bookkeeping). */
export function withForwardOff<T>(fn: () => T): T {
  const prev = forwardGrads.on;
  forwardGrads.on = false;
  try {
    return fn();
  } finally {
    // Unless fn closed the level.
    forwardGrads.on = prev && currentLevel >= 0;
  }
}

function storageSize(t: Tensor): number {
  return t.device.type === "cpu" ? t.storage.length : t.numel();
}

function sameLayout(a: Tensor, b: Tensor): boolean {
  if (a._offset !== b._offset || a._shape.length !== b._shape.length || a.device.type !== b.device.type) return false;
  for (let i = 0; i < a._shape.length; i++) if (a._shape[i] !== b._shape[i] || (a._shape[i]! > 1 && a._strides[i] !== b._strides[i])) return false;
  return storageSize(a) === storageSize(b);
}

/** A new tensor with t's layout holding `values` (zeros when null): differentiable in values. */
function inLayoutOf(t: Tensor, values: Tensor | null): Tensor {
  const dtype = values ? values.dtype : t.dtype;
  const flat = t.newZeros([storageSize(t)], { dtype });
  const view = flat.asStrided(t.shape, t.stride(), t._offset);
  if (!values) return view;
  // Out of place (a scatter), so that a tangent requiring grad keeps its graph.
  return flat.asStridedScatter(values, t.shape, t.stride(), t._offset).asStrided(t.shape, t.stride(), t._offset);
}

/**
 * t.detach() that keeps t's tangent: a transform's fresh leaf (or detached result) at a reverse
 * level stays dual for the forward level around it, as functorch's wrappers of different levels do.
 */
export function detachKeepingTangent(t: Tensor): Tensor {
  const d = t.detach();
  if (forwardGrads.on) {
    const tangent = tangentOf(t);
    if (tangent) setTangent(d, tangent);
  }
  return d;
}

/** An in-place view op (t_, unsqueeze_, as_strided_) gave t the geometry of `view`: its tangent too. */
export function takeViewTangent(t: Tensor, view: Tensor): void {
  const tangent = tangentOf(view);
  if (tangent) tangents.set(t, tangent);
}
