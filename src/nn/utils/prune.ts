// torch.nn.utils.prune: pruning a module's tensor by a mask. As in PyTorch, `<name>_orig` holds
// the parameter, the buffer `<name>_mask` the mask, and a forward pre-hook sets module[name] =
// mask * orig before each call; pruning the same tensor again combines the masks through a
// PruningContainer. Random methods draw from the global generator as PyTorch does.
//
// `amount`: an integer is a count of units, any other number a fraction in [0, 1] (JavaScript has
// one number type: Python's `1.0`, all units, has no spelling here; pass the count instead).

import { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { isOptionsObject } from "../../ops/args.js";
import { onesLike, zerosLike } from "../../ops/creation.js";
import { rand, randLike } from "../../ops/random.js";
import { Module } from "../module.js";
import { isParameter } from "../parameter.js";
import { parametersToVector } from "./convert-parameters.js";
import { NamedPreHooks } from "./named-pre-hooks.js";

type Rec = Record<string, unknown>;
export type PruningType = "unstructured" | "structured" | "global";
type Index = string | Tensor;

const hooks = new NamedPreHooks<BasePruningMethod>();

/** The abstract pruning method: subclasses give PRUNING_TYPE and computeMask. */
export abstract class BasePruningMethod {
  abstract readonly PRUNING_TYPE: PruningType;
  /** The name of the pruned tensor (set by apply). */
  _tensorName: string | null = null;

  /** The mask to apply to t, given the mask already in place (defaultMask). */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** mask * orig: the pruned tensor, from module[name + "_orig"] and module[name + "_mask"]. */
  applyMask(module: Module): Tensor {
    if (this._tensorName === null) throw new Error(`Module ${String(module)} has to be pruned`);
    const rec = module as unknown as Rec;
    const orig = rec[`${this._tensorName}_orig`] as Tensor, mask = rec[`${this._tensorName}_mask`] as Tensor;
    return mask.to(orig.dtype).mul(orig);
  }

  /** The pruned version of t (no module involved). */
  prune(t: Tensor, defaultMask: Tensor | null = null, importanceScores: Tensor | null = null): Tensor {
    if (importanceScores !== null && importanceScores.shape.join() !== t.shape.join()) throw new Error("importance_scores should have the same shape as tensor t");
    return t.mul(this.computeMask(importanceScores ?? t, defaultMask ?? onesLike(t)));
  }

  /** Makes the pruning permanent: module[name] becomes a parameter holding mask * orig (the same Parameter object as name_orig). */
  remove(module: Module): void {
    if (this._tensorName === null) throw new Error(`Module ${String(module)} has to be pruned before pruning can be removed`);
    const name = this._tensorName;
    const weight = this.applyMask(module);
    const rec = module as unknown as Rec;
    delete rec[name];
    const orig = rec[`${name}_orig`] as Tensor;
    noGrad(() => orig.set_(weight.detach()));
    delete rec[`${name}_orig`];
    delete rec[`${name}_mask`];
    if (isParameter(orig)) module.registerParameter(name, orig); else rec[name] = orig;
  }

  /**
   * Prunes module[name] with a new instance of this method (constructor arguments after the name;
   * a trailing `{ importanceScores }` gives the scores that decide which units go). Returns the
   * method in effect: a PruningContainer when the tensor was pruned before.
   */
  static apply(this: PruningMethodClass, module: Module, name: string, ...args: unknown[]): BasePruningMethod {
    const last = args[args.length - 1];
    let importanceScores: Tensor | null = null;
    if (isOptionsObject(last)) {
      const { importanceScores: scores, ...rest } = last as { importanceScores?: Tensor | null };
      importanceScores = scores ?? null;
      args = Object.keys(rest).length ? [...args.slice(0, -1), rest] : args.slice(0, -1);
    }
    return applyPruning(module, name, () => new (this as unknown as new (...a: unknown[]) => BasePruningMethod)(...args), importanceScores);
  }
}

export type PruningMethodClass = new (...args: never[]) => BasePruningMethod;

/** PyTorch's BasePruningMethod.apply, with the method made by `make`. */
function applyPruning(module: Module, name: string, make: () => BasePruningMethod, importanceScores: Tensor | null): BasePruningMethod {
  if (!(module instanceof Module)) throw new Error(`prune: module must be an nn.Module, got ${typeof module}`);
  const orig = (module as unknown as Rec)[name];
  if (!(orig instanceof Tensor)) throw new Error(`Module ${String(module)} has no parameter or buffer with name '${name}'`);
  if (importanceScores !== null && importanceScores.shape.join() !== orig.shape.join()) {
    throw new Error(`importance_scores should have the same shape as parameter ${name} of ${String(module)}`);
  }
  const old = hooks.get(module, name);
  let method = make();
  method._tensorName = name;
  if (old instanceof PruningContainer) { old.addPruningMethod(method); method = old; }
  else if (old) { const c = new PruningContainer(old); c.addPruningMethod(method); method = c; }
  const rec = module as unknown as Rec;
  const fresh = !(method instanceof PruningContainer);
  const defaultMask = fresh ? onesLike(orig) : (rec[`${name}_mask`] as Tensor).detach().clone();
  // The mask is computed before anything changes: a bad amount leaves the module as it was.
  let mask: Tensor;
  try {
    mask = noGrad(() => method.computeMask(importanceScores ?? orig, defaultMask));
  } catch (e) {
    if (old instanceof PruningContainer && old === method) old._dropLast();
    throw e;
  }
  if (old) hooks.remove(module, name);
  if (fresh) {
    if (!isParameter(orig)) throw new Error(`prune: '${name}' of ${module.constructor.name} is not a parameter`);
    delete rec[name];
    module.registerParameter(`${name}_orig`, orig);
  }
  module.registerBuffer(`${name}_mask`, mask);
  rec[name] = method.applyMask(module);
  const m = method;
  hooks.add(module, name, m, (mod) => { (mod as unknown as Rec)[name] = m.applyMask(mod); });
  return method;
}

// ---- amounts ---------------------------------------------------------------------------------

function validateAmountInit(amount: unknown): number {
  if (typeof amount !== "number" || Number.isNaN(amount)) throw new Error(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new Error(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
  return amount;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function nparamsToPrune(amount: number, size: number): number {
  const n = Number.isInteger(amount) ? amount : roundHalfEven(amount * size);
  if (n > size) throw new Error(`amount=${n} should be smaller than the number of parameters to prune=${size}`);
  return n;
}

function validateStructured(t: Tensor, dim: number): void {
  if (t.dim() <= 1) throw new Error(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape torch.Size([${t.shape.join(", ")}]) with ${t.dim()} dims`);
  if (dim >= t.dim()) throw new Error(`Invalid index ${dim} for tensor of size torch.Size([${t.shape.join(", ")}])`);
}

/** [":", ..., index at dim, ...] for x.get / x.set. */
function alongDim(ndim: number, dim: number, index: Tensor): Index[] {
  const d = dim < 0 ? dim + ndim : dim;
  return Array.from({ length: ndim }, (_, i) => (i === d ? index : ":"));
}

/** A mask of zeros with ones on the `index` slices of dim. */
function channelMask(t: Tensor, dim: number, index: Tensor): Tensor {
  const mask = zerosLike(t);
  mask.set(alongDim(t.dim(), dim, index), 1);
  return mask;
}

function amountOf(a: number | { amount?: number }): number { return validateAmountInit(typeof a === "object" && a !== null ? a.amount : a); }

// ---- the methods -----------------------------------------------------------------------------

/** A sequence of pruning methods on one tensor; its mask is the last method's on what the others kept. */
export class PruningContainer extends BasePruningMethod {
  readonly PRUNING_TYPE = "unstructured";
  private methods: BasePruningMethod[] = [];
  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this._tensorName = methods[0]!._tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }
  addPruningMethod(method: BasePruningMethod | null): void {
    if (method === null) return;
    if (!(method instanceof BasePruningMethod)) throw new Error(`${typeof method} is not a BasePruningMethod subclass`);
    if (this._tensorName !== method._tensorName) {
      throw new Error(`Can only add pruning methods acting on the parameter named '${this._tensorName}' to PruningContainer. Found '${method._tensorName}'`);
    }
    this.methods.push(method);
  }
  /** @internal Undoes the last addPruningMethod (its mask could not be computed). */
  _dropLast(): void { this.methods.pop(); }
  get length(): number { return this.methods.length; }
  at(i: number): BasePruningMethod | undefined { return this.methods.at(i); }
  [Symbol.iterator](): Iterator<BasePruningMethod> { return this.methods[Symbol.iterator](); }

  /** The newest method's mask, computed on the part of t that the current mask keeps (by its PRUNING_TYPE). */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this.methods[this.methods.length - 1]!;
    const newMask = defaultMask.to(t.dtype).clone();
    let index: Index[];
    if (method.PRUNING_TYPE === "unstructured") index = [defaultMask.eq(1)];
    else if (method.PRUNING_TYPE === "structured") {
      const dimOf = (method as { dim?: number }).dim;
      if (dimOf === undefined) throw new Error('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
      const n = t.dim(), dim = dimOf < 0 ? n + dimOf : dimOf;
      if (dim < 0) throw new Error(`Index is out of bounds for tensor with dimensions ${n}`);
      const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== dim);
      index = alongDim(n, dim, defaultMask.sum(others).ne(0));
    } else if (method.PRUNING_TYPE === "global") index = t.shape.map(() => ":");
    else throw new Error(`Unrecognized PRUNING_TYPE ${String(method.PRUNING_TYPE)}`);
    const partial = method.computeMask(t.get(...index), defaultMask.get(...index));
    newMask.set(index, partial.to(newMask.dtype));
    return newMask;
  }
}

/**
 * The unstructured masks: defaultMask with the `amount` units that rank first by score (the largest
 * or the smallest) zeroed. Scores are computed only when something is pruned (RandomUnstructured
 * draws them: PyTorch draws nothing for amount 0).
 */
function maskTopK(amount: number, defaultMask: Tensor, scores: () => Tensor, largest: boolean): Tensor {
  const k = nparamsToPrune(amount, defaultMask.numel());
  const mask = defaultMask.clone();
  if (k !== 0) mask.view(-1).set([scores().view(-1).topk(k, { largest }).indices], 0);
  return mask;
}

/** Prunes nothing (the mask is all ones): makes a tensor look pruned. */
export class Identity extends BasePruningMethod {
  readonly PRUNING_TYPE = "unstructured";
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor { return defaultMask; }
}

/** Prunes `amount` units chosen uniformly at random. */
export class RandomUnstructured extends BasePruningMethod {
  readonly PRUNING_TYPE = "unstructured";
  readonly amount: number;
  constructor(amount: number | { amount?: number }) { super(); this.amount = amountOf(amount); }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return maskTopK(this.amount, defaultMask, () => randLike(t), true);
  }
}

/** Prunes the `amount` units of smallest absolute value. */
export class L1Unstructured extends BasePruningMethod {
  readonly PRUNING_TYPE = "unstructured";
  readonly amount: number;
  constructor(amount: number | { amount?: number }) { super(); this.amount = amountOf(amount); }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return maskTopK(this.amount, defaultMask, () => t.abs(), false);
  }
}

/** Prunes `amount` whole channels along dim, chosen at random. */
export class RandomStructured extends BasePruningMethod {
  readonly PRUNING_TYPE = "structured";
  readonly amount: number;
  readonly dim: number;
  constructor(amount: number | { amount?: number; dim?: number }, dim = -1) {
    super();
    this.amount = amountOf(amount);
    this.dim = typeof amount === "object" ? amount.dim ?? -1 : dim;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t, this.dim);
    const n = t.size(this.dim);
    const k = nparamsToPrune(this.amount, n);
    if (k === 0) return defaultMask;
    const prob = rand(n);
    const threshold = prob.kthvalue(k).values;
    return channelMask(t, this.dim, prob.gt(threshold)).mul_(defaultMask.to(t.dtype));
  }
}

/** Prunes the `amount` channels along dim of smallest L`n` norm. */
export class LnStructured extends BasePruningMethod {
  readonly PRUNING_TYPE = "structured";
  readonly amount: number;
  readonly n: number | "fro";
  readonly dim: number;
  constructor(amount: number | { amount?: number; n?: number | "fro"; dim?: number }, n?: number | "fro", dim = -1) {
    super();
    this.amount = amountOf(amount);
    const o = typeof amount === "object" ? amount : { n, dim };
    if (o.n === undefined) throw new Error("LnStructured() missing 1 required positional argument: 'n'");
    this.n = o.n;
    this.dim = o.dim ?? -1;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t, this.dim);
    const size = t.size(this.dim);
    const k = nparamsToPrune(this.amount, size);
    if (k === 0) return defaultMask;
    const d = this.dim < 0 ? this.dim + t.dim() : this.dim;
    const others = Array.from({ length: t.dim() }, (_, i) => i).filter((i) => i !== d);
    const norm = t.norm(this.n === "fro" ? 2 : this.n, others);
    const keep = norm.topk(size - k, { largest: true }).indices;
    return channelMask(t, this.dim, keep).mul_(defaultMask.to(t.dtype));
  }
}

/** Prunes by a given mask (multiplied into the current one). */
export class CustomFromMask extends BasePruningMethod {
  readonly PRUNING_TYPE = "global";
  readonly mask: Tensor;
  constructor(mask: Tensor | { mask?: Tensor }) { super(); this.mask = mask instanceof Tensor ? mask : mask.mask!; }
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (defaultMask.shape.join() !== this.mask.shape.join()) {
      throw new Error(`custom_from_mask: the mask's shape [${this.mask.shape.join(", ")}] is not the tensor's [${defaultMask.shape.join(", ")}]`);
    }
    return defaultMask.mul(this.mask.to(defaultMask.dtype));
  }
}

// ---- the functions ---------------------------------------------------------------------------

interface Scores { importanceScores?: Tensor | null }

/** prune.identity(module, name): the tensor looks pruned (orig, mask of ones, hook) but nothing is removed. */
export function identity<M extends Module>(module: M, name: string): M {
  applyPruning(module, name, () => new Identity(), null);
  return module;
}

/** prune.random_unstructured(module, name, amount): prunes `amount` random units. */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: number): M {
  applyPruning(module, name, () => new RandomUnstructured(amount), null);
  return module;
}

/** prune.l1_unstructured(module, name, amount, importance_scores=None): prunes the `amount` smallest |value| (or scores). */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: number, options: Scores = {}): M {
  applyPruning(module, name, () => new L1Unstructured(amount), options.importanceScores ?? null);
  return module;
}

/** prune.random_structured(module, name, amount, dim): prunes `amount` random channels along dim. */
export function randomStructured<M extends Module>(module: M, name: string, amount: number, dim: number): M {
  applyPruning(module, name, () => new RandomStructured(amount, dim), null);
  return module;
}

/** prune.ln_structured(module, name, amount, n, dim, importance_scores=None): prunes the channels of smallest Ln norm along dim. */
export function lnStructured<M extends Module>(module: M, name: string, amount: number, n: number | "fro", dim: number, options: Scores = {}): M {
  applyPruning(module, name, () => new LnStructured(amount, n, dim), options.importanceScores ?? null);
  return module;
}

/** prune.custom_from_mask(module, name, mask): prunes where mask is 0. */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M {
  applyPruning(module, name, () => new CustomFromMask(mask), null);
  return module;
}

/**
 * prune.global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs): one
 * unstructured method (made as `new pruningMethod(kwargs)`, e.g. `{ amount: 0.2 }`) applied to
 * all the (module, name) tensors at once, as one flattened vector. importanceScores: entries
 * [[module, name], scores] (a Map or an array).
 */
export function globalUnstructured(parameters: Iterable<readonly [Module, string]>, pruningMethod: PruningMethodClass,
  options: { importanceScores?: Iterable<readonly [readonly [Module, string], Tensor]> | null; [kwarg: string]: unknown } = {}): void {
  if (parameters === null || typeof (parameters as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new Error("global_unstructured(): parameters is not an Iterable");
  }
  const { importanceScores, ...kwargs } = options;
  const params = [...parameters];
  const scores = [...(importanceScores ?? [])];
  const rec = (m: Module): Rec => m as unknown as Rec;
  const scoreOf = (m: Module, n: string): Tensor => scores.find(([[sm, sn]]) => sm === m && sn === n)?.[1] ?? (rec(m)[n] as Tensor);
  const relevant = parametersToVector(params.map(([m, n]) => scoreOf(m, n)));
  const defaultMask = parametersToVector(params.map(([m, n]) => (rec(m)[`${n}_mask`] as Tensor | undefined) ?? onesLike(rec(m)[n] as Tensor)));
  const container = new PruningContainer();
  container._tensorName = "temp";
  const method = new (pruningMethod as unknown as new (o: unknown) => BasePruningMethod)(kwargs);
  method._tensorName = "temp";
  if (method.PRUNING_TYPE !== "unstructured") {
    throw new Error(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${method.PRUNING_TYPE}`);
  }
  container.addPruningMethod(method);
  const finalMask = noGrad(() => container.computeMask(relevant, defaultMask));
  let pointer = 0;
  for (const [m, n] of params) {
    const p = rec(m)[n] as Tensor, k = p.numel();
    customFromMask(m, n, finalMask.narrow(0, pointer, k).viewAs(p));
    pointer += k;
  }
}

/** prune.remove(module, name): makes the pruning of module[name] permanent and removes orig, mask and hook. */
export function remove<M extends Module>(module: M, name: string): M {
  const method = hooks.get(module, name);
  if (!method) throw new Error(`Parameter '${name}' of module ${String(module)} has to be pruned before pruning can be removed`);
  method.remove(module);
  hooks.remove(module, name);
  return module;
}

/** prune.is_pruned(module): whether the module or any submodule has a pruning hook. */
export function isPruned(module: Module): boolean {
  for (const [, m] of module.namedModules()) if (hooks.any(m)) return true;
  return false;
}
