// Identity, Linear, LazyLinear, Bilinear: PyTorch's modules and default initialisation.

import { isNested } from "../../core/nested-kind.js";
import { Tensor } from "../../core/tensor.js";
import { requireTensor } from "../../ops/pointwise-util.js";
import { type DTypeLike } from "../../core/dtype.js";
import { empty } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter, UninitializedParameter } from "../parameter.js";
import { hasUninitializedParams, inferParameters, placeholderFactory } from "../lazy.js";
import * as init from "../init.js";
import { linear, bilinear } from "../functional/linear.js";
import { bindArgs } from "../../ops/args.js";
import { placeOnDevice } from "./utils.js";

export interface FactoryKw { device?: string | null; dtype?: DTypeLike | null }

export function factoryKw(o: Record<string, unknown>): { dtype?: DTypeLike } {
  return o.dtype ? { dtype: o.dtype as DTypeLike } : {};
}

export class Identity extends Module {
  constructor(..._args: unknown[]) { super(); }
  override forward(input: Tensor): Tensor { return input; }
}

export interface LinearOptions extends FactoryKw { bias?: boolean }

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;
  constructor(inFeatures: number, outFeatures: number, bias: boolean | LinearOptions = true, options: LinearOptions = {}) {
    super();
    const o = typeof bias === "object" ? bindArgs("Linear", [bias], [], ["bias", "device", "dtype"]) : { ...options, bias };
    for (const [n, v] of [["in_features", inFeatures], ["out_features", outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Linear: ${n} must be a non-negative integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures], factoryKw(o)));
    this.bias = null;
    if (o.bias ?? true) this.bias = new Parameter(empty([outFeatures], factoryKw(o)));
    else this.registerParameter("bias", null);
    this.resetParameters();
    placeOnDevice(this, o);
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor)) requireTensor("linear", "input", 1, input);
    if (!isNested(input) && input.shape[input.dim() - 1] !== this.inFeatures) {
      throw new Error(`Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): expected input with last dimension ${this.inFeatures}, got shape [${input.shape.join(", ")}]`);
    }
    return linear(input, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }
}

export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, bias: boolean | LinearOptions = true, options: LinearOptions = {}) {
    super();
    const o = typeof bias === "object" ? bias : { ...options, bias };
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], factoryKw(o as Record<string, unknown>)));
    this.bias = null;
    if (o.bias ?? true) this.bias = new Parameter(empty([outFeatures], factoryKw(o as Record<string, unknown>)));
    else this.registerParameter("bias", null);
    this.resetParameters();
    placeOnDevice(this, o as Record<string, unknown>);
  }
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }
  override forward(input1: Tensor, input2: Tensor): Tensor { return bilinear(input1, input2, this.weight, this.bias); }
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }
}

/**
 * nn.LazyLinear(out_features, bias=True): a Linear whose in_features is the last dim of its first
 * input. Until then weight (and bias) are UninitializedParameters; the first call materializes
 * them as (out_features, in_features) in place, initialises them as Linear does (drawing from the
 * random stream at that moment), and the module then becomes a Linear (PyTorch's cls_to_become).
 */
export class LazyLinear extends Linear {
  constructor(outFeatures: number, bias: boolean | LinearOptions = true, options: LinearOptions = {}) {
    // Linear(0, 0, False) draws no random numbers, as PyTorch's LazyLinear constructor.
    super(0, 0, false);
    const o = typeof bias === "object" ? bindArgs("LazyLinear", [bias], [], ["bias", "device", "dtype"]) : { ...options, bias };
    if (!Number.isInteger(outFeatures) || outFeatures < 0) throw new Error(`LazyLinear: out_features must be a non-negative integer, got ${outFeatures}`);
    (this as { outFeatures: number }).outFeatures = outFeatures;
    this.weight = new UninitializedParameter(true, placeholderFactory(o));
    if (o.bias ?? true) this.bias = new UninitializedParameter(true, placeholderFactory(o));
  }
  /** Whether the first call has yet to make the parameters. */
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void {
    if (!hasUninitializedParams(this) && this.inFeatures !== 0) super.resetParameters();
  }
  /** PyTorch's initialize_parameters: in_features from the input, then Linear's initialisation. */
  initializeParameters(input: Tensor): void {
    const inFeatures = input.shape[input.dim() - 1];
    if (inFeatures === undefined) throw new Error("LazyLinear: expected an input with at least 1 dimension, got a 0-d tensor");
    (this as { inFeatures: number }).inFeatures = inFeatures;
    (this.weight as UninitializedParameter).materialize([this.outFeatures, inFeatures]);
    if (this.bias) (this.bias as UninitializedParameter).materialize([this.outFeatures]);
    this.resetParameters();
  }
  override forward(input: Tensor): Tensor {
    inferParameters(this, Linear, () => this.initializeParameters(input), () => { (this as { inFeatures: number }).inFeatures = this.weight.shape[1]!; });
    return super.forward(input);
  }
}
