// nn.utils.parameters_to_vector and vector_to_parameters.

import { Tensor } from "../../core/tensor.js";
import { cat } from "../../ops/shape-join.js";
import { noGrad } from "../../autograd/grad-mode.js";

/** nn.utils.parameters_to_vector(parameters): one 1-D tensor of all parameters (differentiable). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const ps = [...parameters];
  return cat(ps.map((p) => p.reshape(-1)), 0);
}

/**
 * nn.utils.vector_to_parameters(vec, parameters): copies consecutive slices of `vec` into the
 * parameters (PyTorch rebinds param.data to views of vec; here the values are copied).
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new Error(`expected torch.Tensor, but got: ${typeof vec}`);
  const ps = [...parameters];
  const total = ps.reduce((n, p) => n + p.numel(), 0);
  if (vec.dim() !== 1 || vec.numel() !== total) {
    throw new Error(`vector_to_parameters: expected a 1-D vector of ${total} elements, got shape [${vec.shape.join(", ")}]`);
  }
  noGrad(() => {
    let offset = 0;
    for (const p of ps) {
      const n = p.numel();
      p.copy_(vec.narrow(0, offset, n).view(p.shape));
      offset += n;
    }
  });
}
