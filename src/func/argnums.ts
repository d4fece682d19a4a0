// argnums of torch.func's transforms: an int or a tuple (array) of ints naming positional
// arguments, checked and normalized as _slice_argnums does.

import { pythonType } from "./pytree.js";

export type Argnums = number | readonly number[];

function wrapArgnum(argnum: unknown, numArgs: number): number {
  if (typeof argnum !== "number" || !Number.isInteger(argnum)) throw new Error(`argnum must be int, got: ${pythonType(argnum)}`);
  if (argnum >= 0 && argnum < numArgs) return argnum;
  if (argnum < 0 && argnum >= -numArgs) return argnum + numArgs;
  throw new Error(`Got argnum=${argnum}, but only ${numArgs} positional inputs`);
}

/** The argument indices argnums names, checked against the number of arguments. */
export function checkArgnums(argnums: unknown, numArgs: number): number | number[] {
  if (typeof argnums === "number") return wrapArgnum(argnums, numArgs);
  if (!Array.isArray(argnums)) throw new Error(`argnums must be int or Tuple[int, ...], got: ${pythonType(argnums)}`);
  const idx = argnums.map((a) => wrapArgnum(a, numArgs));
  if (idx.length === 0) throw new Error("argnums must be non-empty");
  if (new Set(idx).size !== idx.length) throw new Error(`argnums elements must be unique, got ${argnums.length === 1 ? `(${idx[0]},)` : `(${idx.join(", ")})`}`);
  return idx;
}

/**
 * The arguments with those at `argnums` replaced by make(arg), and the replaced ones: the arg itself
 * for an int argnums, an array of them for a tuple.
 */
export function replaceArgnums(args: readonly unknown[], argnums: number | number[], make: (arg: unknown) => unknown): [unknown[], unknown] {
  const out = [...args];
  if (typeof argnums === "number") {
    out[argnums] = make(args[argnums]);
    return [out, out[argnums]];
  }
  for (const i of argnums) out[i] = make(args[i]);
  return [out, argnums.map((i) => out[i])];
}
