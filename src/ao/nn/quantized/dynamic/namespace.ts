// torch.ao.nn.quantized.dynamic.
export { DynamicLinear as Linear } from "../linear.js";
