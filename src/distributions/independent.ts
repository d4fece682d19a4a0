// Independent(base, reinterpretedBatchNdims): reinterprets batch dims of a distribution as event
// dims, so log_prob sums over them (independent.py).

import type { Tensor } from "../core/tensor.js";
import { type Constraint, independent } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { bindParams, sumRightmost, validateArgsOf } from "./utils.js";

export interface IndependentOptions { baseDistribution?: Distribution; reinterpretedBatchNdims?: number; validateArgs?: boolean | null }

export class Independent extends Distribution {
  baseDist!: Distribution;
  reinterpretedBatchNdims!: number;

  constructor(baseDistribution: Distribution | IndependentOptions, reinterpretedBatchNdims?: number | IndependentOptions, validateArgs?: boolean | null | IndependentOptions) {
    super();
    const p = bindParams("Independent", [...arguments], ["baseDistribution", "reinterpretedBatchNdims", "validateArgs"]);
    const base = p.baseDistribution as Distribution, n = p.reinterpretedBatchNdims as number;
    if (!(base instanceof Distribution)) throw new TypeError("Independent: base_distribution must be a Distribution");
    if (!Number.isInteger(n) || n < 0) throw new TypeError("Independent: reinterpreted_batch_ndims must be a non-negative int");
    if (n > base.batchShape.length) {
      throw new Error(`Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${n} vs ${base.batchShape.length}`);
    }
    const shape = [...base.batchShape, ...base.eventShape];
    const eventDim = n + base.eventShape.length;
    this.baseDist = base;
    this.reinterpretedBatchNdims = n;
    this.init(shape.slice(0, shape.length - eventDim), shape.slice(shape.length - eventDim), validateArgsOf(p));
    void reinterpretedBatchNdims; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return {}; }
  override get hasRsample(): boolean { return this.baseDist.hasRsample; }
  override get hasEnumerateSupport(): boolean { return this.reinterpretedBatchNdims > 0 ? false : this.baseDist.hasEnumerateSupport; }
  override get support(): Constraint {
    const s = this.baseDist.support;
    return this.reinterpretedBatchNdims ? independent(s, this.reinterpretedBatchNdims) : s;
  }

  override expand(batchShape: readonly number[]): Independent {
    const copy = this.blank();
    copy.baseDist = this.baseDist.expand([...batchShape, ...this._eventShape.slice(0, this.reinterpretedBatchNdims)]);
    copy.reinterpretedBatchNdims = this.reinterpretedBatchNdims;
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.baseDist.mean; }
  override get mode(): Tensor { return this.baseDist.mode; }
  override get variance(): Tensor { return this.baseDist.variance; }
  override sample(sampleShape?: SampleShape): Tensor { return this.baseDist.sample(sampleShape); }
  override rsample(sampleShape?: SampleShape): Tensor { return this.baseDist.rsample(sampleShape); }
  override logProb(value: Tensor): Tensor { return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims); }
  override entropy(): Tensor { return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims); }
  override enumerateSupport(expand = true): Tensor {
    if (this.reinterpretedBatchNdims > 0) throw new Error("Enumeration over cartesian product is not implemented");
    return this.baseDist.enumerateSupport(expand);
  }
  override toString(): string { return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`; }
}
