// torch.nn.functional
export * from "./activation.js";
export * from "./linear.js";
export * from "./conv.js";
export * from "./conv-tbc.js";
export * from "./pooling.js";
export * from "./sampling.js";
export * from "./normalization.js";
export * from "./loss.js";
export * from "./sparse.js";
export * from "./dropout.js";
export * from "./attention.js";
export * from "./padding.js";
export * from "./distance.js";
export * from "./pooling-fractional.js";
