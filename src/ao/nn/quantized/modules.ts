// torch.ao.nn.quantized (with the intrinsic quantized modules and the dynamic Linear).
export { Linear, LinearReLU, DynamicLinear } from "./linear.js";
export { Conv1d, Conv2d, ConvReLU1d, ConvReLU2d, type QuantizedConvOptions } from "./conv.js";
export { Quantize, DeQuantize, ReLU6, Hardswish, LeakyReLU, Sigmoid } from "./activation.js";
export { FloatFunctional, QFunctional } from "./functional-modules.js";
