// torch.nn.utils.parametrize: a module's parameter or buffer replaced by a function of other
// tensors (`module.weight` reads as parametrization(original)). As in PyTorch, the module gets a
// class of its own, `Parametrized<Class>`, whose prototype holds the accessor: the instance's
// own data property is deleted, so the Module's parameter walk (own enumerable properties) sees
// `parametrizations.<name>.original` and never the computed tensor.

import { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { Module } from "../module.js";
import { Parameter, isParameter } from "../parameter.js";
import { ModuleDict, ModuleList } from "../modules/container.js";

/**
 * What a parametrization's `rightInverse` throws to say it has no inverse for this case (Python's
 * NotImplementedError): registration then keeps the original tensor as it is.
 */
export class NotImplementedError extends Error {
  constructor(message = "") { super(message); this.name = "NotImplementedError"; }
}

/** A module used as a parametrization: forward maps the original tensor(s) to the value; rightInverse (optional) goes back. */
export type Parametrization = Module & { rightInverse?: (value: Tensor) => Tensor | Tensor[] };

type Rec = Record<string, unknown>;

function hasRightInverse(m: Module): m is Module & { rightInverse: (value: Tensor) => Tensor | Tensor[] } {
  return typeof (m as Parametrization).rightInverse === "function";
}

function sizeStr(shape: readonly number[]): string { return `torch.Size([${shape.join(", ")}])`; }
function dtypeStr(t: Tensor): string { return `torch.${t.dtype.name}`; }
function typeName(v: unknown): string { return v === null || v === undefined ? "NoneType" : v instanceof Tensor ? "Tensor" : Array.isArray(v) ? "list" : typeof v; }

/** PyTorch's _register_parameter_or_buffer: a Parameter becomes a parameter, any other tensor a buffer. */
function registerParameterOrBuffer(module: Module, name: string, value: Tensor): void {
  if (isParameter(value)) module.registerParameter(name, value);
  else module.registerBuffer(name, value);
}

/**
 * The parametrizations of one tensor of a module (`module.parametrizations.weight`), applied in
 * order, with the unparametrized tensor(s) stored as `original` (or `original0`, `original1`, ...
 * when the first parametrization's rightInverse returns several tensors).
 */
export class ParametrizationList extends ModuleList {
  declare unsafe: boolean;
  declare readonly isTensor: boolean;
  declare readonly ntensors: number;
  declare original: Tensor;

  constructor(modules: Module[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new Error("ParametrizationList requires one or more modules.");
    super(modules);
    Object.defineProperty(this, "unsafe", { value: unsafe, writable: true, enumerable: false });
    const originalShape = original.shape, originalDtype = original.dtype;
    const inverted = noGrad(() => {
      let value: Tensor | Tensor[] = original;
      for (const m of [...modules].reverse()) {
        if (!hasRightInverse(m)) continue;
        try { value = m.rightInverse(value as Tensor); } catch (e) { if (!(e instanceof NotImplementedError)) throw e; }
      }
      return value as unknown;
    });
    if (!(inverted instanceof Tensor) && !Array.isArray(inverted)) {
      throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typeName(inverted)}`);
    }
    const isTensor = inverted instanceof Tensor;
    Object.defineProperty(this, "isTensor", { value: isTensor, enumerable: false });
    Object.defineProperty(this, "ntensors", { value: isTensor ? 1 : (inverted as Tensor[]).length, enumerable: false });
    if (inverted instanceof Tensor) {
      if (inverted.dtype !== original.dtype) {
        throw new Error(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: ${dtypeStr(original)}\nright_inverse(original).dtype: ${dtypeStr(inverted)}`);
      }
      // set_ keeps the Parameter object (an optimizer holding it still sees it).
      if (inverted !== original) noGrad(() => original.set_(inverted));
      registerParameterOrBuffer(this, "original", original);
    } else {
      (inverted as unknown[]).forEach((t, i) => {
        if (!(t instanceof Tensor)) {
          throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typeName(t)}.`);
        }
        const requiresGrad = original.requiresGrad;
        const ti = isParameter(original) ? new Parameter(t, requiresGrad) : t.requiresGrad_(requiresGrad);
        registerParameterOrBuffer(this, `original${i}`, ti);
      });
    }
    if (!unsafe) {
      const z: unknown = this.forward();
      if (!(z instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${typeName(z)}.`);
      if (z.dtype !== originalDtype) {
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: torch.${originalDtype.name}\nparametrized dtype: ${dtypeStr(z)}`);
      }
      if (z.shape.join() !== originalShape.join()) {
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${sizeStr(originalShape)}\nparametrized shape: ${sizeStr(z.shape)}`);
      }
    }
  }

  /** The originals: [original] or [original0, original1, ...]. */
  originals(): Tensor[] {
    const rec = this as unknown as Rec;
    return this.isTensor ? [this.original] : Array.from({ length: this.ntensors }, (_, i) => rec[`original${i}`] as Tensor);
  }

  /** Stores `value` through the parametrizations' rightInverse, last registered first (module.weight = value). */
  rightInverse(value: Tensor): void {
    noGrad(() => {
      let v: unknown = value;
      for (const m of [...this].reverse()) {
        if (!hasRightInverse(m)) throw new Error(`parametrization ${m.constructor.name} does not implement right_inverse.`);
        v = m.rightInverse(v as Tensor);
      }
      if (this.isTensor) {
        if (!(v instanceof Tensor)) throw new Error(`\`right_inverse\` should return a tensor. Got ${typeName(v)}`);
        if (v.dtype !== this.original.dtype) throw new Error(`The tensor returned by \`right_inverse\` has dtype ${dtypeStr(v)} while \`original\` has dtype ${dtypeStr(this.original)}`);
        this.original.set_(v);
        return;
      }
      if (!Array.isArray(v)) throw new Error(`'right_inverse' must return a sequence of tensors. Got ${typeName(v)}.`);
      if (v.length !== this.ntensors) throw new Error(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of length ${v.length}.`);
      const originals = this.originals();
      v.forEach((t: unknown, i) => {
        if (!(t instanceof Tensor)) throw new Error(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${typeName(t)}`);
        if (t.dtype !== originals[i]!.dtype) throw new Error(`Tensor ${i} returned by \`right_inverse\` has dtype ${dtypeStr(t)} while \`original${i}\` has dtype ${dtypeStr(originals[i]!)}`);
      });
      v.forEach((t: Tensor, i) => originals[i]!.set_(t));
    });
  }

  /** The parametrized value: the first parametrization on the originals, then each next one on the result. */
  override forward(): Tensor {
    const mods = [...this] as Module[];
    const call = (m: Module, args: Tensor[]): Tensor => (m.call as (...a: Tensor[]) => Tensor).apply(m, args);
    let x = call(mods[0]!, this.originals());
    for (const m of mods.slice(1)) x = call(m, [x]);
    return x;
  }
}

