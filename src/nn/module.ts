// nn.Module. Submodules and Parameters assigned to fields are found in the object's own property
// order, which is declaration/assignment order: stateDict() keys come out in the same order as
// the same PyTorch class. Buffers are named explicitly (registerBuffer) since a plain tensor field
// is not a buffer in PyTorch either.

import { Tensor } from "../core/tensor.js";
import { DType, isDTypeName } from "../core/dtype.js";
import { Device, type DeviceLike, toDevice } from "../core/storage.js";
import type { MemoryFormat } from "../core/memory-format.js";
import { noGrad } from "../autograd/grad-mode.js";
import { zeroGrads } from "../autograd/zero-grad.js";
import { Parameter, isParameter, isUninitialized, placeOnDevice } from "./parameter.js";
import { emptyLike as torchEmptyLike } from "../ops/creation.js";
import { type RemovableHandle, addHook, checkCallable } from "../core/hook-handle.js";
import {
  type BackwardHook, type BackwardPreHook, type ForwardHook, type ForwardHookOptions, type ForwardHookWithKwargs, type ForwardPreHook,
  type ForwardPreHookOptions, type ForwardPreHookWithKwargs, type HookOptions, HookList, anyGlobalHooks, callWithHooks,
} from "./module-hooks.js";

export type { BackwardHook, BackwardPreHook, ForwardHook, ForwardHookWithKwargs, ForwardPreHook, ForwardPreHookWithKwargs } from "./module-hooks.js";
export type HookHandle = RemovableHandle;
/** hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs): may edit stateDict (a copy) and the lists. */
export type LoadStateDictPreHook = (module: Module, stateDict: Map<string, Tensor>, prefix: string, localMetadata: Record<string, unknown>, strict: boolean, missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]) => void;
/** hook(module, incompatibleKeys): may edit incompatibleKeys.missingKeys / unexpectedKeys (strict mode then sees the edited lists). */
export type LoadStateDictPostHook = (module: Module, incompatibleKeys: LoadResult) => void;
/** hook(module, prefix, keepVars): before the module writes its entries. */
export type StateDictPreHook = (module: Module, prefix: string, keepVars: boolean) => void;
/** hook(module, stateDict, prefix, localMetadata): after the module and its children wrote theirs; may edit stateDict in place. */
export type StateDictPostHook = (module: Module, stateDict: Map<string, Tensor>, prefix: string, localMetadata: Record<string, unknown>) => void;

export interface StateDictOptions { prefix?: string; keepVars?: boolean }

/**
 * The `_metadata` PyTorch's state_dict carries: each module's class `_version` by its prefix ("" for
 * the root, "0", "layer.sub"), which its _load_from_state_dict reads to convert older layouts (a
 * quantized Linear without version 3 expects `weight`/`bias` keys). torch.save writes it as the
 * OrderedDict's `_metadata` attribute; kept beside the Map rather than as a key.
 */
export const stateDictVersions = new WeakMap<Map<string, unknown>, Map<string, number>>();
export interface LoadResult { missingKeys: string[]; unexpectedKeys: string[] }

/** @internal A module's registration state and hook lists. */
export interface ModuleInternals {
  bufferNames: string[];
  nonPersistent: Set<string>;
  paramNames: Set<string>;
  moduleNames: Set<string>;
  preHooks: HookList<ForwardPreHook>;
  hooks: HookList<ForwardHook>;
  backwardHooks: BackwardHook[];
  /** true after a full backward hook, false after a regular one, null before either (PyTorch's _is_full_backward_hook). */
  isFullBackwardHook: boolean | null;
  backwardPreHooks: BackwardPreHook[];
  loadStateDictPreHooks: LoadStateDictPreHook[];
  loadStateDictPostHooks: LoadStateDictPostHook[];
  stateDictPreHooks: StateDictPreHook[];
  stateDictHooks: StateDictPostHook[];
}

const INTERNALS = Symbol("torch-ts.module");

function handle<T>(list: T[], item: T, prepend = false): HookHandle {
  checkCallable(item);
  return addHook(list, item, prepend);
}

export class Module {
  /** Training mode (train()/eval()). */
  declare training: boolean;
  /**
   * @internal Buffers that take the checkpoint's shape in loadStateDict (PyTorch's FakeQuantize and
   * per-channel observers resize them in their _load_from_state_dict).
   */
  declare _resizedOnLoad?: readonly string[];
  declare [INTERNALS]: ModuleInternals;

