// The Optimizer base: parameter groups with defaults, per-parameter state, zeroGrad, and
// stateDict/loadStateDict in PyTorch's layout ({ state: {index: {...}}, param_groups: [...] }).

import { rawRealView } from "../ops/complex-engine.js";
import { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { zeroGrads } from "../autograd/zero-grad.js";
import { float32 } from "../core/dtype.js";
import { Storage } from "../core/storage.js";
import {
  type OptimizerHook, type OptimizerStateDictHook, type OptimizerStepPostHook, type OptimizerStepPreHook, type RemovableHandle,
  STEP_WRAPPER, addCheckedHook, runStep,
} from "./optimizer-hooks.js";

export type ParamGroupOptions = Record<string, unknown>;
/**
 * A parameter group: its tensors and its options under PyTorch's keys (`weight_decay`, `betas`).
 * `lr` is a number in every built-in optimizer's groups (and what the lr schedulers read and set);
 * `initial_lr` is there once a scheduler has run.
 */
export interface ParamGroup { params: Tensor[]; lr: number; initial_lr?: number; [option: string]: unknown }
export type ParamsInput = Iterable<Tensor> | Iterable<{ params: Iterable<Tensor> | Tensor } & ParamGroupOptions>;
export type State = Record<string, Tensor | number | boolean | null>;

export interface OptimizerStateDict {
  state: Map<number, State>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/** Float arrays a parameter's values live in (contiguous float32/float64 storage). */
export type FloatArray = Float32Array | Float64Array;

export abstract class Optimizer {
  paramGroups: ParamGroup[] = [];
  state: Map<Tensor, State> = new Map();
  readonly defaults: ParamGroupOptions;

  /** @internal Calls of step so far (PyTorch's _step_count; a scheduler resets it). */
  _stepCount = 0;
  private readonly hookLists = {
    stepPre: [] as OptimizerStepPreHook[], stepPost: [] as OptimizerStepPostHook[],
    stateDictPre: [] as OptimizerHook[], stateDictPost: [] as OptimizerStateDictHook[],
    loadPre: [] as OptimizerStateDictHook[], loadPost: [] as OptimizerHook[],
  };

  constructor(params: ParamsInput, defaults: ParamGroupOptions) {
    // The class's step (a subclass may override it) counts calls and runs the step hooks, as
    // PyTorch's patched step does.
    const step = this.step;
    const wrapped = (...args: unknown[]): Tensor | number | null => runStep(this, this.hookLists.stepPre, this.hookLists.stepPost, step as (...a: unknown[]) => Tensor | number | null, args);
    Object.defineProperty(wrapped, STEP_WRAPPER, { value: true });
    Object.defineProperty(this, "step", { value: wrapped, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(this, "hookLists", { enumerable: false });
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error("optimizer got an empty parameter list");
    const isGroup = (v: unknown): v is { params: Iterable<Tensor> | Tensor } => typeof v === "object" && v !== null && !(v instanceof Tensor) && "params" in v;
    if (list.every(isGroup)) for (const g of list) this.addParamGroup(g as { params: Iterable<Tensor> | Tensor } & ParamGroupOptions);
    else this.addParamGroup({ params: list as Tensor[] });
  }

  /** Adds a group; options it leaves out take the optimizer's defaults. */
  addParamGroup(group: { params: Iterable<Tensor> | Tensor } & ParamGroupOptions): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new Error("some parameters appear in more than one parameter group");
    if (new Set(params).size !== params.length) {
      console.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause an error");
    }
    const g = { ...this.defaults, ...group, params } as ParamGroup;
    for (const [k, v] of Object.entries(g)) {
      if (v === REQUIRED) throw new Error(`parameter group didn't specify a value of required optimization parameter ${k}`);
    }
    this.validateGroup(g);
    this.paramGroups.push(g);
  }

  /** Checks a group's options (ranges), with PyTorch's messages. */
  protected validateGroup(_group: ParamGroup): void {}

  /** Sets gradients to null (setToNone, the default) or to zero. */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    zeroGrads(this.paramGroups.flatMap((g) => g.params), setToNone);
  }

  /** One optimization step. The closure, if given, re-evaluates the loss (it runs with grad on). */
  step(closure?: () => Tensor | number): Tensor | number | null {
    let loss: Tensor | number | null = null;
    if (closure) loss = closure();
    noGrad(() => { for (const g of this.paramGroups) this.updateGroup(g); });
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup): void;

  /** The state of p, created on first use. */
  protected stateOf(p: Tensor): State {
    let s = this.state.get(p);
    if (!s) { s = {}; this.state.set(p, s); }
    return s;
  }

  /** register_step_pre_hook(hook): hook(optimizer, args, kwargs) before each step; may return [newArgs, newKwargs]. */
  registerStepPreHook(hook: OptimizerStepPreHook): RemovableHandle { return addCheckedHook(this.hookLists.stepPre, hook); }
  /** register_step_post_hook(hook): hook(optimizer, args, kwargs) after each step. */
  registerStepPostHook(hook: OptimizerStepPostHook): RemovableHandle { return addCheckedHook(this.hookLists.stepPost, hook); }
  /** register_state_dict_pre_hook(hook, prepend=False): hook(optimizer) before stateDict. */
  registerStateDictPreHook(hook: OptimizerHook, prepend = false): RemovableHandle { return addCheckedHook(this.hookLists.stateDictPre, hook, prepend); }
  /** register_state_dict_post_hook(hook, prepend=False): hook(optimizer, stateDict) may return a replacement. */
  registerStateDictPostHook(hook: OptimizerStateDictHook, prepend = false): RemovableHandle { return addCheckedHook(this.hookLists.stateDictPost, hook, prepend); }
  /** register_load_state_dict_pre_hook(hook, prepend=False): hook(optimizer, stateDict) may return a replacement to load. */
  registerLoadStateDictPreHook(hook: OptimizerStateDictHook, prepend = false): RemovableHandle { return addCheckedHook(this.hookLists.loadPre, hook, prepend); }
  /** register_load_state_dict_post_hook(hook, prepend=False): hook(optimizer) after loadStateDict. */
  registerLoadStateDictPostHook(hook: OptimizerHook, prepend = false): RemovableHandle { return addCheckedHook(this.hookLists.loadPost, hook, prepend); }

  stateDict(): OptimizerStateDict {
    for (const h of [...this.hookLists.stateDictPre]) h(this);
    let sd = this.buildStateDict();
    for (const h of [...this.hookLists.stateDictPost]) sd = h(this, sd) ?? sd;
    return sd;
  }

  private buildStateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let i = 0;
    const groups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...opts, params: params.map((p) => { if (!index.has(p)) index.set(p, i++); return index.get(p)!; }) };
    });
    const state = new Map<number, State>();
    for (const [p, s] of this.state) {
      const k = index.get(p);
      if (k !== undefined) state.set(k, { ...s });
    }
    return { state, param_groups: groups };
  }

  loadStateDict(given: OptimizerStateDict | { state: Record<string, State> | Map<number, State>; param_groups: (Record<string, unknown> & { params: number[] })[] }): void {
    // A shallow copy, as PyTorch's: pre-hooks may replace entries without touching the caller's.
    let sd = { ...given } as OptimizerStateDict;
    for (const h of [...this.hookLists.loadPre]) sd = h(this, sd) ?? sd;
    this.loadBuilt(sd);
    for (const h of [...this.hookLists.loadPost]) h(this);
  }

  private loadBuilt(sd: OptimizerStateDict | { state: Record<string, State> | Map<number, State>; param_groups: (Record<string, unknown> & { params: number[] })[] }): void {
    const groups = sd.param_groups;
    if (groups.length !== this.paramGroups.length) throw new Error("loaded state dict has a different number of parameter groups");
    groups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex = new Map<number, Tensor>();
    groups.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[i]!.params[j]!)));
    const entries: [number, State][] = sd.state instanceof Map ? [...sd.state] : Object.entries(sd.state).map(([k, v]) => [Number(k), v]);
    const newState = new Map<Tensor, State>();
    for (const [id, s] of entries) {
      const p = byIndex.get(id);
      if (!p) continue;
      const copy: State = {};
      for (const [k, v] of Object.entries(s)) {
        // Tensors follow the parameter's dtype and device, except the step counter (kept as PyTorch
        // keeps it) and the scalars the device step reads on the host (NAdam's mu_product, ASGD's
        // eta and mu): those follow the dtype only.
        copy[k] = v instanceof Tensor ? (k === "step" ? v.clone() : HOST_SCALARS.has(k) ? v.to(p.dtype).clone() : v.to(p).clone()) : v;
      }
      newState.set(p, copy);
    }
    this.state = newState;
    groups.forEach((g, i) => {
      const { params: _params, ...opts } = g;
      void _params;
      Object.assign(this.paramGroups[i]!, opts);
    });
  }
}

