// torch.ao.nn.intrinsic: fused float modules, their QAT forms (intrinsic.qat) and quantized forms (intrinsic.quantized).
export {
  _FusedModule, LinearReLU, LinearBn1d, ConvReLU1d, ConvReLU2d, ConvReLU3d, ConvBn1d, ConvBn2d, ConvBn3d, ConvBnReLU1d, ConvBnReLU2d, ConvBnReLU3d,
  BNReLU2d, BNReLU3d,
} from "./fused.js";
export * as quantized from "./quantized/namespace.js";
export * as qat from "./qat/namespace.js";
