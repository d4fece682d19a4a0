// Module hooks beyond the forward ones (PyTorch's torch/nn/modules/module.py and
// torch/utils/hooks.py): the module-wide (global) hook registries, and BackwardHook, which runs a
// module's full backward hooks. As PyTorch's, it passes the module's tensor arguments and outputs
// through an identity autograd Function (BackwardHookFunctionBackward nodes): the output node's
// pre-hook sees the gradients of the outputs, the input node's post-hook the gradients of the
// inputs, so a hook gets the gradients with respect to the module's own inputs and outputs however
// many ops the forward ran.

import { Tensor } from "../core/tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { Function as AutogradFunction, type FunctionCtx } from "../autograd/function.js";
import type { Node } from "../autograd/node.js";
import { type RemovableHandle, addHook, checkCallable } from "../core/hook-handle.js";
import { isOptionsObject } from "../ops/args.js";
import { warnOnce } from "../core/warnings.js";
import type { Module } from "./module.js";

export type Grads = (Tensor | null)[];
/** hook(module, gradInput, gradOutput): may return a replacement gradInput (one entry per positional argument). */
export type BackwardHook = (module: Module, gradInput: Grads, gradOutput: Grads) => Grads | void | undefined;
/** hook(module, gradOutput): may return a replacement gradOutput (one entry per output). */
export type BackwardPreHook = (module: Module, gradOutput: Grads) => Grads | void | undefined;
/** What a module's forward returns (its last overload: the widest); a hook sees and may replace it. */
export type ForwardOutput<M extends Module> = M["forward"] extends (...args: never[]) => infer R ? R : unknown;
/** hook(module, args): may return new positional args (a non-array is one argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** hook(module, args, output): may return a new output (undefined keeps it). */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: ForwardOutput<M>) => ForwardOutput<M> | void | undefined | null;
/** A forward pre-hook registered withKwargs: returns undefined or [args, kwargs]. */
export type ForwardPreHookWithKwargs<M extends Module = Module> = (module: M, args: unknown[], kwargs: Record<string, unknown>) => unknown;
/** A forward hook registered withKwargs. */
export type ForwardHookWithKwargs<M extends Module = Module> = (module: M, args: unknown[], kwargs: Record<string, unknown>, output: ForwardOutput<M>) => ForwardOutput<M> | void | undefined | null;

export interface HookOptions { prepend?: boolean }
export interface ForwardPreHookOptions extends HookOptions { withKwargs?: boolean }
export interface ForwardHookOptions extends ForwardPreHookOptions { alwaysCall?: boolean }

/** One kind of hook, in call order, with the flags some were registered with. */
export class HookList<H> {
  readonly hooks: H[] = [];
  readonly withKwargs = new Set<H>();
  readonly alwaysCall = new Set<H>();
  add(hook: H, options: ForwardHookOptions = {}): RemovableHandle {
    checkCallable(hook);
    const handle = addHook(this.hooks, hook, options.prepend);
    if (options.withKwargs) this.withKwargs.add(hook);
    if (options.alwaysCall) this.alwaysCall.add(hook);
    return {
      remove: () => {
        handle.remove();
        if (!this.hooks.includes(hook)) { this.withKwargs.delete(hook); this.alwaysCall.delete(hook); }
      },
    };
  }
}

/** The hooks every module runs (torch.nn.modules.module's register_module_*_hook). */
export const globalHooks = {
  forwardPre: new HookList<ForwardPreHook>(),
  forward: new HookList<ForwardHook>(),
  backward: new HookList<BackwardHook>(),
  backwardPre: new HookList<BackwardPreHook>(),
  /** true after a full backward hook, false after a (deprecated) regular one, null before either. */
  isFullBackward: null as boolean | null,
};

/** Whether any module-wide hook is registered (one test on every module call). */
export function anyGlobalHooks(): boolean {
  return globalHooks.forwardPre.hooks.length > 0 || globalHooks.forward.hooks.length > 0 || globalHooks.backward.hooks.length > 0 || globalHooks.backwardPre.hooks.length > 0;
}

/**
 * The identity on tensors whose backward node is what the module backward hooks attach to;
 * arguments that need no gradient come out non-differentiable, as PyTorch's BackwardHookFunction.
 */
class BackwardHookFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, ...args: unknown[]): Tensor[] {
    const tensors = args as Tensor[];
    ctx.markNonDifferentiable(...tensors.filter((t) => !t.requiresGrad));
    return tensors;
  }
  static override backward(_ctx: FunctionCtx, ...grads: Tensor[]): Tensor[] { return grads; }
  static override jvp(_ctx: FunctionCtx, ...tangents: (Tensor | null)[]): (Tensor | null)[] { return tangents; }
}

function packWithNone(indices: readonly number[], values: readonly (Tensor | null)[], size: number): Grads {
  const r: Grads = new Array<Tensor | null>(size).fill(null);
  indices.forEach((idx, k) => { r[idx] = values[k] ?? null; });
  return r;
}

