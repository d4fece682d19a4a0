// Custom autograd functions: class MyFn extends torch.autograd.Function with static forward(ctx, ...)
// and static backward(ctx, ...grads), called as MyFn.apply(...). As in PyTorch 2.x, forward may
// instead take its arguments alone when the class defines static setupContext(ctx, inputs, output).

import { Tensor } from "../core/tensor.js";
import { noGrad } from "./grad-mode.js";
import { record } from "./record.js";
import { OpNode } from "./node.js";
import { activeLevels, anyTangent, atLevel, forwardGrads, setTangent, tangentAt, updateTangentInPlace, withForwardOff } from "./forward-grad.js";

export class FunctionCtx {
  savedTensors: Tensor[] = [];
  needsInputGrad: boolean[] = [];
  /** @internal */ _dirty: Tensor[] = [];
  /** @internal */ _nonDifferentiable: Set<Tensor> = new Set();
  /** @internal */ _materializeGrads = true;
  /** Free-form fields, as Python's ctx.attr = value. */
  [key: string]: unknown;

  saveForBackward(...tensors: (Tensor | null)[]): void {
    this.savedTensors = tensors.filter((t): t is Tensor => t !== null);
  }
  /** Tensors jvp reads (ctx.save_for_forward): jvp sees them as savedTensors, as in PyTorch. */
  saveForForward(...tensors: (Tensor | null)[]): void {
    this._savedForForward = tensors.filter((t): t is Tensor => t !== null);
  }
  /** @internal */ _savedForForward: Tensor[] = [];
  markDirty(...tensors: Tensor[]): void { this._dirty.push(...tensors); }
  markNonDifferentiable(...tensors: Tensor[]): void { for (const t of tensors) this._nonDifferentiable.add(t); }
  setMaterializeGrads(value: boolean): void { this._materializeGrads = value; }
}

/**
 * PyTorch's validate_outputs on a gradient a backward returned: a broadcast gradient is summed to
 * the input's shape, one of another dtype is cast to the input's; any other shape is an error.
 */
