// torch.ao.nn.quantized (with the intrinsic quantized modules and the dynamic Linear).
export { Linear, LinearReLU, DynamicLinear } from "./linear.js";
export {
  Conv1d, Conv2d, Conv3d, ConvReLU1d, ConvReLU2d, ConvReLU3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type QuantizedConvOptions, type QuantizedConvTransposeOptions,
} from "./conv.js";
export { Quantize, DeQuantize, ReLU6, Hardswish, LeakyReLU, Sigmoid } from "./activation.js";
export { FloatFunctional, QFunctional } from "./functional-modules.js";
export { BatchNorm2d, BatchNorm3d, LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./normalization.js";
export { ELU, PReLU, Softmax, Dropout } from "./elu-prelu-softmax.js";
export { Embedding, EmbeddingBag } from "./embedding.js";
export { DynamicLSTM, DynamicGRU, DynamicRNNCell, DynamicLSTMCell, DynamicGRUCell } from "./dynamic-rnn.js";
