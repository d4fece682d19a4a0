// torch.ao
export * as quantization from "./quantization/index.js";
