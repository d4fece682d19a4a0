// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict. Entries are
// properties "0", "1", ... (or the dict keys), so seq[0] works and stateDict keys match PyTorch.

import type { Tensor } from "../../core/tensor.js";
import { Module } from "../module.js";
import type { ForwardOutput } from "../module-hooks.js";
import { Parameter, isParameter } from "../parameter.js";

type Rec = Record<string, unknown>;

function checkIndex(cls: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`index ${i} is out of range`);
  void cls;
  return i < 0 ? i + n : i;
}

/** Modules kept under "0", "1", ...; M is their type (a union where they differ), so `at(i).call(x)` is typed. */
abstract class IndexedModules<M extends Module = Module> extends Module {
  get length(): number { return this._ownModules().length; }
  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const mods = this._ownModules();
    return mods[checkIndex(this.constructor.name, i, mods.length)]![1]! as M;
  }
  *[Symbol.iterator](): Iterator<M> { for (const [, m] of this._ownModules()) if (m) yield m as M; }
  protected _reindex(mods: M[]): void {
    const rec = this as unknown as Rec;
    for (const [k] of this._ownModules()) delete rec[k];
    mods.forEach((m, i) => this.addModule(String(i), m));
  }
  append(module: M): this { this.addModule(String(this.length), module); return this; }
  extend(modules: Iterable<M>): this { for (const m of modules) this.append(m); return this; }
  insert(index: number, module: M): void {
    const mods = [...this];
    const n = mods.length;
    const i = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    mods.splice(i, 0, module);
    this._reindex(mods);
  }
  pop(index = -1): M {
    const mods = [...this];
    const i = checkIndex(this.constructor.name, index, mods.length);
    const [m] = mods.splice(i, 1);
    this._reindex(mods);
    return m!;
  }
}

/** The first module's input (its forward's first parameter); a Tensor where the modules are not a known tuple. */
export type SequentialInput<Ms extends readonly Module[]> =
  Ms extends readonly [infer First extends Module, ...Module[]]
    ? First["forward"] extends (input: infer X, ...rest: never[]) => unknown ? ([X] extends [never] ? Tensor : X) : Tensor
    : Tensor;
/** The last module's output; a Tensor where the modules are not a known tuple. */
export type SequentialOutput<Ms extends readonly Module[]> =
  Ms extends readonly [...Module[], infer Last extends Module] ? ForwardOutput<Last> : Tensor;

/**
 * Sequential(m0, m1, ...) is typed by its modules: `new Sequential(new Linear(4, 8), new ReLU())`
 * is a `Sequential<[Linear, ReLU]>` whose call takes the first one's input and returns the last
 * one's output. Built from a Map or a spread array, it is typed for a stack of tensor layers.
 * Its entries (at, iteration) stay `Module`s: they may be replaced after construction
 * (append, insert, convertSyncBatchnorm, quantization's swaps).
 */
export class Sequential<Ms extends readonly Module[] = Module[]> extends IndexedModules {
  constructor(modules: Map<string, Ms[number]>);
  constructor(...modules: Ms);
  constructor(...modules: (Module | Map<string, Module>)[]) {
    super();
    if (modules.length === 1 && modules[0] instanceof Map) {
      for (const [k, m] of modules[0]) this.addModule(k, m);
    } else {
      modules.forEach((m, i) => {
        if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
        this.addModule(String(i), m);
      });
    }
  }
  /** Each module's output is the next one's input. */
  override forward(input: SequentialInput<Ms>): SequentialOutput<Ms> {
    let x: unknown = input;
    for (const m of this) x = (m.call as (...a: unknown[]) => unknown).call(m, x);
    return x as SequentialOutput<Ms>;
  }
}

/** ModuleList(modules): M is the modules' type (a union where they differ). */
export class ModuleList<M extends Module = Module> extends IndexedModules<M> {
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }
}