/**
 * Tensors of `args` through BackwardHookFunction when one requires grad and grad mode is on;
 * `attach` gets the node. Returns the new arguments and the tensors' positions (null: not set up).
 */
function applyOnTensors(args: unknown[], attach: (node: Node) => void): [unknown[], number[] | null] {
  const index: number[] = [];
  args.forEach((a, i) => { if (a instanceof Tensor) index.push(i); });
  const tensors = index.map((i) => args[i] as Tensor);
  if (!(tensors.some((t) => t.requiresGrad) && isGradEnabled())) return [args, null];
  const wrapped = BackwardHookFunction.apply(...tensors) as Tensor[];
  if (wrapped.length === 0) throw new Error("Cannot set Module backward hook for a Module with no input Tensors.");
  const node = wrapped.map((t) => t.gradFn).find((n) => n !== null && n.name() === "BackwardHookFunctionBackward");
  if (!node) throw new Error("Error while setting up backward hooks. Please open an issue with a code sample to reproduce this.");
  attach(node);
  const out = [...args];
  index.forEach((i, k) => { out[i] = wrapped[k]; });
  return [out, index];
}

/** One call's full backward hooks (PyTorch's torch.utils.hooks.BackwardHook). */
export class ModuleBackwardHook {
  private nInputs = 0;
  private inputIndex: number[] | null = null;
  private nOutputs = 0;
  private outputIndex: number[] | null = null;
  private gradOutputs: Grads | null = null;

  constructor(private readonly module: Module, private readonly hooks: BackwardHook[], private readonly preHooks: BackwardPreHook[]) {}

  setupInputHook(args: unknown[]): unknown[] {
    const [out, index] = applyOnTensors(args, (node) => {
      node.registerHook((gradInput) => {
        // No output gradient yet: the gradient reached the inputs without passing through the
        // module's outputs (double backward, say).
        if (this.gradOutputs === null) return undefined;
        let res = packWithNone(this.inputIndex!, gradInput, this.nInputs);
        for (const hook of this.hooks) {
          const r = hook(this.module, res, this.gradOutputs);
          if (r === undefined || r === null) continue;
          if (r.length !== res.length) throw new Error(`Backward hook returned an invalid number of grad_input, got ${r.length}, but expected ${res.length}`);
          res = r;
        }
        this.gradOutputs = null;
        return this.inputIndex!.map((i) => res[i] ?? null);
      });
    });
    this.nInputs = args.length;
    this.inputIndex = index;
    return out;
  }

