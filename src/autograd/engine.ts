// The backward engine: runs the graph's nodes in dependency order, later nodes first, summing the
// gradients that reach each node, and either accumulates into leaves' .grad or captures the
// gradients of requested inputs (torch.autograd.grad).

import { isNested } from "../core/nested-kind.js";
import { type Tensor, postAccumulateGradHooks } from "../core/tensor.js";
import { SparseStorage, Storage } from "../core/storage.js";
import { shapesEqual } from "../core/shape.js";
import { AccumulateGrad, type Edge, type Node, OpNode } from "./node.js";
import { isGradEnabled, setGradEnabled } from "./grad-mode.js";
import { anomalyCheck, anomalyChecksNan } from "./anomaly.js";
import { reachSafePoint } from "../core/safe-point.js";
import { withoutNames } from "../core/names-mode.js";
import { cloneObeyingContract, obeysLayoutContract } from "./grad-layout.js";

export interface BackwardOptions {
  retainGraph?: boolean | null;
  createGraph?: boolean;
  inputs?: Tensor | Tensor[] | null;
}

export interface GradOptions {
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  allowUnused?: boolean | null;
  materializeGrads?: boolean;
}

type Capture = { node: Node; outputNr: number; grad: Tensor | null };

function checkRoot(t: Tensor, g: Tensor | null, op: string): Tensor {
  if (!t._requiresGrad) throw new Error("element 0 of tensors does not require grad and does not have a grad_fn");
  if (g === null) {
    if (t.numel() !== 1) throw new Error("grad can be implicitly created only for scalar outputs");
    if (t.dtype.isComplex) throw new Error("grad can be implicitly created only for real scalar outputs");
    return onesLikeForGrad(t);
  }
  if (isNested(t) || isNested(g)) return checkNestedRoot(t, g, op);
  if (g.shape.join() !== t.shape.join()) {
    throw new Error(`${op}: Mismatch in shape: grad_output[0] has a shape of [${g.shape.join(", ")}] and output[0] has a shape of [${t.shape.join(", ")}].`);
  }
  return g;
}

/** A nested root's gradient: nested, of the same component sizes (1.13 prints them as size tensors). */
function checkNestedRoot(t: Tensor, g: Tensor, op: string): Tensor {
  const sizes = (x: Tensor): number[][] => (isNested(x) ? x._nestedSizes : [x._shape]);
  const same = isNested(t) && isNested(g) && t._count === g._count && t._nestedSizes.every((s, i) => s.join() === g._nestedSizes[i]!.join());
  if (!same) {
    const show = (x: Tensor): string => `[${sizes(x).map((s) => `[${s.join(", ")}]`).join(", ")}]`;
    throw new Error(`${op}: Mismatch in shape: grad_output[0] has a shape of ${show(g)} and output[0] has a shape of ${show(t)}.`);
  }
  return g;
}

/** tensor.backward / torch.autograd.backward. */
export function runBackward(roots: Tensor[], grads: (Tensor | null)[], options: BackwardOptions): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const rootGrads = roots.map((t, i) => checkRoot(t, grads[i] ?? null, "backward"));
  let captures: Capture[] | null = null;
  if (options.inputs !== undefined && options.inputs !== null) {
    const inputs = Array.isArray(options.inputs) ? options.inputs : [options.inputs];
    if (inputs.length === 0) throw new Error("backward: 'inputs' argument to backward() cannot be empty.");
    captures = inputs.map((t) => {
      if (!t._requiresGrad) throw new Error("One of the differentiated Tensors does not require grad");
      const [node, nr] = t._gradEdge();
      return { node, outputNr: nr, grad: null };
    });
  }
  executeOutermost(roots, rootGrads, { createGraph, retainGraph, captures, accumulate: true });
}

