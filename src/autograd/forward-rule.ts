// Forward-mode AD for every recorded op without a table of jvp formulas: an op's vjp is written in
// public ops and is linear in the output gradient u, so J·t = d/du <vjp(u), t> (the double-vjp
// trick): one vjp with a graph, one reverse pass through it. A view's tangent is the same view of
// its input's tangent instead (shared memory, as PyTorch's forward grads of views). With nested
// levels, each level's tangents are computed by ops that the levels outside it differentiate in
// turn (forward over forward), and that the levels inside it do not see.

import type { Tensor } from "../core/tensor.js";
import { AccumulateGrad } from "./node.js";
import { grad as autogradGrad } from "./engine.js";
import { isGradEnabled, setGradEnabled } from "./grad-mode.js";
import { activeLevels, atLevel, setTangent, tangentAt } from "./forward-grad.js";

type Vjp = (grads: Tensor[]) => (Tensor | null | undefined)[];
type Jvp = (tangents: (Tensor | null)[]) => (Tensor | null | undefined)[];

/**
 * Gives the outputs of an op their tangents at every active level, from those of its inputs (if
 * any). Outermost first: an inner level's rule may read the outputs (exp's tangent is t·exp(x)),
 * whose outer tangents must be there for the outer levels to differentiate it.
 */
export function propagateTangents(inputs: readonly (Tensor | null | undefined)[], outputs: Tensor | Tensor[], vjp: Vjp, jvp?: Jvp): void {
  const n = activeLevels();
  for (let level = 0; level < n; level++) propagateAt(level, inputs, outputs, vjp, jvp);
}

/** The outputs' tangents at `level`, computed with only the levels outside it active. */
function propagateAt(level: number, inputs: readonly (Tensor | null | undefined)[], outputs: Tensor | Tensor[], vjp: Vjp, jvp?: Jvp): void {
  let tans: (Tensor | null)[] | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    const t = x ? tangentAt(x, level) : null;
    if (t) (tans ??= inputs.map(() => null))[i] = t;
  }
  if (!tans) return;
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  atLevel(level, () => {
    const pending: number[] = [];
    outs.forEach((o, n) => {
      // Integer and bool outputs have no tangent; an input returned as is keeps its own.
      if (!o.dtype.isDifferentiable || inputs.includes(o)) return;
      if (!viewOfTangent(level, o, inputs, tans!)) pending.push(n);
    });
    if (pending.length === 0) return;
    if (jvp) byJvp(level, jvp, tans!, outs, pending);
    else doubleVjp(level, inputs, tans!, outs, pending, vjp);
  });
}

/** An output aliasing an input with a tangent gets the same view of that tangent. */
function viewOfTangent(level: number, o: Tensor, inputs: readonly (Tensor | null | undefined)[], tans: (Tensor | null)[]): boolean {
  if (o._base === null) return false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i], t = tans[i];
    if (x && t && x.storage === o.storage && x.dtype === o.dtype) {
      setTangent(o, t.asStrided(o.shape, o.stride(), o._offset), level);
      return true;
    }
  }
  return false;
}

/** The op's own forward derivative; a tangent is broadcast and cast to its output's shape and dtype. */
function byJvp(level: number, jvp: Jvp, tans: (Tensor | null)[], outs: Tensor[], pending: number[]): void {
  const res = jvp(tans);
  for (const k of pending) {
    const o = outs[k]!;
    let t = res[k] ?? o.newZeros(o.shape);
    if (t.dtype !== o.dtype) t = t.to(o.dtype);
    if (t._shape.length !== o._shape.length || t._shape.some((n, i) => n !== o._shape[i])) t = t.expand(o.shape);
    // An input's tangent passed through (x + 1) is copied: an in-place op on the output updates
    // the output's tangent in place, which must not reach the input's.
    else if (tans.includes(t)) t = t.clone();
    setTangent(o, t, level);
  }
}

function doubleVjp(level: number, inputs: readonly (Tensor | null | undefined)[], tans: (Tensor | null)[], outs: Tensor[], pending: number[], vjp: Vjp): void {
  // The tangent keeps a graph (reverse over forward) where the caller's autograd can use one.
  const createGraph = isGradEnabled() && inputs.some((x, i) => x && tans[i] && (x._requiresGrad || tans[i]!._requiresGrad));
  // The vjp computes gradients only for inputs that require grad: an input with a tangent is made
  // to for the call, its gradient flowing into a throwaway sink rather than into its .grad.
  const flipped: [Tensor, AccumulateGrad | null][] = [];
  inputs.forEach((x, i) => {
    if (!x || !tans[i] || x._requiresGrad || !x.dtype.isDifferentiable) return;
    flipped.push([x, x._accumulator]);
    x._accumulator = new AccumulateGrad(x.detach());
    x._requiresGrad = true;
  });
  const prevMode = setGradEnabled(true);
  try {
    withRefusal(() => tangentsByDoubleVjp(level, inputs, tans, outs, pending, vjp, createGraph));
  } finally {
    setGradEnabled(prevMode);
    for (const [x, acc] of flipped) { x._requiresGrad = false; x._accumulator = acc; }
  }
}

/** J·t = d/du <vjp(u), t>, u zeros shaped as the outputs, for the outputs at `pending`. */
function tangentsByDoubleVjp(level: number, inputs: readonly (Tensor | null | undefined)[], tans: (Tensor | null)[], outs: Tensor[], pending: number[], vjp: Vjp, createGraph: boolean): void {
  const us = outs.map((o) => (o.dtype.isDifferentiable ? o.newZeros(o.shape).requiresGrad_() : o.newZeros(o.shape)));
  const gs = vjp(us);
  let s: Tensor | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const g = gs[i], t = tans[i];
    if (!g || !t || !g._requiresGrad) continue;
    const term = innerProduct(g, t);
    s = s ? s.add(term) : term;
  }
  const wrt = pending.map((k) => us[k]!);
  const res = s && s._requiresGrad ? autogradGrad([s], wrt, { createGraph, allowUnused: true }) : wrt.map(() => null);
  pending.forEach((k, j) => {
    const o = outs[k]!;
    setTangent(o, res[j] ?? o.newZeros(o.shape), level);
  });
}

/**
 * A backward that has no derivative itself (PyTorch's not-implemented double backward) is an op
 * without forward AD: refused in PyTorch's words.
 */
function withRefusal(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    const m = e instanceof Error ? /^derivative for aten::(\w+?)(_backward)? is not implemented$/.exec(e.message) : null;
    if (m) throw new Error(`Trying to use forward AD with ${m[1]} that does not support it because it has not been implemented yet.`);
    throw e;
  }
}

/**
 * <g, t> as a real number: for complex tensors Re(sum(conj(g) t)), under which PyTorch's complex
 * vjps are the adjoints of the real-linear Jacobians, so the rule holds for them too.
 */
function innerProduct(g: Tensor, t: Tensor): Tensor {
  if (g.dtype.isComplex) return g.conj().mul(t).real.sum();
  return g.mul(t.dtype.isComplex ? t.real : t).sum();
}
