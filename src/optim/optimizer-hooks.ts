// Optimizer hooks (PyTorch 2.x's Optimizer.register_*_hook and torch.optim.optimizer's module-wide
// step hooks): the types, the module-wide lists, and the step wrapper that runs them.

import type { Optimizer, OptimizerStateDict } from "./optimizer.js";
import { type RemovableHandle, addHook, checkCallable } from "../core/hook-handle.js";

/** hook(optimizer, args, kwargs): may return [newArgs, newKwargs] for step. */
export type OptimizerStepPreHook = (optimizer: Optimizer, args: unknown[], kwargs: Record<string, unknown>) => [unknown[], Record<string, unknown>] | void | undefined;
/** hook(optimizer, args, kwargs) after step. */
export type OptimizerStepPostHook = (optimizer: Optimizer, args: unknown[], kwargs: Record<string, unknown>) => void;
/** hook(optimizer) before stateDict / after loadStateDict. */
export type OptimizerHook = (optimizer: Optimizer) => void;
/** hook(optimizer, stateDict): may return a replacement (stateDict's post-hook, loadStateDict's pre-hook). */
export type OptimizerStateDictHook = (optimizer: Optimizer, stateDict: OptimizerStateDict) => OptimizerStateDict | void | undefined;

export type { RemovableHandle };

/** Adds a callable `hook` (first with prepend); the handle removes it. */
export function addCheckedHook<H>(list: H[], hook: H, prepend = false): RemovableHandle {
  checkCallable(hook);
  return addHook(list, hook, prepend);
}

/** Step hooks every optimizer runs before its own. */
const globalPre: OptimizerStepPreHook[] = [];
const globalPost: OptimizerStepPostHook[] = [];

/** torch.optim.optimizer.register_optimizer_step_pre_hook(hook). */
export function registerOptimizerStepPreHook(hook: OptimizerStepPreHook): RemovableHandle { return addCheckedHook(globalPre, hook); }
/** torch.optim.optimizer.register_optimizer_step_post_hook(hook). */
export function registerOptimizerStepPostHook(hook: OptimizerStepPostHook): RemovableHandle { return addCheckedHook(globalPost, hook); }

/** @internal Marks the step functions that count and run hooks (PyTorch's `_with_counter`). */
export const STEP_WRAPPER = Symbol("torch-ts.optimizer.step");

/** Runs `step` with the module-wide and the optimizer's own step hooks around it. */
export function runStep<R>(opt: Optimizer, pre: OptimizerStepPreHook[], post: OptimizerStepPostHook[], step: (...args: unknown[]) => R, given: unknown[]): R {
  opt._stepCount++;
  if (globalPre.length === 0 && pre.length === 0 && globalPost.length === 0 && post.length === 0) return step.apply(opt, given);
  let args = given, kwargs: Record<string, unknown> = {};
  for (const hook of [...globalPre, ...pre]) {
    const r = hook(opt, args, kwargs);
    if (r === undefined || r === null) continue;
    if (!Array.isArray(r) || r.length !== 2) throw new Error(`${hook.name || "<lambda>"} must return None or a tuple of (new_args, new_kwargs), but got ${String(r)}.`);
    [args, kwargs] = r;
  }
  // step takes its closure positionally or as { closure }.
  const callArgs = Object.keys(kwargs).length ? [...args, kwargs] : args;
  const out = step.apply(opt, callArgs);
  for (const hook of [...globalPost, ...post]) hook(opt, args, kwargs);
  return out;
}
