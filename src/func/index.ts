// torch.func: composable function transforms over torch-ts's autograd (reverse mode, and forward
// mode for jvp, jacfwd and hessian's outer Jacobian). vmap loops over the batch (no batching rules:
// PyTorch's values, a loop's speed). See each function's notes.

export { vmap, type Dims, type VmapOptions } from "./vmap.js";
export { grad, gradAndValue, vjp, jvp, type GradTransformOptions, type JvpOptions, type VjpFn, type VjpFnOptions } from "./grad.js";
export { jacrev, jacfwd, hessian, type JacrevOptions, type JacfwdOptions } from "./jacobian.js";
export { functionalCall, stackModuleState } from "./module-state.js";
export type { Argnums } from "./argnums.js";
export type { Randomness } from "./vmap-randomness.js";
export type { PyTree } from "./pytree.js";