// ---- the computed attribute -------------------------------------------------------------------

/** The class a module had before its first parametrization, kept on the injected class. */
const BASE_CLASS = Symbol("torch-ts.parametrize.base");
type ModuleClass = abstract new (...args: never[]) => Module;

let cacheDepth = 0;
const cache = new Map<Module, Map<string, Tensor>>();

/**
 * parametrize.cached(): inside fn, each parametrized tensor is computed once per module and
 * reused (PyTorch's `with parametrize.cached():`); the cache is dropped when the outermost call returns.
 */
export function cached<T>(fn: () => T): T {
  cacheDepth++;
  try {
    return fn();
  } finally {
    cacheDepth--;
    if (cacheDepth === 0) cache.clear();
  }
}

function parametrizationsOf(module: Module): ModuleDict | null {
  const p = (module as unknown as Rec).parametrizations;
  return p instanceof ModuleDict ? p : null;
}

function listOf(module: Module, tensorName: string): ParametrizationList {
  return parametrizationsOf(module)!.get(tensorName) as ParametrizationList;
}

function computeParametrized(module: Module, tensorName: string): Tensor {
  const list = listOf(module, tensorName);
  if (cacheDepth === 0) return list.forward();
  let byName = cache.get(module);
  if (!byName) { byName = new Map(); cache.set(module, byName); }
  let t = byName.get(tensorName);
  if (t === undefined) { t = list.forward(); byName.set(tensorName, t); }
  return t;
}

