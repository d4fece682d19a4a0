// PyTorch's conjugate and negative bits. x.conj() of a complex tensor is a view whose values are
// the conjugates of x's memory; x.conj().imag a real view whose values are the negated imaginary
// parts. Here the bit lives on the storage object the view reads through: an alias of the
// physical storage (same memory, same version counter) whose `pairs` / `data` give the numbers
// as the view sees them, so every view of a conj view keeps the bit (views share their storage)
// and every kernel reads conjugated values with no test of its own: a read resolves (a copy of
// the memory with the signs flipped), a storage without a bit is untouched. Writes go through
// the chokepoints (engine.ts copyInto/fillTensor, inplace.ts applyInPlace), which write the
// physical memory and flip the signs back (flipStoredSigns).

import { type DType, type StorageArray } from "./dtype.js";
import { ComplexHalfStorage, ComplexStorage, type ComplexPairs, Storage } from "./storage.js";

/** Which numbers of the physical memory a negative alias negates: all, or those at odd indices (a conj tensor's real view). */
export type NegatedNumbers = "all" | "odd";

/** A copy of `a` with the numbers from `start` on, every `step`, negated (float16/bfloat16 bits: the sign bit flipped). */
function negatedCopy<A extends StorageArray>(a: A, start: number, step: number): A {
  const out = a.slice() as A;
  if (out instanceof Uint16Array) for (let i = start; i < out.length; i += step) out[i]! ^= 0x8000;
  else if (out instanceof BigInt64Array) for (let i = start; i < out.length; i += step) out[i] = -out[i]!;
  else for (let i = start; i < out.length; i += step) out[i] = -out[i]!;
  return out;
}

/**
 * The values a view of a conjugate or negative storage reads, resolved into a storage of their own
 * laid out contiguously: only the view's elements are read (the whole-storage `pairs` / `data`
 * getters copy all of the memory, so a small view of a large tensor would pay for the large one).
 * `indices` are the view's storage indices in row-major order (Tensor._storageIndices).
 */
export function resolvedElements(storage: Storage, indices: ArrayLike<number>): Storage {
  const physical = storage._physical!;
  const a = physical._array;
  const n = indices.length;
  const complex = storage instanceof ConjStorage;
  const out = new (a.constructor as new (n: number) => StorageArray)(complex ? 2 * n : n);
  const neg = a instanceof Uint16Array ? (v: number | bigint) => (v as number) ^ 0x8000 : (v: number | bigint) => -(v as number);
  const o = out as unknown as (number | bigint)[], src = a as unknown as (number | bigint)[];
  if (complex) {
    for (let k = 0; k < n; k++) { const i = 2 * indices[k]!; o[2 * k] = src[i]!; o[2 * k + 1] = neg(src[i + 1]!); }
    return physical instanceof ComplexHalfStorage ? new ComplexHalfStorage(out as Uint16Array, physical.dtype) : new ComplexStorage(out as ComplexPairs, physical.dtype);
  }
  const all = (storage as NegStorage).negated === "all";
  for (let k = 0; k < n; k++) { const i = indices[k]!; o[k] = all || (i & 1) === 1 ? neg(src[i]!) : src[i]!; }
  return new Storage(out, physical.dtype, physical.device);
}

/** The numbers as a conjugate view reads them: the imaginary parts (odd indices) negated. */
export function conjugatedPairs(pairs: ComplexPairs): ComplexPairs { return negatedCopy(pairs, 1, 2); }

const NO_PAIRS = new Float32Array(0);

/** A conjugate view's `pairs`: the conjugated numbers on each read (one descriptor for every ConjStorage). */
const CONJUGATED_PAIRS: PropertyDescriptor = {
  get(this: ConjStorage): ComplexPairs { return conjugatedPairs(this._physical.pairs); },
  configurable: true,
};

