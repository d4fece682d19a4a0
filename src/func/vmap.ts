// torch.func.vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None).
//
// torch-ts has no batching rules: the returned function runs func once per batch element, on the
// slices select(inDim, i) of the batched arguments (the others, inDims null, as they are), and
// stacks each output along its outDim. The values are PyTorch's; the time is a loop's, not a
// batched kernel's. Slices and stack are differentiable, so vmap composes with the grad transforms
// both ways (vmap(grad(f)) gives per-sample gradients). chunkSize is checked and otherwise changes
// nothing (the loop already goes one element at a time). An empty batch is refused: the outputs'
// structure cannot be known without calling func.

import { Tensor } from "../core/tensor.js";
import { type Args, bindArgs } from "../ops/args.js";
import { stack } from "../ops/shape-join.js";
import { equal } from "../ops/comparison.js";
import { type TreeSpec, broadcastToAndFlatten, pythonRepr, pythonType, specString, specsEqual, treeFlatten, treeUnflatten } from "./pytree.js";
import { type Randomness, RandomnessScope, checkRandomness } from "./vmap-randomness.js";

/** An int, null (not batched), or a nested array/object of them matching the arguments (outputs). */
export type Dims = number | null | readonly Dims[] | { readonly [key: string]: Dims };
export interface VmapOptions { inDims?: Dims; outDims?: Dims; randomness?: Randomness; chunkSize?: number | null }

/** The name PyTorch's errors give func (Python's __name__; an anonymous function is a lambda). */
export function fnName(func: (...args: never[]) => unknown): string {
  return func.name || "<lambda>";
}

/**
 * torch.func.vmap: maps func over a dimension of its tensor arguments. Returns a function taking
 * func's arguments, each batched tensor with its extra dimension at its inDim, and returning
 * func's outputs, each with the batch dimension at its outDim.
 */
