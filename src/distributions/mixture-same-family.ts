// MixtureSameFamily(mixture: Categorical, components): a mixture over the rightmost batch dim of
// the component distribution (mixture_same_family.py).

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { logSoftmax } from "../ops/activation.js";
import type { Constraint } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Categorical } from "./categorical.js";
import { bindParams, pySize, validateArgsOf } from "./utils.js";

export interface MixtureSameFamilyOptions { mixtureDistribution?: Categorical; componentDistribution?: Distribution; validateArgs?: boolean | null }

export class MixtureSameFamily extends Distribution {
  protected _mixtureDistribution!: Categorical;
  protected _componentDistribution!: Distribution;
  protected _numComponent = 0;
  protected _eventNdims = 0;

  constructor(mixtureDistribution: Categorical | MixtureSameFamilyOptions, componentDistribution?: Distribution | MixtureSameFamilyOptions, validateArgs?: boolean | null | MixtureSameFamilyOptions) {
    super();
    const p = bindParams("MixtureSameFamily", [...arguments], ["mixtureDistribution", "componentDistribution", "validateArgs"]);
    const mix = p.mixtureDistribution, comp = p.componentDistribution;
    if (!(mix instanceof Categorical)) throw new Error(" The Mixture distribution needs to be an  instance of torch.distributions.Categorical");
    if (!(comp instanceof Distribution)) throw new Error("The Component distribution need to be an instance of torch.distributions.Distribution");
    const mdbs = mix.batchShape, cdbs = comp.batchShape.slice(0, -1);
    for (let k = 1; k <= Math.min(mdbs.length, cdbs.length); k++) {
      const a = mdbs[mdbs.length - k]!, b = cdbs[cdbs.length - k]!;
      if (a !== 1 && b !== 1 && a !== b) {
        throw new Error(`\`mixture_distribution.batch_shape\` (${pySize(mdbs)}) is not compatible with \`component_distribution.batch_shape\`(${pySize(cdbs)})`);
      }
    }
    const km = mix.logits.size(-1), kc = comp.batchShape[comp.batchShape.length - 1];
    if (km !== kc) throw new Error(`\`mixture_distribution component\` (${km}) does not equal \`component_distribution.batch_shape[-1]\` (${kc})`);
    this._mixtureDistribution = mix;
    this._componentDistribution = comp;
    this._numComponent = km;
    this._eventNdims = comp.eventShape.length;
    this.init(cdbs, comp.eventShape, validateArgsOf(p));
    void componentDistribution; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return {}; }
  override get support(): Constraint { return this._componentDistribution.support; }
  get mixtureDistribution(): Categorical { return this._mixtureDistribution; }
  get componentDistribution(): Distribution { return this._componentDistribution; }

  override expand(batchShape: readonly number[]): MixtureSameFamily {
    const copy = this.blank();
    copy._componentDistribution = this._componentDistribution.expand([...batchShape, this._numComponent]);
    copy._mixtureDistribution = this._mixtureDistribution.expand(batchShape);
    copy._numComponent = this._numComponent;
    copy._eventNdims = this._eventNdims;
    return this.finishExpand(copy, batchShape);
  }

  private pad(x: Tensor): Tensor { return x.unsqueeze(-1 - this._eventNdims); }
  private padMixtureDimensions(x: Tensor): Tensor {
    const distBatchNdims = this._batchShape.length, catBatchNdims = this._mixtureDistribution.batchShape.length;
    const padNdims = catBatchNdims === 1 ? 0 : distBatchNdims - catBatchNdims;
    const xs = x.shape;
    return x.reshape([...xs.slice(0, -1), ...Array<number>(padNdims).fill(1), xs[xs.length - 1]!, ...Array<number>(this._eventNdims).fill(1)]);
  }

  override get mean(): Tensor {
    const probs = this.padMixtureDimensions(this._mixtureDistribution.probs);
    return probs.mul(this._componentDistribution.mean).sum(-1 - this._eventNdims);
  }
  override get variance(): Tensor {
    const probs = this.padMixtureDimensions(this._mixtureDistribution.probs);
    const meanCondVar = probs.mul(this._componentDistribution.variance).sum(-1 - this._eventNdims);
    const varCondMean = probs.mul(this._componentDistribution.mean.sub(this.pad(this.mean)).pow(2.0)).sum(-1 - this._eventNdims);
    return meanCondVar.add(varCondMean);
  }

  override cdf(x: Tensor): Tensor {
    const cdfX = this._componentDistribution.cdf(this.pad(x));
    return cdfX.mul(this._mixtureDistribution.probs).sum(-1);
  }

  override logProb(x: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(x);
    const logProbX = this._componentDistribution.logProb(this.pad(x));
    const logMixProb = logSoftmax(this._mixtureDistribution.logits, -1);
    return logProbX.add(logMixProb).logsumexp(-1);
  }

  override sample(sampleShape?: SampleShape): Tensor {
    return noGrad(() => {
      const mixSample = this._mixtureDistribution.sample(sampleShape);
      const gatherDim = mixSample.dim();
      const compSamples = this._componentDistribution.sample(sampleShape);
      const es = this._eventShape;
      let index = mixSample.reshape([...mixSample.shape, ...Array<number>(es.length + 1).fill(1)]);
      index = index.repeat([...Array<number>(mixSample.dim()).fill(1), 1, ...es]);
      return compSamples.gather(gatherDim, index).squeeze(gatherDim);
    });
  }

  override toString(): string {
    return `MixtureSameFamily(\n  ${this._mixtureDistribution.toString()},\n  ${this._componentDistribution.toString()})`;
  }
}
