// Shared by the parametrization and the hook forms of weight norm and spectral norm (internal).

import type { Tensor } from "../../core/tensor.js";
import { normExceptDim } from "../../ops/nn-forms-native.js";
import type { Module } from "../module.js";
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "../modules/conv.js";

/** torch._weight_norm(v, g, dim): v scaled to norm g over every dim but dim (all dims for -1). */
export function weightNormOf(v: Tensor, g: Tensor, dim: number): Tensor {
  return v.mul(g.div(normExceptDim(v, 2, dim)));
}

/** The weight as the matrix of power iteration: `dim` first, the rest flattened. */
export function weightToMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.permute([dim, ...weight.shape.map((_, i) => i).filter((i) => i !== dim)]);
  return w.flatten(1);
}

export interface SpectralNormOptions { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null }

/** spectral_norm's (module, name, n_power_iterations, eps, dim) positionally or in a trailing options object. */
export function resolveSpectralArgs(module: Module, ...args: unknown[]): Required<Omit<SpectralNormOptions, "dim">> & { dim: number } {
  const i = args.findIndex((a) => a !== null && typeof a === "object");
  const opts = (i >= 0 ? args[i] : {}) as SpectralNormOptions;
  const positional = i >= 0 ? args.slice(0, i) : args;
  const [name, n, eps, dim] = positional as [string?, number?, number?, (number | null)?];
  const d = dim ?? opts.dim ?? null;
  const isTransposed = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d;
  return { name: name ?? opts.name ?? "weight", nPowerIterations: n ?? opts.nPowerIterations ?? 1, eps: eps ?? opts.eps ?? 1e-12, dim: d ?? (isTransposed ? 1 : 0) };
}
