// torch.autograd
export { type BackwardOptions, type GradOptions } from "./engine.js";
export { grad } from "./grad-api.js";
export { backward } from "./backward.js";
export { Function, FunctionCtx } from "./function.js";
export { gradcheck, gradgradcheck } from "./gradcheck.js";
export { detectAnomaly, setDetectAnomaly } from "./anomaly.js";
export { Node } from "./node.js";
export * as functional from "./functional.js";
export * as forwardAd from "./forward-ad.js";
export * as graph from "./graph.js";
