// The swap behind functionalCall (torch.nn.utils.stateless and torch.func): a module's parameters
// and buffers, named by their dotted state_dict keys, swapped for given tensors around one call and
// put back afterwards, even when the call throws (PyTorch's stateless.py over
// _named_member_accessor.py's swaps).

import { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";
import { isOptionsObject } from "../ops/args.js";
import { pythonType } from "./pytree.js";

/** Marks a name that was not an attribute of its module before the swap (deleted again afterwards). */
const MISSING = Symbol("missing");
type Slot = Tensor | null | typeof MISSING;

const pyStr = (s: string): string => `'${s}'`;
const pyList = (names: readonly string[]): string => `[${names.map(pyStr).join(", ")}]`;
const fields = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** A dict (Map or object) is used as it is (and written back); pairs are collected, each name once. */
export function namedTensorsOf(pb: unknown): Map<string, Tensor> | Record<string, Tensor> {
  if (pb instanceof Map || isOptionsObject(pb)) return pb as Map<string, Tensor> | Record<string, Tensor>;
  if (pb === null || typeof pb !== "object" || !(Symbol.iterator in pb)) {
    throw new Error(`Expected parameters_and_buffers to be a dict or an iterable of (name, Tensor) pairs, but got ${pythonType(pb)}`);
  }
  return pairsToMap(pb as Iterable<unknown>, "parameters_and_buffers");
}

/** [name, tensor] pairs as a Map; a repeated name is PyTorch's error. */
export function pairsToMap(items: Iterable<unknown>, argName: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const repeated = new Set<string>();
  for (const item of items) {
    if (!(Array.isArray(item) && item.length === 2 && typeof item[0] === "string")) throw new Error(`Expected ${argName} to contain (name, Tensor) pairs`);
    if (out.has(item[0])) repeated.add(item[0]);
    out.set(item[0], item[1] as Tensor);
  }
  if (repeated.size) throw new Error(`${pyList([...repeated].sort())} appeared multiple times; behavior of functional call is ambiguous`);
  return out;
}

/** The call: module.call(...args) with the swaps in place. */
export function reparametrizedCall(module: Module, given: Map<string, Tensor> | Record<string, Tensor>, args: unknown, kwargs: Record<string, unknown> | null, tieWeights: boolean, strict: boolean): unknown {
  if (!(module instanceof Module)) throw new Error(`${String(module)} is not an instance of torch.nn.Module`);
  const entries = new Map<string, Tensor>(given instanceof Map ? given : Object.entries(given));
  const swaps = tieWeights ? untie(module, entries) : entries;
  if (strict) checkKeys(module, swaps);
  const callArgs: unknown[] = args === undefined || args === null ? [] : Array.isArray(args) ? [...args] : [args];
  if (kwargs !== null && Object.keys(kwargs).length > 0) callArgs.push(kwargs);
  const originals = swapAll(module, swaps);
  try {
    return module.call(...(callArgs as never[]));
  } finally {
    const after = swapAll(module, originals);
    // A module that reassigned one of them during the call: the caller's dict gets the new tensor.
    for (const [k, t] of after) {
      if (t === MISSING || !(given instanceof Map ? given.has(k) : Object.hasOwn(given, k))) continue;
      if (given instanceof Map) given.set(k, t as Tensor); else (given as Record<string, Tensor | null>)[k] = t;
    }
  }
}

/** Every name of the module's parameters and buffers, with their tensors (tied ones under each name). */
function allNamedTensors(module: Module): [string, Tensor][] {
  return [...module.namedParameters("", true, false), ...module.namedBuffers("", true, false)];
}

/** _untie_named_tensors_map: a value given for one name of a tied tensor goes to all its names. */
function untie(module: Module, given: Map<string, Tensor>): Map<string, Tensor> {
  const namesOf = new Map<Tensor, Set<string>>();
  for (const [name, t] of allNamedTensors(module)) {
    let s = namesOf.get(t);
    if (!s) { s = new Set(); namesOf.set(t, s); }
    s.add(name);
  }
  const tiedNames = new Map<string, Set<string>>();
  for (const names of namesOf.values()) if (names.size > 1) for (const n of names) tiedNames.set(n, names);
  const givenTied = [...given.keys()].filter((n) => tiedNames.has(n));
  for (const name of givenTied) {
    const tied = tiedNames.get(name)!;
    const givenOfThis = givenTied.filter((n) => tied.has(n));
    if (givenOfThis.length > 1 && new Set([...tied].filter((n) => given.has(n)).map((n) => given.get(n))).size !== 1) {
      throw new Error(`functional_call got multiple values for keys ${pyList([...tied].sort())}, which are tied. Consider using tie_weights=False`);
    }
  }
  const out = new Map(given);
  for (const name of givenTied) for (const n of tiedNames.get(name)!) out.set(n, given.get(name)!);
  return out;
}

function checkKeys(module: Module, swaps: Map<string, Tensor>): void {
  const valid = new Set(allNamedTensors(module).map(([n]) => n));
  const missing = [...valid].filter((k) => !swaps.has(k)).sort();
  const unexpected = [...swaps.keys()].filter((k) => !valid.has(k)).sort();
  const errors: string[] = [];
  if (unexpected.length) errors.push(`Unexpected key(s): ${unexpected.map(pyStr).join(", ")}.`);
  if (missing.length) errors.push(`Missing key(s): ${missing.map(pyStr).join(", ")}.`);
  if (errors.length) throw new Error(`Error(s) in reparametrizing for ${module.constructor.name}:\n\t${errors.join("\n\t")}`);
}

/** Swaps each name's slot for its value, returning what was there; undoes the swaps done if one fails. */
function swapAll(module: Module, values: Map<string, Slot>): Map<string, Slot> {
  const memo = new Map<string, Module>();
  const done = new Map<string, Slot>();
  try {
    for (const [name, value] of values) done.set(name, swapTensor(module, memo, name, value));
  } catch (e) {
    for (const [name, orig] of done) swapTensor(module, memo, name, orig);
    throw e;
  }
  return done;
}

function submodule(root: Module, memo: Map<string, Module>, path: string): Module {
  if (path === "") return root;
  const hit = memo.get(path);
  if (hit) return hit;
  const dot = path.lastIndexOf(".");
  const parent = dot < 0 ? root : submodule(root, memo, path.slice(0, dot));
  const attr = path.slice(dot + 1);
  if (!(attr in parent)) throw new Error(`${parent.constructor.name} has no attribute \`${attr}\``);
  const m = fields(parent)[attr];
  if (!(m instanceof Module)) throw new Error(`submodule \`${path}\`: ${String(m)} is not an instance of torch.nn.Module`);
  memo.set(path, m);
  return m;
}

function swapTensor(root: Module, memo: Map<string, Module>, name: string, value: Slot): Slot {
  const dot = name.lastIndexOf(".");
  const mod = submodule(root, memo, dot < 0 ? "" : name.slice(0, dot));
  const attr = name.slice(dot + 1);
  if (value !== MISSING && value !== null && !(value instanceof Tensor)) throw new Error(`${String(value)} is not an instance of torch.Tensor`);
  if (attr === "") throw new Error('tensor name can\'t be empty string ""');
  const f = fields(mod);
  const orig: Slot = attr in mod ? (f[attr] as Tensor | null) : MISSING;
  if (orig !== MISSING && orig !== null && !(orig instanceof Tensor)) {
    throw new Error(`attribute \`${attr}\`: ${String(orig)} is not an instance of torch.Tensor`);
  }
  if (value === MISSING) delete f[attr];
  else f[attr] = value;
  return orig;
}
