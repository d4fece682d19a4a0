// The one way an op joins the autograd graph. An op computes its outputs without recording,
// then calls record() with its inputs and a vjp written in public ops.

import type { Tensor } from "../core/tensor.js";
import { isGradEnabled } from "./grad-mode.js";
import { type Edge, OpNode, type OutputMeta } from "./node.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { complex } from "../ops/complex-views.js";
import { anyTangent, forwardGrads } from "./forward-grad.js";
import { propagateTangents } from "./forward-rule.js";

export type Vjp = (grads: Tensor[]) => (Tensor | null | undefined)[];
/**
 * A hand-written forward derivative: the outputs' tangents (J·t) from one tangent (or null) per
 * input, in public ops. Optional: without one, the tangent rule derives J·t from the vjp.
 */
export type Jvp = (tangents: (Tensor | null)[]) => (Tensor | null | undefined)[];

type Inputs = readonly (Tensor | null | undefined | readonly (Tensor | null | undefined)[])[];

/**
 * True when an op on these inputs must be recorded: one of them requires grad (grad mode on), or
 * carries a tangent of forward-mode AD (whatever the grad mode, as in PyTorch).
 */
export function needsGrad(...inputs: Inputs): boolean {
  if (forwardGrads.on && anyTangent(inputs)) return true;
  return needsReverse(inputs);
}

function needsReverse(inputs: Inputs): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) {
    if (Array.isArray(t)) { for (const u of t) if (u && (u as Tensor).requiresGrad) return true; }
    else if (t && (t as Tensor).requiresGrad) return true;
  }
  return false;
}

/**
 * Records `outputs = op(inputs)`: `vjp(gradOutputs)` returns one gradient (or null) per input,
 * computed with public ops (so createGraph gives higher-order gradients). `saved` are tensors the
 * vjp reads: modifying them in place before backward is an error, as in PyTorch.
 * Returns outputs for chaining. Nothing is recorded when no input requires grad or grad mode is
 * off; inside a dual level, inputs with tangents give the outputs theirs (from `jvp` where the op
 * has one: pass it only while `forwardGrads.on`, so that the hot path makes no closure for it).
 */
export function record<T extends Tensor | Tensor[]>(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  outputs: T,
  vjp: Vjp,
  saved: readonly Tensor[] = [],
  jvp?: Jvp,
): T {
  // torch.onnx.export sees every differentiable op here, under its autograd node name.
  if (tracing.on) traceOp(name, inputs, outputs);
  if (needsReverse(inputs)) {
    // A shared empty edge, and arrays of exact length (map; a push into [] reserves 17 slots): the
    // graph is alive at the young collection after the backward.
    const next: Edge[] = inputs.map((t) => (t && t.requiresGrad ? t._gradEdge() : NO_EDGE));
    attachNode(name, next, outputs, vjp, saved);
  }
  // Forward-mode AD: the outputs' tangents, from the same vjp (forward-rule.ts). After the node,
  // so that a tangent computed from the outputs (exp's t·exp(x)) is differentiable through them.
  if (forwardGrads.on) propagateTangents(inputs, outputs, vjp, jvp);
  return outputs;
}

/**
 * @internal Makes `outputs` the outputs of a node whose inputs are given as graph edges (a
 * checkpointed segment's edges to the graph outside it); the vjp returns one gradient per edge.
 */
export function recordEdges(name: string, edges: Edge[], outputs: Tensor[], vjp: Vjp): Tensor[] {
  return attachNode(name, edges, outputs, vjp, []);
}

function attachNode<T extends Tensor | Tensor[]>(name: string, next: Edge[], outputs: T, vjp: Vjp, saved: readonly Tensor[]): T {
  const outs = (Array.isArray(outputs) ? outputs : [outputs]) as Tensor[];
  const metas: OutputMeta[] = outs.map((o) => ({ shape: o._shape.slice(), dtype: o.dtype }));
  const node = new OpNode(name, metas, vjp, saved.length ? saved.map((t) => ({ tensor: t, version: t._version, outputNr: outs.indexOf(t) })) : []);
  node.nextFunctions = next;
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i]!;
    if (!o.dtype.isDifferentiable) continue;
    o._requiresGrad = true;
    o._gradFn = node;
    o._outputNr = i;
  }
  return outputs;
}

/** The edge of an input that needs no gradient (shared: edges are never written). */
const NO_EDGE: Edge = Object.freeze([null, 0] as const);

/** Sums a broadcast gradient back to `shape` (reduction of broadcast dims). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const gs = g.shape;
  if (gs.length === shape.length && gs.every((d, i) => d === shape[i])) return g;
  const lead = gs.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < gs.length; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && gs[i] !== 1) dims.push(i);
  }
  // Complex: each part summed alone (no complex reduction needed), then put back together.
  if (g.dtype.isComplex && dims.length) return complex(sumToShape(g.real, shape), sumToShape(g.imag, shape));
  let r = dims.length ? g.sum(dims, true) : g;
  if (lead > 0) r = r.reshape(shape as number[]);
  return r;
}
