// torch.ao.nn.quantized ELU, PReLU, Softmax and Dropout: the float modules' arguments with the
// output's scale and zero point (plain attributes, as in PyTorch: none is in the state_dict).
import type { Tensor } from "../../../core/tensor.js";
import { quint8 } from "../../../core/dtype.js";
import { warnOnce } from "../../../core/warnings.js";
import { noGrad } from "../../../autograd/grad-mode.js";
import { Module } from "../../../nn/module.js";
import { ELU as FloatELU, PReLU as FloatPReLU, Softmax as FloatSoftmax } from "../../../nn/modules/activation.js";
import { Dropout as FloatDropout } from "../../../nn/modules/dropout.js";
import { implicitSoftmaxDim } from "../../../nn/functional/softmax-dim.js";
import { randn } from "../../../ops/random.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { quantizedElu, quantizedPrelu, quantizedSoftmax } from "../../../ops/quantized-activation.js";
import { outputQparams, qconfigOf } from "./float-observed.js";
import { asWeightObserver } from "./weight.js";

function floatOf<T>(mod: Module, cls: string, Float: abstract new (...a: never[]) => T): T {
  if (!(mod instanceof Float)) throw new Error(`${cls}.from_float: expected a torch.nn.${Float.name}, got ${mod.constructor.name}`);
  return mod as T;
}

/** torch.ao.nn.quantized.ELU(scale, zero_point, alpha=1.0). */
export class ELU extends FloatELU {
  override _getName(): string { return "QuantizedELU"; }
  constructor(public scale: number, public zeroPoint: number, alpha = 1) { super(alpha); }
  override forward(input: Tensor): Tensor { return quantizedElu(input, this.scale, this.zeroPoint, this.alpha); }
  static fromFloat(mod: Module): ELU {
    const f = floatOf(mod, "ELU", FloatELU), q = outputQparams(mod, "ELU");
    return new ELU(q.scale, q.zeroPoint, f.alpha);
  }
}

/** torch.ao.nn.quantized.Softmax(dim=None, scale=1.0, zero_point=0). */
export class Softmax extends FloatSoftmax {
  override _getName(): string { return "QuantizedSoftmax"; }
  constructor(dim: number | null = null, public scale = 1, public zeroPoint = 0) { super(dim); }
  override forward(input: Tensor): Tensor {
    return quantizedSoftmax(input, this.dim ?? implicitSoftmaxDim("softmax", input.dim()), this.scale, this.zeroPoint);
  }
  static fromFloat(mod: Module): Softmax {
    const f = floatOf(mod, "Softmax", FloatSoftmax), q = outputQparams(mod, "Softmax");
    return new Softmax(f.dim, q.scale, q.zeroPoint);
  }
}

/** torch.ao.nn.quantized.PReLU(output_scale, output_zero_point, num_parameters=1): a quint8 weight. */
export class PReLU extends Module {
  override _getName(): string { return "QuantizedPReLU"; }
  weight: Tensor;
  constructor(public scale: number, public zeroPoint: number, readonly numParameters = 1) {
    super();
    this.weight = quantizePerTensor(randn(numParameters), 1.0, 0, quint8);
  }
  setWeight(w: Tensor): void { this.weight = w; }
  override forward(input: Tensor): Tensor { return quantizedPrelu(input, this.weight, this.scale, this.zeroPoint); }
  /** PyTorch 2.x's from_float: the weight observed by the qconfig's weight observer, quantized to quint8. */
  static fromFloat(mod: Module): PReLU {
    const f = floatOf(mod, "PReLU", FloatPReLU), q = outputQparams(mod, "PReLU");
    const out = new PReLU(q.scale, q.zeroPoint, f.numParameters);
    const observer = asWeightObserver(qconfigOf(mod, "PReLU").weight());
    noGrad(() => {
      const w = f.weight.detach().float();
      observer.call(w);
      if (observer.dtype !== quint8) warnOnce(`PReLU's weight observer should have dtype quint8 but got ${observer.dtype}`);
      const [scale, zeroPoint] = observer.calculateQparams();
      out.setWeight(quantizePerTensor(w, Number(scale.reshape(-1).get(0).item()), Number(zeroPoint.reshape(-1).get(0).item()), quint8));
    });
    return out;
  }
}

/** torch.ao.nn.quantized.Dropout(p=0.5, inplace=False): the identity on quantized tensors, in training too. */
export class Dropout extends FloatDropout {
  override _getName(): string { return "QuantizedDropout"; }
  override forward(input: Tensor): Tensor { return input; }
  static fromFloat(mod: Module): Dropout {
    const f = floatOf(mod, "Dropout", FloatDropout);
    return new Dropout(f.p, f.inplace);
  }
}
