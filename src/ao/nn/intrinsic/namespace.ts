// torch.ao.nn.intrinsic: fused float modules, their QAT forms (intrinsic.qat) and quantized forms (intrinsic.quantized).
export { _FusedModule, LinearReLU, ConvReLU1d, ConvReLU2d, ConvBn1d, ConvBn2d, ConvBnReLU1d, ConvBnReLU2d } from "./fused.js";
export * as quantized from "./quantized/namespace.js";
export * as qat from "./qat/namespace.js";