export function vmap<A extends unknown[], R>(func: (...args: A) => R, ...rest: Args<[inDims?: Dims, outDims?: Dims, randomness?: Randomness], VmapOptions>): (...args: A) => R {
  const o = bindArgs("vmap", rest, ["inDims", "outDims", "randomness"], ["chunkSize"]);
  // null is a value here (not batched), not "not given".
  const inDims = o.inDims === undefined ? 0 : (o.inDims as Dims), outDims = o.outDims === undefined ? 0 : (o.outDims as Dims);
  const randomness = o.randomness ?? "error";
  checkRandomness(randomness);
  const chunkSize = o.chunkSize as number | null | undefined;
  if (!(chunkSize === undefined || chunkSize === null || chunkSize > 0)) throw new Error(`vmap: chunk_size should be None or greater than 0. (got ${String(chunkSize)})`);
  const name = fnName(func);
  const wrapped = (...args: A): R => {
    checkOutDims(outDims, name);
    const { batchSize, flatInDims, flatArgs, spec } = processBatchedInputs(inDims, args, name);
    if (batchSize === 0) throw new Error(`vmap(${name}): torch-ts runs ${name} once per batch element and cannot know its outputs for an empty batch (size 0 in the mapped dimension)`);
    const perElement: unknown[][] = [];
    let outSpec: TreeSpec | null = null;
    let single = false;
    const scope = new RandomnessScope(randomness);
    scope.enter();
    try {
      for (let b = 0; b < batchSize; b++) {
        scope.beforeElement(b);
        const slices = flatArgs.map((a, i) => { const d = flatInDims[i]; return d === null || d === undefined ? a : (a as Tensor).select(d, b); });
        const out = func(...(treeUnflatten(slices, spec) as A));
        const [leaves, s] = treeFlatten(out);
        if (outSpec === null) { outSpec = s; single = out instanceof Tensor; }
        else if (!specsEqual(outSpec, s)) throw new Error(`vmap(${name}): ${name} returned outputs of structure ${specString(s)} for batch element ${b} but ${specString(outSpec)} for element 0`);
        perElement.push(leaves);
      }
    } finally {
      scope.exit();
    }
    return unbatchOutputs(perElement, outSpec!, single, outDims, name) as R;
  };
  Object.defineProperty(wrapped, "name", { value: name });
  return wrapped;
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

function checkOutDims(outDims: Dims, name: string): void {
  if (isInt(outDims)) return;
  const [leaves] = treeFlatten(outDims);
  if (leaves.every(isInt)) return;
  throw new Error(`vmap(${name}, ..., out_dims=${pythonRepr(outDims)}): \`out_dims\` must be an int, None or a python collection of ints representing where in the outputs the vmapped dimension should appear.`);
}

function processBatchedInputs(inDims: Dims, args: unknown[], name: string): { batchSize: number; flatInDims: (number | null)[]; flatArgs: unknown[]; spec: TreeSpec } {
  const inDimsRepr = pythonRepr(inDims);
  if (!isInt(inDims) && !Array.isArray(inDims)) {
    throw new Error(`vmap(${name}, in_dims=${inDimsRepr}, ...)(<inputs>): expected \`in_dims\` to be int or a (potentially nested) tuple matching the structure of inputs, got: ${pythonType(inDims)}.`);
  }
  if (args.length === 0) {
    throw new Error(`vmap(${name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported.`);
  }
  const [flatArgs, spec] = treeFlatten(args);
  const broadcast = broadcastToAndFlatten(inDims, spec);
  if (broadcast === null) {
    throw new Error(`vmap(${name}, in_dims=${inDimsRepr}, ...)(<inputs>): in_dims is not compatible with the structure of \`inputs\`. in_dims has structure ${specString(treeFlatten(inDims)[1])} but inputs has structure ${specString(spec)}.`);
  }
  const flatInDims = broadcast.map((d, i) => {
    const arg = flatArgs[i];
    if (!isInt(d) && d !== null && d !== undefined) {
      throw new Error(`vmap(${name}, in_dims=${inDimsRepr}, ...)(<inputs>): Got in_dim=${pythonRepr(d)} for an input but in_dim must be either an integer dimension or None.`);
    }
    if (d === null || d === undefined) return null;
    if (!(arg instanceof Tensor)) {
      throw new Error(`vmap(${name}, in_dims=${inDimsRepr}, ...)(<inputs>): Got in_dim=${d} for an input but the input is of type ${pythonType(arg)}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
    }
    const n = arg.dim();
    if (d < -n || d >= n) {
      throw new Error(`vmap(${name}, in_dims=${inDimsRepr}, ...)(<inputs>): Got in_dim=${d} for some input, but that input is a Tensor of dimensionality ${n} so expected in_dim to satisfy -${n} <= in_dim < ${n}.`);
    }
    return d < 0 ? d + n : d;
  });
  const sizes = flatInDims.flatMap((d, i) => (d === null ? [] : [(flatArgs[i] as Tensor).shape[d]!]));
  if (sizes.length === 0) throw new Error("vmap: Expected at least one Tensor to vmap over");
  if (sizes.some((s) => s !== sizes[0])) {
    throw new Error(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(", ")}] for the mapped dimension`);
  }
  return { batchSize: sizes[0]!, flatInDims, flatArgs, spec };
}

function unbatchOutputs(perElement: unknown[][], outSpec: TreeSpec, single: boolean, outDims: Dims, name: string): unknown {
  const incompatible = (): Error => new Error(`vmap(${name}, ..., out_dims=${pythonRepr(outDims)})(<inputs>): out_dims is not compatible with the structure of \`outputs\`. out_dims has structure ${specString(treeFlatten(outDims)[1])} but outputs has structure ${specString(outSpec)}.`);
  let flatOutDims: unknown[] | null;
  if (single) {
    if (isInt(outDims) || outDims === null) flatOutDims = [outDims];
    else if (Array.isArray(outDims) && outDims.length === 1) flatOutDims = outDims;
    else throw incompatible();
  } else {
    flatOutDims = broadcastToAndFlatten(outDims, outSpec);
    if (flatOutDims === null) throw incompatible();
  }
  const outputs = flatOutDims.map((d, k) => {
    const values = perElement.map((leaves) => leaves[k]);
    if (d === null || d === undefined) {
      // Unbatched: the same value for every element (PyTorch refuses a batched one).
      const first = values[0];
      if (first instanceof Tensor && !values.every((v) => v === first || (v instanceof Tensor && v.shape.join() === first.shape.join() && equal(v, first)))) {
        throw new Error(`vmap(${name}, ...): \`${name}\` can not return a BatchedTensor when out_dim is None`);
      }
      return first;
    }
    const bad = values.find((v) => !(v instanceof Tensor));
    if (bad !== undefined || values.length === 0) {
      throw new Error(`vmap(${name}, ...): \`${name}\` must only return Tensors, got type ${pythonType(bad)}. Did you mean to set out_dim= to None for output?`);
    }
    return stack(values as Tensor[], d as number);
  });
  return treeUnflatten(outputs, outSpec);
}