/**
 * torch.autograd.grad. One gradient per input; null only for an input the outputs do not depend on,
 * which needs `allowUnused: true` (without `materializeGrads`), so the other calls are typed Tensor[].
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options?: GradOptions & { allowUnused?: false | null }): Tensor[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options?: GradOptions & { materializeGrads: true }): Tensor[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options?: GradOptions): (Tensor | null)[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = options.gradOutputs === undefined || options.gradOutputs === null
    ? outs.map(() => null)
    : Array.isArray(options.gradOutputs) ? options.gradOutputs : [options.gradOutputs];
  if (gos.length !== outs.length) throw new Error(`grad requires one grad_output per output: got ${gos.length} grad_outputs and ${outs.length} outputs`);
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const rootGrads = outs.map((t, i) => checkRoot(t, gos[i] ?? null, "autograd.grad"));
  const captures = ins.map((t, i) => {
    if (!t._requiresGrad) throw new Error(`One of the differentiated Tensors does not require grad (input ${i})`);
    const [node, nr] = t._gradEdge();
    return { node, outputNr: nr, grad: null } as Capture;
  });
  executeOutermost(outs, rootGrads, { createGraph, retainGraph, captures, accumulate: false });
  return captures.map((c, i) => {
    if (c.grad === null) {
      if (options.materializeGrads) return zerosFor(ins[i]!);
      if (!options.allowUnused) {
        throw new Error("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
      }
    }
    return c.grad;
  });
}

function zerosFor(t: Tensor): Tensor {
  return t.newZeros(t.shape);
}

// Ops are reached through Tensor methods: the engine must not import op modules (import cycle).
function onesLikeForGrad(t: Tensor): Tensor {
  return t.newOnes(t.shape);
}

function addForGrad(a: Tensor, b: Tensor): Tensor {
  // dense + sparse is dense; sparse + dense is not an op (PyTorch's engine sums in that order too).
  return isSparseGrad(a) && !isSparseGrad(b) ? b.add(a) : a.add(b);
}

/** A strided tensor (sparse and compressed tensors have no layout contract). */
function isStrided(t: Tensor): boolean {
  return !(t.storage instanceof SparseStorage) && (t as { _compressed?: boolean })._compressed !== true;
}

/** A sparse COO or compressed (CSR/CSC) gradient: no dense storage to reuse or add into. */
function isSparseGrad(t: Tensor): boolean {
  return t.storage instanceof SparseStorage;
}

interface ExecOptions {
  createGraph: boolean;
  retainGraph: boolean;
  captures: Capture[] | null;
  /** backward() accumulates into leaves; autograd.grad only captures. */
  accumulate: boolean;
  /** The captured nodes are where the run ends: they are not applied, nor the graph past them walked. */
  stopAtCaptures?: boolean;
}

/**
 * @internal The gradients that `roots` (with `rootGrads`) send into each of `edges`, the run
 * ending there (torch.utils.checkpoint's recomputed segment, whose edges lead to the graph
 * outside it). Nothing accumulates into leaves.
 */
export function gradAtEdges(roots: Tensor[], rootGrads: Tensor[], edges: readonly Edge[], createGraph: boolean): (Tensor | null)[] {
  const captures: Capture[] = edges.map(([node, outputNr]) => ({ node: node!, outputNr, grad: null }));
  executeOutermost(roots, rootGrads, { createGraph, retainGraph: createGraph, captures, accumulate: false, stopAtCaptures: true });
  return captures.map((c) => c.grad);
}

/** How many backward runs are in progress (a hook or a custom Function's backward may start one). */
let running = 0;

/** A backward run as hooks see it (PyTorch's graph task): its id, and which nodes it will run. */
export interface GraphTask { readonly id: number; willExecute(node: Node): boolean }
const tasks: GraphTask[] = [];
let nextTaskId = 0;

/** @internal The innermost backward run in progress (null outside backward). */
export function currentGraphTask(): GraphTask | null { return tasks.length ? tasks[tasks.length - 1]! : null; }

/** execute(); the end of an outermost run, which succeeded, is a safe point (src/core/safe-point.ts). */
function executeOutermost(roots: Tensor[], rootGrads: Tensor[], opt: ExecOptions): void {
  running++;
  try {
    // Gradients have no names (PyTorch runs backward without them).
    withoutNames(() => execute(roots, rootGrads, opt));
  } finally {
    running--;
  }
  if (running === 0) reachSafePoint("backward");
}

