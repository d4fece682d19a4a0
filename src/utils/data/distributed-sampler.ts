// torch.utils.data.DistributedSampler: the subset of a dataset's indices one replica reads, in
// PyTorch's order (a randperm from seed + epoch, padded or cut to a multiple of the replicas).

import { Generator } from "../../core/generator.js";
import { randperm } from "../../ops/random.js";
import { bindArgs } from "../../ops/args.js";
import { Sampler, type Sized } from "./sampler.js";

export interface DistributedSamplerOptions {
  numReplicas?: number | null; rank?: number | null; shuffle?: boolean; seed?: number; dropLast?: boolean;
}

export class DistributedSampler extends Sampler<number> {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly numSamples: number;
  readonly totalSize: number;
  epoch = 0;

  /**
   * DistributedSampler(dataset, numReplicas, rank, shuffle = true, seed = 0, dropLast = false).
   * torch-ts has no torch.distributed process group, so numReplicas and rank must be given.
   */
  constructor(readonly dataset: Sized, ...args: (number | boolean | null | DistributedSamplerOptions)[]) {
    super();
    const a = bindArgs("DistributedSampler", args, ["numReplicas", "rank", "shuffle", "seed", "dropLast"], [], 1);
    const numReplicas = a.numReplicas as number | null | undefined, rank = a.rank as number | null | undefined;
    if (numReplicas === undefined || numReplicas === null || rank === undefined || rank === null) {
      throw new Error("DistributedSampler: num_replicas and rank are required (torch-ts has no torch.distributed process group to take them from)");
    }
    if (!Number.isInteger(numReplicas) || numReplicas < 1) throw new Error(`DistributedSampler: num_replicas must be a positive integer, got ${numReplicas}`);
    if (!Number.isInteger(rank) || rank >= numReplicas || rank < 0) {
      throw new Error(`Invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`);
    }
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.shuffle = (a.shuffle as boolean | undefined) ?? true;
    this.seed = (a.seed as number | undefined) ?? 0;
    this.dropLast = (a.dropLast as boolean | undefined) ?? false;
    const n = dataset.length;
    // With dropLast, the tail that does not divide evenly is dropped; otherwise indices repeat.
    this.numSamples = this.dropLast && n % numReplicas !== 0 ? Math.ceil((n - numReplicas) / numReplicas) : Math.ceil(n / numReplicas);
    this.totalSize = this.numSamples * numReplicas;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataset.length;
    let indices: number[];
    if (this.shuffle) {
      const generator = new Generator().manualSeed(this.seed + this.epoch);
      indices = randperm(n, { generator }).tolist() as number[];
    } else {
      indices = Array.from({ length: n }, (_, i) => i);
    }
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      if (padding <= indices.length) indices = indices.concat(indices.slice(0, padding));
      else {
        const repeated: number[] = [];
        for (let r = 0; r < Math.ceil(padding / indices.length); r++) repeated.push(...indices);
        indices = indices.concat(repeated.slice(0, padding));
      }
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }

  get length(): number { return this.numSamples; }

  /** Makes the next iteration shuffle with seed + epoch (call it before each epoch). */
  setEpoch(epoch: number): void { this.epoch = epoch; }
}
