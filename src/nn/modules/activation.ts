// The activations of torch.nn (PyTorch's activation.py, less MultiheadAttention: attention.ts).
// Each module keeps PyTorch's attributes and extra_repr, and calls torch.nn.functional.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { empty } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice, pyFloat, pyRepr } from "./utils.js";

interface InplaceOptions { inplace?: boolean }
type InplaceArgs = Args<[inplace?: boolean], InplaceOptions>;

function inplaceArg(cls: string, args: readonly unknown[]): boolean {
  const a = bindCtor(cls, args, ["inplace"]);
  const v = a.inplace ?? false;
  if (typeof v !== "boolean") throw new Error(`${cls}: inplace must be a bool, got ${pyRepr(v)}`);
  return v;
}

function num(cls: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number") throw new Error(`${cls}: ${name} must be a number, got ${pyRepr(v)}`);
  return v;
}

const inplaceRepr = (inplace: boolean, lead: boolean): string => (inplace ? (lead ? ", inplace=True" : "inplace=True") : "");

/** A module with only an `inplace` flag. */
abstract class InplaceActivation extends Module {
  inplace: boolean;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    this.inplace = inplaceArg(cls, args);
  }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}

// ---- the relu family ------------------------------------------------------------------------

export class Threshold extends Module {
  threshold: number;
  value: number;
  inplace: boolean;
  constructor(...args: Args<[threshold: number, value: number, inplace?: boolean], { threshold?: number; value?: number; inplace?: boolean }>) {
    super();
    const a = bindCtor("Threshold", args, ["threshold", "value", "inplace"], 2);
    this.threshold = num("Threshold", "threshold", a.threshold, 0);
    this.value = num("Threshold", "value", a.value, 0);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return F.threshold(input, this.threshold, this.value, this.inplace); }
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceRepr(this.inplace, true)}`;
  }
}

export class ReLU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("ReLU", args); }
  override forward(input: Tensor): Tensor { return F.relu(input, this.inplace); }
}

export class RReLU extends Module {
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(...args: Args<[lower?: number, upper?: number, inplace?: boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super();
    const a = bindCtor("RReLU", args, ["lower", "upper", "inplace"]);
    this.lower = num("RReLU", "lower", a.lower, 1 / 8);
    this.upper = num("RReLU", "upper", a.upper, 1 / 3);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return F.rrelu(input, this.lower, this.upper, this.training, this.inplace); }
  override extraRepr(): string { return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceRepr(this.inplace, true)}`; }
}

interface HardtanhOptions { minVal?: number; maxVal?: number; inplace?: boolean }

export class Hardtanh extends Module {
  minVal: number;
  maxVal: number;
  inplace: boolean;
  constructor(...args: Args<[minVal?: number, maxVal?: number, inplace?: boolean], HardtanhOptions>) {
    super();
    const a = bindCtor(new.target.name, args, ["minVal", "maxVal", "inplace"]);
    this.minVal = num("Hardtanh", "min_val", a.minVal, -1);
    this.maxVal = num("Hardtanh", "max_val", a.maxVal, 1);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
    if (!(this.maxVal > this.minVal)) throw new Error("Hardtanh: max_val must be greater than min_val");
  }
  override forward(input: Tensor): Tensor { return F.hardtanh(input, this.minVal, this.maxVal, this.inplace); }
  override extraRepr(): string { return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceRepr(this.inplace, true)}`; }
}

export class ReLU6 extends Hardtanh {
  constructor(...args: InplaceArgs) { super(0, 6, inplaceArg("ReLU6", args)); }
  override extraRepr(): string { return inplaceRepr(this.inplace, false); }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor { return F.sigmoid(input); }
}

export class Hardsigmoid extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("Hardsigmoid", args); }
  override forward(input: Tensor): Tensor { return F.hardsigmoid(input, this.inplace); }
  override extraRepr(): string { return ""; }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor { return F.tanh(input); }
}

export class SiLU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("SiLU", args); }
  override forward(input: Tensor): Tensor { return F.silu(input, this.inplace); }
}

export class Mish extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("Mish", args); }
  override forward(input: Tensor): Tensor { return F.mish(input, this.inplace); }
}

export class Hardswish extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("Hardswish", args); }
  override forward(input: Tensor): Tensor { return F.hardswish(input, this.inplace); }
  override extraRepr(): string { return ""; }
}

interface AlphaOptions { alpha?: number; inplace?: boolean }

export class ELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(...args: Args<[alpha?: number, inplace?: boolean], AlphaOptions>) {
    super();
    const a = bindCtor("ELU", args, ["alpha", "inplace"]);
    this.alpha = num("ELU", "alpha", a.alpha, 1);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return F.elu(input, this.alpha, this.inplace); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace, true)}`; }
}

