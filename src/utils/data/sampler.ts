// Samplers: which indices a DataLoader reads, in PyTorch's order for the same generator state.

import { Generator, defaultGenerator } from "../../core/generator.js";
import { randperm, randint, multinomial } from "../../ops/random.js";
import { tensor } from "../../ops/creation.js";
import { float64 } from "../../core/dtype.js";
import type { Tensor } from "../../core/tensor.js";

export interface Sized { readonly length: number }

export abstract class Sampler<T = number> {
  abstract [Symbol.iterator](): Iterator<T>;
  abstract get length(): number;
}

export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) { super(); }
  *[Symbol.iterator](): Iterator<number> { for (let i = 0; i < this.dataSource.length; i++) yield i; }
  get length(): number { return this.dataSource.length; }
}

/** A fresh generator seeded from the default one, as RandomSampler does when given none. */
function derivedGenerator(): Generator {
  const seed = defaultGenerator.random64() % (1n << 63n);
  return new Generator().manualSeed(seed);
}

export interface RandomSamplerOptions { replacement?: boolean; numSamples?: number | null; generator?: Generator | null }

export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly requested: number | null;
  constructor(readonly dataSource: Sized, options: RandomSamplerOptions = {}) {
    super();
    this.replacement = options.replacement ?? false;
    this.requested = options.numSamples ?? null;
    this.generator = options.generator ?? null;
    if (this.requested !== null && (!Number.isInteger(this.requested) || this.requested <= 0)) {
      throw new Error(`num_samples should be a positive integer value, but got num_samples=${this.requested}`);
    }
  }
  get numSamples(): number { return this.requested ?? this.dataSource.length; }
  get length(): number { return this.numSamples; }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const generator = this.generator ?? derivedGenerator();
    const total = this.numSamples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(total / 32); i++) yield* randint(n, [32], { generator }).tolist() as number[];
      if (total % 32) yield* randint(n, [total % 32], { generator }).tolist() as number[];
      return;
    }
    for (let i = 0; i < Math.floor(total / n); i++) yield* randperm(n, { generator }).tolist() as number[];
    yield* (randperm(n, { generator }).tolist() as number[]).slice(0, total % n);
  }
}

export class SubsetRandomSampler extends Sampler<number> {
  constructor(readonly indices: number[], readonly generator: Generator | null = null) { super(); }
  *[Symbol.iterator](): Iterator<number> {
    const perm = randperm(this.indices.length, this.generator ? { generator: this.generator } : {}).tolist() as number[];
    for (const i of perm) yield this.indices[i]!;
  }
  get length(): number { return this.indices.length; }
}

export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  constructor(weights: number[] | Tensor, readonly numSamples: number, readonly replacement = true, readonly generator: Generator | null = null) {
    super();
    if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`num_samples should be a positive integer value, but got num_samples=${numSamples}`);
    this.weights = tensor(Array.isArray(weights) ? weights : weights, { dtype: float64 });
    if (this.weights.dim() !== 1) throw new Error(`weights should be a 1d sequence but given weights have shape [${this.weights.shape}]`);
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.numSamples, this.replacement, this.generator ? { generator: this.generator } : {}).tolist() as number[];
  }
  get length(): number { return this.numSamples; }
}

export class BatchSampler extends Sampler<number[]> {
  constructor(readonly sampler: Sampler<number> | Iterable<number> & Sized, readonly batchSize: number, readonly dropLast: boolean) {
    super();
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) { yield batch; batch = []; }
    }
    if (batch.length && !this.dropLast) yield batch;
  }
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
