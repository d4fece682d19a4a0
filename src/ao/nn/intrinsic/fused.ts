// torch.ao.nn.intrinsic: the float modules fuseModules makes (a Sequential of the fused modules,
// so they run and train as before), which convert swaps for one quantized kernel with the relu;
// the conv + batch-norm ones (made by fuseModulesQat) become QAT modules that fold the batch norm.
import { Module } from "../../../nn/module.js";
import { Sequential } from "../../../nn/modules/container.js";

/** torch.ao.nn.intrinsic._FusedModule: the base of the fused modules (converted as one unit). */
export class _FusedModule extends Sequential {}

/**
 * Classes that are _FusedModule subclasses in PyTorch but extend another base here (TypeScript has
 * single inheritance: the QAT ConvBn modules extend Conv).
 */
const fusedElsewhere: (abstract new (...args: never[]) => Module)[] = [];

/** Registers a class as fused (see fusedElsewhere). */
export function markFused(cls: abstract new (...args: never[]) => Module): void { fusedElsewhere.push(cls); }

/** PyTorch's isinstance(m, _FusedModule): convert and prepare treat such a module as one unit. */
export function isFusedModule(m: Module): boolean {
  return m instanceof _FusedModule || fusedElsewhere.some((cls) => m instanceof cls);
}

function checkTypes(cls: string, mods: Module[], expected: string[]): void {
  if (mods.length !== expected.length || mods.some((m, i) => m.constructor.name !== expected[i])) {
    throw new Error(`Incorrect types for input modules${cls ? ` of ${cls}` : ""}: ${mods.map((m) => m.constructor.name).join("")}`);
  }
}

/** torch.ao.nn.intrinsic.LinearReLU(linear, relu). */
export class LinearReLU extends _FusedModule {
  constructor(linear: Module, relu: Module) { checkTypes("LinearReLU", [linear, relu], ["Linear", "ReLU"]); super(linear, relu); }
}
/** torch.ao.nn.intrinsic.ConvReLU2d(conv, relu). */
export class ConvReLU2d extends _FusedModule {
  constructor(conv: Module, relu: Module) { checkTypes("ConvReLU2d", [conv, relu], ["Conv2d", "ReLU"]); super(conv, relu); }
}
/** torch.ao.nn.intrinsic.ConvReLU1d(conv, relu). */
export class ConvReLU1d extends _FusedModule {
  constructor(conv: Module, relu: Module) { checkTypes("ConvReLU1d", [conv, relu], ["Conv1d", "ReLU"]); super(conv, relu); }
}
/** torch.ao.nn.intrinsic.ConvReLU3d(conv, relu). */
export class ConvReLU3d extends _FusedModule {
  constructor(conv: Module, relu: Module) { checkTypes("ConvReLU3d", [conv, relu], ["Conv3d", "ReLU"]); super(conv, relu); }
}
/** torch.ao.nn.intrinsic.ConvBn1d(conv, bn). */
export class ConvBn1d extends _FusedModule {
  constructor(conv: Module, bn: Module) { checkTypes("", [conv, bn], ["Conv1d", "BatchNorm1d"]); super(conv, bn); }
}
/** torch.ao.nn.intrinsic.ConvBn2d(conv, bn). */
export class ConvBn2d extends _FusedModule {
  constructor(conv: Module, bn: Module) { checkTypes("", [conv, bn], ["Conv2d", "BatchNorm2d"]); super(conv, bn); }
}
/** torch.ao.nn.intrinsic.ConvBnReLU1d(conv, bn, relu). */
export class ConvBnReLU1d extends _FusedModule {
  constructor(conv: Module, bn: Module, relu: Module) { checkTypes("", [conv, bn, relu], ["Conv1d", "BatchNorm1d", "ReLU"]); super(conv, bn, relu); }
}
/** torch.ao.nn.intrinsic.ConvBnReLU2d(conv, bn, relu). */
export class ConvBnReLU2d extends _FusedModule {
  constructor(conv: Module, bn: Module, relu: Module) { checkTypes("", [conv, bn, relu], ["Conv2d", "BatchNorm2d", "ReLU"]); super(conv, bn, relu); }
}
/** torch.ao.nn.intrinsic.ConvBn3d(conv, bn). */
export class ConvBn3d extends _FusedModule {
  constructor(conv: Module, bn: Module) { checkTypes("", [conv, bn], ["Conv3d", "BatchNorm3d"]); super(conv, bn); }
}
/** torch.ao.nn.intrinsic.ConvBnReLU3d(conv, bn, relu). */
export class ConvBnReLU3d extends _FusedModule {
  constructor(conv: Module, bn: Module, relu: Module) { checkTypes("", [conv, bn, relu], ["Conv3d", "BatchNorm3d", "ReLU"]); super(conv, bn, relu); }
}
/** torch.ao.nn.intrinsic.BNReLU2d(batch_norm, relu). */
export class BNReLU2d extends _FusedModule {
  constructor(batchNorm: Module, relu: Module) { checkTypes("", [batchNorm, relu], ["BatchNorm2d", "ReLU"]); super(batchNorm, relu); }
}
/** torch.ao.nn.intrinsic.BNReLU3d(batch_norm, relu). */
export class BNReLU3d extends _FusedModule {
  constructor(batchNorm: Module, relu: Module) { checkTypes("", [batchNorm, relu], ["BatchNorm3d", "ReLU"]); super(batchNorm, relu); }
}
/** torch.ao.nn.intrinsic.LinearBn1d(linear, bn). */
export class LinearBn1d extends _FusedModule {
  constructor(linear: Module, bn: Module) { checkTypes("", [linear, bn], ["Linear", "BatchNorm1d"]); super(linear, bn); }
}