/** The alias a conjugate view of a complex storage reads through: `pairs` gives the conjugated numbers. */
export class ConjStorage extends ComplexStorage {
  declare readonly _physical: ComplexStorage;
  constructor(physical: ComplexStorage) {
    super(NO_PAIRS, physical.dtype);
    (this as { _physical: Storage })._physical = physical;
    this._versions = physical._versions;
    // Another storage object now reads this memory: the physical one never gives it back to the caching allocator.
    physical._pooled = false;
    // ComplexStorage's constructor defined `pairs` as an own field: an accessor replaces it.
    Object.defineProperty(this, "pairs", CONJUGATED_PAIRS);
  }
  override get _array(): StorageArray { return this._physical._array; }
  override get length(): number { return this._physical.length; }
  override get _memory(): object { return this._physical._memory; }
  override _replaceArray(a: StorageArray): void { this._physical._replaceArray(a); }
  /**
   * The real view of a conjugate view reads its imaginary parts negated (an "odd" negative alias);
   * viewing as the complex dtype again is the conjugate view of that dtype.
   */
  override _reinterpret(dtype: DType, transient = false): Storage | null {
    const physical = this._physical._reinterpret(dtype, transient);
    if (physical === null) return null;
    return physical instanceof ComplexStorage ? new ConjStorage(physical) : new NegStorage(physical, "odd");
  }
}
/** The alias a negative view reads through: `data` gives the physical numbers negated (all of them, or those at odd indices). */
export class NegStorage extends Storage {
  declare readonly _physical: Storage;
  constructor(physical: Storage, readonly negated: NegatedNumbers) {
    super(null as unknown as StorageArray, physical.dtype, physical.device);
    (this as { _physical: Storage })._physical = physical;
    this._versions = physical._versions;
    physical._pooled = false;
  }
  override get _array(): StorageArray { return this._physical._array; }
  override get length(): number { return this._physical.length; }
  override get _memory(): object { return this._physical._memory; }
  override _replaceArray(a: StorageArray): void { this._physical._replaceArray(a); }
  /** The same numbers as their own dtype (a view); an "odd" alias seen as complex again is the conjugate view it came from. */
  override _reinterpret(dtype: DType, transient = false): Storage | null {
    const physical = this._physical._reinterpret(dtype, transient);
    if (physical === null) return null;
    if (physical instanceof ComplexStorage) {
      if (this.negated === "odd") return new ConjStorage(physical);
      throw new Error("torch.Tensor.view is not supported for tensors with negative bit set when converting to a different dtype.");
    }
    return new NegStorage(physical, this.negated);
  }
}
Object.defineProperty(NegStorage.prototype, "data", {
  get(this: NegStorage): StorageArray { return this.negated === "all" ? negatedCopy(this._physical.data, 0, 1) : negatedCopy(this._physical.data, 1, 2); },
  configurable: true,
});

/**
 * After a write through the physical memory of a lazy view (what copyInto/fillTensor do for a
 * conj or neg destination): flips the signs back at the written elements' storage indices, so the
 * view reads what was written. `indices` are the view's storage indices (elements, pairs for complex).
 */
export function flipStoredSigns(storage: Storage, indices: ArrayLike<number>): void {
  const physical = storage._physical!;
  const a = physical._array;
  const odd = storage instanceof NegStorage && storage.negated === "odd";
  const complex = storage instanceof ConjStorage;
  const flip = a instanceof Uint16Array ? (i: number) => { a[i]! ^= 0x8000; } : a instanceof BigInt64Array ? (i: number) => { a[i] = -a[i]!; } : (i: number) => { a[i] = -a[i]!; };
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (complex) flip(2 * i + 1);
    else if (!odd || (i & 1) === 1) flip(i);
  }
}

/** Whether a tensor reads through a conjugate view's storage (PyTorch's conjugate bit). */
export function hasConjBit(t: { readonly storage: Storage }): boolean { return t.storage instanceof ConjStorage; }

/** Whether a tensor reads through a negative view's storage (PyTorch's negative bit). */
export function hasNegBit(t: { readonly storage: Storage }): boolean { return t.storage instanceof NegStorage && t.storage.negated === "all"; }

/** A complex32 storage's (re, im) float16 bits as its tensors read them (conjugated for a conj view); null for other storages. */
export function complexHalfBits(storage: Storage): Uint16Array | null {
  if (storage instanceof ComplexHalfStorage) return storage.halfPairs;
  if (storage instanceof ConjStorage && storage._physical instanceof ComplexHalfStorage) return negatedCopy(storage._physical.halfPairs, 1, 2);
  return null;
}
