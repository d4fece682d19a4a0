// Pooling modules: MaxPool, AvgPool, AdaptiveAvgPool, AdaptiveMaxPool, LPPool (1d to 3d) and
// MaxUnpool, with PyTorch's stored attributes (as given, or _single/_pair/_triple where PyTorch
// normalises them) and extra_repr.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, ntuple, pyRepr } from "./utils.js";

type IntOrTuple = number | number[];
type AdaptiveSize = number | (number | null)[];

// ---- max pooling ------------------------------------------------------------------------------

interface MaxPoolOptions { kernelSize?: IntOrTuple; stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; returnIndices?: boolean; ceilMode?: boolean }
type MaxPoolArgs = Args<[kernelSize: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, dilation?: IntOrTuple, returnIndices?: boolean, ceilMode?: boolean], MaxPoolOptions>;
type MaxPoolFn = (input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple, dilation: IntOrTuple, options: { ceilMode: boolean; returnIndices: boolean }) => Tensor | [Tensor, Tensor];

abstract class MaxPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;
  protected abstract readonly fn: MaxPoolFn;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["kernelSize", "stride", "padding", "dilation", "returnIndices", "ceilMode"], 1);
    this.kernelSize = a.kernelSize as IntOrTuple;
    this.stride = (a.stride as IntOrTuple | null | undefined) ?? this.kernelSize;
    this.padding = (a.padding as IntOrTuple | undefined) ?? 0;
    this.dilation = (a.dilation as IntOrTuple | undefined) ?? 1;
    this.returnIndices = (a.returnIndices as boolean | undefined) ?? false;
    this.ceilMode = (a.ceilMode as boolean | undefined) ?? false;
  }
  /** The pooled output, or [output, indices] when constructed with returnIndices. */
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return this.fn(input, this.kernelSize, this.stride, this.padding, this.dilation, { ceilMode: this.ceilMode, returnIndices: this.returnIndices });
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

export class MaxPool1d extends MaxPoolNd {
  protected readonly fn = F.maxPool1d as MaxPoolFn;
  constructor(...args: MaxPoolArgs) { super("MaxPool1d", args); }
}
export class MaxPool2d extends MaxPoolNd {
  protected readonly fn = F.maxPool2d as MaxPoolFn;
  constructor(...args: MaxPoolArgs) { super("MaxPool2d", args); }
}
export class MaxPool3d extends MaxPoolNd {
  protected readonly fn = F.maxPool3d as MaxPoolFn;
  constructor(...args: MaxPoolArgs) { super("MaxPool3d", args); }
}

// ---- average pooling --------------------------------------------------------------------------

interface AvgPoolOptions { kernelSize?: IntOrTuple; stride?: IntOrTuple | null; padding?: IntOrTuple; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }
type AvgPool1dArgs = Args<[kernelSize: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, ceilMode?: boolean, countIncludePad?: boolean], Omit<AvgPoolOptions, "divisorOverride">>;
type AvgPoolArgs = Args<[kernelSize: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null], AvgPoolOptions>;

export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(...args: AvgPool1dArgs) {
    super();
    const a = bindCtor("AvgPool1d", args, ["kernelSize", "stride", "padding", "ceilMode", "countIncludePad"], 1);
    this.kernelSize = ntuple("AvgPool1d", "kernelSize", a.kernelSize, 1);
    this.stride = ntuple("AvgPool1d", "stride", a.stride ?? a.kernelSize, 1);
    this.padding = ntuple("AvgPool1d", "padding", a.padding ?? 0, 1);
    this.ceilMode = (a.ceilMode as boolean | undefined) ?? false;
    this.countIncludePad = (a.countIncludePad as boolean | undefined) ?? true;
  }
  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  protected abstract readonly fn: typeof F.avgPool2d;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["kernelSize", "stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"], 1);
    this.kernelSize = a.kernelSize as IntOrTuple;
    this.stride = (a.stride as IntOrTuple | null | undefined) ?? this.kernelSize;
    this.padding = (a.padding as IntOrTuple | undefined) ?? 0;
    this.ceilMode = (a.ceilMode as boolean | undefined) ?? false;
    this.countIncludePad = (a.countIncludePad as boolean | undefined) ?? true;
    this.divisorOverride = (a.divisorOverride as number | null | undefined) ?? null;
  }
  override forward(input: Tensor): Tensor {
    return this.fn(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

export class AvgPool2d extends AvgPoolNd {
  protected readonly fn = F.avgPool2d;
  constructor(...args: AvgPoolArgs) { super("AvgPool2d", args); }
}
export class AvgPool3d extends AvgPoolNd {
  protected readonly fn = F.avgPool3d;
  constructor(...args: AvgPoolArgs) { super("AvgPool3d", args); }
}

// ---- adaptive pooling -------------------------------------------------------------------------

abstract class AdaptiveAvgPoolNd extends Module {
  readonly outputSize: AdaptiveSize;
  protected abstract readonly fn: (input: Tensor, outputSize: AdaptiveSize) => Tensor;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    this.outputSize = bindCtor(cls, args, ["outputSize"], 1).outputSize as AdaptiveSize;
  }
  override forward(input: Tensor): Tensor { return this.fn(input, this.outputSize); }
  override extraRepr(): string { return `output_size=${pyRepr(this.outputSize)}`; }
}

type AdaptiveArgs = Args<[outputSize: AdaptiveSize], { outputSize?: AdaptiveSize }>;

export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  protected readonly fn = F.adaptiveAvgPool1d;
  constructor(...args: AdaptiveArgs) { super("AdaptiveAvgPool1d", args); }
}
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  protected readonly fn = F.adaptiveAvgPool2d;
  constructor(...args: AdaptiveArgs) { super("AdaptiveAvgPool2d", args); }
}
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  protected readonly fn = F.adaptiveAvgPool3d;
  constructor(...args: AdaptiveArgs) { super("AdaptiveAvgPool3d", args); }
}

