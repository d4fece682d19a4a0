// torch.ao.nn.quantized (also torch.nn.quantized).
export { Linear } from "./linear.js";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type QuantizedConvOptions, type QuantizedConvTransposeOptions } from "./conv.js";
export { Quantize, DeQuantize, ReLU6, Hardswish, LeakyReLU, Sigmoid } from "./activation.js";
export { FloatFunctional, QFunctional } from "./functional-modules.js";
export { BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./normalization.js";
export { ELU, PReLU, Softmax, Dropout } from "./elu-prelu-softmax.js";
/** torch.ao.nn.quantized.MaxPool2d is torch.nn.MaxPool2d (it runs on quantized tensors as they are). */
export { MaxPool2d } from "../../../nn/modules/pooling.js";
export { Embedding, EmbeddingBag } from "./embedding.js";
export { EmbeddingPackedParams } from "../../../ops/quantized-embedding.js";
export { QuantizedLSTM as LSTM } from "../quantizable/rnn.js";
export { QuantizedMultiheadAttention as MultiheadAttention } from "../quantizable/activation.js";
export * as dynamic from "./dynamic/namespace.js";
