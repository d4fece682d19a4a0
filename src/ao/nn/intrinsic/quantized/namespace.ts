// torch.ao.nn.intrinsic.quantized.
export { LinearReLU } from "../../quantized/linear.js";
export { ConvReLU1d, ConvReLU2d, ConvReLU3d } from "../../quantized/conv.js";
export { BNReLU2d, BNReLU3d } from "../../quantized/normalization.js";