function execute(roots: Tensor[], rootGrads: Tensor[], opt: ExecOptions): void {
  // Dependencies: how many edges point into each node from nodes reachable from the roots.
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  const rootEdges = roots.map((t) => t._gradEdge());
  const stopAt = opt.stopAtCaptures && opt.captures ? new Set(opt.captures.map((c) => c.node)) : null;
  for (const [n] of rootEdges) if (!seen.has(n)) { seen.add(n); stack.push(n); }
  while (stack.length) {
    const n = stack.pop()!;
    if (stopAt?.has(n)) continue;
    // Indexed loops, no destructuring: the engine's loops ran unoptimized and made an iterator per edge.
    const edges = n.nextFunctions;
    for (let i = 0; i < edges.length; i++) {
      const next = edges[i]![0];
      if (!next) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) { seen.add(next); stack.push(next); }
    }
  }

  // With captures and no accumulation, only nodes that lead to a captured node need to run.
  let needed: Set<Node> | null = null;
  const captureByNode = new Map<Node, Capture[]>();
  if (opt.captures) {
    for (const c of opt.captures) {
      const list = captureByNode.get(c.node) ?? [];
      list.push(c);
      captureByNode.set(c.node, list);
    }
  }
  if (opt.captures) needed = nodesLeadingTo(seen, new Set(captureByNode.keys()));
  const runs = needed;
  const task: GraphTask = { id: nextTaskId++, willExecute: (n) => seen.has(n) && !stopAt?.has(n) && (runs === null || runs.has(n)) };

  // A leaf's first gradient is stored without a copy when nothing else can hold its memory:
  // made during this backward, not a root gradient, hooked, retained or captured, and in no
  // pending buffer (PyTorch's AccumulateGrad steals a gradient nobody else references).
  const firstSerial = Storage.created;
  const shared = new Set<Storage>();
  // Memory that something outside the engine may reach (CPU buffers, GPU buffer handles): never
  // given back to the allocator or the GPU pool.
  const sharedBuffers = new Set<object>();
  const share = (g: Tensor): void => {
    shared.add(g.storage);
    sharedBuffers.add(g.storage._memory);
  };
  for (const g of rootGrads) share(g);
  const buffers = new Map<Node, (Tensor | null)[]>();
  // How many pending gradients (in `buffers`) are over each buffer's memory: whether a gradient's
  // memory is still needed, without scanning every pending buffer.
  const pending = new Map<object, number>();
  const hold = (g: Tensor): void => { const m = g.storage._memory; pending.set(m, (pending.get(m) ?? 0) + 1); };
  const unhold = (g: Tensor): void => {
    const m = g.storage._memory, n = pending.get(m)! - 1;
    if (n === 0) pending.delete(m); else pending.set(m, n);
  };
  // Gradients the engine dropped in this step (consumed by a node, or summed into a new tensor).
  const dropped: Tensor[] = [];
  const recycle = !opt.createGraph;
  const exclusive = (t: Tensor, g: Tensor): boolean => {
    // A conjugate/negative view's memory is its physical storage's: that one must be the engine's own.
    const st = g.storage, own = st._physical ?? st;
    if (opt.createGraph || st instanceof SparseStorage || own.serial < firstSerial || shared.has(own) || (t._leafHooks !== null && t._leafHooks.length > 0)) return false;
    if (g.dtype !== t.dtype || g._offset !== 0 || g.numel() !== st.length || !shapesEqual(g._shape, t._shape) || !obeysLayoutContract(g, t)) return false;
    return !pending.has(st._memory);
  };
  const addGrad = (node: Node, nr: number, g: Tensor): void => {
    let buf = buffers.get(node);
    if (!buf) { buf = []; buffers.set(node, buf); }
    const prev = buf[nr];
    const sum = prev ? addForGrad(prev, g) : g;
    if (prev) unhold(prev);
    hold(sum);
    buf[nr] = sum;
    if (prev && recycle) dropped.push(prev, g);
  };
  rootEdges.forEach(([n, nr], i) => addGrad(n, nr, rootGrads[i]!));

  // Ready nodes in ascending sequence number, so the last (popped first) is the highest (PyTorch's
  // order); a few at a time, kept sorted on insertion.
  const ready: Node[] = [];
  const makeReady = (n: Node): void => {
    let i = ready.length;
    while (i > 0 && ready[i - 1]!.sequenceNr > n.sequenceNr) i--;
    ready.splice(i, 0, n);
  };
  for (const [n] of rootEdges) if (!deps.get(n) && !ready.includes(n)) makeReady(n);
  const prevMode = isGradEnabled();
  setGradEnabled(opt.createGraph);
  tasks.push(task);
  try {
    while (ready.length) {
      const node = ready.pop()!;
      const buf = buffers.get(node) ?? [];
      buffers.delete(node);
      for (let i = 0; i < buf.length; i++) { const g = buf[i]; if (g) unhold(g); }
      const userCode = node instanceof OpNode && node.userCode;
      if (node.outputHooks?.size || node.retainedOutputs?.size || userCode) for (const g of buf) if (g) share(g);
      runOutputHooks(node, buf);
      if (node.outputHooks?.size || node.retainedOutputs?.size) for (const g of buf) if (g) share(g);
      const caps = captureByNode.get(node);
      if (caps) for (const c of caps) {
        const g = buf[c.outputNr] ?? null;
        if (g) share(g);
        if (g) c.grad = c.grad ? addForGrad(c.grad, g) : g;
      }
      let results: (Tensor | null)[] = [];
      if (node instanceof AccumulateGrad) {
        // backward(inputs=...) accumulates only into the given tensors, after the run.
        if (opt.accumulate && !opt.captures) {
          const g = buf[0] ?? null;
          const steal = g !== null && node.variable._grad === null && exclusive(node.variable, g);
          if (g && (steal || (node.variable._leafHooks?.length ?? 0) > 0)) share(g);
          accumulateInto(node.variable, g, opt.createGraph, true, steal);
        }
      } else if (stopAt?.has(node)) {
        continue;
      } else if (!needed || needed.has(node)) {
        if (buf.some((g) => g)) {
          if (node.preHooks?.length) runNodeHooks(node.preHooks, buf, (h) => h(buf), share);
          results = node.apply(buf);
          if (node.postHooks?.length) runNodeHooks(node.postHooks, results, (h) => h(results, buf), share);
          if (anomalyChecksNan()) anomalyCheck(node, results);
          if (!opt.retainGraph && node instanceof OpNode) node.release();
          if (userCode) for (const g of results) if (g) share(g);
        }
      }
      if (recycle) for (let i = 0; i < buf.length; i++) { const g = buf[i]; if (g) dropped.push(g); }
      const edges = node.nextFunctions;
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i]!, next = edge[0], nr = edge[1];
        if (!next) continue;
        const g = results[i];
        if (g) addGrad(next, nr, g);
        const left = (deps.get(next) ?? 1) - 1;
        deps.set(next, left);
        if (left === 0) makeReady(next);
      }
      if (dropped.length) releaseDropped(dropped, pending, sharedBuffers, firstSerial);
    }
  } finally {
    tasks.pop();
    setGradEnabled(prevMode);
  }
  // backward(inputs=...) accumulates into exactly the given tensors.
  if (opt.accumulate && opt.captures) {
    for (const c of opt.captures) {
      if (!c.grad) continue;
      const t = c.node instanceof AccumulateGrad ? c.node.variable : c.node.retainedOutputs?.get(c.outputNr)?.deref();
      if (t) accumulateInto(t, c.grad, opt.createGraph, c.node instanceof AccumulateGrad);
    }
  }
}

