// What a float module carries after torch.ao.quantization.prepare: its qconfig and the observer of
// its output (activation_post_process); the quantized modules' fromFloat read both.
import type { Module } from "../../../nn/module.js";
import type { Tensor } from "../../../core/tensor.js";
import type { DType } from "../../../core/dtype.js";
import type { QConfig } from "../../quantization/qconfig.js";

export interface Observed {
  qconfig?: QConfig | null;
  /** An observer or a fake-quantize module (QAT). */
  activation_post_process?: Module & { readonly dtype: DType; calculateQparams(): [Tensor, Tensor] };
}

/** The module's qconfig, or PyTorch's error when it has none. */
export function qconfigOf(mod: Module, cls: string): QConfig {
  const q = (mod as Module & Observed).qconfig;
  if (!q) throw new Error(`${cls}.from_float: Input float module must have qconfig defined`);
  return q;
}

/** The output observer's scale and zero point, as numbers. */
export function outputQparams(mod: Module, cls: string): { scale: number; zeroPoint: number } {
  const observer = (mod as Module & Observed).activation_post_process;
  if (!observer) throw new Error(`${cls}.from_float: Input float module must have observer attached`);
  const [scale, zeroPoint] = observer.calculateQparams();
  return { scale: Number(scale.reshape(-1).get(0).item()), zeroPoint: Number(zeroPoint.reshape(-1).get(0).item()) };
}

/**
 * The weight's observer for from_float: a QAT module's weight_fake_quant (after its batch norm,
 * if any, is folded into the weight), else a new one from the qconfig.
 */
export function weightPostProcess(mod: Module, qconfig: QConfig): Module {
  const qat = mod as Module & { weight_fake_quant?: Module; _foldBatchNorm?(): void };
  if (!qat.weight_fake_quant) return qconfig.weight();
  qat._foldBatchNorm?.();
  return qat.weight_fake_quant;
}
