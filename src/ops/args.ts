// The translation rule for arguments (API.md rule 2): positional parameters keep PyTorch's order,
// and any of them may instead come in one trailing options object under its camelCase name;
// keyword-only parameters come only there.

import { Tensor } from "../core/tensor.js";
import { DType } from "../core/dtype.js";

/**
 * The rest parameters of an op after its first argument: each positional slot of `P` may also be
 * the options object `O`, which may also come last.
 * `sum(x, 1, true)`, `sum(x, 1, { keepdim: true })`, `sum(x, { dim: 1, keepdim: true })`.
 */
export type Args<P extends unknown[], O> = [...{ [K in keyof P]: P[K] | O }, O?];

/**
 * A function's type as a method: the first parameter (the tensor) becomes `this`, and `out` leaves
 * its options (PyTorch's Tensor methods take no out=).
 */
export type Method<F> = PlainForm<F> extends (self: Tensor, ...a: infer A) => infer R ? ((...a: { [K in keyof A]: WithoutOut<A[K]> }) => R) & MethodOptionsForms<F, R> : never;
/** An op's options forms (Rebound) as a method: those that take the tensor first, without it; nothing for other ops. */
type MethodOptionsForms<F, R> = F extends { (...a: infer _A1): unknown; (...a: infer A2): unknown } ? (IsRebound<A2> extends true ? (...a: AfterSelf<A2>) => R : unknown) : unknown;
type AfterSelf<T> = T extends [Tensor, ...infer Rest] ? { [K in keyof Rest]: WithoutOut<Rest[K]> } : never;
type WithoutOut<T> = T extends unknown ? ("out" extends keyof T ? Omit<T, "out"> & { out?: never } : T) : never;

declare const reboundForm: unique symbol;
/**
 * A form no call can take (its one element is a symbol no code holds): it marks the arguments of
 * an options-form overload (Rebound), so PlainForm and Method can tell that overload apart.
 */
export type ReboundMarker = [marker: typeof reboundForm];

/**
 * The options forms of a plain-parameter op (API.md rule 2, `rebind`): the arguments where the
 * parameters from some point on come in one options object under their names. `P` is the op's
 * plain parameter list, `N` their names ("?" marks an optional one), `K` the op's own keyword
 * options (its trailing options object) when it has some:
 * `Rebound<[input: Tensor, dim0: number, dim1: number], ["input", "dim0", "dim1"]>` takes
 * `(x, { dim0: 0, dim1: 1 })`, `(x, 0, { dim1: 1 })` and `({ input: x, dim0: 0, dim1: 1 })`.
 * An op declares it as a second, generic overload after its plain one:
 * `function transpose<A extends Rebound<...>>(...args: A): Tensor`.
 */
export type Rebound<P extends unknown[], N extends readonly string[], K = unknown> = ReboundForms<Required<P>, N, [], K> | ReboundMarker;
type ReboundForms<P extends unknown[], N extends readonly string[], Head extends unknown[], K> =
  N extends readonly [string, ...infer NRest extends string[]]
    ? P extends [infer First, ...infer PRest]
      ? [...Head, options: NamedOptions<P, N> & K] | ReboundForms<PRest, NRest, [...Head, First], K>
      : never
    : never;
type NamedOptions<P extends unknown[], N extends readonly string[]> = Simplify<
  { [I in keyof N & `${number}` as N[I] extends `${string}?` ? never : N[I]]: P[I & keyof P] } &
  { [I in keyof N & `${number}` as N[I] extends `${infer S}?` ? S : never]?: P[I & keyof P] }>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** An op's plain signature: the overload before its options-form one (Rebound), or the op itself. */
export type PlainForm<F> = F extends { (...a: infer A1): infer R1; (...a: infer A2): unknown } ? (IsRebound<A2> extends true ? (...a: A1) => R1 : F) : F;
/** Whether an overload's arguments are a Rebound union (holding the marker, and not merely any array). */
type IsRebound<A> = ReboundMarker extends A ? (unknown[] extends A ? false : true) : false;

