// Graph nodes: a Node is PyTorch's grad_fn. Its backward is written in public ops, so running it
// with grad mode on (createGraph) records a graph of the gradient itself: higher-order gradients.

import type { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import { type RemovableHandle, addHook } from "../core/hook-handle.js";
import { isAnomalyEnabled } from "./anomaly.js";

export type Edge = readonly [Node | null, number];
export type GradHook = (grad: Tensor) => Tensor | void | undefined;
/** grad_fn.register_prehook(fn): fn(gradOutputs) may return replacements for the node's output gradients. */
export type NodePreHook = (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void | undefined;
/** grad_fn.register_hook(fn): fn(gradInputs, gradOutputs) may return replacements for the gradients the node computed. */
export type NodePostHook = (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | void | undefined;
export type { RemovableHandle } from "../core/hook-handle.js";

let sequence = 0;

/** @internal The sequence number the next node will get: nodes made from now on compare >= it. */
export function nextSequenceNr(): number { return sequence; }

export abstract class Node {
  /** Creation order: the engine runs later nodes first, as PyTorch does. */
  readonly sequenceNr = sequence++;
  nextFunctions: Edge[] = [];
  // Made on first use: a training step makes a node per op, and two empty maps each were a third of
  // what the young collection at the end of a backward copied (the graph is alive until it returns).
  /** Hooks on the gradient of output i (registerHook / retainGrad on non-leaf tensors). */
  outputHooks: Map<number, GradHook[]> | null = null;
  /** Non-leaf tensors whose .grad is kept (retainGrad), by output index. */
  retainedOutputs: Map<number, WeakRef<Tensor>> | null = null;
  /** Hooks before the node runs (register_prehook), after the tensors' hooks. */
  preHooks: NodePreHook[] | null = null;
  /** Hooks after the node ran (register_hook). */
  postHooks: NodePostHook[] | null = null;
  abstract name(): string;
  /** PyTorch's Node.register_prehook: fn(gradOutputs) runs before the node, and may replace its output gradients. */
  registerPrehook(fn: NodePreHook): RemovableHandle { return addHook(this.preHooks ??= [], fn); }
  /** PyTorch's Node.register_hook: fn(gradInputs, gradOutputs) runs after the node, and may replace the gradients it computed. */
  registerHook(fn: NodePostHook): RemovableHandle { return addHook(this.postHooks ??= [], fn); }
  abstract apply(grads: (Tensor | null)[]): (Tensor | null)[];
  toString(): string { return `<${this.name()}>`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return `<${this.name()} object>`; }
}

export interface OutputMeta { shape: number[]; dtype: DType }

/** A tensor a node saved for its backward, its version then, and its index among the node's outputs (-1: an input). */
export interface SavedTensor { tensor: Tensor; version: number; outputNr: number }

/**
 * The zeros apply() fills in for outputs that got no gradient: a backward may leave out their
 * terms (PyTorch passes undefined gradients there) without reading values, which a device cannot.
 */
const filledZeros = new WeakSet<Tensor>();

function filledZero(t: Tensor): Tensor {
  filledZeros.add(t);
  return t;
}

/** Whether `t` is a zero gradient filled in for an output that got none. */
export function isFilledZeroGrad(t: Tensor): boolean {
  return filledZeros.has(t);
}

/** A node made by an op: its vjp closure gets the output grads (zeros filled in for unused ones). */
export class OpNode extends Node {
  released = false;
  /**
   * The vjp runs user code (a custom autograd.Function's backward), which may keep the gradients
   * it gets or returns: the engine then never gives their buffers back to the caching allocator.
   */
  userCode = false;
  /** Zeros for outputs without a gradient; false after a custom Function's ctx.setMaterializeGrads(false): null. */
  materializeGrads = true;
  constructor(
    private readonly opName: string,
    readonly outputs: OutputMeta[],
    private vjp: ((grads: Tensor[]) => (Tensor | null | undefined)[]) | null,
    readonly saved: SavedTensor[],
  ) {
    super();
  }
  name(): string { return this.opName; }
  checkSaved(): void {
    if (this.released || !this.vjp) {
      throw new Error("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
    }
    for (const s of this.saved) {
      if (s.tensor._version !== s.version) {
        const t = s.tensor;
        // PyTorch names the node that saved an output, and a saved input's current producer
        const producer = s.outputNr >= 0 ? `, which is output ${s.outputNr} of ${this.name()},` : t.gradFn ? `, which is output ${t._outputNr} of ${t.gradFn.name()},` : "";
        throw new Error(`one of the variables needed for gradient computation has been modified by an inplace operation: [${typeTag(t)} [${t._shape.join(", ")}]]${producer} is at version ${t._version}; expected version ${s.version} instead. Hint: ${isAnomalyEnabled()
          ? "the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
          : "enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True)."}`);
      }
    }
  }
  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    this.checkSaved();
    // Zeros for the outputs that got no gradient, made like one that did (its device). The node
    // keeps no reference to its outputs: an output the backward does not need dies with its last
    // use in the forward, as in PyTorch (a closure over them kept every op's output alive, with
    // its memory, until the whole graph died).
    const some = grads.find((g) => g);
    if (!some) return this.nextFunctions.map(() => null);
    const filled = this.outputs.map((m, i) => grads[i] ?? (this.materializeGrads ? filledZero(some.newZeros(m.shape, { dtype: m.dtype })) : null));
    const out = this.vjp!(filled as Tensor[]);
    return this.nextFunctions.map((_, i) => out[i] ?? null);
  }
  release(): void {
    this.released = true;
    this.vjp = null;
    this.saved.length = 0;
  }
}

/** The sink of a leaf tensor's gradient: accumulates into `.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) { super(); }
  name(): string { return "torch::autograd::AccumulateGrad"; }
  apply(): (Tensor | null)[] { return []; }
}

function typeTag(t: Tensor): string {
  const names: Record<string, string> = {
    float32: "FloatTensor", float64: "DoubleTensor", float16: "HalfTensor", bfloat16: "BFloat16Tensor",
    int8: "CharTensor", uint8: "ByteTensor", int16: "ShortTensor", int32: "IntTensor", int64: "LongTensor", bool: "BoolTensor",
  };
  return `torch.${names[t.dtype.name]}`;
}
