// torch.optim
export { Optimizer, type ParamGroup, type ParamsInput, type OptimizerStateDict } from "./optimizer.js";
export type { OptimizerHook, OptimizerStateDictHook, OptimizerStepPostHook, OptimizerStepPreHook } from "./optimizer-hooks.js";
export * as optimizer from "./optimizer-namespace.js";
export * from "./algorithms.js";
export * as lrScheduler from "./lr-scheduler.js";
export { LBFGS, type LBFGSOptions } from "./lbfgs.js";