/**
 * A plain object (`{ dim: 1 }`, or one made by Object.create(null)): the options object of API.md
 * rule 2. Ops test their last argument with it on every call, so a tensor, an array or a number
 * must be rejected cheaply: the constructor test is one cached property load on those, where
 * Object.getPrototypeOf on a class instance costs several times more.
 */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const ctor = (v as { constructor?: unknown }).constructor;
  if (ctor !== Object && ctor !== undefined) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Binds positional `args` and a trailing options object to `names` (positional-or-keyword, in
 * PyTorch's order) and `kwOnly`. Unknown or duplicated names are errors, as in Python.
 * `leading`: how many positional parameters the op took before `args` (its tensors), so that a
 * count error counts them too, as Python's does.
 */
export function bindArgs(op: string, args: readonly unknown[], names: readonly string[], kwOnly: readonly string[] = [], leading = 0): Record<string, unknown> {
  let positional = args;
  let opts: Record<string, unknown> | null = null;
  const last = args[args.length - 1];
  if (args.length > 0 && isOptionsObject(last)) {
    opts = last;
    positional = args.slice(0, -1);
  }
  // Trailing undefined positional arguments are "not given".
  let n = positional.length;
  while (n > 0 && positional[n - 1] === undefined) n--;
  if (n > names.length) throw positionalCountError(op, names.length + leading, n + leading);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const v = positional[i];
    if (isOptionsObject(v)) throw new Error(`${op}(): an options object must be the last argument`);
    if (v !== undefined) out[names[i]!] = v;
  }
  if (opts) {
    for (const [k, v] of Object.entries(opts)) {
      if (!names.includes(k) && !kwOnly.includes(k)) {
        throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
      }
      if (k in out) throw new Error(`${op}() got multiple values for argument '${k}'`);
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}

function positionalCountError(op: string, takes: number, given: number): Error {
  return new Error(`${op}() takes ${takes} positional argument${takes === 1 ? "" : "s"} but ${given} ${given === 1 ? "was" : "were"} given`);
}

const NO_KEYWORDS: readonly string[] = [];

/**
 * The argument check of an op written with plain JS parameters (which would silently drop extra
 * arguments): rejects more than `positional` positional arguments and a trailing options object
 * with a key outside `keywords`, in Python's words. `args` is the call's `arguments` (leading
 * tensors included). The op calls it only when `arguments.length` exceeds its plain arity, so a
 * plain call pays one comparison. Returns the options object, or null.
 */
export function checkArgs(op: string, args: ArrayLike<unknown>, positional: number, keywords: readonly string[] = NO_KEYWORDS): Record<string, unknown> | null {
  let n = args.length;
  let opts: Record<string, unknown> | null = null;
  const last = args[n - 1];
  if (n > 0 && isOptionsObject(last)) { opts = last; n--; }
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n > positional) throw positionalCountError(op, positional, n);
  for (let i = 0; i < n; i++) {
    if (isOptionsObject(args[i])) throw new Error(`${op}(): an options object must be the last argument`);
  }
  if (opts) {
    for (const k of Object.keys(opts)) {
      if (!keywords.includes(k)) throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
    }
  }
  return opts;
}

/**
 * API.md rule 2 for an op written with plain parameters: called when the call's last argument is
 * an options object (`args` is the call's `arguments`), it moves the options that name parameters
 * of `names` (all the op's positional-or-keyword parameters, leading tensors included, in
 * PyTorch's order) into their slots and calls `f` again with them:
 * `transpose(x, { dim0: 0, dim1: 1 })` calls `transpose(x, 0, 1)`. The other options stay in an
 * options object after every slot, where the op's own check (checkArgs, outCall, bindArgs) reads
 * them; with `keywords`, an option outside `names` and `keywords` is an error here. A parameter
 * given twice, or one of the first `required` missing, is Python's error. A slot PyTorch names
 * per overload takes any of its names: `"sections|indices"` (tensor_split).
 * The op first tests its last argument, read through its declared parameters
 * (`isOptionsObject(arguments.length === 3 ? dim1 : arguments.length === 2 ? dim0 : input)`,
 * only where the options object can stand in one of its slots): `arguments[arguments.length - 1]`
 * would cost more than the test itself, so a call without options pays one cheap type test.
 */
export function rebind<F extends (...a: never[]) => unknown>(
  f: F, op: string, args: ArrayLike<unknown>, names: readonly string[], required: number, keywords?: readonly string[],
): ReturnType<F> {
  const opts = args[args.length - 1] as Record<string, unknown>;
  let given = args.length - 1;
  while (given > 0 && args[given - 1] === undefined) given--;
  if (given > names.length) throw positionalCountError(op, names.length, given);
  const slots: unknown[] = [];
  for (let i = 0; i < given; i++) {
    if (isOptionsObject(args[i])) throw new Error(`${op}(): an options object must be the last argument`);
    slots.push(args[i]);
  }
  let rest: Record<string, unknown> | null = null;
  for (const key of Object.keys(opts)) {
    const value = opts[key];
    const slot = slotOf(names, key);
    if (slot < 0) {
      if (keywords && !keywords.includes(key)) throw new Error(`${op}() got an unexpected keyword argument '${key}'`);
      (rest ??= {})[key] = value;
    } else if (slots[slot] !== undefined) {
      throw new Error(`${op}() got multiple values for argument '${pythonName(key)}'`);
    } else {
      while (slots.length < slot) slots.push(undefined);
      slots[slot] = value;
    }
  }
  const missing: string[] = [];
  for (let i = 0; i < required; i++) if (slots[i] === undefined) missing.push(`'${pythonName(names[i]!.split("|")[0]!)}'`);
  if (missing.length) throw missingArgumentsError(op, missing);
  while (slots.length && slots[slots.length - 1] === undefined) slots.pop();
  if (rest) {
    while (slots.length < names.length) slots.push(undefined);
    slots.push(rest);
  }
  return (f as unknown as (...a: unknown[]) => ReturnType<F>)(...slots);
}

function slotOf(names: readonly string[], key: string): number {
  const slot = names.indexOf(key);
  if (slot >= 0) return slot;
  return names.findIndex((n) => n.includes("|") && n.split("|").includes(key));
}

/** A parameter's name as PyTorch spells it, for messages: `normalizedShape` → `normalized_shape`. */
export function pythonName(name: string): string {
  return /^[a-z]/.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}

/**
 * Binds like bindArgs, then requires the first `required` names, in the words of PyTorch's ATen
 * bindings: `f() missing 2 required positional arguments: "a", "b"`.
 */
export function bindRequired(op: string, args: readonly unknown[], names: readonly string[], required: number, kwOnly: readonly string[] = [], leading = 0): Record<string, unknown> {
  const a = bindArgs(op, args, names, kwOnly, leading);
  const missing = names.slice(0, required).filter((n) => a[n] === undefined);
  if (missing.length) throw new Error(`${op}() missing ${missing.length} required positional arguments: ${missing.map((n) => `"${pythonName(n)}"`).join(", ")}`);
  return a;
}

/** Python's words: "f() missing 2 required positional arguments: 'a' and 'b'". */
function missingArgumentsError(op: string, quoted: string[]): Error {
  const n = quoted.length;
  const list = n === 1 ? quoted[0] : n === 2 ? `${quoted[0]} and ${quoted[1]}` : `${quoted.slice(0, -1).join(", ")}, and ${quoted[n - 1]}`;
  return new Error(`${op}() missing ${n} required positional argument${n === 1 ? "" : "s"}: ${list}`);
}

/**
 * Sizes given as `f(2, 3)`, `f([2, 3])` or `f(2, 3, { dtype })` (API.md rule 4): returns the size
 * and the trailing options object, if any. With `keywords`, other option keys are errors. `name`
 * is PyTorch's name of the sizes, under which they may come in the options (`x.flip({ dims: [0] })`).
 */
export function bindSize(op: string, args: readonly unknown[], keywords?: readonly string[], name = "size"): { size: number[]; opts: Record<string, unknown> } {
  let rest = args;
  let opts: Record<string, unknown> = {};
  if (rest.length && isOptionsObject(rest[rest.length - 1])) {
    opts = rest[rest.length - 1] as Record<string, unknown>;
    rest = rest.slice(0, -1);
    // An op that reads no options of its own passes the keywords it takes besides `size`.
    if (keywords) {
      for (const k of Object.keys(opts)) {
        if (k !== name && !keywords.includes(k)) throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
      }
    }
  }
  let size: unknown[];
  if (rest.length === 1 && Array.isArray(rest[0])) size = rest[0] as unknown[];
  else if (rest.length === 1 && rest[0] instanceof Tensor) size = (rest[0] as Tensor).tolist() as unknown[];
  else size = rest as unknown[];
  if (name in opts) {
    if (size.length) throw new Error(`${op}() got multiple values for argument '${name}'`);
    size = opts[name] as unknown[];
    opts = { ...opts };
    delete opts[name];
  }
  checkSizeElements(op, name, size, rest.length === 1 ? rest[0] : undefined, INT_SIZES.has(op) ? "ints" : "SymInts");
  return { size: size as number[], opts };
}

/** Installs functions as Tensor methods: `x.f(...a)` calls `f(x, ...a)`. */
export function installMethods(fns: Record<string, (self: Tensor, ...a: never[]) => unknown>): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  for (const [name, f] of Object.entries(fns)) {
    const fn = f as (self: Tensor, ...a: unknown[]) => unknown;
    proto[name] = function (this: Tensor, ...a: unknown[]) {
      // Read through `arguments`: touching the rest array would make V8 allocate it on every call.
      const n = arguments.length;
      if (n !== 0) rejectOutOnMethod(name, arguments[n - 1]);
      return fn(this, ...a);
    };
  }
}