/**
 * ModuleDict(modules), typed by its entries: `new ModuleDict({ enc: new Linear(4, 8), act: new ReLU() })`
 * gives `get("enc")` as a Linear. Built from a Map (or empty), every key is a Module of the Map's type.
 */
export class ModuleDict<R extends Record<string, Module> = Record<string, Module>> extends Module {
  constructor(modules?: R | Map<string, R[keyof R]>);
  constructor(modules: Map<string, Module> | Record<string, Module> = {}) {
    super();
    this.update(modules as R);
  }
  update(modules: Partial<R> | Map<string, R[keyof R]>): void {
    const entries = modules instanceof Map ? [...modules] : Object.entries(modules);
    for (const [k, m] of entries) this.addModule(k, m as Module);
  }
  get<K extends keyof R & string>(key: K): R[K] {
    const m = (this as unknown as Rec)[key];
    if (!(m instanceof Module)) throw new Error(`KeyError: '${key}'`);
    return m as R[K];
  }
  set<K extends keyof R & string>(key: K, module: R[K]): void { this.addModule(key, module); }
  has(key: string): boolean { return this._ownModules().some(([k]) => k === key); }
  delete<K extends keyof R & string>(key: K): R[K] {
    const m = this.get(key);
    delete (this as unknown as Rec)[key];
    return m;
  }
  keys(): (keyof R & string)[] { return this._ownModules().map(([k]) => k); }
  values(): R[keyof R][] { return this._ownModules().map(([, m]) => m as R[keyof R]); }
  items(): [keyof R & string, R[keyof R]][] { return this._ownModules() as [string, R[keyof R]][]; }
  get length(): number { return this._ownModules().length; }
  *[Symbol.iterator](): Iterator<keyof R & string> { yield* this.keys(); }
}

function asParameter(v: Tensor): Parameter { return isParameter(v) ? v : new Parameter(v); }

export class ParameterList extends Module {
  constructor(values: Iterable<Tensor> = []) {
    super();
    for (const v of values) this.append(v);
  }
  get length(): number { return this._ownParameters().length; }
  at(i: number): Parameter {
    const ps = this._ownParameters();
    return ps[checkIndex("ParameterList", i, ps.length)]![1]!;
  }
  append(value: Tensor): this { this.registerParameter(String(this.length), asParameter(value)); return this; }
  extend(values: Iterable<Tensor>): this { for (const v of values) this.append(v); return this; }
  *[Symbol.iterator](): Iterator<Parameter> { for (const [, p] of this._ownParameters()) if (p) yield p; }
  override extraRepr(): string {
    return this._ownParameters().map(([k, p]) => `(${k}): Parameter containing: [torch.${p!.dtype.name === "float32" ? "float32" : p!.dtype.name} of size ${p!.shape.join("x")}]`).join("\n");
  }
}

export class ParameterDict extends Module {
  constructor(values: Map<string, Tensor> | Record<string, Tensor> = {}) {
    super();
    this.update(values);
  }
  update(values: Map<string, Tensor> | Record<string, Tensor>): void {
    const entries = values instanceof Map ? [...values] : Object.entries(values);
    for (const [k, v] of entries) this.registerParameter(k, asParameter(v));
  }
  get(key: string): Parameter {
    const p = (this as unknown as Rec)[key];
    if (!isParameter(p)) throw new Error(`KeyError: '${key}'`);
    return p;
  }
  set(key: string, value: Tensor): void { this.registerParameter(key, asParameter(value)); }
  has(key: string): boolean { return this._ownParameters().some(([k]) => k === key); }
  keys(): string[] { return this._ownParameters().map(([k]) => k); }
  values(): Parameter[] { return this._ownParameters().map(([, p]) => p!); }
  items(): [string, Parameter][] { return this._ownParameters() as [string, Parameter][]; }
  get length(): number { return this._ownParameters().length; }
  *[Symbol.iterator](): Iterator<string> { yield* this.keys(); }
}