type AdaptiveMaxFn = (input: Tensor, outputSize: AdaptiveSize, returnIndices: boolean) => Tensor | [Tensor, Tensor];
type AdaptiveMaxArgs = Args<[outputSize: AdaptiveSize, returnIndices?: boolean], { outputSize?: AdaptiveSize; returnIndices?: boolean }>;

abstract class AdaptiveMaxPoolNd extends Module {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: boolean;
  protected abstract readonly fn: AdaptiveMaxFn;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["outputSize", "returnIndices"], 1);
    this.outputSize = a.outputSize as AdaptiveSize;
    this.returnIndices = (a.returnIndices as boolean | undefined) ?? false;
  }
  /** The pooled output, or [output, indices] when constructed with returnIndices. */
  override forward(input: Tensor): Tensor | [Tensor, Tensor] { return this.fn(input, this.outputSize, this.returnIndices); }
  override extraRepr(): string { return `output_size=${pyRepr(this.outputSize)}`; }
}

export class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {
  protected readonly fn = F.adaptiveMaxPool1d as AdaptiveMaxFn;
  constructor(...args: AdaptiveMaxArgs) { super("AdaptiveMaxPool1d", args); }
}
export class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {
  protected readonly fn = F.adaptiveMaxPool2d as AdaptiveMaxFn;
  constructor(...args: AdaptiveMaxArgs) { super("AdaptiveMaxPool2d", args); }
}
export class AdaptiveMaxPool3d extends AdaptiveMaxPoolNd {
  protected readonly fn = F.adaptiveMaxPool3d as AdaptiveMaxFn;
  constructor(...args: AdaptiveMaxArgs) { super("AdaptiveMaxPool3d", args); }
}

// ---- Lp pooling -------------------------------------------------------------------------------

type LPPoolArgs = Args<[normType: number, kernelSize: IntOrTuple, stride?: IntOrTuple | null, ceilMode?: boolean], { normType?: number; kernelSize?: IntOrTuple; stride?: IntOrTuple | null; ceilMode?: boolean }>;

abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple | null;
  readonly ceilMode: boolean;
  protected abstract readonly fn: typeof F.lpPool2d;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["normType", "kernelSize", "stride", "ceilMode"], 2);
    this.normType = a.normType as number;
    this.kernelSize = a.kernelSize as IntOrTuple;
    this.stride = (a.stride as IntOrTuple | null | undefined) ?? null;
    this.ceilMode = (a.ceilMode as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return this.fn(input, this.normType, this.kernelSize, this.stride, this.ceilMode); }
  override extraRepr(): string {
    return `norm_type=${pyRepr(this.normType)}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

export class LPPool1d extends LPPoolNd {
  protected readonly fn = F.lpPool1d;
  constructor(...args: LPPoolArgs) { super("LPPool1d", args); }
}
export class LPPool2d extends LPPoolNd {
  protected readonly fn = F.lpPool2d;
  constructor(...args: LPPoolArgs) { super("LPPool2d", args); }
}
export class LPPool3d extends LPPoolNd {
  protected readonly fn = F.lpPool3d;
  constructor(...args: LPPoolArgs) { super("LPPool3d", args); }
}

// ---- max unpooling ----------------------------------------------------------------------------

type MaxUnpoolArgs = Args<[kernelSize: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple], { kernelSize?: IntOrTuple; stride?: IntOrTuple | null; padding?: IntOrTuple }>;

abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  protected abstract readonly fn: typeof F.maxUnpool2d;
  constructor(cls: string, k: number, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["kernelSize", "stride", "padding"], 1);
    this.kernelSize = ntuple(cls, "kernelSize", a.kernelSize, k);
    this.stride = ntuple(cls, "stride", a.stride ?? a.kernelSize, k);
    this.padding = ntuple(cls, "padding", a.padding ?? 0, k);
  }
  override forward(input: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return this.fn(input, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

export class MaxUnpool1d extends MaxUnpoolNd {
  protected readonly fn = F.maxUnpool1d;
  constructor(...args: MaxUnpoolArgs) { super("MaxUnpool1d", 1, args); }
}
export class MaxUnpool2d extends MaxUnpoolNd {
  protected readonly fn = F.maxUnpool2d;
  constructor(...args: MaxUnpoolArgs) { super("MaxUnpool2d", 2, args); }
}
export class MaxUnpool3d extends MaxUnpoolNd {
  protected readonly fn = F.maxUnpool3d;
  constructor(...args: MaxUnpoolArgs) { super("MaxUnpool3d", 3, args); }
}
