// torch.ao.nn.intrinsic: fused float modules, and their quantized forms (intrinsic.quantized).
export { LinearReLU, ConvReLU1d, ConvReLU2d } from "./fused.js";
export * as quantized from "./quantized/namespace.js";
