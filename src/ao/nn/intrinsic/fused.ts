// torch.ao.nn.intrinsic: the float modules fuseModules makes (a Sequential of the fused modules,
// so they run and train as before), which convert swaps for one quantized kernel with the relu.
import { Module } from "../../../nn/module.js";
import { Sequential } from "../../../nn/modules/container.js";

function checkPair(cls: string, a: Module, b: Module, first: string): void {
  if (a.constructor.name !== first || b.constructor.name !== "ReLU") throw new Error(`Incorrect types for input modules${cls ? ` of ${cls}` : ""}: ${a.constructor.name}${b.constructor.name}`);
}

/** torch.ao.nn.intrinsic.LinearReLU(linear, relu). */
export class LinearReLU extends Sequential {
  constructor(linear: Module, relu: Module) { checkPair("LinearReLU", linear, relu, "Linear"); super(linear, relu); }
}
/** torch.ao.nn.intrinsic.ConvReLU2d(conv, relu). */
export class ConvReLU2d extends Sequential {
  constructor(conv: Module, relu: Module) { checkPair("ConvReLU2d", conv, relu, "Conv2d"); super(conv, relu); }
}
/** torch.ao.nn.intrinsic.ConvReLU1d(conv, relu). */
export class ConvReLU1d extends Sequential {
  constructor(conv: Module, relu: Module) { checkPair("ConvReLU1d", conv, relu, "Conv1d"); super(conv, relu); }
}