/** Gives the module a class of its own, `Parametrized<Class>` (PyTorch's _inject_new_class). */
function injectClass(module: Module): void {
  const base = Object.getPrototypeOf(module).constructor as ModuleClass;
  const name = `Parametrized${base.name}`;
  const injected = { [name]: class extends (base as unknown as typeof Module) {} }[name]!;
  Object.defineProperty(injected, BASE_CLASS, { value: base });
  Object.setPrototypeOf(module, injected.prototype);
}

function injectProperty(module: Module, tensorName: string): void {
  Object.defineProperty(Object.getPrototypeOf(module), tensorName, {
    get(this: Module) { return computeParametrized(this, tensorName); },
    set(this: Module, value: Tensor) { listOf(this, tensorName).rightInverse(value); },
    configurable: true,
    enumerable: false,
  });
}

/**
 * parametrize.is_parametrized(module, tensor_name=None): whether the module has a parametrization
 * on tensorName (on any tensor when it is omitted).
 */
export function isParametrized(module: Module, tensorName: string | null = null): boolean {
  const p = parametrizationsOf(module);
  if (p === null) return false;
  return tensorName === null ? p.length > 0 : p.has(tensorName);
}

/**
 * parametrize.register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
 * module[tensorName] becomes parametrization(original). Registering again on the same tensor
 * chains the new parametrization after the others. Unless unsafe, the parametrization may not
 * change the tensor's shape or dtype. Returns the module.
 */