export class CELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(...args: Args<[alpha?: number, inplace?: boolean], AlphaOptions>) {
    super();
    const a = bindCtor("CELU", args, ["alpha", "inplace"]);
    this.alpha = num("CELU", "alpha", a.alpha, 1);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return F.celu(input, this.alpha, this.inplace); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace, true)}`; }
}

export class SELU extends InplaceActivation {
  constructor(...args: InplaceArgs) { super("SELU", args); }
  override forward(input: Tensor): Tensor { return F.selu(input, this.inplace); }
}

export class GLU extends Module {
  dim: number;
  constructor(...args: Args<[dim?: number], { dim?: number }>) {
    super();
    this.dim = (bindCtor("GLU", args, ["dim"]).dim as number | undefined) ?? -1;
  }
  override forward(input: Tensor): Tensor { return F.glu(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

export class GELU extends Module {
  approximate: "none" | "tanh";
  constructor(...args: Args<[approximate?: "none" | "tanh"], { approximate?: "none" | "tanh" }>) {
    super();
    this.approximate = (bindCtor("GELU", args, ["approximate"]).approximate as "none" | "tanh" | undefined) ?? "none";
  }
  override forward(input: Tensor): Tensor { return F.gelu(input, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate=${pyRepr(this.approximate)}`; }
}

export class Hardshrink extends Module {
  lambd: number;
  constructor(...args: Args<[lambd?: number], { lambd?: number }>) {
    super();
    this.lambd = num("Hardshrink", "lambd", bindCtor("Hardshrink", args, ["lambd"]).lambd, 0.5);
  }
  override forward(input: Tensor): Tensor { return F.hardshrink(input, this.lambd); }
  override extraRepr(): string { return pyFloat(this.lambd); }
}

export class LeakyReLU extends Module {
  negativeSlope: number;
  inplace: boolean;
  constructor(...args: Args<[negativeSlope?: number, inplace?: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const a = bindCtor("LeakyReLU", args, ["negativeSlope", "inplace"]);
    this.negativeSlope = num("LeakyReLU", "negative_slope", a.negativeSlope, 1e-2);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor { return F.leakyRelu(input, this.negativeSlope, this.inplace); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceRepr(this.inplace, true)}`; }
}

export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor { return F.logsigmoid(input); }
}

export class Softplus extends Module {
  beta: number;
  threshold: number;
  constructor(...args: Args<[beta?: number, threshold?: number], { beta?: number; threshold?: number }>) {
    super();
    const a = bindCtor("Softplus", args, ["beta", "threshold"]);
    this.beta = num("Softplus", "beta", a.beta, 1);
    this.threshold = num("Softplus", "threshold", a.threshold, 20);
  }
  override forward(input: Tensor): Tensor { return F.softplus(input, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`; }
}

export class Softshrink extends Module {
  lambd: number;
  constructor(...args: Args<[lambd?: number], { lambd?: number }>) {
    super();
    this.lambd = num("Softshrink", "lambd", bindCtor("Softshrink", args, ["lambd"]).lambd, 0.5);
  }
  override forward(input: Tensor): Tensor { return F.softshrink(input, this.lambd); }
  override extraRepr(): string { return pyFloat(this.lambd); }
}

interface PReLUOptions extends FactoryOptions { numParameters?: number; init?: number }

export class PReLU extends Module {
  readonly numParameters: number;
  readonly init: number;
  weight: Parameter;
  constructor(...args: Args<[numParameters?: number, init?: number], PReLUOptions>) {
    super();
    const a = bindCtor("PReLU", args, ["numParameters", "init", "device", "dtype"]);
    const n = (a.numParameters as number | undefined) ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`PReLU: num_parameters must be a positive integer, got ${pyRepr(n)}`);
    this.numParameters = n;
    this.init = num("PReLU", "init", a.init, 0.25);
    this.weight = new Parameter(empty([n], factory(a)));
    this.resetParameters();
    placeOnDevice(this, a);
  }
  resetParameters(): void { init.constant_(this.weight, this.init); }
  override forward(input: Tensor): Tensor { return F.prelu(input, this.weight); }
  override extraRepr(): string { return `num_parameters=${this.numParameters}`; }
}

export class Softsign extends Module {
  override forward(input: Tensor): Tensor { return F.softsign(input); }
}

export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor { return F.tanhshrink(input); }
}

// ---- softmax family -------------------------------------------------------------------------

type DimArgs = Args<[dim?: number | null], { dim?: number | null }>;

function dimArg(cls: string, args: readonly unknown[]): number | null {
  const d = bindCtor(cls, args, ["dim"]).dim;
  if (d !== undefined && d !== null && (typeof d !== "number" || !Number.isInteger(d))) throw new Error(`${cls}: dim must be an int or None, got ${pyRepr(d)}`);
  return (d as number | null | undefined) ?? null;
}

export class Softmin extends Module {
  dim: number | null;
  constructor(...args: DimArgs) { super(); this.dim = dimArg("Softmin", args); }
  override forward(input: Tensor): Tensor { return F.softmin(input, this.dim, 5); }
  override extraRepr(): string { return `dim=${pyRepr(this.dim)}`; }
}

export class Softmax extends Module {
  dim: number | null;
  constructor(...args: DimArgs) { super(); this.dim = dimArg("Softmax", args); }
  override forward(input: Tensor): Tensor { return F.softmax(input, this.dim, 5); }
  override extraRepr(): string { return `dim=${pyRepr(this.dim)}`; }
}

export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3 && input.dim() !== 4) throw new Error(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return F.softmax(input, -3, 5);
  }
}

export class LogSoftmax extends Module {
  dim: number | null;
  constructor(...args: DimArgs) { super(); this.dim = dimArg("LogSoftmax", args); }
  override forward(input: Tensor): Tensor { return F.logSoftmax(input, this.dim, 5); }
  override extraRepr(): string { return `dim=${pyRepr(this.dim)}`; }
}
