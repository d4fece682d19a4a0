// torch.optim.optimizer: the Optimizer base and the module-wide step hooks.
export { Optimizer } from "./optimizer.js";
export { registerOptimizerStepPostHook, registerOptimizerStepPreHook } from "./optimizer-hooks.js";
