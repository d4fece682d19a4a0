// torch.optim
export { Optimizer, type ParamGroup, type ParamsInput, type OptimizerStateDict } from "./optimizer.js";
export * from "./algorithms.js";
export * as lrScheduler from "./lr-scheduler.js";
export { LBFGS, type LBFGSOptions } from "./lbfgs.js";
