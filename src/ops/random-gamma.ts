// torch._standard_gamma, torch._sample_dirichlet and their reparameterised gradients
// (_standard_gamma_grad, _dirichlet_grad): PyTorch's CPU samplers (src/core/random-gamma.ts), element
// by element in row-major order from the default or a given generator, so one seed gives PyTorch's
// samples. Gamma, Beta, Dirichlet, Chi2 and StudentT (torch.distributions) draw through them.

import { Tensor } from "../core/tensor.js";
import { dirichletGradOne, sampleDirichletValues, standardGammaGradOne, standardGammaValues } from "../core/random-gamma.js";
import { broadcastShapes } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { checkTensor } from "./args.js";
import { emptyTensor, toNumbers, writeNumbers } from "./engine.js";
import { broadcastTo } from "./view.js";
import { notImplementedFor, kernelTypeName } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

import { type GeneratorArg, generatorOf } from "./random-counts.js";

function checkFloat(op: string, kernel: string, t: Tensor): void {
  if (t.dtype.name !== "float32" && t.dtype.name !== "float64") throw notImplementedFor(kernel, t.dtype);
  if (onDevice(t)) throw notImplementedOnDevice(op);
}

const valuesAt = (t: Tensor, shape: number[]): ArrayLike<number> => toNumbers(broadcastTo(t, shape).contiguous()) as ArrayLike<number>;

function fromValues(shape: number[], like: Tensor, values: Float64Array): Tensor {
  const out = emptyTensor(shape, like.dtype);
  writeNumbers(out, values);
  return out;
}

/**
 * torch._standard_gamma(input, generator=None): a Gamma(input, 1) sample per element. Gradient:
 * grad * _standard_gamma_grad(input, result) (implicit reparameterisation).
 */
export function _standardGamma(input: Tensor, ...args: [generator?: GeneratorArg]): Tensor {
  checkTensor("_standard_gamma", "input", input);
  const gen = generatorOf("_standard_gamma", args);
  checkFloat("_standard_gamma", "gamma_cpu", input);
  const out = fromValues(input.shape, input, standardGammaValues(gen, valuesAt(input, input.shape), input.dtype.name === "float32"));
  return record("StandardGammaBackward0", [input], out, ([g]) => [g!.mul(_standardGammaGrad(input, out))]);
}

/** torch._standard_gamma_grad(self, output): d output / d self for output ~ Gamma(self, 1). */
export function _standardGammaGrad(self: Tensor, output: Tensor): Tensor {
  checkTensor("_standard_gamma_grad", "self", self);
  checkTensor("_standard_gamma_grad", "output", output);
  checkFloat("_standard_gamma_grad", "_standard_gamma_grad_cpu", self);
  if (output.dtype !== self.dtype) throw new Error(`Found dtype ${kernelTypeName(output.dtype)} but expected ${kernelTypeName(self.dtype)}`);
  const shape = broadcastShapes(self.shape, output.shape);
  const a = valuesAt(self.detach(), shape), x = valuesAt(output.detach(), shape);
  const values = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) values[i] = standardGammaGradOne(a[i]!, x[i]!);
  const out = fromValues(shape, self, values);
  return record("torch::autograd::NotImplemented", [self, output], out, () => { throw new Error("the derivative for '_standard_gamma_grad' is not implemented."); });
}

/**
 * torch._sample_dirichlet(input, generator=None): a Dirichlet(input) sample over the last dim.
 * Not differentiable (as in PyTorch; distributions.Dirichlet.rsample adds _dirichlet_grad's rule).
 */
export function _sampleDirichlet(input: Tensor, ...args: [generator?: GeneratorArg]): Tensor {
  checkTensor("_sample_dirichlet", "input", input);
  const gen = generatorOf("_sample_dirichlet", args);
  checkFloat("_sample_dirichlet", "dirichlet", input);
  const k = input.dim() === 0 ? 1 : input.size(-1);
  const values = k === 0 ? new Float64Array(0) : sampleDirichletValues(gen, valuesAt(input, input.shape), k, input.dtype.name === "float32");
  const out = fromValues(input.shape, input, values);
  return record("torch::autograd::NotImplemented", [input], out, () => { throw new Error("the derivative for '_sample_dirichlet' is not implemented."); });
}

/** torch._dirichlet_grad(x, alpha, total): d x / d alpha for x ~ Beta(alpha, total - alpha), scaled by 1 / (1 - x). */
export function _dirichletGrad(x: Tensor, alpha: Tensor, total: Tensor): Tensor {
  for (const [name, t] of [["x", x], ["alpha", alpha], ["total", total]] as const) checkTensor("_dirichlet_grad", name, t);
  checkFloat("_dirichlet_grad", "_dirichlet_grad_cpu", x);
  if (x.shape.join() !== alpha.shape.join() || x.shape.join() !== total.shape.join()) {
    throw new Error(`_dirichlet_grad: expected x, alpha and total to have the same shape, got [${x.shape}], [${alpha.shape}] and [${total.shape}]`);
  }
  const xs = valuesAt(x.detach(), x.shape), as = valuesAt(alpha.detach(), x.shape), ts = valuesAt(total.detach(), x.shape);
  const values = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) values[i] = dirichletGradOne(xs[i]!, as[i]!, ts[i]!);
  const out = fromValues(x.shape, x, values);
  return record("torch::autograd::NotImplemented", [x, alpha, total], out, () => { throw new Error("the derivative for '_dirichlet_grad' is not implemented."); });
}