/**
 * Gives the buffers of dropped gradients back to the caching allocator (CPU) or the GPU buffer
 * pool when the engine owned them: allocated during this backward, never seen outside the engine
 * (hooks, captures, .grad, custom functions) and referenced by no gradient still pending, through
 * any view of the buffer.
 */
function releaseDropped(dropped: Tensor[], pending: Map<object, number>, sharedBuffers: Set<object>, firstSerial: number): void {
  for (const g of dropped) {
    const st = g.storage;
    if (!st._pooled || st.serial < firstSerial) continue;
    const memory = st._memory;
    if (!sharedBuffers.has(memory) && !pending.has(memory)) st._releaseToCache();
  }
  dropped.length = 0;
}

function nodesLeadingTo(all: Set<Node>, targets: Set<Node>): Set<Node> {
  const memo = new Map<Node, boolean>();
  const visit = (n: Node): boolean => {
    const m = memo.get(n);
    if (m !== undefined) return m;
    memo.set(n, false);
    let r = targets.has(n);
    for (const [next] of n.nextFunctions) if (next && visit(next)) r = true;
    memo.set(n, r);
    return r;
  };
  const out = new Set<Node>();
  for (const n of all) if (visit(n)) out.add(n);
  return out;
}

/**
 * A node's pre-hooks (on its output gradients) or post-hooks (on the gradients it computed), in
 * registration order: each sees what the one before returned; `grads` is replaced in place.
 */