  constructor() {
    Object.defineProperty(this, INTERNALS, {
      value: {
        bufferNames: [], nonPersistent: new Set(), paramNames: new Set(), moduleNames: new Set(), preHooks: new HookList(), hooks: new HookList(),
        backwardHooks: [], isFullBackwardHook: null, backwardPreHooks: [], loadStateDictPreHooks: [], loadStateDictPostHooks: [], stateDictPreHooks: [], stateDictHooks: [],
      } satisfies ModuleInternals,
      enumerable: false,
    });
    Object.defineProperty(this, "training", { value: true, writable: true, enumerable: false });
  }

  /**
   * @internal State entries that are no parameter or buffer, as PyTorch's _save_to_state_dict
   * overrides write them (quantized modules: the packed (weight, bias) tuple, scale, zero_point).
   */
  _extraState?(): [string, unknown][];
  /** @internal The state-dict versions of what _extraState lists under a sub-prefix (a quantized Linear's _packed_params). */
  _extraVersions?(): [string, number][];
  /** @internal Takes those entries back (PyTorch's _load_from_state_dict); `get` reads one by name. */
  _loadExtraState?(get: (name: string) => unknown): void;

  /**
   * The computation; subclasses override it (overloads included). Call the module with call(),
   * which runs hooks.
   */
  forward(..._args: never[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * model(x) in Python: forward pre-hooks, forward, forward hooks, and the backward hooks set up on
   * the way (PyTorch's _call_impl). A trailing options object is the call's keyword arguments: hooks
   * see the positional arguments, and those registered withKwargs the options too.
   * Typed as the module's own forward, overloads included (`lstm.call(x)` is
   * `[Tensor, [Tensor, Tensor]]`); defined on the prototype below the class.
   */
  declare call: this["forward"];

  /** register_forward_pre_hook(hook, *, prepend=False, with_kwargs=False): hook(module, args) may return new args (a non-array is one argument); withKwargs: hook(module, args, kwargs) may return [args, kwargs]. */
  registerForwardPreHook<M extends Module>(this: M, hook: ForwardPreHook<M>, options?: ForwardPreHookOptions & { withKwargs?: false }): HookHandle;
  registerForwardPreHook<M extends Module>(this: M, hook: ForwardPreHookWithKwargs<M>, options: ForwardPreHookOptions & { withKwargs: true }): HookHandle;
  registerForwardPreHook(hook: ForwardPreHook | ForwardPreHookWithKwargs, options: ForwardPreHookOptions = {}): HookHandle {
    return this[INTERNALS].preHooks.add(hook as ForwardPreHook, options);
  }
  /** register_forward_hook(hook, *, prepend=False, with_kwargs=False, always_call=False): hook(module, args, output) may return a new output; alwaysCall: runs even when forward throws. */
  registerForwardHook<M extends Module>(this: M, hook: ForwardHook<M>, options?: ForwardHookOptions & { withKwargs?: false }): HookHandle;
  registerForwardHook<M extends Module>(this: M, hook: ForwardHookWithKwargs<M>, options: ForwardHookOptions & { withKwargs: true }): HookHandle;
  registerForwardHook(hook: ForwardHook | ForwardHookWithKwargs, options: ForwardHookOptions = {}): HookHandle {
    return this[INTERNALS].hooks.add(hook as ForwardHook, options);
  }
  /**
   * register_full_backward_hook(hook, prepend=False): hook(module, gradInput, gradOutput) runs when
   * the gradients with respect to the module's inputs are computed (one entry per positional
   * argument, null where none), and may return replacements for gradInput.
   */
  registerFullBackwardHook(hook: BackwardHook, options: HookOptions = {}): HookHandle {
    const inner = this[INTERNALS];
    if (inner.isFullBackwardHook === false) throw new Error("Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.");
    inner.isFullBackwardHook = true;
    return handle(inner.backwardHooks, hook, options.prepend);
  }
  /** register_full_backward_pre_hook(hook, prepend=False): hook(module, gradOutput) runs when the gradients of the outputs are known, and may return replacements. */
  registerFullBackwardPreHook(hook: BackwardPreHook, options: HookOptions = {}): HookHandle {
    return handle(this[INTERNALS].backwardPreHooks, hook, options.prepend);
  }
  /**
   * register_backward_hook(hook), deprecated: a hook on the grad_fn of the module's (first) output,
   * so gradInput are the gradients of that last op's inputs; PyTorch's warnings where they differ
   * from the module's.
   */
  registerBackwardHook(hook: BackwardHook): HookHandle {
    const inner = this[INTERNALS];
    if (inner.isFullBackwardHook === true) throw new Error("Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.");
    inner.isFullBackwardHook = false;
    return handle(inner.backwardHooks, hook);
  }
  /** @internal The forward pre-hooks in call order (PyTorch's _forward_pre_hooks; the live list). */
  _forwardPreHooks(): ForwardPreHook[] { return this[INTERNALS].preHooks.hooks; }
  /** @internal The forward hooks in call order (PyTorch's _forward_hooks; the live list). */
  _forwardHooks(): ForwardHook[] { return this[INTERNALS].hooks.hooks; }
  /** @internal This module's hook lists (module.ts's own helpers read them). */
  _hooks(): ModuleInternals { return this[INTERNALS]; }

  /** register_load_state_dict_pre_hook(hook): runs before loadStateDict reads this module's entries (PyTorch 2.x's signature, the module first). */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook): HookHandle { return handle(this[INTERNALS].loadStateDictPreHooks, hook); }
  /** register_load_state_dict_post_hook(hook): runs after loadStateDict, before strict mode's key errors. */
  registerLoadStateDictPostHook(hook: LoadStateDictPostHook): HookHandle { return handle(this[INTERNALS].loadStateDictPostHooks, hook); }
  /** register_state_dict_pre_hook(hook): hook(module, prefix, keepVars) before stateDict writes this module's entries. */
  registerStateDictPreHook(hook: StateDictPreHook): HookHandle { return handle(this[INTERNALS].stateDictPreHooks, hook); }
  /** register_state_dict_post_hook(hook): hook(module, stateDict, prefix, localMetadata) after this module's entries and its children's. */
  registerStateDictPostHook(hook: StateDictPostHook): HookHandle { return handle(this[INTERNALS].stateDictHooks, hook); }

  // ---- registration ------------------------------------------------------------------------

  private checkName(kind: string, name: string): void {
    if (typeof name !== "string") throw new Error(`${kind} name should be a string. Got ${typeof name}`);
    if (name.includes(".")) throw new Error(`${kind} name can't contain ".", got: ${name}`);
    if (name === "") throw new Error(`${kind} name can't be empty string ""`);
  }

  registerParameter(name: string, param: Parameter | null): void {
    this.checkName("parameter", name);
    const value: unknown = param;
    if (value !== null && !isParameter(value)) {
      throw new Error(`cannot assign '${value instanceof Tensor ? "torch.FloatTensor" : typeof value}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    this[INTERNALS].paramNames.add(name);
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this.checkName("buffer", name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new Error(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    const inner = this[INTERNALS];
    // A deleted buffer registered again goes last, as a new key of PyTorch's _buffers dict does.
    const at = inner.bufferNames.indexOf(name);
    if (at >= 0 && !Object.hasOwn(this, name)) inner.bufferNames.splice(at, 1);
    if (!inner.bufferNames.includes(name)) inner.bufferNames.push(name);
    if (persistent) inner.nonPersistent.delete(name); else inner.nonPersistent.add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  addModule(name: string, module: Module | null): void {
    this.checkName("module", name);
    if (module !== null && !(module instanceof Module)) throw new Error(`${typeof module} is not a Module subclass`);
    this[INTERNALS].moduleNames.add(name);
    (this as unknown as Record<string, unknown>)[name] = module;
  }
  registerModule(name: string, module: Module | null): void { this.addModule(name, module); }

  /** @internal Own entries in property order: [name, value] of parameters (incl. registered nulls). */
  _ownParameters(): [string, Parameter | null][] {
    const inner = this[INTERNALS];
    const out: [string, Parameter | null][] = [];
    for (const k of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (isParameter(v)) out.push([k, v]);
      else if (v === null && inner.paramNames.has(k)) out.push([k, null]);
    }
    return out;
  }

  /** @internal */
  _ownBuffers(): [string, Tensor | null, boolean][] {
    const inner = this[INTERNALS];
    return inner.bufferNames
      // Own properties only: a deleted buffer may be an accessor of the class now (nn.utils.parametrize).
      .filter((k) => Object.hasOwn(this, k))
      .map((k) => [k, (this as unknown as Record<string, Tensor | null>)[k] ?? null, !inner.nonPersistent.has(k)]);
  }

  /** @internal */
  _ownModules(): [string, Module | null][] {
    const inner = this[INTERNALS];
    const out: [string, Module | null][] = [];
    for (const k of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v instanceof Module) out.push([k, v]);
      else if (v === null && inner.moduleNames.has(k)) out.push([k, null]);
    }
    return out;
  }

  // ---- traversal ---------------------------------------------------------------------------

  *namedModules(memo: Set<Module> = new Set(), prefix = "", removeDuplicate = true): Generator<[string, Module]> {
    if (removeDuplicate && memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, m] of this._ownModules()) {
      if (!m) continue;
      yield* m.namedModules(memo, prefix ? `${prefix}.${name}` : name, removeDuplicate);
    }
  }
  *modules(): Generator<Module> { for (const [, m] of this.namedModules()) yield m; }
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [n, m] of this._ownModules()) if (m && !seen.has(m)) { seen.add(m); yield [n, m]; }
  }
  *children(): Generator<Module> { for (const [, m] of this.namedChildren()) yield m; }

  *namedParameters(prefix = "", recurse = true, removeDuplicate = true): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(new Set(), prefix, removeDuplicate) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, p] of m._ownParameters()) {
        if (!p || (removeDuplicate && seen.has(p))) continue;
        seen.add(p);
        yield [mp ? `${mp}.${n}` : n, p];
      }
    }
  }
  *parameters(recurse = true): Generator<Parameter> { for (const [, p] of this.namedParameters("", recurse)) yield p; }

  *namedBuffers(prefix = "", recurse = true, removeDuplicate = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(new Set(), prefix, removeDuplicate) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, b] of m._ownBuffers()) {
        if (!b || (removeDuplicate && seen.has(b))) continue;
        seen.add(b);
        yield [mp ? `${mp}.${n}` : n, b];
      }
    }
  }
  *buffers(recurse = true): Generator<Tensor> { for (const [, b] of this.namedBuffers("", recurse)) yield b; }

  getSubmodule(target: string): Module {
    if (target === "") return this;
    let m: Module = this;
    for (const part of target.split(".")) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new Error(`${m.constructor.name} has no attribute \`${part}\``);
      m = next;
    }
    return m;
  }
  getParameter(target: string): Parameter {
    const i = target.lastIndexOf(".");
    const mod = this.getSubmodule(i < 0 ? "" : target.slice(0, i));
    const p = (mod as unknown as Record<string, unknown>)[target.slice(i + 1)];
    if (!isParameter(p)) throw new Error(`\`${target.slice(i + 1)}\` is not an nn.Parameter`);
    return p;
  }

  /** get_buffer(target): the buffer at a dotted path ("bn.running_mean"). */
  getBuffer(target: string): Tensor {
    const i = target.lastIndexOf(".");
    const mod = this.getSubmodule(i < 0 ? "" : target.slice(0, i));
    const name = target.slice(i + 1);
    if (!(name in mod)) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!mod[INTERNALS].bufferNames.includes(name)) throw new Error(`\`${name}\` is not a buffer`);
    return (mod as unknown as Record<string, Tensor>)[name]!;
  }

