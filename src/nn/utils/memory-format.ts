// nn.utils.convert_conv2d_weight_memory_format: the weights of every Conv2d/ConvTranspose2d in a
// module tree laid out in a memory format (channels-last convolutions keep their layout through
// the network).

import { Module } from "../module.js";
import { Conv2d, ConvTranspose2d } from "../modules/conv.js";
import { Parameter } from "../parameter.js";
import { MemoryFormat, memoryFormatArg } from "../../core/memory-format.js";
import { noGrad } from "../../autograd/grad-mode.js";

/**
 * convertConv2dWeightMemoryFormat(module, memoryFormat): each nn.Conv2d / nn.ConvTranspose2d weight
 * becomes a copy in `memoryFormat` (a new Parameter with the same requiresGrad: torch-ts cannot
 * swap a Parameter's storage as PyTorch's `weight.data = ...` does); returns module.
 */
export function convertConv2dWeightMemoryFormat<M extends Module>(module: M, memoryFormat: MemoryFormat): M {
  if (!(module instanceof Module)) throw new Error("convert_conv2d_weight_memory_format: module must be an nn.Module");
  const format = memoryFormatArg("convert_conv2d_weight_memory_format", memoryFormat);
  if (format === null) throw new Error("convert_conv2d_weight_memory_format: memory_format must be a torch.memory_format");
  for (const m of module.modules()) {
    if (!(m instanceof Conv2d || m instanceof ConvTranspose2d)) continue;
    const weight = m.weight;
    const copy = noGrad(() => weight.detach().clone().contiguous(format));
    m.weight = new Parameter(copy, weight.requiresGrad);
  }
  return module;
}
