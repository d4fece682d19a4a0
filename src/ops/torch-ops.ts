// torch.ops: the operator namespaces PyTorch exposes there (only torch.ops.quantized so far).
export * as quantized from "./quantized-namespace.js";
