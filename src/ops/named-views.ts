// The named overloads of flatten and unflatten (PyTorch's Dimname forms): flatten(dims, outDim),
// flatten(startDim, endDim, outDim), unflatten(dim, [[name, size], ...]).

import type { Tensor } from "../core/tensor.js";
import { normalizeDim } from "../core/shape.js";
import { describeNames, dimOf, hideNames, isNamed, listRepr, nameAll, namesOf, type Name } from "./named-engine.js";
import { ownOutput } from "./named-rules.js";

/** flatten's named overloads: the flattened dims (consecutive) become one dim named `outDim`. */
export function namedFlatten(input: Tensor, args: readonly unknown[]): Tensor {
  const outDim = args[args.length - 1] as string;
  const nd = input.dim();
  let start: number, end: number;
  if (args.length === 2 && Array.isArray(args[0])) {
    const dims = (args[0] as (number | string)[]).map((d) => normalizeDim(dimOf(input, d), nd, "flatten"));
    if (dims.length === 0) throw new Error("flatten(tensor, dims, out_dim): dims cannot be empty");
    dims.forEach((d, i) => {
      if (i > 0 && d !== dims[i - 1]! + 1) {
        throw new Error(`flatten(tensor, dims, out_dim): dims ${listRepr((args[0] as (number | string)[]).map((x) => (typeof x === "string" ? x : namesOf(input)[x] ?? null)))} must be consecutive in ${describeNames(namesOf(input))}`);
      }
    });
    start = dims[0]!; end = dims[dims.length - 1]!;
  } else if (args.length === 3) {
    start = normalizeDim(dimOf(input, args[0] as number | string), nd, "flatten");
    end = normalizeDim(dimOf(input, args[1] as number | string), nd, "flatten");
  } else {
    throw new Error("flatten(): expected (dims, out_dim) or (start_dim, end_dim, out_dim)");
  }
  if (start > end) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  const names = namesOf(input);
  const outNames: Name[] = [...names.slice(0, start), outDim, ...names.slice(end + 1)];
  const shape = [...input._shape.slice(0, start), input._shape.slice(start, end + 1).reduce((a, b) => a * b, 1), ...input._shape.slice(end + 1)];
  return nameAll(ownOutput(input, hideNames([input], () => input.reshape(shape))), outNames);
}

/** unflatten(dim, [[name, size], ...]): dim split into named dims (one size may be -1). */
export function namedUnflatten(input: Tensor, dim: number | string, sizes: readonly unknown[]): Tensor {
  if (typeof dim !== "string") throw new Error("unflatten(): argument 'dim' (position 1) must be name, not int");
  const d = dimOf(input, dim);
  if (!sizes.every((s) => Array.isArray(s))) {
    if (isNamed(input)) throw new Error("unflatten: input is a named tensor but no names were given for unflattened sizes");
    throw new Error("unflatten(): argument 'dim' (position 1) must be int, not str");
  }
  const pairs = sizes as [string, number][];
  const sz = pairs.map((p) => p[1]);
  const size = input._shape[d]!;
  const known = sz.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const inferred = sz.map((s) => (s === -1 ? (known === 0 ? 0 : size / known) : s));
  if (inferred.reduce((a, b) => a * b, 1) !== size || sz.filter((s) => s === -1).length > 1 || !inferred.every(Number.isInteger)) {
    throw new Error(`unflatten: Provided sizes [${sz.join(", ")}] don't multiply up to the size of dim ${d} ('${dim}': ${size}) in ${describeNames(namesOf(input))}`);
  }
  const names = namesOf(input);
  const outNames: Name[] = [...names.slice(0, d), ...pairs.map((p) => p[0]), ...names.slice(d + 1)];
  const shape = [...input._shape.slice(0, d), ...inferred, ...input._shape.slice(d + 1)];
  return nameAll(hideNames([input], () => input.view(shape)), outNames);
}
