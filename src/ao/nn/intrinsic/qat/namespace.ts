// torch.ao.nn.intrinsic.qat: fused modules for quantization-aware training.
export {
  LinearReLU, LinearBn1d, ConvReLU1d, ConvReLU2d, ConvReLU3d, ConvBn1d, ConvBn2d, ConvBn3d, ConvBnReLU1d, ConvBnReLU2d, ConvBnReLU3d, type ConvBnOptions, type LinearBnOptions,
  updateBnStats, freezeBnStats,
} from "./modules.js";
