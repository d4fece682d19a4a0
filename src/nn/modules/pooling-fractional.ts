// FractionalMaxPool2d/3d: PyTorch's attributes (kernel_size, output_size, output_ratio as
// _pair/_triple, return_indices) and its `_random_samples` buffer, registered even when None.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, ntuple, pyRepr } from "./utils.js";

type IntOrTuple = number | number[];
type FloatOrTuple = number | number[];
interface FractionalOptions { kernelSize?: IntOrTuple; outputSize?: IntOrTuple | null; outputRatio?: FloatOrTuple | null; returnIndices?: boolean; _randomSamples?: Tensor | null }
type FractionalArgs = Args<[kernelSize: IntOrTuple, outputSize?: IntOrTuple | null, outputRatio?: FloatOrTuple | null, returnIndices?: boolean, _randomSamples?: Tensor | null], FractionalOptions>;
type FractionalFn = (input: Tensor, kernelSize: number[], outputSize: number[] | null, outputRatio: number[] | null, returnIndices: boolean, samples: Tensor | null) => Tensor | [Tensor, Tensor];

function floats(cls: string, v: unknown, k: number): number[] {
  if (typeof v === "number") return new Array<number>(k).fill(v);
  if (Array.isArray(v) && v.length === k && v.every((x) => typeof x === "number")) return [...(v as number[])];
  throw new Error(`${cls}: output_ratio must be a float or a tuple of ${k} floats, got ${pyRepr(v)}`);
}

abstract class FractionalMaxPoolNd extends Module {
  readonly kernelSize: number[];
  readonly returnIndices: boolean;
  readonly outputSize: number[] | null;
  readonly outputRatio: number[] | null;
  declare _random_samples: Tensor | null;
  protected abstract readonly fn: FractionalFn;
  constructor(cls: string, k: number, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["kernelSize", "outputSize", "outputRatio", "returnIndices", "_randomSamples"], 1);
    this.kernelSize = ntuple(cls, "kernelSize", a.kernelSize, k);
    this.returnIndices = (a.returnIndices as boolean | undefined) ?? false;
    this.registerBuffer("_random_samples", (a._randomSamples as Tensor | null | undefined) ?? null);
    this.outputSize = a.outputSize === undefined || a.outputSize === null ? null : ntuple(cls, "outputSize", a.outputSize, k);
    this.outputRatio = a.outputRatio === undefined || a.outputRatio === null ? null : floats(cls, a.outputRatio, k);
    if (this.outputSize === null && this.outputRatio === null) throw new Error(`${cls} requires specifying either an output size, or a pooling ratio`);
    if (this.outputSize !== null && this.outputRatio !== null) throw new Error("only one of output_size and output_ratio may be specified");
    if (this.outputRatio && !this.outputRatio.every((r) => r > 0 && r < 1)) throw new Error(`output_ratio must be between 0 and 1 (got ${pyRepr(a.outputRatio)})`);
  }
  /** The pooled output, or [output, indices] when constructed with returnIndices. */
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return this.fn(input, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, this._random_samples);
  }
}

export class FractionalMaxPool2d extends FractionalMaxPoolNd {
  protected readonly fn = F.fractionalMaxPool2d as FractionalFn;
  constructor(...args: FractionalArgs) { super("FractionalMaxPool2d", 2, args); }
}

export class FractionalMaxPool3d extends FractionalMaxPoolNd {
  protected readonly fn = F.fractionalMaxPool3d as FractionalFn;
  constructor(...args: FractionalArgs) { super("FractionalMaxPool3d", 3, args); }
}
