// Normalisation layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d (PyTorch's _NormBase: running
// statistics as buffers running_mean/running_var/num_batches_tracked), LayerNorm, GroupNorm,
// RMSNorm and LocalResponseNorm.

import { Tensor } from "../../core/tensor.js";
import { requireTensor } from "../../ops/pointwise-util.js";
import { int64 } from "../../core/dtype.js";
import { type Args } from "../../ops/args.js";
import { empty, ones, tensor, zeros } from "../../ops/creation.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice, pyFloat, pyRepr } from "./utils.js";

export interface NormOptions extends FactoryOptions {
  numFeatures?: number;
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}
type NormArgs = Args<[numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean], NormOptions>;
const NORM_NAMES = ["numFeatures", "eps", "momentum", "affine", "trackRunningStats", "device", "dtype"];
/** A norm constructor's arguments bound by name (num_features required), once, for the whole class chain. */
const bindNorm = (cls: string, args: readonly unknown[], names = NORM_NAMES): Record<string, unknown> => bindCtor(cls, args, names, 1);

/** PyTorch's _NormBase: affine parameters and running statistics. */
export abstract class _NormBase extends Module {
  /** PyTorch's state-dict version (2: num_batches_tracked). */
  static _version = 2;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** `a`: the constructor's arguments, bound by bindNorm. */
  protected constructor(cls: string, a: Record<string, unknown>, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    const n = a.numFeatures;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`${cls}: num_features must be a non-negative integer, got ${pyRepr(n)}`);
    this.numFeatures = n;
    this.eps = (a.eps as number | undefined) ?? 1e-5;
    this.momentum = a.momentum === undefined ? 0.1 : (a.momentum as number | null);
    this.affine = (a.affine as boolean | undefined) ?? defaults.affine;
    this.trackRunningStats = (a.trackRunningStats as boolean | undefined) ?? defaults.trackRunningStats;
    this.weight = null;
    this.bias = null;
    if (this.affine) {
      this.weight = new Parameter(empty([n], factory(a)));
      this.bias = new Parameter(empty([n], factory(a)));
    } else {
      this.registerParameter("weight", null);
      this.registerParameter("bias", null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([n], factory(a)));
      this.registerBuffer("running_var", ones([n], factory(a)));
      this.registerBuffer("num_batches_tracked", tensor(0, { dtype: int64 }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
    this.resetParameters();
    placeOnDevice(this, a);
  }

  get runningMean(): Tensor | null { return this.running_mean; }
  get runningVar(): Tensor | null { return this.running_var; }
  get numBatchesTracked(): Tensor | null { return this.num_batches_tracked; }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  protected abstract checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? "None" : pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.trackRunningStats)}`;
  }
}

abstract class BatchNorm extends _NormBase {
  constructor(cls: string, a: Record<string, unknown>) {
    super(cls, a, { affine: true, trackRunningStats: true });
  }
  override forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor)) requireTensor("batch_norm", "input", 1, input);
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      // momentum=None: a cumulative moving average.
      factor = this.momentum === null ? 1 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    const bnTraining = this.training ? true : this.running_mean === null && this.running_var === null;
    const useStats = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useStats ? this.running_mean : null, useStats ? this.running_var : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }
}

function dimError(expected: string, input: Tensor): Error {
  return new Error(`expected ${expected} input (got ${input.dim()}D input)`);
}

export class BatchNorm1d extends BatchNorm {
  constructor(...args: NormArgs) { super("BatchNorm1d", bindNorm("BatchNorm1d", args)); }
  protected checkInputDim(input: Tensor): void { if (input.dim() !== 2 && input.dim() !== 3) throw dimError("2D or 3D", input); }
}

export class BatchNorm2d extends BatchNorm {
  constructor(...args: NormArgs) { super("BatchNorm2d", bindNorm("BatchNorm2d", args)); }
  protected checkInputDim(input: Tensor): void { if (input.dim() !== 4) throw dimError("4D", input); }
}

export class BatchNorm3d extends BatchNorm {
  constructor(...args: NormArgs) { super("BatchNorm3d", bindNorm("BatchNorm3d", args)); }
  protected checkInputDim(input: Tensor): void { if (input.dim() !== 5) throw dimError("5D", input); }
}

const SYNC_NAMES = ["numFeatures", "eps", "momentum", "affine", "trackRunningStats", "processGroup", "device", "dtype"];

/**
 * nn.SyncBatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, processGroup): batch
 * norm whose statistics PyTorch all-reduces across a torch.distributed process group. torch-ts has
 * no process group, so it computes as PyTorch does when none is initialised: BatchNorm over the
 * local batch, for inputs of any rank >= 2; processGroup is kept as given.
 */
export class SyncBatchNorm extends BatchNorm {
  processGroup: unknown;
  constructor(...args: Args<[numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, processGroup?: unknown], NormOptions & { processGroup?: unknown }>) {
    const a = bindNorm("SyncBatchNorm", args, SYNC_NAMES);
    super("SyncBatchNorm", a);
    this.processGroup = a.processGroup ?? null;
  }
  protected checkInputDim(input: Tensor): void {
    if (input.dim() < 2) throw new Error(`expected at least 2D input (got ${input.dim()}D input)`);
    if (input.shape[1] === 0) throw new Error("SyncBatchNorm number of input channels should be non-zero");
  }

  /**
   * SyncBatchNorm.convert_sync_batchnorm(module, processGroup): every BatchNorm1d/2d/3d in `module`
   * (or `module` itself) replaced by a SyncBatchNorm that shares its parameters and buffers and
   * keeps its training mode; returns the converted module.
   */
  static convertSyncBatchnorm(module: Module, processGroup: unknown = null): Module {
    let out = module;
    if (module instanceof BatchNorm && !(module instanceof SyncBatchNorm)) {
      const sync = new SyncBatchNorm(module.numFeatures, module.eps, module.momentum, module.affine, module.trackRunningStats, processGroup);
      if (module.affine) {
        sync.weight = module.weight;
        sync.bias = module.bias;
      }
      sync.running_mean = module.running_mean;
      sync.running_var = module.running_var;
      sync.num_batches_tracked = module.num_batches_tracked;
      sync.training = module.training;
      const qconfig = (module as unknown as { qconfig?: unknown }).qconfig;
      if (qconfig !== undefined) (sync as unknown as { qconfig: unknown }).qconfig = qconfig;
      out = sync;
    }
    for (const [name, child] of module.namedChildren()) {
      const converted = SyncBatchNorm.convertSyncBatchnorm(child, processGroup);
      if (converted !== child) out.registerModule(name, converted);
    }
    return out;
  }
}

abstract class InstanceNorm extends _NormBase {
  /** Dims of an unbatched input (PyTorch's _get_no_batch_dim). */
  protected abstract readonly noBatchDim: number;
  constructor(cls: string, a: Record<string, unknown>) {
    super(cls, a, { affine: false, trackRunningStats: false });
  }
  protected checkInputDim(input: Tensor): void {
    const k = this.noBatchDim;
    if (input.dim() !== k && input.dim() !== k + 1) throw dimError(`${k}D or ${k + 1}D`, input);
  }
  override forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor)) requireTensor("instance_norm", "input", 1, input);
    this.checkInputDim(input);
    const featureDim = input.dim() - this.noBatchDim;
    const c = input.shape[featureDim]!;
    if (c !== this.numFeatures) {
      if (this.affine) throw new Error(`expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${c}.`);
      console.warn(`UserWarning: input's size at dim=${featureDim} does not match num_features. You can silence this warning by not passing in num_features, which is not used because affine=False`);
    }
    const unbatched = input.dim() === this.noBatchDim;
    const x = unbatched ? input.unsqueeze(0) : input;
    const out = F.instanceNorm(x, this.running_mean, this.running_var, this.weight, this.bias, this.training || !this.trackRunningStats, this.momentum ?? 0, this.eps);
    return unbatched ? out.squeeze(0) : out;
  }
}

