// PyTorch's Observer.with_args / FakeQuantize.with_args (a functools.partial): a factory that makes
// a new module of the class with the given options each call, and remembers both, so that
// qconfigEquals can compare two factories as PyTorch compares partials (same class, equal options).
import type { Module } from "../../nn/module.js";

/** A factory of observers or fake-quantize modules, as a QConfig holds (PyTorch's observer constructor). */
export type ModuleFactory<T extends Module = Module> = (() => T) & { readonly cls?: abstract new (...args: never[]) => T; readonly options?: object };

/** Cls.withArgs(options): the factory `() => new Cls(options)`, carrying cls and options. */
export function withArgs<T extends Module, O extends object>(cls: new (options: O) => T, options: O): ModuleFactory<T> {
  const frozen = Object.freeze({ ...options });
  return Object.assign(() => new cls({ ...frozen }), { cls, options: frozen });
}

/** PyTorch's partial equality: the same factory, or factories of the same class with equal options. */
export function factoriesEqual(a: ModuleFactory | null | undefined, b: ModuleFactory | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || !a.cls || a.cls !== b.cls) return false;
  return optionsEqual(a.options ?? {}, b.options ?? {});
}

function optionsEqual(a: object, b: object): boolean {
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => {
    const x = (a as Record<string, unknown>)[k], y = (b as Record<string, unknown>)[k];
    if (typeof x === "function" && typeof y === "function") return factoriesEqual(x as ModuleFactory, y as ModuleFactory);
    return x === y;
  });
}
