// Padding modules: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad in 1 to 3
// dims. `padding` is stored as PyTorch does: (left, right[, top, bottom[, front, back]]).

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, ntuple, pyFloat, pyRepr } from "./utils.js";

type PadMode = "constant" | "reflect" | "replicate" | "circular";
type PadArgs = Args<[padding: number | number[]], { padding?: number | number[] }>;
type ConstantPadArgs = Args<[padding: number | number[], value: number], { padding?: number | number[]; value?: number }>;

abstract class PadNd extends Module {
  readonly padding: number[];
  protected abstract readonly mode: PadMode;
  /** Spatial dims (1, 2 or 3): the input must have k+1 or k+2 dims. */
  protected readonly k: number;
  constructor(cls: string, k: number, padding: unknown) {
    super();
    this.k = k;
    this.padding = ntuple(cls, "padding", padding, 2 * k);
  }
  protected checkInput(input: Tensor): void {
    const d = input.dim();
    if (d !== this.k + 1 && d !== this.k + 2) throw new Error(`${this.constructor.name}: expected ${this.k + 1}D or ${this.k + 2}D input (got ${d}D input)`);
  }
  protected padValue(): number | undefined { return undefined; }
  override forward(input: Tensor): Tensor {
    this.checkInput(input);
    return F.pad(input, this.padding, this.mode, this.padValue());
  }
  override extraRepr(): string { return pyRepr(this.padding); }
}

abstract class ConstantPadNd extends PadNd {
  protected readonly mode = "constant";
  readonly value: number;
  constructor(cls: string, k: number, args: readonly unknown[]) {
    const a = bindCtor(cls, args, ["padding", "value"], 2);
    super(cls, k, a.padding);
    if (typeof a.value !== "number") throw new Error(`${cls}: value must be a number, got ${pyRepr(a.value)}`);
    this.value = a.value;
  }
  protected override padValue(): number { return this.value; }
  protected override checkInput(): void { /* F.pad checks the dims for constant padding */ }
  override extraRepr(): string { return `padding=${pyRepr(this.padding)}, value=${pyFloat(this.value)}`; }
}

export class ConstantPad1d extends ConstantPadNd { constructor(...args: ConstantPadArgs) { super("ConstantPad1d", 1, args); } }
export class ConstantPad2d extends ConstantPadNd { constructor(...args: ConstantPadArgs) { super("ConstantPad2d", 2, args); } }
export class ConstantPad3d extends ConstantPadNd { constructor(...args: ConstantPadArgs) { super("ConstantPad3d", 3, args); } }

abstract class ZeroPadNd extends ConstantPadNd {
  constructor(cls: string, k: number, args: readonly unknown[]) {
    const a = bindCtor(cls, args, ["padding"], 1);
    super(cls, k, [a.padding, 0]);
  }
  override extraRepr(): string { return pyRepr(this.padding); }
}

export class ZeroPad1d extends ZeroPadNd { constructor(...args: PadArgs) { super("ZeroPad1d", 1, args); } }
export class ZeroPad2d extends ZeroPadNd { constructor(...args: PadArgs) { super("ZeroPad2d", 2, args); } }
export class ZeroPad3d extends ZeroPadNd { constructor(...args: PadArgs) { super("ZeroPad3d", 3, args); } }

abstract class ModePadNd extends PadNd {
  constructor(cls: string, k: number, args: readonly unknown[]) {
    super(cls, k, bindCtor(cls, args, ["padding"], 1).padding);
  }
}

abstract class ReflectionPadNd extends ModePadNd {
  protected readonly mode = "reflect";
  protected override checkInput(): void { /* F.pad gives PyTorch's reflection_pad errors */ }
}
export class ReflectionPad1d extends ReflectionPadNd { constructor(...args: PadArgs) { super("ReflectionPad1d", 1, args); } }
export class ReflectionPad2d extends ReflectionPadNd { constructor(...args: PadArgs) { super("ReflectionPad2d", 2, args); } }
export class ReflectionPad3d extends ReflectionPadNd { constructor(...args: PadArgs) { super("ReflectionPad3d", 3, args); } }

abstract class ReplicationPadNd extends ModePadNd {
  protected readonly mode = "replicate";
  protected override checkInput(): void { /* F.pad gives PyTorch's replication_pad errors */ }
}
export class ReplicationPad1d extends ReplicationPadNd { constructor(...args: PadArgs) { super("ReplicationPad1d", 1, args); } }
export class ReplicationPad2d extends ReplicationPadNd { constructor(...args: PadArgs) { super("ReplicationPad2d", 2, args); } }
export class ReplicationPad3d extends ReplicationPadNd { constructor(...args: PadArgs) { super("ReplicationPad3d", 3, args); } }

abstract class CircularPadNd extends ModePadNd {
  protected readonly mode = "circular";
}
export class CircularPad1d extends CircularPadNd { constructor(...args: PadArgs) { super("CircularPad1d", 1, args); } }
export class CircularPad2d extends CircularPadNd { constructor(...args: PadArgs) { super("CircularPad2d", 2, args); } }
export class CircularPad3d extends CircularPadNd { constructor(...args: PadArgs) { super("CircularPad3d", 3, args); } }
