// The losses of torch.nn. As in PyTorch, class weights (weight, pos_weight) are buffers, so they
// appear in state_dict() when given; the deprecated size_average/reduce still map to a reduction.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, pyRepr } from "./utils.js";
import { warnOnce } from "../../core/warnings.js";

export type Reduction = "none" | "mean" | "sum";
type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

/** PyTorch's _Reduction.legacy_get_string, with its deprecation warning. */
function legacyReduction(sizeAverage: unknown, reduce: unknown): Reduction {
  const sa = sizeAverage === undefined || sizeAverage === null ? true : Boolean(sizeAverage);
  const r = reduce === undefined || reduce === null ? true : Boolean(reduce);
  const ret: Reduction = sa && r ? "mean" : r ? "sum" : "none";
  warnOnce(`size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`);
  return ret;
}

function reductionOf(a: Record<string, unknown>): Reduction {
  const given = (a.sizeAverage !== undefined && a.sizeAverage !== null) || (a.reduce !== undefined && a.reduce !== null);
  return given ? legacyReduction(a.sizeAverage, a.reduce) : ((a.reduction as Reduction | undefined) ?? "mean");
}

function optionalTensor(cls: string, name: string, v: unknown): Tensor | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || !("shape" in v)) throw new Error(`${cls}: ${name} must be a Tensor or None, got ${pyRepr(v)}`);
  return v as Tensor;
}

interface LegacyOptions { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction }
type LegacyArgs = Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions>;
const LEGACY = ["sizeAverage", "reduce", "reduction"];

/** PyTorch's _Loss: the reduction. */
export abstract class _Loss extends Module {
  readonly reduction: Reduction;
  protected constructor(a: Record<string, unknown>) {
    super();
    this.reduction = reductionOf(a);
  }
}

/** PyTorch's _WeightedLoss: a `weight` buffer (absent from state_dict when None). */
export abstract class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;
  protected constructor(cls: string, a: Record<string, unknown>) {
    super(a);
    this.registerBuffer("weight", optionalTensor(cls, "weight", a.weight));
  }
}