function runNodeHooks<H extends (...a: never[]) => (Tensor | null)[] | void | undefined>(hooks: H[], grads: (Tensor | null)[], call: (h: H) => (Tensor | null)[] | void | undefined, share: (g: Tensor) => void): void {
  for (const g of grads) if (g) share(g);
  for (const h of [...hooks]) {
    const r = call(h);
    if (r === undefined || r === null) continue;
    if (!Array.isArray(r)) throw new TypeError(`expected tuple, but hook returned '${typeof r}'`);
    if (r.length !== grads.length) throw new Error(`hook '${h.name || "<lambda>"}' has returned an incorrect number of values (got ${r.length}, but expected ${grads.length})`);
    for (let i = 0; i < r.length; i++) { const g = r[i] ?? null; if (g) share(g); grads[i] = g; }
  }
}

/** Hooks registered on non-leaf tensors, and retainGrad, see the summed gradient of their output. */
function runOutputHooks(node: Node, buf: (Tensor | null)[]): void {
  if (node.outputHooks) for (const [nr, hooks] of node.outputHooks) {
    let g = buf[nr];
    if (!g) continue;
    for (const h of hooks) {
      const r = h(g);
      if (r) g = r;
    }
    buf[nr] = g;
  }
  if (node.retainedOutputs) for (const [nr, ref] of node.retainedOutputs) {
    const t = ref.deref();
    const g = buf[nr];
    if (!t || !g) continue;
    t._grad = t._grad ? addForGrad(t._grad, g) : g.detach();
  }
}

function accumulateInto(t: Tensor, g: Tensor | null, createGraph: boolean, runHooks = true, steal = false): void {
  if (!g) return;
  if (runHooks && t._leafHooks) for (const h of t._leafHooks) {
    const r = h(g);
    if (r) g = r;
  }
  if (t._grad === null) {
    // A detached copy unless building a graph of the gradient (then the graph is kept), or the
    // gradient itself when the engine holds its only reference.
    // A gradient laid out otherwise than the leaf is copied into the leaf's layout (PyTorch's
    // gradient layout contract; AccumulateGrad's copy is recorded when building a graph).
    if (g.isCpu && isStrided(g) && isStrided(t) && !obeysLayoutContract(g, t)) t._grad = createGraph ? cloneObeyingContract(g, t) : cloneObeyingContract(g.detach(), t);
    else t._grad = createGraph ? g : steal ? g.detach() : g.detach().clone();
  } else if (createGraph) {
    t._grad = addForGrad(t._grad, g);
  } else if (isSparseGrad(t._grad) && !isSparseGrad(g)) {
    // A dense gradient arriving on a sparse .grad makes it dense (PyTorch's AccumulateGrad).
    t._grad = g.detach().add(t._grad.detach());
  } else {
    // A sparse .grad merges in place (detach would make another sparse tensor object).
    t._grad = (isSparseGrad(t._grad) ? t._grad : t._grad.detach()).add_(g.detach());
  }
  const post = postAccumulateGradHooks.get(t);
  if (post) for (const h of [...post]) h(t);
}
