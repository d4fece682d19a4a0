// vmap's BatchedTensor: a Tensor whose shape, ndim and dtype are the LOGICAL ones (one batch
// element's) and whose values live in `_physical`, the same values with the batch dimension moved
// to the front (physical shape [B, ...logical]). Its own storage is poisoned: any kernel that reads
// it throws VmapFallback, which vmap catches to rerun the function as a per-element loop. Ops with
// a batching rule test `batching.on` first (one load on a plain call), then their tensor arguments,
// and compute on the physical tensors with ordinary ops: autograd records on the physical tensors,
// so a BatchedTensor itself never requires grad and backward passes never see one.
// Levels nest (vmap of vmap): the physical tensor of a level-L BatchedTensor may itself be a
// BatchedTensor of a lower level; a rule at level L treats lower-level tensors as unbatched.

import { Tensor } from "../core/tensor.js";
import { Storage } from "../core/storage.js";
import type { DType, StorageArray } from "../core/dtype.js";
import type { Device } from "../core/storage.js";

/** Thrown where a batched tensor meets an op without a batching rule: vmap reruns as a loop. */
export class VmapFallback extends Error {
  constructor(what: string) {
    super(`vmap: ${what} has no batching rule (vmap reruns the function once per batch element)`);
  }
}

/** True while a batched vmap runs (the ops' batching hooks test this first). */
export const batching = { on: false };

/** @internal How many batched vmap runs fell back to the loop, and why the last one did (tests count them). */
export const vmapStats = { fallbacks: 0, batchedRuns: 0, lastReason: "" };

class PoisonStorage extends Storage {
  constructor(dtype: DType, device: Device) {
    super(null as unknown as StorageArray, dtype, device);
  }
  override get _memory(): object { return this; }
  override _releaseToCache(): boolean { return false; }
}
Object.defineProperty(PoisonStorage.prototype, "data", {
  get(): never { throw new VmapFallback("an op reading a BatchedTensor's data"); },
  configurable: true,
});

export class BatchedTensor extends Tensor {
  /** @internal The values, batch dimension first. */ readonly _physical: Tensor;
  /** @internal The vmap level (1 = outermost). */ readonly _level: number;

  /** @internal */
  constructor(physical: Tensor, level: number) {
    super(new PoisonStorage(physical.dtype, physical.device), physical._shape.slice(1));
    this._physical = physical;
    this._level = level;
  }

  override detach(): Tensor { return new BatchedTensor(this._physical.detach(), this._level); }
  override requiresGrad_(): never { throw new VmapFallback("requires_grad_ on a BatchedTensor"); }
  override toString(): string { return `BatchedTensor(lvl=${this._level}, bdim=0, value=${this._physical.toString()})`; }
}
Object.defineProperty(BatchedTensor.prototype, "_batched", { value: true });

declare module "../core/tensor.js" {
  interface Tensor { /** @internal */ readonly _batched?: boolean }
}

/** Whether t is a BatchedTensor (a load of the prototype's flag). */
export function isBatched(t: unknown): t is BatchedTensor {
  return typeof t === "object" && t !== null && (t as Tensor)._batched === true;
}

/** Whether any argument (or a tensor in an array or options object argument) is batched. */
export function anyBatched(args: ArrayLike<unknown>): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isBatched(a)) return true;
    if (Array.isArray(a)) { for (const x of a) if (isBatched(x)) return true; }
    else if (a !== null && typeof a === "object" && !(a instanceof Tensor)) {
      for (const v of Object.values(a as object)) if (isBatched(v)) return true;
    }
  }
  return false;
}

/** The highest vmap level among the tensors (0: none batched). */
export function maxLevel(...ts: unknown[]): number {
  let l = 0;
  for (const t of ts) if (isBatched(t) && t._level > l) l = t._level;
  return l;
}

/** t's physical tensor at `level` (batch first), or null when t is not batched at that level. */
export function physicalAt(t: unknown, level: number): Tensor | null {
  return isBatched(t) && t._level === level ? t._physical : null;
}

export function wrap(physical: Tensor, level: number): BatchedTensor {
  return new BatchedTensor(physical, level);
}

/**
 * t as an operand of a broadcasting op at `level` with logical rank `rank`: a batched tensor's
 * physical with size-1 dims after the batch dim up to rank + 1 dims; any other value as it is
 * (it broadcasts from the right against [B, ...]).
 */
export function aligned<T>(t: T, level: number, rank: number): T | Tensor {
  const p = physicalAt(t, level);
  if (p === null) return t;
  let x = p;
  for (let n = p.dim() - 1; n < rank; n++) x = x.unsqueeze(1);
  return x;
}

/** The batch size of a level-`level` tensor. */
export function batchSizeOf(t: BatchedTensor): number {
  return t._physical._shape[0]!;
}

/** A tensor batched at `level` with batch size B: t's physical, or t expanded along a new front dim. */
export function materialized(t: Tensor, level: number, B: number): Tensor {
  const p = physicalAt(t, level);
  if (p !== null) return p;
  return t.unsqueeze(0).expand([B, ...t.shape]);
}

/** Runs f on input's physical tensor and wraps the result at input's level. */
export function lift(input: BatchedTensor, f: (p: Tensor) => Tensor): Tensor {
  return wrap(f(input._physical), input._level);
}

/** A logical dim of an ndim-d tensor as the physical dim (batch first). */
export function physDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) throw new VmapFallback("a dim out of range");
  return (dim < 0 ? dim + n : dim) + 1;
}

/** The batched vmaps running, outermost first (a vmap that fell back to its loop is not one). */
export const activeLevels: { level: number; size: number }[] = [];

/** Whether t's storage is a BatchedTensor's (a plain view of one made by an op without a rule). */
export function isPoisoned(t: Tensor): boolean {
  return !isBatched(t) && t.storage instanceof PoisonStorage;
}

/**
 * t batched at exactly the given levels (ascending), outermost inside: missing levels are added by
 * expanding t along a new front dim of that level's size. A level t has that is not listed: fallback.
 */
export function alignLevels(t: Tensor, levels: readonly number[]): Tensor {
  if (levels.length === 0) {
    if (isBatched(t)) throw new VmapFallback("a tensor batched at a level its use is not");
    return t;
  }
  const L = levels[levels.length - 1]!, inner = levels.slice(0, -1);
  if (isBatched(t) && t._level > L) throw new VmapFallback("a tensor batched at a level its use is not");
  if (isBatched(t) && t._level === L) return wrap(alignLevels(t._physical, inner), L);
  const size = activeLevels.find((a) => a.level === L)!.size;
  return wrap(alignLevels(t.unsqueeze(0).expand([size, ...t._shape]), inner), L);
}

/** The levels of t's BatchedTensor chain (ascending) and the plain tensor at its bottom. */
export function peel(t: Tensor): { levels: number[]; plain: Tensor } {
  const levels: number[] = [];
  let x = t;
  while (isBatched(x)) { levels.unshift(x._level); x = x._physical; }
  return { levels, plain: x };
}

/** A plain tensor of shape [B_l1, ..., B_lk, ...logical] wrapped back into the chain of levels. */
export function rewrap(plain: Tensor, levels: readonly number[]): Tensor {
  let x = plain;
  for (const l of levels) x = wrap(x, l);
  return x;
}
