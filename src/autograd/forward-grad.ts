// The tangents of forward-mode AD (PyTorch's forward grads, torch/csrc/autograd/forward_grad.h),
// in nested dual levels as functorch's: each level is a weak map from tensor to its tangent at that
// level, dropped when the level exits. A tangent at level k may itself carry tangents at the levels
// outside it (k' < k, a dual of a dual: forward over forward), never at k or inside it, since the
// rule computing it runs with only the outer levels active. A stored tangent always has its
// primal's layout (strides, storage offset and storage size), so that the tangent of a view is the
// same view of the base's tangent, and in-place ops on either alias reach the other.

import type { Tensor } from "../core/tensor.js";

/**
 * Whether ops must look for tangents: some dual level is active. One property load on every
 * recorded op; false whenever no level is open.
 */
export const forwardGrads = { on: false };

/** A tensor mapped to null has no tangent and none derived from its base (unpackDual's primal). */
type TangentMap = WeakMap<Tensor, Tensor | null>;
/** A level: its tangents, whether the user opened it, the active count to restore when it closes. */
interface DualLevel { tangents: TangentMap; user: boolean; activeBefore: number }

/** The open levels, outermost first; a level's number is its index. */
const levels: DualLevel[] = [];
/**
 * Ops propagate the tangents of levels [0, active): every open level, except while the rule of
 * level k runs (active = k: its ops are ordinary ops to the levels outside it) or bookkeeping runs
 * with propagation off (active = 0).
 */
let active = 0;

function setActive(n: number): void {
  active = n;
  forwardGrads.on = n > 0;
}

/** @internal The innermost open dual level, -1 when none. */
export function dualLevelNow(): number { return levels.length - 1; }

/** @internal The number of levels whose tangents ops propagate now. */
export function activeLevels(): number { return active; }

/** @internal Whether `level` is open and was opened by the user (forwardAd.enterDualLevel). */
export function isUserLevel(level: number): boolean { return levels[level]?.user ?? false; }

/**
 * @internal Opens a dual level. The user's (forwardAd.enterDualLevel) refuses to nest, as
 * PyTorch's; a transform's (jvp, jacfwd) nests inside any other.
 */
export function openLevel(user: boolean): number {
  if (user && levels.length > 0) throw new Error("Nested forward mode AD is not supported at the moment");
  levels.push({ tangents: new WeakMap(), user, activeBefore: active });
  setActive(levels.length);
  return levels.length - 1;
}

/**
 * @internal Closes `level` and the levels inside it: every tangent made at them vanishes, and the
 * levels active when it opened are again (none, when it opened with propagation off).
 */
export function closeLevel(level: number): void {
  const closing = levels[level];
  if (!closing) return;
  levels.length = level;
  setActive(Math.min(closing.activeBefore, level));
}

/**
 * Runs fn with the levels [0, k) active: the rule computing level k's tangents, whose ops the outer
 * levels differentiate. atLevel(0, fn) turns propagation off (bookkeeping ops).
 */
export function atLevel<T>(k: number, fn: () => T): T {
  const prev = active;
  setActive(Math.min(k, levels.length));
  try {
    return fn();
  } finally {
    // Unless fn closed levels.
    setActive(Math.min(prev, levels.length));
  }
}

/** Runs fn with tangent propagation off (tangent bookkeeping). */
export function withForwardOff<T>(fn: () => T): T {
  return atLevel(0, fn);
}

/** The tangent of t at `level`: its own, or the matching view of its base's tangent. */
export function tangentAt(t: Tensor, level: number): Tensor | null {
  const map = levels[level]?.tangents;
  if (!map) return null;
  const own = map.get(t);
  if (own !== undefined) return own;
  const base = t._base;
  if (base === null || base.storage !== t.storage || base.dtype !== t.dtype) return null;
  const baseTangent = map.get(base);
  if (!baseTangent) return null;
  return atLevel(level, () => baseTangent.asStrided(t.shape, t.stride(), t._offset));
}

