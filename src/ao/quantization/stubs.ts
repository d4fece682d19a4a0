// torch.ao.quantization.QuantStub / DeQuantStub: where a model's quantized region begins and ends;
// identities until convert swaps them for Quantize (with the observed parameters) and DeQuantize.
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
