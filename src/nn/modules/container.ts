// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict. Entries are
// properties "0", "1", ... (or the dict keys), so seq[0] works and stateDict keys match PyTorch.

import type { Tensor } from "../../core/tensor.js";
import { Module } from "../module.js";
import { Parameter, isParameter } from "../parameter.js";

type Rec = Record<string, unknown>;

function checkIndex(cls: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`index ${i} is out of range`);
  void cls;
  return i < 0 ? i + n : i;
}

abstract class IndexedModules extends Module {
  get length(): number { return this._ownModules().length; }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const mods = this._ownModules();
    return mods[checkIndex(this.constructor.name, i, mods.length)]![1]!;
  }
  *[Symbol.iterator](): Iterator<Module> { for (const [, m] of this._ownModules()) if (m) yield m; }
  protected _reindex(mods: Module[]): void {
    const rec = this as unknown as Rec;
    for (const [k] of this._ownModules()) delete rec[k];
    mods.forEach((m, i) => this.addModule(String(i), m));
  }
  append(module: Module): this { this.addModule(String(this.length), module); return this; }
  extend(modules: Iterable<Module>): this { for (const m of modules) this.append(m); return this; }
  insert(index: number, module: Module): void {
    const mods = [...this];
    const n = mods.length;
    const i = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    mods.splice(i, 0, module);
    this._reindex(mods);
  }
  pop(index = -1): Module {
    const mods = [...this];
    const i = checkIndex(this.constructor.name, index, mods.length);
    const [m] = mods.splice(i, 1);
    this._reindex(mods);
    return m!;
  }
}

export class Sequential extends IndexedModules {
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
  /**
   * Each module's output is the next one's input. Typed for the usual stack of tensor layers (so
   * `seq.call(x)` is a Tensor); the modules may pass anything along (cast where they do).
   */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = (m.call as (...a: unknown[]) => unknown).call(m, x);
    return x as Tensor;
  }
}

export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }
}

export class ModuleDict extends Module {
  constructor(modules: Map<string, Module> | Record<string, Module> = {}) {
    super();
    this.update(modules);
  }
  update(modules: Map<string, Module> | Record<string, Module>): void {
    const entries = modules instanceof Map ? [...modules] : Object.entries(modules);
    for (const [k, m] of entries) this.addModule(k, m);
  }
  get(key: string): Module {
    const m = (this as unknown as Rec)[key];
    if (!(m instanceof Module)) throw new Error(`KeyError: '${key}'`);
    return m;
  }
  set(key: string, module: Module): void { this.addModule(key, module); }
  has(key: string): boolean { return this._ownModules().some(([k]) => k === key); }
  delete(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Rec)[key];
    return m;
  }
  keys(): string[] { return this._ownModules().map(([k]) => k); }
  values(): Module[] { return this._ownModules().map(([, m]) => m!); }
  items(): [string, Module][] { return this._ownModules() as [string, Module][]; }
  get length(): number { return this._ownModules().length; }
  *[Symbol.iterator](): Iterator<string> { yield* this.keys(); }
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
