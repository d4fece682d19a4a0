// LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d: num_features read from the first input
// (PyTorch's _LazyNormBase: input.shape[1]). Built as the eager class with 0 features and neither
// affine parameters nor running statistics, then given UninitializedParameter/UninitializedBuffer
// placeholders; the first call checks the input's dims, materializes them, resets them as the
// eager module does and turns the module into the eager class.

import type { Tensor } from "../../core/tensor.js";
import { int64 } from "../../core/dtype.js";
import { type Args } from "../../ops/args.js";
import { tensor } from "../../ops/creation.js";
import { UninitializedBuffer, UninitializedParameter, type UninitializedOptions } from "../parameter.js";
import { hasUninitializedParams, inferParameters, placeholderFactory } from "../lazy.js";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, type NormOptions, type _NormBase } from "./normalization.js";
import { bindCtor } from "./utils.js";

type LazyNormArgs = Args<[eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean], NormOptions>;
const LAZY_NORM_NAMES = ["eps", "momentum", "affine", "trackRunningStats", "device", "dtype"];

/** The constructor's arguments, bound once: the eager class's (0 features, affine and running statistics off) and the lazy settings. */
interface LazyNormSettings { eager: NormOptions; affine: boolean; track: boolean; factory: UninitializedOptions }

function bindLazyNorm(cls: string, args: readonly unknown[]): LazyNormSettings {
  const a = bindCtor(cls, args, LAZY_NORM_NAMES);
  const rest = Object.fromEntries(Object.entries(a).filter(([k, v]) => v !== undefined && k !== "affine" && k !== "trackRunningStats"));
  return {
    eager: { ...rest, affine: false, trackRunningStats: false },
    affine: (a.affine as boolean | undefined) ?? true,
    track: (a.trackRunningStats as boolean | undefined) ?? true,
    factory: placeholderFactory(a),
  };
}

/** Turns affine / running statistics back on, as placeholders (both default to true here). */
function makeLazy(m: _NormBase, { affine, track, factory: f }: LazyNormSettings): void {
  (m as { affine: boolean }).affine = affine;
  (m as { trackRunningStats: boolean }).trackRunningStats = track;
  if (affine) {
    m.weight = new UninitializedParameter(true, f);
    m.bias = new UninitializedParameter(true, f);
  }
  if (track) {
    m.running_mean = new UninitializedBuffer(false, f);
    m.running_var = new UninitializedBuffer(false, f);
    m.num_batches_tracked = tensor(0, { dtype: int64, ...(f.device ? { device: f.device } : {}) });
  }
}

/** PyTorch's _LazyNormBase.initialize_parameters (after the eager input-dims check). */
function initializeNorm(m: _NormBase, input: Tensor): void {
  const n = input.shape[1];
  if (n === undefined) throw new Error(`${m.constructor.name}: expected an input with at least 2 dimensions, got ${input.dim()}D input`);
  (m as { numFeatures: number }).numFeatures = n;
  if (m.affine) {
    (m.weight as UninitializedParameter).materialize([n]);
    (m.bias as UninitializedParameter).materialize([n]);
  }
  if (m.trackRunningStats) {
    (m.running_mean as UninitializedBuffer).materialize([n]);
    (m.running_var as UninitializedBuffer).materialize([n]);
  }
  m.resetParameters();
}

/** num_features from tensors that loadStateDict materialized (none: it stays 0, as PyTorch's). */
function featuresFromShapes(m: _NormBase): void {
  const t = m.weight ?? m.running_mean;
  if (t) (m as { numFeatures: number }).numFeatures = t.shape[0]!;
}

function ready(m: _NormBase): boolean { return !hasUninitializedParams(m) && m.numFeatures !== 0; }

export class LazyBatchNorm1d extends BatchNorm1d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyBatchNorm1d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, BatchNorm1d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}

export class LazyBatchNorm2d extends BatchNorm2d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyBatchNorm2d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, BatchNorm2d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}

export class LazyBatchNorm3d extends BatchNorm3d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyBatchNorm3d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, BatchNorm3d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}

export class LazyInstanceNorm1d extends InstanceNorm1d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyInstanceNorm1d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, InstanceNorm1d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}

export class LazyInstanceNorm2d extends InstanceNorm2d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyInstanceNorm2d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, InstanceNorm2d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}

export class LazyInstanceNorm3d extends InstanceNorm3d {
  constructor(...args: LazyNormArgs) { const settings = bindLazyNorm("LazyInstanceNorm3d", args); super(0, settings.eager); makeLazy(this, settings); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { this.checkInputDim(input); initializeNorm(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, InstanceNorm3d, () => this.initializeParameters(input), () => featuresFromShapes(this)); return super.forward(input); }
}
