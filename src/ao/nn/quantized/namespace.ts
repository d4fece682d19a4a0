// torch.ao.nn.quantized (also torch.nn.quantized).
export { Linear } from "./linear.js";
export { Conv1d, Conv2d, type QuantizedConvOptions } from "./conv.js";
export { Quantize, DeQuantize, ReLU6, Hardswish, LeakyReLU, Sigmoid } from "./activation.js";
export { FloatFunctional, QFunctional } from "./functional-modules.js";
export * as dynamic from "./dynamic/namespace.js";
