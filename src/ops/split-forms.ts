// torch.split_with_sizes and the unsafe_* splits. PyTorch's unsafe_split/unsafe_chunk differ from
// split/chunk only in autograd's view tracking: their pieces share the input's memory but are no
// views to autograd, so in-place ops on them are allowed (and not seen by the input's graph).

import type { Tensor } from "../core/tensor.js";
import { type Args, bindArgs, checkTensor, describe, installMethods, isOptionsObject, type Method, rebind, type Rebound } from "./args.js";
import { chunkSizes, split, splitViews, stepSizes } from "./view.js";
import { normalizeDim } from "../core/shape.js";
import { resolveConj, resolveNeg } from "./conjugation.js";

type DimArgs = Args<[dim?: number], { dim?: number }>;

/** PyTorch's unsafe splits are no view ops to its conjugate/negative fallback: they split the input's values resolved. */
const resolved = (input: Tensor): Tensor => resolveNeg(resolveConj(input));

/** torch.split_with_sizes(input, split_sizes, dim=0): views of the given sizes along dim. */
export function splitWithSizes(input: Tensor, splitSizes: number[], ...args: DimArgs): Tensor[] {
  return sizedSplit("split_with_sizes", splitWithSizes, arguments, input, splitSizes, args);
}

/** torch.unsafe_split_with_sizes: split_with_sizes (see the file's note). */
export function unsafeSplitWithSizes(input: Tensor, splitSizes: number[], ...args: DimArgs): Tensor[] {
  return sizedSplit("unsafe_split_with_sizes", unsafeSplitWithSizes, arguments, input, splitSizes, args);
}

function sizedSplit(op: string, f: typeof splitWithSizes, call: IArguments, input: Tensor, splitSizes: number[], args: DimArgs): Tensor[] {
  if (call.length <= 2 && isOptionsObject(call.length === 2 ? splitSizes : input)) return rebind(f, op, call, ["input|self", "splitSizes", "dim"], 2, []);
  checkTensor(op, "input", input);
  const dim = (bindArgs(op, args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  if (!Array.isArray(splitSizes) || splitSizes.some((n) => !Number.isInteger(n))) {
    throw new Error(`${op}(): argument 'split_sizes' (position 2) must be tuple of ints, not ${describe(splitSizes)}`);
  }
  if (splitSizes.some((n) => n < 0)) {
    throw new Error(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[${splitSizes.join(", ")}]`);
  }
  if (op === "split_with_sizes") return split(input, splitSizes, dim);
  return splitViews(resolved(input), normalizeDim(dim, input.dim(), op), splitSizes, "UnsafeSplitWithSizesBackward0", true);
}

/** torch.unsafe_split(input, split_size, dim=0): split with an int size (see the file's note). */
export function unsafeSplit(input: Tensor, splitSize: number, ...args: DimArgs): Tensor[];
export function unsafeSplit<A extends Rebound<[input: Tensor, splitSize: number], ["input", "splitSize"], { dim?: number }>>(...args: A): Tensor[];
export function unsafeSplit(input: Tensor, splitSize: number, ...args: DimArgs): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? splitSize : input)) return rebind(unsafeSplit, "unsafe_split", arguments, ["input|self", "splitSize", "dim"], 2, []);
  checkTensor("unsafe_split", "input", input);
  const dim = (bindArgs("unsafe_split", args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  if (!Number.isInteger(splitSize)) throw new Error(`unsafe_split(): argument 'split_size' (position 2) must be int, not ${describe(splitSize)}`);
  const d = normalizeDim(dim, input.dim(), "unsafe_split");
  return splitViews(resolved(input), d, stepSizes(input._shape[d]!, splitSize), "UnsafeSplitBackward0", true);
}

/** torch.unsafe_chunk(input, chunks, dim=0): chunk (see the file's note). */
export function unsafeChunk(input: Tensor, chunks: number, ...args: DimArgs): Tensor[];
export function unsafeChunk<A extends Rebound<[input: Tensor, chunks: number], ["input", "chunks"], { dim?: number }>>(...args: A): Tensor[];
export function unsafeChunk(input: Tensor, chunks: number, ...args: DimArgs): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? chunks : input)) return rebind(unsafeChunk, "unsafe_chunk", arguments, ["input|self", "chunks", "dim"], 2, []);
  checkTensor("unsafe_chunk", "input", input);
  const dim = (bindArgs("unsafe_chunk", args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  const d = normalizeDim(dim, input.dim(), "unsafe_chunk");
  return splitViews(resolved(input), d, chunkSizes(input._shape[d]!, chunks), "UnsafeSplitBackward0", true);
}

declare module "../core/tensor.js" {
  interface Tensor {
    splitWithSizes: Method<typeof splitWithSizes>;
    unsafeSplitWithSizes: Method<typeof unsafeSplitWithSizes>;
    unsafeSplit: Method<typeof unsafeSplit>;
    unsafeChunk: Method<typeof unsafeChunk>;
  }
}

installMethods({ splitWithSizes, unsafeSplitWithSizes, unsafeSplit, unsafeChunk });