export function registerParametrization(module: Module, tensorName: string, parametrization: Module, options: { unsafe?: boolean } = {}): Module {
  if (!(module instanceof Module)) throw new Error(`register_parametrization: module must be an nn.Module, got ${typeName(module)}`);
  if (!(parametrization instanceof Module)) throw new Error(`register_parametrization: parametrization must be an nn.Module, got ${typeName(parametrization)}`);
  const unsafe = options.unsafe ?? false;
  parametrization.train(module.training);
  if (isParametrized(module, tensorName)) {
    if (!unsafe) checkChained(module, tensorName, parametrization);
    const list = listOf(module, tensorName);
    list.append(parametrization);
    list.unsafe ||= unsafe;
    return module;
  }
  const isOwn = module._ownParameters().some(([n, p]) => n === tensorName && p) || module._ownBuffers().some(([n, b]) => n === tensorName && b);
  if (!isOwn) {
    throw new Error(`Module '${String(module)}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  const original = (module as unknown as Rec)[tensorName] as Tensor;
  const list = new ParametrizationList([parametrization], original, unsafe);
  delete (module as unknown as Rec)[tensorName];
  if (!isParametrized(module)) {
    injectClass(module);
    module.addModule("parametrizations", new ModuleDict());
  }
  injectProperty(module, tensorName);
  parametrizationsOf(module)!.set(tensorName, list);
  return module;
}

/** The checks of a parametrization added to an already parametrized tensor (safe mode). */
function checkChained(module: Module, tensorName: string, parametrization: Module): void {
  const y = (module as unknown as Rec)[tensorName] as Tensor;
  const x: unknown = (parametrization.call as (t: Tensor) => unknown).call(parametrization, y);
  if (!(x instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${typeName(x)}.`);
  if (x.dtype !== y.dtype) {
    throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: ${dtypeStr(y)}\nparametrization(module.${tensorName}).dtype: ${dtypeStr(x)}`);
  }
  if (x.shape.join() !== y.shape.join()) {
    throw new Error(`Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${sizeStr(y.shape)}\nparametrization(module.${tensorName}).shape: ${sizeStr(x.shape)}`);
  }
  if (!hasRightInverse(parametrization)) return;
  let z: unknown;
  try { z = parametrization.rightInverse(x); } catch (e) { if (e instanceof NotImplementedError) return; throw e; }
  if (!(z instanceof Tensor)) throw new Error(`parametrization.right_inverse must return a tensor. Got: ${typeName(z)}`);
  if (z.dtype !== y.dtype) {
    throw new Error(`The tensor returned by parametrization.right_inverse must have the same dtype as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: ${dtypeStr(y)}\nreturned dtype: ${dtypeStr(z)}`);
  }
  if (z.shape.join() !== y.shape.join()) {
    throw new Error(`The tensor returned by parametrization.right_inverse must have the same shape as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${sizeStr(y.shape)}\nreturned shape: ${sizeStr(z.shape)}`);
  }
}

/**
 * parametrize.remove_parametrizations(module, tensor_name, leave_parametrized=True): makes
 * module[tensorName] an ordinary parameter or buffer again, holding the parametrized value
 * (leaveParametrized) or the original. The original Parameter object is kept where it can be.
 */
export function removeParametrizations(module: Module, tensorName: string, leaveParametrized: boolean | { leaveParametrized?: boolean } = true): Module {
  const leave = typeof leaveParametrized === "boolean" ? leaveParametrized : leaveParametrized.leaveParametrized ?? true;
  if (!isParametrized(module, tensorName)) throw new Error(`Module ${String(module)} does not have a parametrization on ${tensorName}`);
  const list = listOf(module, tensorName);
  let original: Tensor;
  if (list.isTensor) {
    original = list.original;
    if (leave) {
      const t = noGrad(() => (module as unknown as Rec)[tensorName] as Tensor);
      noGrad(() => original.set_(t));
    }
  } else {
    if (!leave) throw new Error("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.");
    const t = (module as unknown as Rec)[tensorName] as Tensor;
    original = t.requiresGrad ? new Parameter(t.detach(), true) : t;
  }
  delete (Object.getPrototypeOf(module) as Rec)[tensorName];
  parametrizationsOf(module)!.delete(tensorName);
  registerParameterOrBuffer(module, tensorName, original);
  if (!isParametrized(module)) {
    const base = injectedBase(module)!;
    delete (module as unknown as Rec).parametrizations;
    Object.setPrototypeOf(module, (base as unknown as { prototype: object }).prototype);
  }
  return module;
}

/** parametrize.type_before_parametrizations(module): the module's class before its parametrizations. */
export function typeBeforeParametrizations(module: Module): ModuleClass {
  return (isParametrized(module) ? injectedBase(module) : null) ?? (Object.getPrototypeOf(module).constructor as ModuleClass);
}

function injectedBase(module: Module): ModuleClass | null {
  const cls = Object.getPrototypeOf(module).constructor as ModuleClass & { [BASE_CLASS]?: ModuleClass };
  return Object.prototype.hasOwnProperty.call(cls, BASE_CLASS) ? cls[BASE_CLASS]! : null;
}

/**
 * parametrize.transfer_parametrizations_and_params(from_module, to_module, tensor_name=None): gives
 * toModule the parametrizations of fromModule (all, or those of tensorName) and the same original
 * tensors (shared: the two modules then train the same parameters). A tensor toModule lacks is first
 * made a Parameter holding fromModule's parametrized value. Returns toModule.
 */
export function transferParametrizationsAndParams(fromModule: Module, toModule: Module, tensorName: string | null = null): Module {
  const from = parametrizationsOf(fromModule);
  if (from === null) return toModule;
  const names = tensorName === null ? [...from.keys()] : [tensorName];
  for (const name of names) {
    const fromList = listOf(fromModule, name);
    if (!fromList) throw new Error(`transfer_parametrizations_and_params: ${fromModule.constructor.name} has no parametrization on '${name}'`);
    if (!(name in toModule)) toModule.registerParameter(name, new Parameter((fromModule as unknown as Rec)[name] as Tensor));
    for (const parametrization of fromList.children()) registerParametrization(toModule, name, parametrization);
    // The originals are shared: `original`, or `original0`, `original1`, ...
    const toList = listOf(toModule, name);
    if (fromList.isTensor) registerParameterOrBuffer(toList, "original", fromList.original);
    else fromList.originals().forEach((t, i) => registerParameterOrBuffer(toList, `original${i}`, t));
  }
  return toModule;
}