  /**
   * get_extra_state(): what a subclass that overrides it adds to its state dict under
   * `_extra_state` (any value); setExtraState receives it back from loadStateDict.
   */
  getExtraState(): unknown {
    throw new Error("Reached a code path in Module.get_extra_state() that should never be called. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.");
  }
  /** set_extra_state(state): takes back what getExtraState returned (subclasses override both). */
  setExtraState(_state: unknown): void {
    throw new Error("Reached a code path in Module.set_extra_state() that should never be called. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.");
  }
  /** PyTorch's class attribute (a hook for old checkpoints' source changes): false. */
  static dumpPatches = false;
  /** The class's dumpPatches, read from an instance as Python reads a class attribute. */
  get dumpPatches(): boolean { return (this.constructor as typeof Module).dumpPatches; }

  // ---- modes and bulk operations -----------------------------------------------------------

  train(mode = true): this {
    if (typeof mode !== "boolean") throw new Error("training mode is expected to be boolean");
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this { return this.train(false); }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Sets every parameter's gradient to null (setToNone, the default) or zero. */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    zeroGrads(this.parameters(), setToNone);
  }

  apply(fn: (m: Module) => void): this {
    for (const m of [...this.children()]) m.apply(fn);
    fn(this);
    return this;
  }

  /** Replaces every parameter's and buffer's data through fn (keeping Parameter identity). */
  protected _applyToTensors(fn: (t: Tensor) => Tensor, floatOnly: boolean, modules: Iterable<Module> = this.modules()): this {
    noGrad(() => {
      for (const m of modules) {
        const rec = m as unknown as Record<string, unknown>;
        for (const [n, p] of m._ownParameters()) {
          if (!p || (floatOnly && !p.dtype.isFloatingPoint)) continue;
          if (isUninitialized(p)) { p._retarget(fn(p.detach())); continue; }
          const data = fn(p.detach());
          if (data.storage === p.storage && data.dtype === p.dtype) continue;
          const np = new Parameter(data, p.requiresGrad);
          if (p.grad) np.grad = fn(p.grad);
          rec[n] = np;
        }
        for (const [n, b] of m._ownBuffers()) {
          if (!b || (floatOnly && !b.dtype.isFloatingPoint)) continue;
          if (isUninitialized(b)) { b._retarget(fn(b)); continue; }
          rec[n] = fn(b);
        }
      }
    });
    return this;
  }

