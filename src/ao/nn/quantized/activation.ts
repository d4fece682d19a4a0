// torch.ao.nn.quantized's Quantize, DeQuantize and activations on quantized tensors.
import type { Tensor } from "../../../core/tensor.js";
import { type DType, float32, int64, toDType } from "../../../core/dtype.js";
import { formatScalarForRepr } from "../../../core/printing.js";
import { Module } from "../../../nn/module.js";
import { tensor } from "../../../ops/creation.js";
import { dequantize, quantizePerTensor } from "../../../ops/quantize.js";
import { quantizedHardswish, quantizedLeakyRelu, quantizedRelu6, quantizedSigmoid } from "../../../ops/quantized-elementwise.js";
import { assignQuantized } from "../../../ops/quantized-engine.js";
import type { Observed } from "./float-observed.js";
import { outputQparams } from "./float-observed.js";

/** torch.ao.nn.quantized.Quantize(scale, zero_point, dtype): buffers scale and zero_point. */
export class Quantize extends Module {
  declare scale: Tensor;
  declare zero_point: Tensor;
  readonly dtype: DType;
  constructor(scale: number, zeroPoint: number, dtype: DType | "quint8" | "qint8" | "qint32") {
    super();
    this.registerBuffer("scale", tensor([scale], { dtype: float32 }));
    this.registerBuffer("zero_point", tensor([zeroPoint], { dtype: int64 }));
    this.dtype = toDType(dtype);
  }
  override forward(x: Tensor): Tensor { return quantizePerTensor(x, Number(this.scale.get(0).item()), Number(this.zero_point.get(0).item()), this.dtype); }
  override extraRepr(): string { return `scale=${this.scale}, zero_point=${this.zero_point}, dtype=${this.dtype}`; }
  /** From an observed QuantStub: its observer's scale, zero point and dtype. */
  static fromFloat(mod: Module): Quantize {
    const { scale, zeroPoint } = outputQparams(mod, "Quantize");
    return new Quantize(scale, zeroPoint, (mod as Module & Observed).activation_post_process!.dtype);
  }
}

/** torch.ao.nn.quantized.DeQuantize. */
export class DeQuantize extends Module {
  override forward(x: Tensor): Tensor { return dequantize(x); }
  static fromFloat(_mod: Module): DeQuantize { return new DeQuantize(); }
}

/** torch.ao.nn.quantized.ReLU6(inplace=False). */
export class ReLU6 extends Module {
  override _getName(): string { return "QuantizedReLU6"; }
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return this.inplace ? assignQuantized(x, quantizedRelu6(x)) : quantizedRelu6(x); }
  static fromFloat(mod: Module): ReLU6 { return new ReLU6((mod as Module & { inplace?: boolean }).inplace ?? false); }
}

/** torch.ao.nn.quantized.Hardswish(scale, zero_point): the output's parameters. */
export class Hardswish extends Module {
  override _getName(): string { return "QuantizedHardswish"; }
  constructor(public scale: number, public zeroPoint: number) { super(); }
  override forward(x: Tensor): Tensor { return quantizedHardswish(x, this.scale, this.zeroPoint); }
  static fromFloat(mod: Module): Hardswish { const q = outputQparams(mod, "Hardswish"); return new Hardswish(q.scale, q.zeroPoint); }
}

/** torch.ao.nn.quantized.LeakyReLU(scale, zero_point, negative_slope=0.01). */
export class LeakyReLU extends Module {
  override _getName(): string { return "QuantizedLeakyReLU"; }
  constructor(public scale: number, public zeroPoint: number, readonly negativeSlope = 0.01) { super(); }
  override forward(x: Tensor): Tensor { return quantizedLeakyRelu(x, this.negativeSlope, this.scale, this.zeroPoint); }
  override extraRepr(): string { return `negative_slope=${formatScalarForRepr(this.negativeSlope, "float")}`; }
  static fromFloat(mod: Module): LeakyReLU {
    const q = outputQparams(mod, "LeakyReLU");
    return new LeakyReLU(q.scale, q.zeroPoint, (mod as Module & { negativeSlope?: number }).negativeSlope ?? 0.01);
  }
}

/** torch.ao.nn.quantized.Sigmoid(output_scale, output_zero_point). */
export class Sigmoid extends Module {
  constructor(public outputScale: number, public outputZeroPoint: number) { super(); }
  override forward(x: Tensor): Tensor { return quantizedSigmoid(x, this.outputScale, this.outputZeroPoint); }
  static fromFloat(mod: Module): Sigmoid { const q = outputQparams(mod, "Sigmoid"); return new Sigmoid(q.scale, q.zeroPoint); }
}
