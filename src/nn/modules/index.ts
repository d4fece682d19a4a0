// The nn module classes.
export * from "./container.js";
export * from "./linear.js";
export * from "./activation.js";
export * from "./conv.js";
export * from "./pooling.js";
export * from "./normalization.js";
export * from "./dropout.js";
export * from "./sparse.js";
export * from "./rnn.js";
export * from "./padding.js";
export * from "./distance.js";
export * from "./flatten.js";
export * from "./pixelshuffle.js";
export * from "./upsampling.js";
export * from "./loss.js";
export * from "./attention.js";
export * from "./transformer.js";
