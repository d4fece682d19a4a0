// torch.poisson and torch.binomial: counts drawn by PyTorch's CPU samplers (src/core/random-discrete.ts)
// from the default or a given generator, element by element in row-major order, so one seed gives
// PyTorch's samples. No webgpu kernel: the device is refused by name.

import { Tensor } from "../core/tensor.js";
import { Generator, defaultGenerator } from "../core/generator.js";
import { sampleBinomial, samplePoisson } from "../core/random-discrete.js";
import { broadcastShapes } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { bindArgs, checkTensor } from "./args.js";
import { emptyTensor, toNumbers, writeNumbers } from "./engine.js";
import { broadcastTo } from "./view.js";
import { kernelTypeName, notImplementedFor } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

export type GeneratorArg = Generator | null | { generator?: Generator | null };

/** The generator argument of the sampling ops (the default generator when absent), checked. */
export function generatorOf(op: string, args: readonly unknown[]): Generator {
  const g = bindArgs(op, args, ["generator"]).generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`${op}(): argument 'generator' must be torch.Generator, not ${typeof g}`);
  return g;
}

/** The values of t broadcast to `shape`, in row-major order. */
function valuesAt(t: Tensor, shape: number[]): ArrayLike<number> {
  return toNumbers(broadcastTo(t, shape).contiguous()) as ArrayLike<number>;
}

/**
 * torch.poisson(input, generator=None): a Poisson(rate) count per element, in input's dtype.
 * Gradient: zero (PyTorch's PoissonBackward0).
 */
export function poisson(input: Tensor, ...args: [generator?: GeneratorArg]): Tensor {
  checkTensor("poisson", "input", input);
  const gen = generatorOf("poisson", args);
  if (!input.dtype.isFloatingPoint) throw notImplementedFor("poisson_cpu", input.dtype);
  if (onDevice(input)) throw notImplementedOnDevice("poisson");
  const rates = valuesAt(input, input.shape);
  for (let i = 0; i < rates.length; i++) {
    if (!(rates[i]! >= 0)) throw new Error("invalid Poisson rate, expected rate to be non-negative");
  }
  const samples = new Float64Array(rates.length);
  for (let i = 0; i < rates.length; i++) samples[i] = samplePoisson(gen, rates[i]!);
  const out = emptyTensor(input.shape, input.dtype);
  writeNumbers(out, samples);
  return record("PoissonBackward0", [input], out, () => [input.detach().newZeros(input.shape)]);
}

/**
 * torch.binomial(count, prob, generator=None): a Binomial(count, prob) count per element of the
 * broadcast shape, in count's dtype (prob must have the same dtype). Not differentiable.
 */
export function binomial(count: Tensor, prob: Tensor, ...args: [generator?: GeneratorArg]): Tensor {
  checkTensor("binomial", "count", count);
  checkTensor("binomial", "prob", prob);
  const gen = generatorOf("binomial", args);
  const d = count.dtype;
  if (d.name !== "float32" && d.name !== "float64") throw notImplementedFor("binomial_cpu", d);
  if (prob.dtype !== d) throw new Error(`Found dtype ${kernelTypeName(prob.dtype)} but expected ${kernelTypeName(d)}`);
  if (onDevice(count, prob)) throw notImplementedOnDevice("binomial");
  const shape = broadcastShapes(count.shape, prob.shape);
  const n = valuesAt(count, shape), p = valuesAt(prob, shape);
  const f32 = d.name === "float32";
  const samples = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) samples[i] = sampleBinomial(gen, n[i]!, p[i]!, f32);
  const out = emptyTensor(shape, d);
  writeNumbers(out, samples);
  return record("torch::autograd::NotImplemented", [count, prob], out, () => { throw new Error("the derivative for 'binomial' is not implemented."); });
}