export class InstanceNorm1d extends InstanceNorm {
  protected readonly noBatchDim = 2;
  constructor(...args: NormArgs) { super("InstanceNorm1d", bindNorm("InstanceNorm1d", args)); }
}

export class InstanceNorm2d extends InstanceNorm {
  protected readonly noBatchDim = 3;
  constructor(...args: NormArgs) { super("InstanceNorm2d", bindNorm("InstanceNorm2d", args)); }
}

export class InstanceNorm3d extends InstanceNorm {
  protected readonly noBatchDim = 4;
  constructor(...args: NormArgs) { super("InstanceNorm3d", bindNorm("InstanceNorm3d", args)); }
}

// ---- LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm -------------------------------------------

function shapeArg(cls: string, v: unknown): number[] {
  const s = typeof v === "number" ? [v] : v;
  if (!Array.isArray(s) || s.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0)) {
    throw new Error(`${cls}: normalized_shape must be an int or a sequence of ints, got ${pyRepr(v)}`);
  }
  return [...(s as number[])];
}

export interface LayerNormOptions extends FactoryOptions { normalizedShape?: number | number[]; eps?: number; elementwiseAffine?: boolean; bias?: boolean }

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(...args: Args<[normalizedShape: number | number[], eps?: number, elementwiseAffine?: boolean, bias?: boolean], LayerNormOptions>) {
    super();
    const a = bindCtor("LayerNorm", args, ["normalizedShape", "eps", "elementwiseAffine", "bias", "device", "dtype"], 1);
    this.normalizedShape = shapeArg("LayerNorm", a.normalizedShape);
    this.eps = (a.eps as number | undefined) ?? 1e-5;
    this.elementwiseAffine = (a.elementwiseAffine as boolean | undefined) ?? true;
    this.weight = null;
    this.bias = null;
    if (this.elementwiseAffine) {
      this.weight = new Parameter(empty(this.normalizedShape, factory(a)));
      if ((a.bias as boolean | undefined) ?? true) this.bias = new Parameter(empty(this.normalizedShape, factory(a)));
      else this.registerParameter("bias", null);
    } else {
      this.registerParameter("weight", null);
      this.registerParameter("bias", null);
    }
    this.resetParameters();
    placeOnDevice(this, a);
  }
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor { return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps); }
  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions extends FactoryOptions { numGroups?: number; numChannels?: number; eps?: number; affine?: boolean }