  /** module.to(dtype) / to(device) / to({ dtype, device }): floating parameters and buffers. */
  to(...args: (DType | string | Device | { dtype?: DType | string; device?: string | Device; memoryFormat?: MemoryFormat | null } | Tensor)[]): this {
    // Non-floating tensors (num_batches_tracked, ...) change device but never dtype, as in PyTorch.
    const isOptions = (a: unknown): a is { device?: string | Device; memoryFormat?: MemoryFormat | null } =>
      !!a && typeof a === "object" && !(a instanceof DType) && !(a instanceof Tensor) && !(a instanceof Device);
    // A string is a device unless it names a dtype (PyTorch: always a device), checked before any tensor moves.
    const device = args.map((a) => (a instanceof Tensor ? a.device.toString() : a instanceof Device ? a.toString()
      : typeof a === "string" && !isDTypeName(a) ? toDevice(a as DeviceLike).toString()
      : isOptions(a) && "device" in a && a.device !== undefined ? toDevice(a.device as DeviceLike).toString() : undefined)).find((d) => d !== undefined);
    // memoryFormat reaches only 4-d and 5-d tensors (PyTorch's Module.to: weights of convolutions).
    const memoryFormat = args.map((a) => (isOptions(a) ? a.memoryFormat ?? undefined : undefined)).find((f) => f !== undefined);
    const withoutFormat = memoryFormat === undefined ? args : args.map((a) => (isOptions(a) ? { ...a, memoryFormat: null } : a));
    return this._applyToTensors((t) => {
      const reformat = memoryFormat !== undefined && (t.dim() === 4 || t.dim() === 5);
      if (t.dtype.isFloatingPoint) return (t.to as (...a: unknown[]) => Tensor)(...(reformat ? args : withoutFormat));
      const moved = device ? t.to(device as "cpu") : t;
      return reformat ? moved.to({ memoryFormat }) : moved;
    }, false);
  }
  float(): this { return this._applyToTensors((t) => t.float(), true); }
  double(): this { return this._applyToTensors((t) => t.double(), true); }
  half(): this { return this._applyToTensors((t) => t.half(), true); }
  bfloat16(): this { return this._applyToTensors((t) => t.bfloat16(), true); }
  cpu(): this { return this._applyToTensors((t) => t.cpu(), false); }
  /** module.type(dst_type): every parameter and buffer cast to the dtype (integer buffers too, as PyTorch's). */
  type(dstType: DType | string): this { return this._applyToTensors((t) => t.to(dstType as DType), false); }
  /** PyTorch's error of a build without CUDA (torch-ts's GPU device is "webgpu"). */
  cuda(device?: unknown): this { return this._applyToTensors((t) => t.cuda(device), false); }
  /** PyTorch's error of a build without XPU. */
  xpu(device?: unknown): this { return this._applyToTensors((t) => t.xpu(device), false); }
  /** PyTorch's error of a build without IPU. */
  ipu(device?: unknown): this { return this._applyToTensors((t) => t.ipu(device), false); }
  /** share_memory(): every parameter and buffer moved to shared memory (Tensor.shareMemory_). */
  shareMemory(): this { return this._applyToTensors((t) => t.shareMemory_(), false); }
  /** to_empty(*, device, recurse=True): parameters and buffers replaced by uninitialized tensors of their shapes on `device`. */
  toEmpty(options: { device?: string | null; recurse?: boolean } = {}): this {
    const recurse = options.recurse ?? true;
    const own = new Set<Module>(recurse ? this.modules() : [this]);
    return this._applyToTensors((t) => torchEmptyLike(t, { device: (options.device ?? t.device.toString()) as "cpu" }), false, own);
  }

