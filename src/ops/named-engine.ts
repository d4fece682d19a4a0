// The machinery of named tensors (PyTorch's name inference): checking names, resolving a dim
// given by name, unifying names from the right, and running an op's unnamed computation on named
// inputs. An unnamed tensor has `_names === null`, so every op pays one load to tell.

import { warnOnce } from "../core/warnings.js";
import { Tensor } from "../core/tensor.js";
import { currentOpName } from "../core/op-name.js";
import { namesMode } from "../core/names-mode.js";

export type Name = string | null;

export { namesMode };

/** Whether `t` has names that ops must honour (the one test an op makes; false for unnamed tensors). */
export function isNamed(t: Tensor): boolean {
  // Loose: an options object (API.md rule 2) in a tensor's place has no _names and is not named.
  return t._names != null && namesMode.enabled;
}

/** The names of `t`, one per dim (all null for an unnamed tensor). */
export function namesOf(t: Tensor): Name[] {
  return t._names ? t._names.slice() : new Array<Name>(t._shape.length).fill(null);
}

/** PyTorch's Tensor['N', None] description of a list of names. */
export function describeNames(names: readonly Name[]): string {
  return `Tensor[${names.map((n) => (n === null ? "None" : `'${n}'`)).join(", ")}]`;
}

/** A Python list repr of names: ['N', 'C']. */
export function listRepr(names: readonly Name[]): string {
  return `[${names.map((n) => (n === null ? "None" : `'${n}'`)).join(", ")}]`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks one name as PyTorch's Dimname does (a Python identifier; "..." only where a glob is allowed). */
export function checkName(name: unknown): Name {
  if (name === null || name === undefined) return null;
  if (typeof name !== "string") throw new Error(`Dimname: expected a string or None as a name, got ${typeof name}`);
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Invalid name: a valid identifier contains only digits, alphabetical characters, and/or underscore and starts with a non-digit. got: '${name}'.`);
  }
  return name;
}

/** Checks a full list of names for a tensor of `ndim` dims (count, identifiers, duplicates). */
export function checkNames(names: readonly unknown[], ndim: number): Name[] {
  if (names.length !== ndim) {
    throw new Error(`Number of names (${names.length}) and number of dimensions in tensor (${ndim}) do not match. Attempted to create a tensor with names ${listRepr(names.map((n) => (typeof n === "string" ? n : null)))}`);
  }
  const checked = names.map(checkName);
  const seen = new Set<string>();
  for (const n of checked) {
    if (n === null) continue;
    if (seen.has(n)) throw new Error(`Cannot construct a tensor with duplicate names. Got names: ${listRepr(checked)}.`);
    seen.add(n);
  }
  return checked;
}

/** Sets `t`'s names (checked), in place; all-null or null names make it unnamed. Returns t. */
export function setNames(t: Tensor, names: readonly unknown[] | null): Tensor {
  if (names === null) { t._names = null; return t; }
  const checked = checkNames(names, t._shape.length);
  t._names = checked.some((n) => n !== null) ? checked : null;
  if (t._names !== null) warnOnce(EXPERIMENTAL);
  return t;
}

/** PyTorch 1.13's warning, given the first time a tensor is named. */
const EXPERIMENTAL = "Named tensors and all their associated APIs are an experimental feature and subject to change. Please do not use them for anything important until they are released as stable.";

/** Sets names already known to be valid (inferred by an op); all-null becomes unnamed. */
export function putNames(t: Tensor, names: readonly Name[]): Tensor {
  const seen = new Set<string>();
  for (const n of names) {
    if (n === null) continue;
    if (seen.has(n)) throw new Error(`Cannot construct a tensor with duplicate names. Got names: ${listRepr(names)}.`);
    seen.add(n);
  }
  t._names = names.some((n) => n !== null) ? names.slice() : null;
  return t;
}

/** `out` with `input`'s names when input is named (the *_like factories, casts, copies); out itself. */
export function keepNamesOf(input: Tensor, out: Tensor): Tensor {
  if (input._names !== null && namesMode.enabled) out._names = input._names.slice();
  return out;
}

/** A dim given by index or by name, as an index of `t` (a name must be one of t's names). */
export function dimOf(t: Tensor, dim: number | string): number {
  if (typeof dim !== "string") return dim;
  const names = t._names;
  const i = names && namesMode.enabled ? names.indexOf(dim) : -1;
  if (i < 0) {
    checkName(dim);
    throw new Error(`Name '${dim}' not found in ${describeNames(namesOf(t))}.`);
  }
  return i;
}

/** dimOf over a dim, a list of dims, or null (all). */
export function dimsOf<D extends number | string>(t: Tensor, dims: D | readonly D[] | null | undefined): number | number[] | null | undefined {
  if (dims === null || dims === undefined) return dims;
  if (Array.isArray(dims)) return (dims as readonly D[]).map((d) => dimOf(t, d));
  return dimOf(t, dims as D);
}

/** Whether a dim argument names a dim (a string, or a list holding one). */
export function hasDimname(dim: unknown): boolean {
  if (typeof dim === "string") return true;
  if (!Array.isArray(dim)) return false;
  for (let i = 0; i < dim.length; i++) if (typeof dim[i] === "string") return true;
  return false;
}

/**
 * PyTorch's refusal of a dim name by an op that takes only indices (on an unnamed tensor too).
 */
export function dimnameRefusal(op: string): Error {
  return new Error(`${op}: You passed a dimname (string) to this op in place of a dimension index but it does not yet support this behavior. Please pass a dimension index to work around this.`);
}

/** PyTorch's refusal of a named input by an op that has no name inference rule. */
export function namedRefusal(op: string = currentOpName()): Error {
  // A camelCase op name becomes ATen's snake_case; an overload name after "." keeps its case (lerp.Scalar).
  const [name, overload] = op.split(".");
  const aten = op === "this op" ? op : `aten::${name!.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}${overload === undefined ? "" : `.${overload}`}`;
  return new Error(`${aten} is not yet supported with named tensors. Please drop names via \`tensor = tensor.rename(None)\`, call the op with an unnamed tensor, and set names on the result of the operation.`);
}

