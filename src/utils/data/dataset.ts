// Datasets: map-style (getItem + length) and iterable, with PyTorch's TensorDataset, Subset,
// ConcatDataset, ChainDataset, StackDataset and randomSplit.

import type { Tensor } from "../../core/tensor.js";
import type { Generator } from "../../core/generator.js";
import { randperm } from "../../ops/random.js";

/** A map-style dataset: `ds.getItem(i)` is Python's `ds[i]`, `ds.length` its `len(ds)`. */
export abstract class Dataset<T = unknown> {
  abstract getItem(index: number): T;
  abstract get length(): number;
}

/** An iterable-style dataset: iterate it with for...of. */
export abstract class IterableDataset<T = unknown> {
  abstract [Symbol.iterator](): Iterator<T>;
}

function checkIndex(index: number, n: number): number {
  if (!Number.isInteger(index)) throw new Error(`dataset index must be an integer, got ${index}`);
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) throw new Error(`index ${index} is out of range for a dataset of length ${n}`);
  return i;
}

/** Wraps tensors that share their first dimension; item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new Error("TensorDataset needs at least one tensor");
    const n = tensors[0]!.shape[0];
    for (const t of tensors) {
      if (t.dim() === 0 || t.shape[0] !== n) throw new Error("Size mismatch between tensors");
    }
    this.tensors = tensors;
  }
  getItem(index: number): Tensor[] {
    const i = checkIndex(index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
  get length(): number { return this.tensors[0]!.shape[0]!; }
}

export class Subset<T> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: number[]) { super(); }
  getItem(index: number): T { return this.dataset.getItem(this.indices[checkIndex(index, this.indices.length)]!); }
  get length(): number { return this.indices.length; }
}

export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  readonly cumulativeSizes: number[];
  constructor(datasets: Dataset<T>[]) {
    super();
    if (datasets.length === 0) throw new Error("datasets should not be an empty iterable");
    if (datasets.some((d) => d instanceof IterableDataset)) throw new Error("ConcatDataset does not support IterableDataset");
    this.datasets = datasets;
    let s = 0;
    this.cumulativeSizes = datasets.map((d) => (s += d.length));
  }
  getItem(index: number): T {
    const i = checkIndex(index, this.length);
    const k = this.cumulativeSizes.findIndex((c) => i < c);
    return this.datasets[k]!.getItem(i - (k > 0 ? this.cumulativeSizes[k - 1]! : 0));
  }
  get length(): number { return this.cumulativeSizes[this.cumulativeSizes.length - 1]!; }
}

/** torch.utils.data.ChainDataset: iterable datasets one after the other (lazily, as PyTorch's). */
export class ChainDataset<T> extends IterableDataset<T> {
  readonly datasets: IterableDataset<T>[];
  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = [...datasets];
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error("ChainDataset only supports IterableDataset");
      yield* d as unknown as Iterable<T>;
    }
  }
  /** The sum of the datasets' lengths; each must have one. */
  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error("ChainDataset only supports IterableDataset");
      const n = (d as { length?: unknown }).length;
      if (typeof n !== "number") throw new TypeError(`object of type '${d.constructor.name}' has no len()`);
      total += n;
    }
    return total;
  }
}

/**
 * torch.utils.data.StackDataset: item i of several datasets of one length together, as an array
 * (datasets given as an array, Python's positional form) or an object (Python's keyword form).
 */
export class StackDataset<T extends unknown[] | Record<string, unknown>> extends Dataset<T> {
  readonly datasets: Dataset[] | Record<string, Dataset>;
  readonly #length: number;
  constructor(datasets: Dataset[] | Record<string, Dataset>) {
    super();
    const list = Array.isArray(datasets) ? datasets : Object.values(datasets);
    if (list.length === 0) throw new Error("At least one dataset should be passed");
    const n = list[0]!.length;
    if (list.some((d) => d.length !== n)) throw new Error("Size mismatch between datasets");
    this.datasets = datasets;
    this.#length = n;
  }
  getItem(index: number): T {
    const i = checkIndex(index, this.#length);
    const d = this.datasets;
    return (Array.isArray(d) ? d.map((x) => x.getItem(i)) : Object.fromEntries(Object.entries(d).map(([k, x]) => [k, x.getItem(i)]))) as T;
  }
  get length(): number { return this.#length; }
}

/**
 * torch.utils.data.random_split: lengths as counts or fractions (fractions are floored and the
 * remainder dealt round-robin, as PyTorch does); the permutation comes from randperm(generator).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], generator?: Generator | { generator?: Generator }): Subset<T>[] {
  const gen = generator && !("manualSeed" in generator) ? generator.generator : (generator as Generator | undefined);
  const n = dataset.length;
  let counts = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = lengths.map((f) => {
      if (f < 0 || f > 1) throw new Error(`Fraction at index ${lengths.indexOf(f)} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    let rem = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rem > 0; i = (i + 1) % counts.length, rem--) counts[i]!++;
  }
  if (counts.reduce((a, b) => a + b, 0) !== n) throw new Error("Sum of input lengths does not equal the length of the input dataset!");
  const perm = randperm(n, gen ? { generator: gen } : {}).tolist() as number[];
  let off = 0;
  return counts.map((c) => { const idx = perm.slice(off, off + c); off += c; return new Subset(dataset, idx); });
}
