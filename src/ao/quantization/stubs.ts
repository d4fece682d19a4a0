// torch.ao.quantization.QuantStub / DeQuantStub: where a model's quantized region begins and ends;
// identities until convert swaps them for Quantize (with the observed parameters) and DeQuantize.
// QuantWrapper wraps a module between the two.
import type { Tensor } from "../../core/tensor.js";
import { Module } from "../../nn/module.js";
import type { QConfig } from "./qconfig.js";

export class QuantStub extends Module {
  /** Set only when given, so that prepare gives the stub its parent's qconfig otherwise. */
  declare qconfig?: QConfig | null;
  constructor(qconfig: QConfig | null = null) { super(); if (qconfig) this.qconfig = qconfig; }
  override forward(x: Tensor): Tensor { return x; }
}

export class DeQuantStub extends Module {
  declare qconfig?: QConfig | null;
  constructor(qconfig: QConfig | null = null) { super(); if (qconfig) this.qconfig = qconfig; }
  override forward(x: Tensor): Tensor { return x; }
}

/** torch.ao.quantization.QuantWrapper(module): quant, then the module, then dequant (stubs with the module's qconfig). */
export class QuantWrapper extends Module {
  readonly quant: QuantStub;
  readonly dequant: DeQuantStub;
  readonly module: Module;
  declare qconfig?: QConfig | null;
  constructor(module: Module) {
    super();
    const qconfig = (module as Module & { qconfig?: QConfig | null }).qconfig ?? null;
    this.quant = new QuantStub(qconfig);
    this.dequant = new DeQuantStub(qconfig);
    this.module = module;
    this.train(module.training);
  }
  override forward(x: Tensor): Tensor {
    const inner = this.module as Module & { forward(x: Tensor): Tensor };
    return this.dequant.call(inner.call(this.quant.call(x)));
  }
}