  setupOutputHook(result: unknown): unknown {
    const isTuple = Array.isArray(result);
    const outputs = isTuple ? result : [result];
    const [out, index] = applyOnTensors(outputs, (node) => {
      node.registerPrehook((gradOutput) => {
        this.gradOutputs = packWithNone(this.outputIndex!, gradOutput, this.nOutputs);
        let local: Grads | null = null;
        if (this.preHooks.length) {
          for (const hook of this.preHooks) {
            const r = hook(this.module, this.gradOutputs);
            if (r === undefined || r === null) continue;
            if (r.length !== this.gradOutputs.length) throw new Error(`Backward pre hook returned an invalid number of grad_output, got ${r.length}, but expected ${this.gradOutputs.length}`);
            this.gradOutputs = r;
          }
          local = this.gradOutputs;
        }
        // No input requires grad: the hooks run here, with no input gradients.
        if (this.inputIndex === null) {
          const gradInputs = packWithNone([], [], this.nInputs);
          for (const hook of this.hooks) {
            const r = hook(this.module, gradInputs, this.gradOutputs);
            if (r !== undefined && r !== null && !r.every((g) => g === null || g === undefined)) {
              throw new Error("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
            }
          }
          this.gradOutputs = null;
        }
        return local === null ? undefined : this.outputIndex!.map((i) => local![i] ?? null);
      });
    });
    this.nOutputs = outputs.length;
    this.outputIndex = index;
    return isTuple ? out : out[0];
  }
}

/** PyTorch's _call_impl with hooks: module-wide hooks first, then the module's own. */
export function callWithHooks(m: Module, given: unknown[]): unknown {
  const own = m._hooks();
  const g = globalHooks;
  const last = given[given.length - 1];
  const hadKwargs = given.length > 0 && isOptionsObject(last);
  let kwargs: Record<string, unknown> = hadKwargs ? (last as Record<string, unknown>) : {};
  let args = hadKwargs ? given.slice(0, -1) : given;

  const full: BackwardHook[] = [], regular: BackwardHook[] = [];
  (g.isFullBackward ? full : regular).push(...g.backward.hooks);
  (own.isFullBackwardHook ? full : regular).push(...own.backwardHooks);
  const backwardPre = [...g.backwardPre.hooks, ...own.backwardPreHooks];

  for (const [list, hook] of hooksOf(g.forwardPre, own.preHooks)) {
    if (list.withKwargs.has(hook)) {
      const r = (hook as unknown as ForwardPreHookWithKwargs)(m, args, kwargs);
      if (r === undefined || r === null) continue;
      if (!Array.isArray(r) || r.length !== 2) throw new Error(`forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${String(r)}.`);
      args = Array.isArray(r[0]) ? r[0] : [r[0]];
      kwargs = (r[1] ?? {}) as Record<string, unknown>;
    } else {
      const r = hook(m, args);
      if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
    }
  }

  let bw: ModuleBackwardHook | null = null;
  if (full.length || backwardPre.length) {
    bw = new ModuleBackwardHook(m, full, backwardPre);
    args = bw.setupInputHook(args);
  }
  const callArgs = hadKwargs || Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
  const forwardHooks = hooksOf(g.forward, own.hooks);
  const called = new Set<ForwardHook>();
  const runForwardHook = (list: HookList<ForwardHook>, hook: ForwardHook, output: unknown): unknown =>
    list.withKwargs.has(hook) ? (hook as unknown as ForwardHookWithKwargs)(m, args, kwargs, output) : hook(m, args, output);
  let result: unknown = null;
  try {
    result = (m.forward as (...x: unknown[]) => unknown)(...callArgs);
    for (const [list, hook] of forwardHooks) {
      called.add(hook);
      const r = runForwardHook(list, hook, result);
      if (r !== undefined && r !== null) result = r;
    }
  } catch (e) {
    // Hooks registered alwaysCall run even so; their own errors are only warned about.
    for (const [list, hook] of forwardHooks) {
      if (!list.alwaysCall.has(hook) || called.has(hook)) continue;
      try {
        const r = runForwardHook(list, hook, result);
        if (r !== undefined && r !== null) result = r;
      } catch (inner) {
        warnOnce(`${list === g.forward ? "global module" : "module"} forward hook with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${(inner as Error).message}`);
      }
    }
    throw e;
  }

  if (bw) {
    if (!(result instanceof Tensor || Array.isArray(result))) warnOnce(`For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received ${typeName(result)}`);
    result = bw.setupOutputHook(result);
  }
  if (regular.length) {
    const first = firstTensor(result);
    const gradFn = first?.gradFn ?? null;
    if (gradFn) {
      for (const hook of regular) gradFn.registerHook((gradInput, gradOutput) => hook(m, gradInput, gradOutput));
      warnRegularBackwardHook(args, result, gradFn);
    }
  }
  return result;
}

function hooksOf<H>(global: HookList<H>, own: HookList<H>): [HookList<H>, H][] {
  return [...global.hooks.map((h): [HookList<H>, H] => [global, h]), ...own.hooks.map((h): [HookList<H>, H] => [own, h])];
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  return `<class '${typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v}'>`;
}

/** The tensor PyTorch hooks a regular backward hook on: the output, or the first one nested in it. */
function firstTensor(v: unknown): Tensor | null {
  for (let depth = 0; depth < 64; depth++) {
    if (v instanceof Tensor) return v;
    if (Array.isArray(v)) v = v[0];
    else if (v !== null && typeof v === "object") v = Object.values(v).find((x) => x instanceof Tensor);
    else return null;
  }
  return null;
}

/** PyTorch 1.13's _maybe_warn_non_full_backward_hook: where a regular hook misses gradients. */
function warnRegularBackwardHook(inputs: unknown[], result: unknown, gradFn: Node): void {
  const results = result instanceof Tensor ? [result] : result;
  if (!(Array.isArray(results) && results.every((r) => r instanceof Tensor))) {
    warnOnce("Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. This hook will be missing some of the grad_output. Please use register_full_backward_hook to get the documented behavior.");
    return;
  }
  if (!inputs.every((i) => i instanceof Tensor)) {
    warnOnce("Using non-full backward hooks on a Module that does not take as input a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. This hook will be missing some of the grad_input. Please use register_full_backward_hook to get the documented behavior.");
    return;
  }
  const outFns = new Set((results as Tensor[]).map((r) => r.gradFn).filter((n): n is Node => n !== null));
  if (outFns.size === 0 || (outFns.size === 1 && !outFns.has(gradFn))) {
    warnOnce("Using a non-full backward hook when outputs are nested in python data structure is deprecated and will be removed in future versions. This hook will be missing some grad_output.");
  } else if (outFns.size > 1) {
    warnOnce("Using a non-full backward hook when outputs are generated by different autograd Nodes is deprecated and will be removed in future versions. This hook will be missing some grad_output. Please use register_full_backward_hook to get the documented behavior.");
  } else {
    const inputFns = new Set((inputs as Tensor[]).map((i) => i.gradFn).filter((n): n is Node => n !== null));
    const next = new Set(gradFn.nextFunctions.map(([n]) => n));
    if (inputFns.size !== next.size || [...inputFns].some((n) => !next.has(n))) {
      warnOnce("Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated and will be removed in future versions. This hook will be missing some grad_input. Please use register_full_backward_hook to get the documented behavior.");
    }
  }
}
