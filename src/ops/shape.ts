// (to be written)
export function cat(tensors: import("../core/tensor.js").Tensor[], dim = 0): import("../core/tensor.js").Tensor { void tensors; void dim; throw new Error("todo"); }