export class L1Loss extends _Loss {
  constructor(...args: LegacyArgs) { super(bindCtor("L1Loss", args, LEGACY)); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

export class MSELoss extends _Loss {
  constructor(...args: LegacyArgs) { super(bindCtor("MSELoss", args, LEGACY)); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}

interface NLLOptions extends LegacyOptions { weight?: Tensor | null; ignoreIndex?: number }

export class NLLLoss extends _WeightedLoss {
  readonly ignoreIndex: number;
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction], NLLOptions>) {
    const a = bindCtor("NLLLoss", args, ["weight", "sizeAverage", "ignoreIndex", "reduce", "reduction"]);
    super("NLLLoss", a);
    this.ignoreIndex = (a.ignoreIndex as number | undefined) ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** nn.NLLLoss2d: PyTorch's deprecated alias of NLLLoss (same arguments), with its warning. */
export class NLLLoss2d extends NLLLoss {
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction], NLLOptions>) {
    warnOnce("NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.");
    super(...args);
  }
}

interface CrossEntropyOptions extends NLLOptions { labelSmoothing?: number }

export class CrossEntropyLoss extends _WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction, labelSmoothing?: number], CrossEntropyOptions>) {
    const a = bindCtor("CrossEntropyLoss", args, ["weight", "sizeAverage", "ignoreIndex", "reduce", "reduction", "labelSmoothing"]);
    super("CrossEntropyLoss", a);
    this.ignoreIndex = (a.ignoreIndex as number | undefined) ?? -100;
    this.labelSmoothing = (a.labelSmoothing as number | undefined) ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

export class BCELoss extends _WeightedLoss {
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { weight?: Tensor | null }>) {
    super("BCELoss", bindCtor("BCELoss", args, ["weight", ...LEGACY]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, posWeight?: Tensor | null], LegacyOptions & { weight?: Tensor | null; posWeight?: Tensor | null }>) {
    const a = bindCtor("BCEWithLogitsLoss", args, ["weight", ...LEGACY, "posWeight"]);
    super(a);
    this.registerBuffer("weight", optionalTensor("BCEWithLogitsLoss", "weight", a.weight));
    this.registerBuffer("pos_weight", optionalTensor("BCEWithLogitsLoss", "pos_weight", a.posWeight));
  }
  get posWeight(): Tensor | null { return this.pos_weight; }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

export class KLDivLoss extends _Loss {
  readonly logTarget: boolean;
  constructor(...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, logTarget?: boolean], LegacyOptions & { logTarget?: boolean }>) {
    const a = bindCtor("KLDivLoss", args, [...LEGACY, "logTarget"]);
    super(a);
    this.logTarget = (a.logTarget as boolean | undefined) ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class HuberLoss extends _Loss {
  readonly delta: number;
  constructor(...args: Args<[reduction?: Reduction, delta?: number], { reduction?: Reduction; delta?: number }>) {
    const a = bindCtor("HuberLoss", args, ["reduction", "delta"]);
    super(a);
    this.delta = (a.delta as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

export class SmoothL1Loss extends _Loss {
  readonly beta: number;
  constructor(...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, beta?: number], LegacyOptions & { beta?: number }>) {
    const a = bindCtor("SmoothL1Loss", args, [...LEGACY, "beta"]);
    super(a);
    this.beta = (a.beta as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

export class SoftMarginLoss extends _Loss {
  constructor(...args: LegacyArgs) { super(bindCtor("SoftMarginLoss", args, LEGACY)); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.softMarginLoss(input, target, { reduction: this.reduction }); }
}

export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  constructor(...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { weight?: Tensor | null }>) {
    super("MultiLabelSoftMarginLoss", bindCtor("MultiLabelSoftMarginLoss", args, ["weight", ...LEGACY]));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class MultiLabelMarginLoss extends _Loss {
  constructor(...args: LegacyArgs) { super(bindCtor("MultiLabelMarginLoss", args, LEGACY)); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.multilabelMarginLoss(input, target, { reduction: this.reduction }); }
}

export class MultiMarginLoss extends _WeightedLoss {
  readonly p: number;
  readonly margin: number;
  constructor(...args: Args<[p?: number, margin?: number, weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { p?: number; margin?: number; weight?: Tensor | null }>) {
    const a = bindCtor("MultiMarginLoss", args, ["p", "margin", "weight", ...LEGACY]);
    super("MultiMarginLoss", a);
    const p = (a.p as number | undefined) ?? 1;
    if (p !== 1 && p !== 2) throw new Error("only p == 1 and p == 2 supported");
    if (this.weight && this.weight.dim() !== 1) throw new Error(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${this.weight.dim()}D instead`);
    this.p = p;
    this.margin = (a.margin as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

export class HingeEmbeddingLoss extends _Loss {
  readonly margin: number;
  constructor(...args: Args<[margin?: number, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { margin?: number }>) {
    const a = bindCtor("HingeEmbeddingLoss", args, ["margin", ...LEGACY]);
    super(a);
    this.margin = (a.margin as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction }); }
}

export class MarginRankingLoss extends _Loss {
  readonly margin: number;
  constructor(...args: Args<[margin?: number, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { margin?: number }>) {
    const a = bindCtor("MarginRankingLoss", args, ["margin", ...LEGACY]);
    super(a);
    this.margin = (a.margin as number | undefined) ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export class CosineEmbeddingLoss extends _Loss {
  readonly margin: number;
  constructor(...args: Args<[margin?: number, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { margin?: number }>) {
    const a = bindCtor("CosineEmbeddingLoss", args, ["margin", ...LEGACY]);
    super(a);
    this.margin = (a.margin as number | undefined) ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

interface TripletOptions extends LegacyOptions { margin?: number; p?: number; eps?: number; swap?: boolean }

export class TripletMarginLoss extends _Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(...args: Args<[margin?: number, p?: number, eps?: number, swap?: boolean, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction], TripletOptions>) {
    const a = bindCtor("TripletMarginLoss", args, ["margin", "p", "eps", "swap", ...LEGACY]);
    super(a);
    const margin = (a.margin as number | undefined) ?? 1;
    if (margin <= 0) throw new Error(`TripletMarginLoss: expected margin to be greater than 0, got ${margin} instead`);
    this.margin = margin;
    this.p = (a.p as number | undefined) ?? 2;
    this.eps = (a.eps as number | undefined) ?? 1e-6;
    this.swap = (a.swap as boolean | undefined) ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

export class TripletMarginWithDistanceLoss extends _Loss {
  readonly distanceFunction: DistanceFunction | null;
  readonly margin: number;
  readonly swap: boolean;
  /** Keyword-only in PyTorch: distanceFunction, margin, swap, reduction. */
  constructor(options: { distanceFunction?: DistanceFunction | null; margin?: number; swap?: boolean; reduction?: Reduction } = {}) {
    const a = bindCtor("TripletMarginWithDistanceLoss", [options], [], 0, ["distanceFunction", "margin", "swap", "reduction"]);
    super(a);
    const margin = (a.margin as number | undefined) ?? 1;
    if (margin <= 0) throw new Error(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${margin} instead`);
    this.distanceFunction = (a.distanceFunction as DistanceFunction | null | undefined) ?? null;
    this.margin = margin;
    this.swap = (a.swap as boolean | undefined) ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction: this.distanceFunction, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}

export class PoissonNLLLoss extends _Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(...args: Args<[logInput?: boolean, full?: boolean, sizeAverage?: boolean | null, eps?: number, reduce?: boolean | null, reduction?: Reduction], LegacyOptions & { logInput?: boolean; full?: boolean; eps?: number }>) {
    const a = bindCtor("PoissonNLLLoss", args, ["logInput", "full", "sizeAverage", "eps", "reduce", "reduction"]);
    super(a);
    this.logInput = (a.logInput as boolean | undefined) ?? true;
    this.full = (a.full as boolean | undefined) ?? false;
    this.eps = (a.eps as number | undefined) ?? 1e-8;
  }
  override forward(logInput: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export class GaussianNLLLoss extends _Loss {
  readonly full: boolean;
  readonly eps: number;
  /** Keyword-only in PyTorch: full, eps, reduction. */
  constructor(options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    const a = bindCtor("GaussianNLLLoss", [options], [], 0, ["full", "eps", "reduction"]);
    super(a);
    this.full = (a.full as boolean | undefined) ?? false;
    this.eps = (a.eps as number | undefined) ?? 1e-6;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return F.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

type Lengths = Tensor | number[];

export class CTCLoss extends _Loss {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(...args: Args<[blank?: number, reduction?: Reduction, zeroInfinity?: boolean], { blank?: number; reduction?: Reduction; zeroInfinity?: boolean }>) {
    const a = bindCtor("CTCLoss", args, ["blank", "reduction", "zeroInfinity"]);
    super(a);
    this.blank = (a.blank as number | undefined) ?? 0;
    this.zeroInfinity = (a.zeroInfinity as boolean | undefined) ?? false;
  }
  override forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}