  // ---- state dict --------------------------------------------------------------------------

  /** Parameters and persistent buffers by PyTorch's keys, in PyTorch's order. */
  stateDict(options: StateDictOptions = {}): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    const versions = new Map<string, number>();
    const visit = (m: Module, prefix: string): void => {
      const hooks = m[INTERNALS];
      for (const h of hooks.stateDictPreHooks) h(m, prefix, options.keepVars ?? false);
      const version = (m.constructor as { _version?: number })._version ?? 1;
      versions.set(prefix.slice(0, -1), version);
      for (const [n, v] of m._extraVersions?.() ?? []) versions.set(prefix + n, v);
      for (const [n, p] of m._ownParameters()) if (p) out.set(prefix + n, options.keepVars ? p : p.detach());
      for (const [n, b, persistent] of m._ownBuffers()) if (b && persistent) out.set(prefix + n, options.keepVars ? b : b.detach());
      // Entries that are no parameter or buffer (a quantized module's packed (weight, bias) tuple).
      for (const [n, v] of m._extraState?.() ?? []) out.set(prefix + n, v as Tensor);
      if (m.getExtraState !== Module.prototype.getExtraState) out.set(`${prefix}_extra_state`, m.getExtraState() as Tensor);
      for (const [n, c] of m._ownModules()) if (c) visit(c, `${prefix}${n}.`);
      for (const h of hooks.stateDictHooks) h(m, out, prefix, { version });
    };
    visit(this, options.prefix ?? "");
    stateDictVersions.set(out, versions);
    return out;
  }

  /**
   * Copies tensors into the parameters and buffers. Every key and shape is checked first: on any
   * error nothing is changed. Returns the missing and unexpected keys (strict mode throws).
   */
  loadStateDict(stateDict: Map<string, Tensor> | Record<string, Tensor>, options: { strict?: boolean; assign?: boolean } | boolean = {}): LoadResult {
    const strict = typeof options === "boolean" ? options : options.strict ?? true;
    const assign = typeof options === "boolean" ? false : options.assign ?? false;
    // A copy: load pre-hooks may edit it (PyTorch copies the OrderedDict too).
    const entries = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    const metadata = stateDict instanceof Map ? stateDictVersions.get(stateDict) : undefined;
    // Each key's tensor, with the module and attribute it lives in (for assign).
    const own = new Map<string, [Tensor, Module, string]>();
    const hookMissing: string[] = [], hookUnexpected: string[] = [], errors: string[] = [];
    const postHooked: [Module, LoadStateDictPostHook[]][] = [];
    const visit = (m: Module, prefix: string): void => {
      const hooks = m[INTERNALS];
      if (hooks.loadStateDictPreHooks.length) {
        const version = metadata?.get(prefix.slice(0, -1));
        for (const h of hooks.loadStateDictPreHooks) h(m, entries, prefix, version === undefined ? {} : { version }, strict, hookMissing, hookUnexpected, errors);
      }
      for (const n of m._resizedOnLoad ?? []) {
        const src = entries.get(prefix + n), b = (m as unknown as Record<string, unknown>)[n];
        if (src instanceof Tensor && b instanceof Tensor) b.resize_(src.shape);
      }
      for (const [n, p] of m._ownParameters()) if (p) own.set(prefix + n, [p, m, n]);
      for (const [n, b, persistent] of m._ownBuffers()) if (b && persistent) own.set(prefix + n, [b, m, n]);
      if (m._extraState) extra.push([m, prefix, m._extraState().map(([n]) => prefix + n)]);
      if (m.setExtraState !== Module.prototype.setExtraState) userExtra.push([m, `${prefix}_extra_state`]);
      for (const [n, c] of m._ownModules()) if (c) visit(c, `${prefix}${n}.`);
      // After the children, as PyTorch's load() runs them.
      if (hooks.loadStateDictPostHooks.length) postHooked.push([m, hooks.loadStateDictPostHooks]);
    };
    const extra: [Module, string, string[]][] = [];
    // Modules overriding setExtraState, with their `_extra_state` key.
    const userExtra: [Module, string][] = [];
    visit(this, "");
    const extraKeys = new Set([...extra.flatMap(([, , keys]) => keys), ...userExtra.map(([, k]) => k)]);
    const result: LoadResult = {
      missingKeys: [...hookMissing, ...[...own.keys(), ...extraKeys].filter((k) => !entries.has(k))],
      unexpectedKeys: [...hookUnexpected, ...[...entries.keys()].filter((k) => !own.has(k) && !extraKeys.has(k))],
    };
    for (const [k, [t]] of own) {
      const src = entries.get(k);
      if (!src) continue;
      if (!(src instanceof Tensor)) { errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`); continue; }
      // A lazy module's placeholder takes the checkpoint's shape (PyTorch's _lazy_load_hook).
      if (!isUninitialized(t) && src.shape.join() !== t.shape.join()) {
        errors.push(`size mismatch for ${k}: copying a param with shape torch.Size([${src.shape.join(", ")}]) from checkpoint, the shape in current model is torch.Size([${t.shape.join(", ")}]).`);
      }
    }
    const keyErrors = (): string[] => !strict ? [] : [
      ...(result.missingKeys.length ? [`Missing key(s) in state_dict: ${result.missingKeys.map((k) => `"${k}"`).join(", ")}. `] : []),
      ...(result.unexpectedKeys.length ? [`Unexpected key(s) in state_dict: ${result.unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `] : []),
    ];
    const fail = (errs: string[]): Error => new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errs.join("\n\t")}`);
    // Every error is found before anything changes, but strict mode's key errors when post-hooks
    // may still clear them: those come after the load, as PyTorch's do.
    const early = postHooked.length ? errors : [...keyErrors(), ...errors];
    if (early.length) throw fail(early);
    noGrad(() => {
      for (const [k, [t, m, n]] of own) {
        const src = entries.get(k);
        if (!src) continue;
        if (assign) {
          // assign=True keeps the checkpoint's tensors (their dtype, device and storage); a
          // parameter stays a Parameter with its requires_grad.
          const value = isParameter(t) ? (isParameter(src) ? src.requiresGrad_(t.requiresGrad) : new Parameter(src, t.requiresGrad)) : src;
          (m as unknown as Record<string, Tensor>)[n] = value;
          continue;
        }
        if (isUninitialized(t)) t.materialize(src.shape);
        t.copy_(src);
        placeOnDevice(t);
      }
      for (const [m, prefix] of extra) m._loadExtraState!((n) => entries.get(prefix + n) as unknown);
      for (const [m, key] of userExtra) if (entries.has(key)) m.setExtraState(entries.get(key));
    });
    if (postHooked.length) {
      for (const [m, hooks] of postHooked) for (const h of [...hooks]) {
        if (h(m, result) !== undefined) throw new Error("Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return new values, if incompatible_keys need to be modified, it should be done inplace.");
      }
      const late = keyErrors();
      if (late.length) throw fail(late);
    }
    return result;
  }

  // ---- printing ----------------------------------------------------------------------------

  /** The text inside the parentheses of this module's repr (PyTorch's extra_repr). */
  extraRepr(): string { return ""; }

  /** The name this module's repr starts with (PyTorch's _get_name): its class name unless a class says otherwise. */
  _getName(): string { return this.constructor.name; }

  toString(): string {
    const extra = this.extraRepr();
    const children = this._ownModules().filter(([, m]) => m !== null) as [string, Module][];
    const name = this._getName();
    if (!children.length) return `${name}(${extra})`;
    const lines: string[] = extra ? extra.split("\n") : [];
    for (const [n, m] of children) {
      const body = m.toString().split("\n").map((l, i) => (i === 0 ? l : "  " + l)).join("\n");
      lines.push(`(${n}): ${body}`);
    }
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/** The body of Module.call (a prototype method, so subclasses' call takes forward's own type). */
function call(this: Module, ...args: unknown[]): unknown {
  const inner = this[INTERNALS];
  if (inner.preHooks.hooks.length === 0 && inner.hooks.hooks.length === 0 && inner.backwardHooks.length === 0 && inner.backwardPreHooks.length === 0 && !anyGlobalHooks()) {
    return (this.forward as (...x: unknown[]) => unknown)(...args);
  }
  return callWithHooks(this, args);
}
Object.defineProperty(Module.prototype, "call", { value: call, writable: true, configurable: true, enumerable: false });