function validGrad(fn: string, index: number, g: Tensor, input: unknown): Tensor {
  if (!(input instanceof Tensor)) return g;
  let r = g;
  if (!sameShape(g.shape, input.shape)) {
    if (!expandableTo(input.shape, g.shape)) {
      throw new Error(`Function ${fn}Backward returned an invalid gradient at index ${index} - got [${g.shape.join(", ")}] but expected shape compatible with [${input.shape.join(", ")}]`);
    }
    r = r.sumToSize(input.shape);
  }
  return r.dtype === input.dtype ? r : r.to(input.dtype);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Whether `shape` broadcasts to `target` (PyTorch's is_expandable_to). */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, i) => d === target[lead + i] || d === 1);
}

type BackwardResult = Tensor | null | undefined | (Tensor | null | undefined)[];

export class Function {
  /** forward(ctx, ...args), or forward(...args) when the class defines setupContext. */
  static forward(..._args: unknown[]): Tensor | Tensor[] {
    throw new Error(`You must implement the forward function for custom autograd.Function.`);
  }
  /**
   * PyTorch 2.x's setup_context(ctx, inputs, output): a class that defines it has a forward without
   * ctx; it is called after forward (under no_grad, as forward) with the arguments given to apply and
   * forward's result, to save tensors and mark outputs on ctx for backward and jvp.
   */
  static setupContext(_ctx: FunctionCtx, _inputs: unknown[], _output: Tensor | Tensor[]): void {
    throw new Error("setup_context is not implemented.");
  }
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): BackwardResult {
    throw new Error(`You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.`);
  }

  /**
   * Forward-mode AD: the tangents of the outputs (one per output, in order) from those of the
   * inputs (zeros for a tensor input without one, null for other arguments).
   */
  static jvp(_ctx: FunctionCtx, ..._tangents: (Tensor | null)[]): Tensor | null | undefined | (Tensor | null | undefined)[] {
    throw new Error("You must implement the jvp function for custom autograd.Function to use it with forward mode AD.");
  }

  /**
   * Runs forward without recording, then records one graph node whose vjp is `backward`; inside
   * dual levels, inputs with tangents give the outputs theirs through `jvp`, level by level (each
   * level's jvp runs with only the levels outside it active, as an op's tangent rule).
   */
  static apply(...args: unknown[]): Tensor | Tensor[] {
    if (forwardGrads.on && anyTangent(args.filter((a) => a instanceof Tensor))) {
      const levels = activeLevels();
      return withForwardOff(() => this.applyWithTangents(args, levels));
    }
    return this.applyRecorded(args);
  }

  private static applyWithTangents(args: unknown[], levels: number): Tensor | Tensor[] {
    let ctxSeen: FunctionCtx | null = null;
    const result = this.applyRecorded(args, (ctx) => { ctxSeen = ctx; });
    const ctx = ctxSeen as unknown as FunctionCtx;
    const outs = Array.isArray(result) ? result : [result];
    // Outermost first, as an op's tangents (an inner level's jvp may read the outputs).
    for (let k = 0; k < levels; k++) {
      if (!args.some((a) => a instanceof Tensor && tangentAt(a, k))) continue;
      atLevel(k, () => this.tangentsAt(k, ctx, args, outs));
    }
    return result;
  }

  /** The outputs' tangents at level k from the inputs' (zeros for a tensor input without one). */
  private static tangentsAt(k: number, ctx: FunctionCtx, args: unknown[], outs: Tensor[]): void {
    const tangents = args.map((a) => (a instanceof Tensor && a.dtype.isDifferentiable ? tangentAt(a, k) ?? a.newZeros(a.shape) : null));
    const forBackward = ctx.savedTensors;
    ctx.savedTensors = ctx._savedForForward;
    let r;
    try {
      r = this.jvp(ctx, ...tangents);
    } finally {
      ctx.savedTensors = forBackward;
    }
    const list = Array.isArray(r) ? r : [r];
    if (list.length !== outs.length) throw new Error(`Function's jvp returned an invalid number of forward gradients (expected ${outs.length} but got ${list.length})`);
    outs.forEach((o, i) => {
      const t = list[i];
      if (!t || !o.dtype.isDifferentiable || ctx._nonDifferentiable.has(o)) return;
      if (t.shape.join() !== o.shape.join()) {
        throw new Error(`Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${o.shape.join(", ")}] while the given forward gradient is of size [${t.shape.join(", ")}].`);
      }
      if (ctx._dirty.includes(o)) updateTangentInPlace(o, t, k);
      else setTangent(o, t, k);
    });
  }

  private static applyRecorded(args: unknown[], seeCtx?: (ctx: FunctionCtx) => void): Tensor | Tensor[] {
    const ctx = new FunctionCtx();
    seeCtx?.(ctx);
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const separateSetup = this.setupContext !== Function.setupContext;
    const result = noGrad(() => {
      if (!separateSetup) return this.forward(ctx, ...args);
      const output = this.forward(...args);
      this.setupContext(ctx, args, output);
      return output;
    });
    const outs = (Array.isArray(result) ? result : [result]).map((o) => {
      if (!(o instanceof Tensor)) throw new Error(`${this.name}.forward must return a Tensor or an array of Tensors`);
      // An input returned as is becomes a new tensor sharing its storage, so the input keeps its
      // history; marks made on the input hold for it.
      if (!args.includes(o) || ctx._dirty.includes(o)) return o;
      const alias = o.detach();
      if (ctx._nonDifferentiable.has(o)) ctx._nonDifferentiable.add(alias);
      return alias;
    });
    const inputs = args.map((a) => (a instanceof Tensor ? a : null));
    const differentiable = outs.filter((o) => !ctx._nonDifferentiable.has(o));
    record(`${this.name}Backward`, inputs, differentiable, (grads) => {
      // backward gets one gradient per output, as in PyTorch: zeros for a non-differentiable output
      // and for one that got none (null for both after ctx.setMaterializeGrads(false)).
      let k = 0;
      const perOutput = outs.map((o) => (ctx._nonDifferentiable.has(o) ? (ctx._materializeGrads ? o.newZeros(o.shape) : null) : grads[k++] ?? null));
      const r = this.backward(ctx, ...(perOutput as Tensor[]));
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== args.length && !(list.length > args.length && list.slice(args.length).every((x) => x == null))) {
        throw new Error(`function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
      }
      return list.slice(0, args.length).map((g, i) => (g ? validGrad(this.name, i, g, args[i]) : null));
    }, ctx.savedTensors);
    for (const o of differentiable) {
      if (!(o._gradFn instanceof OpNode)) continue;
      o._gradFn.userCode = true;
      o._gradFn.materializeGrads = ctx._materializeGrads;
    }
    return Array.isArray(result) ? outs : outs[0]!;
  }
}
