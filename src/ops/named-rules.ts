// Name inference rules shared by ops (PyTorch's name_inference.html): reductions, ops that keep
// their input's names, matrix products, in-place ops, and the ops PyTorch gives no rule.

import { Tensor } from "../core/tensor.js";
import { bindArgs, isOptionsObject } from "./args.js";
import { record } from "../autograd/record.js";
import {
  type Name, checkOutNames, describeNames, dimsOf, hasDimname, hideNames, listRepr, nameAll, namedRefusal, namesMode, namesOf, putNames, reducedNames, unifyFromRight,
} from "./named-engine.js";

/** A reduction over dims given by index or name: the reduced dims' names leave (unless keepdim). */
export function reduceNamed<T extends Tensor | readonly Tensor[]>(x: Tensor, dim: unknown, keepdim: boolean, run: (dims: number | number[] | null | undefined) => T): T {
  const dims = dimsOf(x, dim as number | string | (number | string)[] | null | undefined);
  const names = reducedNames(namesOf(x), dims, keepdim);
  return nameAll(hideNames([x], () => run(dims)), names);
}

/**
 * Whether a reduction takes the named path: a named input, or a dim given by name (which an
 * unnamed tensor refuses as PyTorch does: "Name 'C' not found in Tensor[None, None].").
 */
export function reducesByName(input: Tensor, args: readonly unknown[]): boolean {
  if (input._names !== null) return namesMode.enabled;
  if (args.length === 0) return false;
  const first = args[0];
  return hasDimname(first) || (isOptionsObject(first) && hasDimname(first.dim));
}

/**
 * A reduction bound by bindArgs (`params` positional-or-keyword, `kw` keyword-only) on a named
 * input: `run` gets the bound options with `dim` as indices and calls the op on the unnamed input.
 */
export function namedReduction<T extends Tensor | readonly Tensor[]>(
  op: string, x: Tensor, args: readonly unknown[], params: readonly string[], kw: readonly string[], run: (options: Record<string, unknown>) => T, leading = 1,
): T {
  const o = bindArgs(op, args, params, kw, leading);
  return reduceNamed(x, o.dim, o.keepdim === true, (dims) => {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined && k !== "dim") options[k] = v;
    if (dims !== undefined) options.dim = dims;
    return run(options);
  });
}

/** An op that keeps its input's names (softmax, cumsum, casts, copies, ...): computed unnamed, then named. */
export function keepNamed<T extends Tensor | readonly Tensor[]>(x: Tensor, others: readonly unknown[], run: () => T): T {
  const names = namesOf(x);
  return nameAll(hideNames([x, ...others], run), names);
}

/** A view of `t` with the same geometry (autograd: AliasBackward0), names hidden: what rename returns before naming. */
export function aliasOf(t: Tensor): Tensor {
  return hideNames([t], () => {
    const v = new Tensor(t.storage, t._shape.slice(), t._strides.slice(), t._offset);
    v._base = t._base ?? t;
    v._viewHistory = v._base._historyVersion;
    return record("AliasBackward0", [t], v, ([g]) => [g!]);
  });
}

/** `out`, or an alias of `input` when an op returned its input itself (so naming the result leaves the input's names alone). */
export function ownOutput(input: Tensor, out: Tensor): Tensor {
  return out === input ? aliasOf(input) : out;
}

/** The names of a matrix product (PyTorch's contracts-away-dims rule): batch dims unified, the contracted dims gone. */
export function matmulNames(a: readonly Name[], b: readonly Name[]): Name[] {
  let out: Name[];
  if (a.length <= 1 && b.length <= 1) out = [];
  else if (a.length === 1) out = [...b.slice(0, -2), b[b.length - 1]!];
  else if (b.length === 1) out = a.slice(0, -1);
  else out = [...unifyFromRight(a.slice(0, -2), b.slice(0, -2)), a[a.length - 2]!, b[b.length - 1]!];
  const seen = new Set<string>();
  for (const n of out) {
    if (n === null) continue;
    if (seen.has(n)) {
      throw new Error(`Matrix multiplying ${describeNames(a)} with ${describeNames(b)} would produce output tensor with duplicate names ${listRepr(out)}. Please rename the input tensors with \`Tensor.rename\` to prevent this.`);
    }
    seen.add(n);
  }
  return out;
}

/** A matrix product of named inputs: computed unnamed, named by matmulNames (and unified with a bias's names). */
export function namedMatmul(a: Tensor, b: Tensor, run: () => Tensor, bias?: Tensor): Tensor {
  let names = matmulNames(namesOf(a), namesOf(b));
  if (bias) names = unifyFromRight(names, namesOf(bias));
  return nameAll(hideNames([a, b, bias], run), names);
}

/** Whether either of two tensors has names in play. */
export function eitherNamed(a: Tensor, b: Tensor): boolean {
  return (a._names !== null || b._names !== null) && namesMode.enabled;
}

/**
 * Ops that reach a shared engine with a name rule (pointwise, in place) but that PyTorch 1.13
 * has no name rule for: refused on named inputs, as PyTorch does.
 */
const NO_NAME_RULE = new Set([
  "exp2", "hardshrink", "logit", "nan_to_num", "sgn", "sinc", "conj_physical", "tril", "triu", "squeeze", "unsqueeze", "t", "transpose", "as_strided",
  "copysign", "fmax", "fmin", "fmod", "heaviside", "remainder", "maximum", "minimum", "xlogy", "mvlgamma", "cumsum", "cumprod",
]);
/** In-place forms PyTorch refuses where the out-of-place op has a rule (comparisons). */
const NO_INPLACE_RULE = new Set(["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_", "less_equal_", "not_equal_"]);

/** Refuses a named input of an op PyTorch has no name rule for (see NO_NAME_RULE): in place, `op` ends with "_". */
export function refuseWithoutRule(op: string): void {
  const inPlace = op.endsWith("_");
  const base = inPlace ? op.slice(0, -1) : op;
  // cumsum/cumprod have a rule; only their in-place forms are refused.
  if ((NO_NAME_RULE.has(base) && (inPlace || (base !== "cumsum" && base !== "cumprod"))) || NO_INPLACE_RULE.has(op)) throw namedRefusal(op);
}

/**
 * An in-place op on a named self: the names unify with the other operands' and must be self's
 * own (PyTorch's out-tensor rule); the op runs on the unnamed tensors.
 */
export function namedInPlace(op: string, self: Tensor, others: readonly (Tensor | null | undefined)[], run: () => Tensor): Tensor {
  refuseWithoutRule(op);
  let names = namesOf(self);
  for (const o of others) if (o instanceof Tensor && o._names !== null) names = unifyFromRight(names, namesOf(o));
  checkOutNames(self, names);
  return putNames(hideNames([self, ...others], run), names);
}

/** Whether any of the tensors has names in play (ops with three operands). */
export function anyNamed(...tensors: readonly unknown[]): boolean {
  return namesMode.enabled && tensors.some((t) => t instanceof Tensor && t._names !== null);
}

/** The names of tensors broadcast together: unified from the right. */
export function unifiedNames(...tensors: readonly Tensor[]): Name[] {
  return tensors.reduce<Name[]>((names, t) => unifyFromRight(names, namesOf(t)), []);
}