export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(...args: Args<[numGroups: number, numChannels: number, eps?: number, affine?: boolean], GroupNormOptions>) {
    super();
    const a = bindCtor("GroupNorm", args, ["numGroups", "numChannels", "eps", "affine", "device", "dtype"], 2);
    const g = a.numGroups as number, c = a.numChannels as number;
    if (!Number.isInteger(g) || g <= 0 || !Number.isInteger(c) || c < 0) throw new Error(`GroupNorm: num_groups and num_channels must be integers, got ${pyRepr(g)} and ${pyRepr(c)}`);
    if (c % g !== 0) throw new Error("num_channels must be divisible by num_groups");
    this.numGroups = g;
    this.numChannels = c;
    this.eps = (a.eps as number | undefined) ?? 1e-5;
    this.affine = (a.affine as boolean | undefined) ?? true;
    this.weight = null;
    this.bias = null;
    if (this.affine) {
      this.weight = new Parameter(empty([c], factory(a)));
      this.bias = new Parameter(empty([c], factory(a)));
    } else {
      this.registerParameter("weight", null);
      this.registerParameter("bias", null);
    }
    this.resetParameters();
    placeOnDevice(this, a);
  }
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: Tensor): Tensor { return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps); }
  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`; }
}

export interface RMSNormOptions extends FactoryOptions { normalizedShape?: number | number[]; eps?: number | null; elementwiseAffine?: boolean }

export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  constructor(...args: Args<[normalizedShape: number | number[], eps?: number | null, elementwiseAffine?: boolean], RMSNormOptions>) {
    super();
    const a = bindCtor("RMSNorm", args, ["normalizedShape", "eps", "elementwiseAffine", "device", "dtype"], 1);
    this.normalizedShape = shapeArg("RMSNorm", a.normalizedShape);
    this.eps = (a.eps as number | null | undefined) ?? null;
    this.elementwiseAffine = (a.elementwiseAffine as boolean | undefined) ?? true;
    this.weight = null;
    if (this.elementwiseAffine) this.weight = new Parameter(empty(this.normalizedShape, factory(a)));
    else this.registerParameter("weight", null);
    this.resetParameters();
    placeOnDevice(this, a);
  }
  resetParameters(): void { if (this.weight) init.ones_(this.weight); }
  override forward(input: Tensor): Tensor { return F.rmsNorm(input, this.normalizedShape, this.weight, this.eps); }
  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${this.eps === null ? "None" : pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}

export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(...args: Args<[size: number, alpha?: number, beta?: number, k?: number], { size?: number; alpha?: number; beta?: number; k?: number }>) {
    super();
    const a = bindCtor("LocalResponseNorm", args, ["size", "alpha", "beta", "k"], 1);
    this.size = a.size as number;
    this.alpha = (a.alpha as number | undefined) ?? 1e-4;
    this.beta = (a.beta as number | undefined) ?? 0.75;
    this.k = (a.k as number | undefined) ?? 1;
  }
  override forward(input: Tensor): Tensor { return F.localResponseNorm(input, this.size, this.alpha, this.beta, this.k); }
  override extraRepr(): string { return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`; }
}

