// torch.ao.nn.qat: modules for quantization-aware training.
export { Linear, Conv1d, Conv2d, Conv3d, type QatLinearOptions, type QatConvOptions } from "./modules.js";
export { Embedding, EmbeddingBag } from "./embedding.js";