/** State scalars kept on the CPU whatever the parameter's device. */
const HOST_SCALARS = new Set(["mu_product", "eta", "mu"]);

/** Marks an option with no default (PyTorch's `required`). */
export const REQUIRED = Symbol("required");

/** A parameter's values as a contiguous float array, and a way to write them back if copied. */
export function floatView(t: Tensor): { data: FloatArray; commit: () => void } {
  // A complex parameter (and its gradient and state) steps as its real view, as PyTorch's
  // optimizers do (view_as_real): the per-element formulas then act on re and im alike.
  if (t.dtype.isComplex) return floatView(rawRealView(t));
  if (t.dtype.name !== "float32" && t.dtype.name !== "float64") {
    throw new Error(`optimizer: parameters of dtype ${t.dtype} are not supported (float32/float64 only)`);
  }
  if (t.isContiguous()) {
    const d = t.storage.data as FloatArray;
    return { data: d.subarray(t._offset, t._offset + t.numel()) as FloatArray, commit: () => {} };
  }
  const c = t.contiguous();
  return { data: c.storage.data as FloatArray, commit: () => { t.copy_(c); } };
}

/** A zero state tensor like p (contiguous). */
export function zerosState(p: Tensor): Tensor {
  return p.detach().newZeros(p.shape);
}

/** The step counter as PyTorch stores it: a 0-d float32 tensor. */
export function stepTensor(v: number): Tensor {
  return new Tensor(new Storage(new Float32Array([v]), float32), []);
}

/** The value of a 0-d CPU state scalar (step, eta, mu, ...). */
export function scalarState(t: Tensor): number {
  return (t.storage.data as FloatArray)[t._offset]!;
}

/** Overwrites a 0-d CPU state scalar (rounded to its dtype, as PyTorch's copy_). */
export function setScalarState(t: Tensor, v: number): void {
  (t.storage.data as FloatArray)[t._offset] = v;
}

/** Increments state.step and returns the new count. */
export function bumpStep(state: State): number {
  const s = state.step;
  if (s instanceof Tensor) {
    const d = s.storage.data as Float32Array;
    d[s._offset] = d[s._offset]! + 1;
    return d[s._offset]!;
  }
  const n = (typeof s === "number" ? s : 0) + 1;
  state.step = stepTensor(n);
  return n;
}
