// torch.quantized_batch_norm, torch.quantized_max_pool1d / 2d: PyTorch's torch-level entries to the
// quantized kernels (only quantized inputs: a float one gets PyTorch's backend refusal).
import type { Tensor } from "../core/tensor.js";
import { maxPool1d, maxPool2d } from "../nn/functional/pooling.js";
import { checkTensor } from "./args.js";
import { isQuantizedTensor } from "./quantized-engine.js";
import { quantizedBatchNormKernel } from "./quantized-norm.js";

function quantizedInput(op: string, input: Tensor): Tensor {
  checkTensor(op, "input", input);
  if (!isQuantizedTensor(input)) throw new Error(`Could not run 'aten::${op}' with arguments from the '${input.device.type === "cpu" ? "CPU" : "WebGPU"}' backend.`);
  return input;
}

/** torch.quantized_batch_norm(input, weight, bias, mean, var, eps, output_scale, output_zero_point): a 4-D [N, C, H, W] input. */
export function quantizedBatchNorm(
  input: Tensor, weight: Tensor | null, bias: Tensor | null, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number,
): Tensor {
  quantizedInput("quantized_batch_norm", input);
  return quantizedBatchNormKernel("quantized_batch_norm", input, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, false, 4);
}

interface QuantizedPoolOptions { stride?: number[]; padding?: number[] | number; dilation?: number[] | number; ceilMode?: boolean }

/** torch.quantized_max_pool1d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False). */
export function quantizedMaxPool1d(input: Tensor, kernelSize: number[], options: QuantizedPoolOptions = {}): Tensor {
  quantizedInput("quantized_max_pool1d", input);
  const stride = options.stride === undefined || options.stride.length === 0 ? null : options.stride;
  return maxPool1d(input, kernelSize, stride, options.padding ?? 0, options.dilation ?? 1, options.ceilMode ?? false);
}

/** torch.quantized_max_pool2d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False). */
export function quantizedMaxPool2d(input: Tensor, kernelSize: number[], options: QuantizedPoolOptions = {}): Tensor {
  quantizedInput("quantized_max_pool2d", input);
  const stride = options.stride === undefined || options.stride.length === 0 ? null : options.stride;
  return maxPool2d(input, kernelSize, stride, options.padding ?? 0, options.dilation ?? 1, options.ceilMode ?? false);
}
