// torch.ao.nn: quantized modules (quantized, quantized.dynamic), the quantizable LSTM/MultiheadAttention (quantizable), the fused float modules (intrinsic) and QAT modules (qat).
export * as quantized from "./quantized/namespace.js";
export * as quantizable from "./quantizable/namespace.js";
export * as intrinsic from "./intrinsic/namespace.js";
export * as qat from "./qat/namespace.js";
