// torch.ao.nn: quantized modules (quantized, quantized.dynamic) and the fused float modules (intrinsic).
export * as quantized from "./quantized/namespace.js";
export * as intrinsic from "./intrinsic/namespace.js";
