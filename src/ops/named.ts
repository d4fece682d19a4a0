// Named tensors' own API (PyTorch 1.13): Tensor.names (read and assigned), hasNames, rename,
// rename_, refineNames, alignTo, alignAs and torch.alignTensors. Name inference of the other ops
// lives with each op, through named-engine.ts and named-rules.ts.

import { Tensor } from "../core/tensor.js";
import { checkArgs, checkTensor, installMethods, isOptionsObject } from "./args.js";
import { type Name, checkName, checkNames, describeNames, hideNames, listRepr, namesOf, putNames, setNames } from "./named-engine.js";
import { aliasOf } from "./named-rules.js";
import { record } from "../autograd/record.js";

/** One name given to rename/refineNames/alignTo: a dim name, null (rename only), or "..." (the other dims). */
export type NameOrEllipsis = string | null;

declare module "../core/tensor.js" {
  interface Tensor {
    /** The dim names: one string or null per dim (all null for an unnamed tensor). Assignable, as in PyTorch. */
    get names(): Name[];
    set names(names: readonly Name[] | null);
    /** Whether any dim is named. */
    hasNames(): boolean;
    /** A view with new names: positional (`"..."` stands for the dims not named), a mapping `{ old: new }`, or null (drop all). */
    rename(...names: NameOrEllipsis[] | [Record<string, Name>]): Tensor;
    /** rename, in place. */
    rename_(...names: NameOrEllipsis[] | [Record<string, Name>]): Tensor;
    /** Names the unnamed dims; a named dim must keep its name. `"..."` stands for the dims in between. */
    refineNames(...names: string[]): Tensor;
    /** Permutes the dims to the order of `names` (all dims named), adding size-1 dims for new names; `"..."` keeps the others in order. */
    alignTo(...names: string[]): Tensor;
    /** alignTo(other.names): permutes dims to other's order and adds size-1 dims for its other names. */
    alignAs(other: Tensor): Tensor;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
Object.defineProperty(proto, "names", {
  get(this: Tensor) { return namesOf(this); },
  set(this: Tensor, names: readonly Name[] | null) {
    if (names !== null && !Array.isArray(names)) throw new Error(`names must be a list of names or None, not ${typeof names}`);
    setNames(this, names);
  },
  configurable: true,
});

function hasNames(self: Tensor): boolean {
  if (arguments.length > 1) checkArgs("has_names", arguments, 1);
  return self._names !== null;
}

/** Expands one "..." of a positional name list to the tensor's own names at those dims. */
function expandEllipsis(op: string, self: Tensor, names: readonly NameOrEllipsis[], fill: (i: number) => Name): Name[] {
  const at = names.indexOf("...");
  if (at < 0) return names.slice();
  if (names.indexOf("...", at + 1) >= 0) {
    throw new Error(`${op}: More than one Ellipsis ('...') found in names (${tupleRepr(names)}). This function supports up to one Ellipsis.`);
  }
  const nd = self.dim(), covered = nd - (names.length - 1);
  if (covered < 0) return names.filter((n) => n !== "...");
  const mid = Array.from({ length: covered }, (_, k) => fill(at + k));
  return [...names.slice(0, at), ...mid, ...names.slice(at + 1)];
}

function tupleRepr(names: readonly NameOrEllipsis[]): string {
  return `(${names.map((n) => (n === null ? "None" : `'${n}'`)).join(", ")}${names.length === 1 ? "," : ""})`;
}

/** The names rename gives `self`: positional, mapping, or null (none). */
function renamedNames(op: string, self: Tensor, args: readonly unknown[]): Name[] | null {
  if (args.length === 0) return namesOf(self);
  if (args.length === 1 && args[0] === null) return null;
  if (args.length === 1 && isOptionsObject(args[0])) {
    const current = namesOf(self);
    for (const [from, to] of Object.entries(args[0])) {
      const i = current.indexOf(from);
      if (i < 0) {
        throw new Error(`${op}: Tried to rename dim '${from}' to dim ${to} in Tensor[${tupleRepr(namesOf(self))}] but dim '${from}' does not exist`);
      }
      current[i] = to === null ? null : checkName(to);
    }
    return current;
  }
  if (args.some((a) => isOptionsObject(a))) throw new Error(`${op}: either positional args or keyword args are supported, but not both.`);
  for (const a of args) if (a !== null && typeof a !== "string") throw new Error(`${op}(): argument 'names' must be a list of names, not ${typeof a}`);
  const own = namesOf(self);
  return expandEllipsis(op, self, args as NameOrEllipsis[], (i) => own[i] ?? null);
}

/** A view of `self` (same storage and geometry, through autograd as an alias) with other names. */
function aliasWithNames(self: Tensor, names: Name[] | null): Tensor {
  const out = aliasOf(self);
  return names === null ? out : setNames(out, names);
}

function rename(self: Tensor, ...names: unknown[]): Tensor {
  checkTensor("rename", "self", self);
  const next = renamedNames("rename", self, names);
  if (next !== null) checkNames(next, self.dim());
  return aliasWithNames(self, next);
}

function rename_(self: Tensor, ...names: unknown[]): Tensor {
  checkTensor("rename_", "self", self);
  return setNames(self, renamedNames("rename_", self, names));
}

function refineNames(self: Tensor, ...names: string[]): Tensor {
  checkTensor("refine_names", "self", self);
  for (const n of names) if (typeof n !== "string") throw new Error(`refine_names(): argument 'names' must be a list of names, not ${n === null ? "None" : typeof n}`);
  const own = namesOf(self);
  const target = expandEllipsis("refine_names", self, names, (i) => own[i] ?? null);
  if (target.length !== own.length) {
    throw new Error(`refine_names: cannot coerce ${describeNames(own)} to ${describeNames(target)} because they have a different number of dims (${own.length} and ${target.length} respectively).`);
  }
  checkNames(target, own.length);
  own.forEach((n, i) => {
    if (n !== null && n !== target[i]) {
      throw new Error(`refine_names: cannot coerce ${describeNames(own)} to ${describeNames(target)} because '${n}' is different from '${target[i]}' at index ${i}`);
    }
  });
  return aliasWithNames(self, target);
}

/** Checks that the dims of `self` not in `exempt` are named (align_to's precondition). */
function checkAllNamed(op: string, self: Tensor, exempt: ReadonlySet<number> = new Set()): void {
  const own = namesOf(self);
  own.forEach((n, i) => {
    if (n === null && !exempt.has(i)) throw new Error(`${op}: All input dims must be named. Found unnamed dim at index ${i} of ${describeNames(own)}`);
  });
}

/**
 * A view of `self` whose dim k is self's dim source[k] (-1: a new size-1 dim), named `outNames`.
 * Every dim of self must appear in `source` (else PyTorch's error, naming the `order` asked for).
 */
function alignView(op: string, self: Tensor, source: readonly number[], outNames: readonly Name[], order: readonly Name[]): Tensor {
  const own = namesOf(self);
  own.forEach((n, i) => {
    if (!source.includes(i)) throw new Error(`${op}: Cannot find dim '${n}' from ${describeNames(order)} in desired alignment ${listRepr(order)}.`);
  });
  const shape = source.map((s) => (s < 0 ? 1 : self._shape[s]!));
  const strides = source.map((s) => (s < 0 ? 0 : self._strides[s]!));
  const added = source.map((s, k) => (s < 0 ? k : -1)).filter((k) => k >= 0);
  const kept = source.filter((s) => s >= 0);
  const inverse = own.map((_, i) => kept.indexOf(i));
  const out = hideNames([self], () => {
    const v = new Tensor(self.storage, shape, strides, self._offset);
    v._base = self._base ?? self;
    v._viewHistory = v._base._historyVersion;
    // The gradient back in self's order: drop the added size-1 dims, then undo the permutation.
    return record("AsStridedBackward0", [self], v, ([g]) => [(added.length ? g!.squeeze(added) : g!).permute(inverse)]);
  });
  return putNames(out, outNames);
}

/** align_to / align_as without "...": `order`'s names in order; names self lacks become size-1 dims. */
function alignToNames(op: string, self: Tensor, order: readonly Name[]): Tensor {
  checkAllNamed(op, self);
  const own = namesOf(self);
  return alignView(op, self, order.map((n) => (n === null ? -1 : own.indexOf(n))), order, order);
}

function alignTo(self: Tensor, ...names: string[]): Tensor {
  checkTensor("align_to", "self", self);
  for (const n of names) if (typeof n !== "string") throw new Error("align_to(): argument 'names' (position 1) must be tuple of names, not tuple");
  const at = names.indexOf("...");
  if (at >= 0 && names.indexOf("...", at + 1) >= 0) {
    throw new Error(`align_to: More than one Ellipsis ('...') found in names (${tupleRepr(names)}). This function supports up to one Ellipsis.`);
  }
  names.forEach((n) => { if (n !== "...") checkName(n); });
  if (at < 0) return alignToNames("align_to", self, names);
  // "..." stands for self's dims not named elsewhere, in their order (those may be unnamed).
  const own = namesOf(self);
  const mentioned = new Set(names.filter((n) => n !== "..."));
  const rest = own.map((_, i) => i).filter((i) => own[i] === null || !mentioned.has(own[i]!));
  checkAllNamed("align_to", self, new Set(rest));
  const before = names.slice(0, at), after = names.slice(at + 1);
  const source = [...before.map((n) => own.indexOf(n)), ...rest, ...after.map((n) => own.indexOf(n))];
  const outNames: Name[] = [...before, ...rest.map((i) => own[i]!), ...after];
  return alignView("align_to", self, source, outNames, outNames);
}

function alignAs(self: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("align_as", arguments, 2);
  checkTensor("align_as", "other", other);
  return alignToNames("align_to", self, namesOf(other));
}

/**
 * Aligns each tensor to the longest names among them (ATen's align_tensors): every tensor's names
 * must be a subsequence of those; missing dims become size-1 dims.
 */
export function alignTensors(...tensors: (Tensor | Tensor[])[]): Tensor[] {
  const list = tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : (tensors as Tensor[]);
  list.forEach((t, i) => checkTensor("align_tensors", `tensors[${i}]`, t));
  if (list.length === 0) return [];
  const longest = namesOf(list.reduce((a, b) => (b.dim() > a.dim() ? b : a)));
  return list.map((t) => {
    const own = namesOf(t);
    let k = 0;
    const source: number[] = [];
    for (const n of longest) {
      if (k < own.length && own[k] === n && n !== null) source.push(k++);
      else source.push(-1);
    }
    if (k !== own.length) {
      throw new Error(`Could not align ${describeNames(own)} to \`names\` ${listRepr(longest)} because ${listRepr(own)} is not a subsequence of \`names\`.`);
    }
    return alignView("align_tensors", t, source, longest, longest);
  });
}

installMethods({ hasNames, rename, rename_, refineNames, alignTo, alignAs } as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