/**
 * Refuses a named input (the shared kernel paths call it when a tensor they got has names: an
 * op that got there has no name rule, since ops with one hide the names first).
 */
export function refuseNamed(): void {
  if (namesMode.enabled) throw namedRefusal();
}

/**
 * Runs an op's unnamed computation on named inputs: their names are hidden while `run` runs (so
 * the op computes as for unnamed tensors, with the same autograd nodes), then restored.
 */
export function hideNames<T>(inputs: readonly unknown[], run: () => T): T {
  const tensors: Tensor[] = [], saved: (Name[] | null)[] = [];
  for (const t of inputs) {
    if (t instanceof Tensor && t._names !== null) { tensors.push(t); saved.push(t._names); t._names = null; }
  }
  try { return run(); } finally { tensors.forEach((t, i) => { t._names = saved[i]!; }); }
}

/**
 * Unifies two name lists aligned from the right, as broadcasting does: a name meets itself or
 * None; a name present in both lists must sit at the same position from the right.
 */
export function unifyFromRight(a: readonly Name[], b: readonly Name[], action = "broadcast"): Name[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<Name>(n).fill(null);
  for (let i = 1; i <= n; i++) {
    const x = a.length - i >= 0 ? a[a.length - i]! : null, y = b.length - i >= 0 ? b[b.length - i]! : null;
    if (x !== null && y !== null && x !== y) {
      throw new Error(`Error when attempting to ${action} dims ${listRepr(a)} and dims ${listRepr(b)}: dim '${x}' and dim '${y}' are at the same position from the right but do not match.`);
    }
    const name = x ?? y;
    if (name !== null) {
      // The same name elsewhere in the other list is a misalignment.
      const other = x === null ? a : b, pos = (x === null ? a.length : b.length) - i;
      const at = other.indexOf(name);
      if (at >= 0 && at !== pos) {
        const [found, rest] = x === null ? [b, a] : [a, b];
        throw new Error(`Misaligned dims when attempting to ${action} dims ${listRepr(found)} and dims ${listRepr(rest)}: dim '${name}' appears in a different position from the right across both lists.`);
      }
    }
    out[n - i] = name;
  }
  return out;
}

/**
 * An out tensor (or in-place self) must carry the computed names already, or none (then it takes
 * them), as PyTorch's propagate_names does.
 */
export function checkOutNames(out: Tensor, names: readonly Name[]): void {
  if (out._names === null) return;
  const own = namesOf(out);
  if (own.length !== names.length || own.some((n, i) => n !== names[i])) {
    throw new Error(`Name mismatch: specified out tensor with names ${listRepr(own)} are not the same as the computed output names ${listRepr(names)}. Please rename the out tensor's dims with \`Tensor.rename\`.`);
  }
}

/** Names one output or each tensor of a list of outputs. */
export function nameAll<T extends Tensor | readonly Tensor[]>(out: T, names: readonly Name[]): T {
  if (out instanceof Tensor) putNames(out, names);
  else for (const t of out as readonly Tensor[]) putNames(t, names);
  return out;
}

/** The names left after reducing `dims` (indices), kept as they are under keepdim. */
export function reducedNames(names: readonly Name[], dims: number | readonly number[] | null | undefined, keepdim: boolean): Name[] {
  if (keepdim) return names.slice();
  if (dims === null || dims === undefined || (Array.isArray(dims) && dims.length === 0)) return [];
  const nd = names.length;
  const drop = new Set((typeof dims === "number" ? [dims] : (dims as number[])).map((d) => (d < 0 ? d + nd : d)));
  return names.filter((_, i) => !drop.has(i));
}
