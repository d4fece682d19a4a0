// torch.ao.nn.intrinsic.qat: fused modules for quantization-aware training.
export { LinearReLU, ConvReLU2d, ConvBn1d, ConvBn2d, ConvBnReLU1d, ConvBnReLU2d, type ConvBnOptions, updateBnStats, freezeBnStats } from "./modules.js";