/** PyTorch's Tensor methods take no out= (only the torch.* functions do). */
function rejectOutOnMethod(name: string, last: unknown): void {
  // The property test first: on a tensor or a number it is one cached lookup.
  if ((last as { out?: unknown } | null | undefined)?.out !== undefined && isOptionsObject(last)) {
    throw new Error(`${name}() got an unexpected keyword argument 'out'`);
  }
}

export function checkTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) {
    throw new Error(`${op}(): argument '${name}' must be Tensor, not ${describe(v)}`);
  }
  return v;
}

/** C++'s default stream format of a double, as PyTorch's messages print it. */
export function cppDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  return String(Number(v.toPrecision(6)));
}

/** Python's type name of an argument, as PyTorch's argument errors print it. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (v instanceof Tensor) return "Tensor";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return typeof v;
}

/**
 * PyTorch's TypeError for a size that is not a tuple of ints (`kind`: "SymInts" for the ops whose
 * 1.13 signature takes SymInt[], "ints" for the others): one argument that is no list, or a
 * one-element list, is named whole; otherwise the first bad element by its (1-based) position.
 */
export function checkSizeElements(op: string, name: string, size: readonly unknown[], single: unknown, kind: "SymInts" | "ints" = "SymInts"): void {
  for (let i = 0; i < size.length; i++) {
    const s = size[i];
    if (typeof s === "number" && Number.isInteger(s)) continue;
    if (single !== undefined && (!Array.isArray(single) || single.length === 1)) {
      throw new Error(`${op}(): argument '${name}' (position 1) must be tuple of ${kind}, not ${pyType(single)}`);
    }
    throw new Error(`${op}(): argument '${name}' must be tuple of ${kind}, but found element of type ${pyType(s)} at pos ${i + 1}`);
  }
}

/** The ops whose size argument PyTorch 1.13 types int[] (the others take SymInt[]). */
const INT_SIZES = new Set(["rand", "randn", "randint", "permute", "flip", "tile", "sum_to_size"]);

/** A value's type as Python's argument parser names it in its errors ("must be int, not float"). */
export function describe(v: unknown): string {
  return v instanceof DType ? "torch.dtype" : pyType(v);
}

export function checkInt(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new Error(`${op}(): argument '${name}' must be int, not ${describe(v)}`);
  }
  return v;
}

export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== "number") throw new Error(`${op}(): argument '${name}' must be a number, not ${describe(v)}`);
  return v;
}

export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new Error(`${op}(): argument '${name}' must be bool, not ${describe(v)}`);
  return v;
}

/** An int or a list of ints (dims), or null. */
export function checkDims(op: string, name: string, v: unknown): number[] | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return [checkInt(op, name, v)];
  if (Array.isArray(v)) return v.map((x) => checkInt(op, name, x));
  throw new Error(`${op}(): argument '${name}' must be int or tuple of ints, not ${describe(v)}`);
}