/** The tangent of t at the innermost active level (null when none is active). */
export function tangentOf(t: Tensor): Tensor | null {
  return active > 0 ? tangentAt(t, active - 1) : null;
}

/** Whether any of these tensors (or nested arrays of them) has a tangent at an active level. */
export function anyTangent(inputs: readonly unknown[]): boolean {
  for (let k = 0; k < active; k++) if (anyTangentAt(inputs, k)) return true;
  return false;
}

function anyTangentAt(inputs: readonly unknown[], k: number): boolean {
  for (const t of inputs) {
    if (Array.isArray(t)) { if (anyTangentAt(t, k)) return true; }
    else if (t && tangentAt(t as Tensor, k)) return true;
  }
  return false;
}

/** Marks t as having no tangent at `level`, even where its base has one (unpackDual's primal). */
export function clearTangent(t: Tensor, level: number): void {
  levels[level]?.tangents.set(t, null);
}

/**
 * Sets t's tangent at `level` (the innermost active one by default), copied into t's layout where
 * its own differs (PyTorch's new_with_same_meta).
 */
export function setTangent(t: Tensor, tangent: Tensor, level = active - 1): void {
  const map = levels[level]?.tangents;
  if (!map) return;
  map.set(t, sameLayout(tangent, t) ? tangent : atLevel(level, () => inLayoutOf(t, tangent)));
}

/**
 * An in-place op replaced t's values: its tangent at `level` takes the new one in place (so that
 * views and the base see it); a view without a tangent of its own first gives its base a zero
 * tangent.
 */
export function updateTangentInPlace(t: Tensor, tangent: Tensor | null, level = active - 1): void {
  const map = levels[level]?.tangents;
  if (!tangent || !map) return;
  atLevel(level, () => {
    const existing = tangentAt(t, level);
    if (existing) { existing.copy_(tangent); return; }
    const base = t._base;
    if (base !== null && base.storage === t.storage && base.dtype === t.dtype) {
      const baseTangent = inLayoutOf(base, null);
      map.set(base, baseTangent);
      const view = baseTangent.asStrided(t.shape, t.stride(), t._offset);
      view.copy_(tangent);
      map.set(t, view);
      return;
    }
    setTangent(t, tangent, level);
  });
}

/** An in-place op gave t the values of `result`: t's tangents at every active level become its. */
export function updateTangentsInPlace(t: Tensor, result: Tensor): void {
  for (let k = active - 1; k >= 0; k--) updateTangentInPlace(t, tangentAt(result, k), k);
}

/**
 * A snapshot taken without autograd keeps copies of the tangents (at every active level) of what
 * it copies: the in-place op then writes its result's tangent into the original ones, which must
 * not be what that result was computed from (a reverse level may have saved them).
 */
export function carryTangents(from: Tensor, to: Tensor): void {
  for (let k = 0; k < active; k++) {
    const t = tangentAt(from, k);
    if (t) setTangent(to, atLevel(k, () => t.clone()), k);
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
  // Out of place (a scatter), so that a tangent requiring grad (or carrying an outer level's
  // tangent) keeps its derivatives.
  return flat.asStridedScatter(values, t.shape, t.stride(), t._offset).asStrided(t.shape, t.stride(), t._offset);
}

/**
 * t.detach() that keeps t's tangents: a transform's fresh leaf (or detached result) at a reverse
 * level stays dual for the forward levels around it, as functorch's wrappers of different levels do.
 */
export function detachKeepingTangent(t: Tensor): Tensor {
  const d = t.detach();
  for (let k = 0; k < active; k++) {
    const tangent = tangentAt(t, k);
    if (tangent) setTangent(d, tangent, k);
  }
  return d;
}

/** An in-place view op (t_, unsqueeze_, as_strided_) gave t the geometry of `view`: its tangents too. */
export function takeViewTangent(t: Tensor, view: Tensor): void {
  for (let k = 0; k < active; k++) {
    const tangent = tangentAt(view, k);
    if (tangent) levels[k]!.tangents.set(t, tangent);
  }
}
