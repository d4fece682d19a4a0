// torch.ao.nn.quantized.FloatFunctional and QFunctional: modules for the tensor ops of a model
// (add, mul, cat, ...) so that prepare can observe their outputs and convert can swap the float
// module for the quantized one, whose outputs take the observed scale and zero point.
import { Tensor } from "../../../core/tensor.js";
import { float32, int64 } from "../../../core/dtype.js";
import { formatScalarForRepr } from "../../../core/printing.js";
import { Module } from "../../../nn/module.js";
import { Identity } from "../../../nn/modules/linear.js";
import { tensor } from "../../../ops/creation.js";
import { add as torchAdd, mul as torchMul } from "../../../ops/arithmetic.js";
import { cat as torchCat } from "../../../ops/shape-join.js";
import { relu } from "../../../ops/activation.js";
import { quantizedAdd, quantizedAddScalar, quantizedCat, quantizedMul, quantizedMulScalar } from "../../../ops/quantized-elementwise.js";
import { outputQparams } from "./float-observed.js";

/** torch.ao.nn.quantized.FloatFunctional: float ops whose outputs pass its activation_post_process. */
export class FloatFunctional extends Module {
  activation_post_process: Module = new Identity();
  override forward(): never {
    throw new Error("FloatFunctional is not intended to use the 'forward'. Please use the underlying operation");
  }
  private observe(t: Tensor): Tensor { return (this.activation_post_process as Identity).call(t); }
  add(x: Tensor, y: Tensor): Tensor { return this.observe(torchAdd(x, y)); }
  /** x + a number (not observed, as PyTorch). */
  addScalar(x: Tensor, y: number): Tensor { return torchAdd(x, y); }
  mul(x: Tensor, y: Tensor): Tensor { return this.observe(torchMul(x, y)); }
  /** x * a number (not observed, as PyTorch). */
  mulScalar(x: Tensor, y: number): Tensor { return torchMul(x, y); }
  cat(x: Tensor[], dim = 0): Tensor { return this.observe(torchCat(x, dim)); }
  addRelu(x: Tensor, y: Tensor): Tensor { return this.observe(relu(torchAdd(x, y))); }
}

/** torch.ao.nn.quantized.QFunctional: the quantized ops with the module's output scale and zero point. */
export class QFunctional extends Module {
  scale = 1.0;
  zeroPoint = 0;
  activation_post_process: Module = new Identity();
  override forward(): never {
    throw new Error("Functional is not intended to use the 'forward'. Please use the underlying operation");
  }
  add(x: Tensor, y: Tensor): Tensor { return quantizedAdd(x, y, this.scale, this.zeroPoint); }
  addScalar(x: Tensor, y: number): Tensor { return quantizedAddScalar(x, y); }
  mul(x: Tensor, y: Tensor): Tensor { return quantizedMul(x, y, this.scale, this.zeroPoint); }
  mulScalar(x: Tensor, y: number): Tensor { return quantizedMulScalar(x, y); }
  cat(x: Tensor[], dim = 0): Tensor { return quantizedCat(x, dim, this.scale, this.zeroPoint); }
  addRelu(x: Tensor, y: Tensor): Tensor { return quantizedAdd(x, y, this.scale, this.zeroPoint, true); }
  override extraRepr(): string { return `scale=${formatScalarForRepr(this.scale, "float")}, zero_point=${this.zeroPoint}`; }
  override _extraState(): [string, unknown][] { return [["scale", tensor(this.scale, { dtype: float32 })], ["zero_point", tensor(this.zeroPoint, { dtype: int64 })]]; }
  override _loadExtraState(get: (name: string) => unknown): void {
    const s = get("scale"), z = get("zero_point");
    if (s instanceof Tensor) this.scale = Number(s.item());
    if (z instanceof Tensor) this.zeroPoint = Number(z.item());
  }
  /** From an observed FloatFunctional. */
  static fromFloat(mod: Module): QFunctional {
    const q = outputQparams(mod, "QFunctional"), out = new QFunctional();
    out.scale = q.scale;
    out.zeroPoint = q.zeroPoint;
    return out;
  }
}
