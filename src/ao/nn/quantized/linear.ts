// torch.ao.nn.quantized.Linear and .dynamic.Linear: a packed qint8 weight with a float bias; the
// static one maps a quint8 input to a quint8 output of its scale and zero point, the dynamic one
// maps float to float. State dict as PyTorch's: scale, zero_point, _packed_params.dtype and
// _packed_params._packed_params = (weight, bias).
import { Tensor } from "../../../core/tensor.js";
import { type DType, float16, float32, int64, qint8 } from "../../../core/dtype.js";
import { formatScalarForRepr } from "../../../core/printing.js";
import { Module } from "../../../nn/module.js";
import { Linear as FloatLinear } from "../../../nn/modules/linear.js";
import { tensor, zeros } from "../../../ops/creation.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { LinearPackedParams, fp16Refusal, quantizedLinear, quantizedLinearDynamic } from "../../../ops/quantized-linear.js";
import { LinearReLU as FusedLinearReLU } from "../intrinsic/fused.js";
import { outputQparams, qconfigOf, weightPostProcess } from "./float-observed.js";
import { quantizeWeight } from "./weight.js";

/** The state both Linear forms share: the packed weight and the output's scale and zero point. */
abstract class PackedLinear extends Module {
  scale = 1.0;
  zeroPoint = 0;
  /** @internal */ _packed: LinearPackedParams;
  constructor(readonly inFeatures: number, readonly outFeatures: number, bias = true, readonly dtype: DType = qint8) {
    super();
    if (dtype === float16) throw fp16Refusal();
    if (dtype !== qint8) throw new Error("Unsupported dtype specified for quantized Linear!");
    const w = quantizePerTensor(zeros(outFeatures, inFeatures), 1.0, 0, qint8);
    this._packed = new LinearPackedParams(w, bias ? zeros(outFeatures) : null);
  }
  /** The quantized weight. */
  weight(): Tensor { return this._packed.weight; }
  /** The float bias, or null. */
  bias(): Tensor | null { return this._packed.bias; }
  /** Packs a new qint8 weight and float bias. */
  setWeightBias(weight: Tensor, bias: Tensor | null): void { this._packed = new LinearPackedParams(weight, bias); }

  override _extraState(): [string, unknown][] {
    return [
      ["scale", tensor(this.scale, { dtype: float32 })], ["zero_point", tensor(this.zeroPoint, { dtype: int64 })],
      ["_packed_params.dtype", this.dtype], ["_packed_params._packed_params", [this._packed.weight, this._packed.bias]],
    ];
  }
  /** PyTorch's LinearPackedParams submodule is at version 3 (dtype and the (weight, bias) tuple). */
  override _extraVersions(): [string, number][] { return [["_packed_params", 3]]; }
  override _loadExtraState(get: (name: string) => unknown): void {
    const scale = get("scale"), zeroPoint = get("zero_point"), packed = get("_packed_params._packed_params");
    if (scale instanceof Tensor) this.scale = Number(scale.item());
    if (zeroPoint instanceof Tensor) this.zeroPoint = Number(zeroPoint.item());
    if (Array.isArray(packed)) this.setWeightBias(packed[0] as Tensor, (packed[1] as Tensor | null | undefined) ?? null);
  }
}

/** torch.ao.nn.quantized.Linear. */
export class Linear extends PackedLinear {
  override _getName(): string { return "QuantizedLinear"; }
  /** PyTorch's state-dict version (3: the packed (weight, bias) under _packed_params). */
  static _version = 3;
  /** @internal Whether the relu is fused (torch.ao.nn.intrinsic.quantized.LinearReLU). */
  protected readonly fusedRelu: boolean = false;
  override forward(x: Tensor): Tensor { return quantizedLinear(x, this._packed, this.scale, this.zeroPoint, this.fusedRelu); }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, scale=${formatScalarForRepr(this.scale, "float")}, zero_point=${this.zeroPoint}, qscheme=torch.${this._packed.weight.qscheme().name}`;
  }
  /** The quantized module of an observed float Linear (PyTorch's from_float). */
  static fromFloat(mod: Module): Linear {
    const float = floatLinearOf(mod, this.name);
    const q = qconfigOf(mod, this.name);
    const { scale, zeroPoint } = outputQparams(mod, this.name);
    const out = new this(float.inFeatures, float.outFeatures, float.bias !== null);
    // A QAT LinearBn1d folds its batch norm into weight and bias here, before they are read.
    const observer = weightPostProcess(mod, q);
    out.setWeightBias(quantizeWeight(float.weight, observer), float.bias?.detach().float() ?? null);
    out.scale = scale;
    out.zeroPoint = zeroPoint;
    return out;
  }
}

/** The float Linear inside a module to convert (a fused LinearReLU holds it first). */
function floatLinearOf(mod: Module, cls: string): FloatLinear {
  const inner = mod instanceof FusedLinearReLU ? mod.at(0) : mod;
  if (!(inner instanceof FloatLinear)) throw new Error(`${cls}.from_float: expected a torch.nn.Linear, got ${mod.constructor.name}`);
  return inner;
}

/** torch.ao.nn.quantized.dynamic.Linear: float in and out, activations quantized on the fly (7 bits). */
export class DynamicLinear extends PackedLinear {
  override _getName(): string { return "DynamicQuantizedLinear"; }
  /** PyTorch's state-dict version. */
  static _version = 4;
  override forward(x: Tensor): Tensor { return quantizedLinearDynamic(x, this._packed, true); }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, dtype=${this.dtype}, qscheme=torch.${this._packed.weight.qscheme().name}`;
  }
  /** The dynamic module of a float Linear with a qconfig (its weight observer). */
  static fromFloat(mod: Module): DynamicLinear {
    const float = floatLinearOf(mod, "DynamicLinear");
    const q = qconfigOf(mod, "DynamicLinear");
    const observer = q.weight();
    // A float16 weight observer makes a float16 module (PyTorch's from_float), which this build cannot pack.
    const dtype = (observer as { dtype?: DType }).dtype;
    if (dtype === float16) throw fp16Refusal();
    if (dtype !== undefined && dtype !== qint8) throw new Error(`The only supported dtypes for dynamic quantized linear are qint8 and float16 got: ${dtype}`);
    const out = new DynamicLinear(float.inFeatures, float.outFeatures, float.bias !== null);
    out.setWeightBias(quantizeWeight(float.weight, observer), float.bias?.detach().float() ?? null);
    return out;
  }
}

/** torch.ao.nn.intrinsic.quantized.LinearReLU: Linear with the relu fused (outputs at least the zero point). */
export class LinearReLU extends Linear {
  protected override readonly fusedRelu = true;
  override _getName(): string { return "QuantizedLinearReLU"; }
}
