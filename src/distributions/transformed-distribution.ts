// TransformedDistribution(base, transforms) (transformed_distribution.py): samples are the base's
// pushed through the transforms; log_prob subtracts each transform's log|det J|.

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { type Constraint, independent } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Independent } from "./independent.js";
import { ComposeTransform, Transform } from "./transforms.js";
import { bindParams, sameShape, sumRightmost, validateArgsOf, pySize } from "./utils.js";

export interface TransformedDistributionOptions { baseDistribution?: Distribution; transforms?: Transform | Transform[]; validateArgs?: boolean | null }

export class TransformedDistribution extends Distribution {
  baseDist!: Distribution;
  transforms!: Transform[];

  constructor(baseDistribution: Distribution | TransformedDistributionOptions, transforms?: Transform | Transform[] | TransformedDistributionOptions, validateArgs?: boolean | null | TransformedDistributionOptions) {
    super();
    if ((new.target as typeof TransformedDistribution).bindsOwnArguments) return;
    const p = bindParams("TransformedDistribution", [...arguments], ["baseDistribution", "transforms", "validateArgs"]);
    this.setTransformed(p.baseDistribution as Distribution, p.transforms as Transform | Transform[], validateArgsOf(p));
    void transforms; void validateArgs;
  }

  /** Set by subclasses whose constructor takes other arguments (LogNormal, Gumbel, ...). */
  protected static bindsOwnArguments = false;

  /** TransformedDistribution's __init__ (subclasses call it with their base and transforms). */
  protected setTransformed(base: Distribution, transforms: Transform | Transform[], validateArgs: boolean | null): void {
    if (transforms instanceof Transform) this.transforms = [transforms];
    else if (Array.isArray(transforms)) {
      if (!transforms.every((t) => t instanceof Transform)) throw new Error("transforms must be a Transform or a list of Transforms");
      this.transforms = [...transforms];
    } else throw new Error(`transforms must be a Transform or list, but was ${String(transforms)}`);
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEventDim = base.eventShape.length;
    const transform = new ComposeTransform(this.transforms);
    if (baseShape.length < transform.domain.eventDim) {
      throw new Error(`base_distribution needs to have shape with size at least ${transform.domain.eventDim}, but got ${pySize(baseShape)}.`);
    }
    const forwardShape = transform.forwardShape(baseShape);
    const expandedBaseShape = transform.inverseShape(forwardShape);
    if (!sameShape(baseShape, expandedBaseShape)) base = base.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
    const reinterpreted = transform.domain.eventDim - baseEventDim;
    if (reinterpreted > 0) base = new Independent(base, reinterpreted);
    this.baseDist = base;
    const change = transform.codomain.eventDim - transform.domain.eventDim;
    const eventDim = Math.max(transform.codomain.eventDim, baseEventDim + change);
    const cut = forwardShape.length - eventDim;
    this.init(forwardShape.slice(0, cut), forwardShape.slice(cut), validateArgs);
  }

  get argConstraints(): Record<string, Constraint> { return {}; }
  override get hasRsample(): boolean { return this.baseDist.hasRsample; }
  override get support(): Constraint {
    if (this.transforms.length === 0) return this.baseDist.support;
    const support = this.transforms[this.transforms.length - 1]!.codomain;
    return this._eventShape.length > support.eventDim ? independent(support, this._eventShape.length - support.eventDim) : support;
  }

  override expand(batchShape: readonly number[]): TransformedDistribution {
    const copy = this.blank();
    let shape = [...batchShape, ...this._eventShape];
    for (const t of [...this.transforms].reverse()) shape = t.inverseShape(shape);
    copy.baseDist = this.baseDist.expand(shape.slice(0, shape.length - this.baseDist.eventShape.length));
    copy.transforms = this.transforms;
    this.expandExtra(copy, batchShape);
    return this.finishExpand(copy, batchShape);
  }
  /** Subclasses expand their own parameters here. */
  protected expandExtra(copy: this, batchShape: readonly number[]): void { void copy; void batchShape; }

  override sample(sampleShape?: SampleShape): Tensor {
    return noGrad(() => this.transforms.reduce((x, t) => t.call(x), this.baseDist.sample(sampleShape)));
  }
  override rsample(sampleShape?: SampleShape): Tensor {
    return this.transforms.reduce((x, t) => t.call(x), this.baseDist.rsample(sampleShape));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    let eventDim = this._eventShape.length;
    let logProb: Tensor | number = 0.0;
    let y = value;
    for (const t of [...this.transforms].reverse()) {
      const x = t.inv.call(y);
      eventDim += t.domain.eventDim - t.codomain.eventDim;
      const term = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim);
      logProb = typeof logProb === "number" ? term.neg().add(logProb) : logProb.sub(term);
      y = x;
    }
    const base = sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length);
    return typeof logProb === "number" ? base.add(logProb) : logProb.add(base);
  }

  /** Flips the cdf for decreasing transforms (PyTorch's _monotonize_cdf). */
  private monotonizeCdf(value: Tensor): Tensor {
    let sign: number | Tensor = 1;
    for (const t of this.transforms) { const s = t.sign; sign = typeof sign === "number" && typeof s === "number" ? sign * s : (typeof sign === "number" ? (s as Tensor).mul(sign) : sign.mul(s)); }
    if (sign === 1) return value;
    return (typeof sign === "number" ? value.sub(0.5).mul(sign) : sign.mul(value.sub(0.5))).add(0.5);
  }

  override cdf(value: Tensor): Tensor {
    let v = value;
    for (const t of [...this.transforms].reverse()) v = t.inv.call(v);
    if (this._validateArgs) (this.baseDist as unknown as { validateSample(v: Tensor): void }).validateSample(v);
    return this.monotonizeCdf(this.baseDist.cdf(v));
  }

  override icdf(value: Tensor): Tensor {
    return this.transforms.reduce((x, t) => t.call(x), this.baseDist.icdf(this.monotonizeCdf(value)));
  }
}
