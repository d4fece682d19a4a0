// torch.func.vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None).
//
// The returned function first runs func ONCE on BatchedTensors (batched-tensor.ts): the mapped
// arguments with their batch dimension moved to the front, wrapped at a new vmap level; each op
// with a batching rule (batching-rules.ts) computes all elements in one call. When func meets an
// op without a rule (its storage read throws VmapFallback), or throws anything else, vmap runs it
// again as a per-element loop: func on the slices select(inDim, i) of the batched arguments,
// outputs stacked along each outDim. So the values are always the loop's (and so are func's own
// errors, thrown by the loop); only the speed differs. randomness "different" and "same" always
// take the loop (each element must draw as its own call). chunkSize splits the batched run into
// chunks of that many elements. Slices, stack and the rules' ops are differentiable, so vmap
// composes with the grad transforms both ways. An empty batch is refused: the outputs' structure
// cannot be known without calling func.

import { Tensor } from "../core/tensor.js";
import { type Args, bindArgs } from "../ops/args.js";
import { cat, stack } from "../ops/shape-join.js";
import { equal } from "../ops/comparison.js";
import { VmapFallback, activeLevels, batching, isBatched, isPoisoned, physicalAt, vmapStats, wrap } from "./batched-tensor.js";
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
  // Once func met an op without a batching rule, this vmap(func) goes straight to the loop.
  let batchable = true;
  const wrapped = (...args: A): R => {
    checkOutDims(outDims, name);
    const { batchSize, flatInDims, flatArgs, spec } = processBatchedInputs(inDims, args, name);
    if (batchSize === 0) throw new Error(`vmap(${name}): torch-ts runs ${name} once per batch element and cannot know its outputs for an empty batch (size 0 in the mapped dimension)`);
    if (randomness === "error" && batchable) {
      const batched = runBatched(func as (...a: unknown[]) => unknown, flatArgs, flatInDims, spec, batchSize, outDims, chunkSize ?? null, name);
      if (batched !== FELL_BACK) return batched as R;
      if (lastFallbackWasRuleGap) batchable = false;
    }
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

const FELL_BACK = Symbol("fell back");
/** Whether the last fallback met an op without a rule (not an error of func's own). */
let lastFallbackWasRuleGap = false;

/**
 * func run once per chunk (all of the batch without chunkSize) on BatchedTensors; the outputs
 * unbatched and, with chunks, concatenated along their outDims. FELL_BACK when any run throws.
 */
function runBatched(func: (...a: unknown[]) => unknown, flatArgs: unknown[], flatInDims: (number | null)[], spec: TreeSpec, batchSize: number,
  outDims: Dims, chunkSize: number | null, name: string): unknown {
  const step = chunkSize === null ? batchSize : Math.min(chunkSize, batchSize);
  const chunks: unknown[][] = [];
  let outSpec: TreeSpec | null = null, flatOutDims: (number | null)[] = [];
  for (let start = 0; start < batchSize; start += step) {
    const size = Math.min(step, batchSize - start);
    const args = step === batchSize ? flatArgs : flatArgs.map((a, i) => { const d = flatInDims[i]; return d === null || d === undefined ? a : (a as Tensor).narrow(d, start, size); });
    const r = batchedOnce(func, args, flatInDims, spec, size, outDims, name);
    if (r === FELL_BACK) return FELL_BACK;
    if (outSpec !== null && !specsEqual(outSpec, r.spec)) { vmapStats.fallbacks++; lastFallbackWasRuleGap = false; return FELL_BACK; }
    outSpec = r.spec; flatOutDims = r.flatOutDims;
    chunks.push(r.leaves);
  }
  const leaves = chunks.length === 1 ? chunks[0]! : chunks[0]!.map((first, k) => {
    const d = flatOutDims[k];
    return d === null || d === undefined ? first : cat(chunks.map((c) => c[k] as Tensor), d);
  });
  return treeUnflatten(leaves, outSpec!);
}

function batchedOnce(func: (...a: unknown[]) => unknown, flatArgs: unknown[], flatInDims: (number | null)[], spec: TreeSpec, size: number,
  outDims: Dims, name: string): { leaves: unknown[]; spec: TreeSpec; flatOutDims: (number | null)[] } | typeof FELL_BACK {
  const level = activeLevels.length === 0 ? 1 : activeLevels[activeLevels.length - 1]!.level + 1;
  const wasOn = batching.on;
  const scope = new RandomnessScope("error");
  activeLevels.push({ level, size });
  batching.on = true;
  scope.enter();
  try {
    const inputs = flatArgs.map((a, i) => {
      const d = flatInDims[i];
      return d === null || d === undefined ? a : wrap(d === 0 ? (a as Tensor) : (a as Tensor).movedim(d, 0), level);
    });
    const out = func(...(treeUnflatten(inputs, spec) as unknown[]));
    const [leaves, outSpec] = treeFlatten(out);
    const flat = flatOutDimsFor(outDims, outSpec, out instanceof Tensor);
    if (flat === null) throw new VmapFallback("outputs not matching out_dims");
    const unbatched = leaves.map((x, k) => unbatchLeaf(x, flat[k] as number | null, level, size));
    vmapStats.batchedRuns++;
    return { leaves: unbatched, spec: outSpec, flatOutDims: flat as (number | null)[] };
  } catch (e) {
    // Any error: the loop runs func again and throws func's own errors itself.
    vmapStats.fallbacks++;
    vmapStats.lastReason = e instanceof Error ? e.message : String(e);
    lastFallbackWasRuleGap = e instanceof VmapFallback;
    return FELL_BACK;
  } finally {
    scope.exit();
    activeLevels.pop();
    batching.on = wasOn;
  }
}

/** out_dims flattened against the outputs' structure (null when they do not match). */
function flatOutDimsFor(outDims: Dims, outSpec: TreeSpec, single: boolean): unknown[] | null {
  if (single) {
    if (isInt(outDims) || outDims === null) return [outDims];
    return Array.isArray(outDims) && outDims.length === 1 ? outDims : null;
  }
  return broadcastToAndFlatten(outDims, outSpec);
}

/** One output of a batched run with the batch dim at outDim (a value unbatched at this level: repeated). */
function unbatchLeaf(x: unknown, d: number | null, level: number, size: number): unknown {
  if (x instanceof Tensor && isPoisoned(x)) throw new VmapFallback("an output viewing a BatchedTensor");
  const p = physicalAt(x, level);
  if (d === null) {
    if (p !== null) throw new VmapFallback("a batched output with out_dim None");
    return x;
  }
  if (!(x instanceof Tensor) || !isInt(d)) throw new VmapFallback("an output that is not a tensor");
  if (p !== null) return d === 0 ? p : p.movedim(0, d);
  const n = x.dim() + 1;
  const at = d < 0 ? d + n : d;
  if (at < 0 || at >= n) throw new VmapFallback("out_dim out of range");
  // As the loop's stack does: a copy, the same value in every element.
  const shape = x.shape;
  shape.splice(at, 0, size);
  return isBatched(x) ? x.unsqueeze(at).expand(shape).contiguous() : x.unsqueeze(at).expand(shape).clone();
}
