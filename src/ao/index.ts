// torch.ao
export * as quantization from "./quantization/index.js";
export * as nn from "./nn/index.js";
