// torch.utils.checkpoint: a segment of the forward whose intermediate values are not kept; the
// backward runs the segment again to get them. Both modes work the same way here: the segment
// runs once with autograd on, the graph it made is walked to find its edges to the graph outside
// it (the inputs, the parameters it read, any outside tensor with history), then its nodes are
// released and one node over those edges stands for the whole segment. That node's backward
// reruns the segment (with the RNG state of the first run: the same dropout masks) and sends
// the gradients to those edges. useReentrant=true keeps PyTorch's reentrant rules: without an
// input that requires grad, the outputs do not require grad (and parameters get no gradient).

import { Tensor } from "../core/tensor.js";
import { enableGrad, isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { AccumulateGrad, type Edge, type Node, OpNode, nextSequenceNr } from "../autograd/node.js";
import { recordEdges } from "../autograd/record.js";
import { gradAtEdges } from "../autograd/engine.js";
import { getRngState, setRngState } from "../core/generator.js";
import { warnOnce } from "../core/warnings.js";
import { isOptionsObject } from "../ops/args.js";
import type { Module } from "../nn/module.js";

export interface CheckpointOptions {
  /** PyTorch's default is true, with a warning when it is not given (false is recommended). */
  useReentrant?: boolean | null;
  /** Restore the RNG state of the first run when the segment runs again (default true). */
  preserveRngState?: boolean;
  /** "default": the rerun's outputs must have the first run's shapes and dtypes; "none": no check. */
  determinismCheck?: "default" | "none";
  debug?: boolean;
}

const OPTION_KEYS = ["useReentrant", "preserveRngState", "determinismCheck", "debug", "contextFn", "earlyStop"];

type SegmentFn = (...args: never[]) => unknown;

/** Splits checkpoint's trailing options object (recognised by its keys) from fn's arguments. */
function splitOptions(args: unknown[]): [unknown[], CheckpointOptions] {
  const last = args[args.length - 1];
  if (!isOptionsObject(last) || !Object.keys(last).some((k) => OPTION_KEYS.includes(k))) return [args, {}];
  return [args.slice(0, -1), last as CheckpointOptions];
}

function outputsOf(result: unknown): Tensor[] {
  if (result instanceof Tensor) return [result];
  return Array.isArray(result) ? result.filter((r): r is Tensor => r instanceof Tensor) : [];
}

function edgeKey(edges: Map<Node, Map<number, number>>, edge: Edge, list: Edge[]): void {
  const [node, nr] = edge;
  if (!node) return;
  let byNr = edges.get(node);
  if (!byNr) { byNr = new Map(); edges.set(node, byNr); }
  if (!byNr.has(nr)) { byNr.set(nr, list.length); list.push(edge); }
}

/**
 * The segment's edges to the graph outside it, from its outputs: nodes made during the segment
 * (sequence number from `start`, leaves' accumulators aside) are inside; `inside` gets them.
 */
function boundaryEdges(outputs: Tensor[], start: number, inside: Set<OpNode>): Edge[] {
  const index = new Map<Node, Map<number, number>>();
  const list: Edge[] = [];
  const isInside = (n: Node): boolean => !(n instanceof AccumulateGrad) && n.sequenceNr >= start;
  const stack: Node[] = [];
  const visit = (edge: Edge): void => {
    const n = edge[0];
    if (!n) return;
    if (!isInside(n)) { edgeKey(index, edge, list); return; }
    if (!inside.has(n as OpNode)) { inside.add(n as OpNode); stack.push(n); }
  };
  for (const o of outputs) if (o.requiresGrad) visit(o._gradEdge());
  while (stack.length) for (const e of stack.pop()!.nextFunctions) visit(e);
  return list;
}

function metadata(t: Tensor): string { return `{'shape': torch.Size([${t.shape.join(", ")}]), 'dtype': torch.${t.dtype.name}}`; }

/** Runs fn with the generator state `state` (when given), leaving the generator as it was. */
function withRngState<T>(state: Uint8Array | null, fn: () => T): T {
  if (state === null) return fn();
  const current = getRngState();
  setRngState(state);
  try { return fn(); } finally { setRngState(current); }
}

/**
 * torch.utils.checkpoint.checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True,
 * determinism_check="default", ...): runs function(...args) without keeping its intermediate
 * values for backward; the backward runs it again. Checkpoint's options go in a trailing object
 * (`checkpoint(fn, x, { useReentrant: false })`). function returns a Tensor or an array.
 */
export function checkpoint<F extends SegmentFn>(fn: F, ...args: unknown[]): ReturnType<F> {
  if (typeof fn !== "function") throw new Error(`checkpoint: function must be callable, got ${typeof fn}`);
  const [fnArgs, options] = splitOptions(args);
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
  let useReentrant = options.useReentrant ?? null;
  if (useReentrant === null) {
    warnOnce("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is recommended, but if you need to preserve the current default behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences between the two variants.");
    useReentrant = true;
  }
  if (unknown.length) throw new Error(`Unexpected keyword arguments: ${unknown.join(",")}`);
  const determinism = options.determinismCheck ?? "default";
  if (determinism !== "default" && determinism !== "none") {
    throw new Error(`determinism_check should be one of default, none, but got ${String(determinism)}`);
  }
  const run = (): unknown => (fn as unknown as (...a: unknown[]) => unknown)(...fnArgs);
  if (!isGradEnabled()) return run() as ReturnType<F>;
  if (useReentrant && !fnArgs.some((a) => a instanceof Tensor && a.requiresGrad)) {
    warnOnce("None of the inputs have requires_grad=True. Gradients will be None");
    return noGrad(run) as ReturnType<F>;
  }
  const rngState = options.preserveRngState ?? true ? getRngState() : null;
  const start = nextSequenceNr();
  const result = run();
  const outs = outputsOf(result).filter((o) => o.requiresGrad);
  if (!outs.length) return result as ReturnType<F>;
  const inside = new Set<OpNode>();
  const edges = boundaryEdges(outs, start, inside);
  // The segment's own graph goes: its saved values are what checkpointing does not keep.
  for (const n of inside) n.release();
  const detached = outs.map((o) => o.detach());
  const metas = outs.map(metadata);
  recordEdges("CheckpointFunctionBackward", edges, detached, (grads) => {
    const rerun = withRngState(rngState, () => enableGrad(run));
    const again = outputsOf(rerun).filter((o) => o.requiresGrad);
    if (determinism === "default") {
      const bad = again.length !== metas.length ? [0] : again.map((o, i) => (metadata(o) === metas[i] ? -1 : i)).filter((i) => i >= 0);
      if (bad.length) {
        const i = bad[0]!;
        throw new Error(`torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass.\ntensor at position ${i}:\nsaved metadata: ${metas[i] ?? "None"}\nrecomputed metadata: ${again[i] ? metadata(again[i]!) : "None"}\n`);
      }
    }
    return gradAtEdges(again, grads.slice(0, again.length), edges, isGradEnabled());
  });
  if (result instanceof Tensor) return detached[0] as ReturnType<F>;
  const swap = new Map(outs.map((o, i) => [o, detached[i]!] as const));
  return (result as unknown[]).map((r) => (r instanceof Tensor ? swap.get(r) ?? r : r)) as ReturnType<F>;
}

/**
 * torch.utils.checkpoint.checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
 * runs the modules (or functions) one after the other in `segments` checkpointed chunks; the
 * last chunk runs without checkpointing, as in PyTorch.
 */
export function checkpointSequential(functions: Iterable<Module | ((x: Tensor) => Tensor)>, segments: number, input: Tensor, options: CheckpointOptions = {}): Tensor {
  const fns = [...functions].map((f) => (typeof f === "function" ? f : (x: Tensor) => (f.call as (x: Tensor) => Tensor).call(f, x)));
  if (!Number.isInteger(segments) || segments < 1) throw new Error(`checkpoint_sequential: segments must be a positive integer, got ${segments}`);
  const size = Math.floor(fns.length / segments);
  const runChunk = (from: number, to: number) => (x: Tensor): Tensor => { for (let i = from; i <= to; i++) x = fns[i]!(x); return x; };
  let end = -1;
  let x = input;
  for (let start = 0; start < size * (segments - 1); start += size) {
    end = start + size - 1;
    x = checkpoint(runChunk(start, end), x, { ...options, useReentrant: options.useReentrant ?? null }) as Tensor;
  }
  return runChunk(end + 1, fns.length - 1)(x);
}
