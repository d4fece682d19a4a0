// torch.distributions.transforms: every transform, from the two files that define them.

export * from "./transforms.js";
export * from "./transforms-structured.js";
