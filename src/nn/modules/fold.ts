// Fold and Unfold (col2im / im2col), through F.fold and F.unfold.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, pyRepr } from "./utils.js";

type IntOrTuple = number | number[];
interface UnfoldOptions { kernelSize?: IntOrTuple; dilation?: IntOrTuple; padding?: IntOrTuple; stride?: IntOrTuple }

export class Fold extends Module {
  readonly outputSize: IntOrTuple;
  readonly kernelSize: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly stride: IntOrTuple;
  constructor(...args: Args<[outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation?: IntOrTuple, padding?: IntOrTuple, stride?: IntOrTuple], UnfoldOptions & { outputSize?: IntOrTuple }>) {
    super();
    const a = bindCtor("Fold", args, ["outputSize", "kernelSize", "dilation", "padding", "stride"], 2);
    this.outputSize = a.outputSize as IntOrTuple;
    this.kernelSize = a.kernelSize as IntOrTuple;
    this.dilation = (a.dilation as IntOrTuple | undefined) ?? 1;
    this.padding = (a.padding as IntOrTuple | undefined) ?? 0;
    this.stride = (a.stride as IntOrTuple | undefined) ?? 1;
  }
  override forward(input: Tensor): Tensor { return F.fold(input, this.outputSize, this.kernelSize, this.dilation, this.padding, this.stride); }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}, kernel_size=${pyRepr(this.kernelSize)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}

export class Unfold extends Module {
  readonly kernelSize: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly stride: IntOrTuple;
  constructor(...args: Args<[kernelSize: IntOrTuple, dilation?: IntOrTuple, padding?: IntOrTuple, stride?: IntOrTuple], UnfoldOptions>) {
    super();
    const a = bindCtor("Unfold", args, ["kernelSize", "dilation", "padding", "stride"], 1);
    this.kernelSize = a.kernelSize as IntOrTuple;
    this.dilation = (a.dilation as IntOrTuple | undefined) ?? 1;
    this.padding = (a.padding as IntOrTuple | undefined) ?? 0;
    this.stride = (a.stride as IntOrTuple | undefined) ?? 1;
  }
  override forward(input: Tensor): Tensor { return F.unfold(input, this.kernelSize, this.dilation, this.padding, this.stride); }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}
