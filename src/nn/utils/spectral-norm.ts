// nn.utils.spectral_norm / remove_spectral_norm: the forward pre-hook form of spectral
// normalization (parameter `<name>_orig`, buffers `<name>_u` and `<name>_v`; module[name] is
// recomputed before every forward, with one power iteration per call in training mode only).

import type { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { normalize } from "../functional/normalization-layer.js";
import type { Module } from "../module.js";
import { Parameter, UninitializedParameter } from "../parameter.js";
import { NamedPreHooks } from "./named-pre-hooks.js";
import { type SpectralNormOptions, resolveSpectralArgs, weightToMatrix } from "./weight-reparam.js";

type Rec = Record<string, unknown>;
interface SpectralNormHook { name: string; dim: number; nPowerIterations: number; eps: number }

const hooks = new NamedPreHooks<SpectralNormHook>();

/** weight_orig / sigma, sigma = uᵀ W v after nPowerIterations steps on the buffers (in place) when asked. */
function computeWeight(module: Module, fn: SpectralNormHook, doPowerIteration: boolean): Tensor {
  const rec = module as unknown as Rec;
  const weight = rec[`${fn.name}_orig`] as Tensor;
  let u = rec[`${fn.name}_u`] as Tensor, v = rec[`${fn.name}_v`] as Tensor;
  const mat = weightToMatrix(weight, fn.dim);
  if (doPowerIteration) {
    noGrad(() => {
      for (let i = 0; i < fn.nPowerIterations; i++) {
        v.copy_(normalize(mat.t().mv(u), { dim: 0, eps: fn.eps }));
        u.copy_(normalize(mat.mv(v), { dim: 0, eps: fn.eps }));
      }
    });
    // Clones: the next iteration must not change what this forward's graph saved.
    if (fn.nPowerIterations > 0) { u = u.clone(); v = v.clone(); }
  }
  return weight.div(u.dot(mat.mv(v)));
}

/**
 * nn.utils.spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
 * module[name] = name_orig / sigma(name_orig), sigma estimated by power iteration on the buffers
 * name_u and name_v (drawn from the global generator, as PyTorch draws them). dim defaults to 1
 * for ConvTranspose modules, 0 otherwise. Returns the module.
 */
export function spectralNorm<M extends Module>(module: M, name: string | SpectralNormOptions = "weight", nPowerIterations: number | SpectralNormOptions = 1,
  eps: number | SpectralNormOptions = 1e-12, dim: number | null | SpectralNormOptions = null): M {
  const o = resolveSpectralArgs(module, name, nPowerIterations, eps, dim);
  if (hooks.get(module, o.name)) throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${o.name}`);
  if (!(o.nPowerIterations > 0)) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${o.nPowerIterations}`);
  const weight = module._ownParameters().find(([n]) => n === o.name)?.[1];
  if (!weight) throw new Error(`spectral_norm: ${module.constructor.name} has no parameter '${o.name}'`);
  if (weight instanceof UninitializedParameter) {
    throw new Error("The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying spectral normalization");
  }
  const fn: SpectralNormHook = { name: o.name, dim: o.dim, nPowerIterations: o.nPowerIterations, eps: o.eps };
  const [u, v] = noGrad(() => {
    const mat = weightToMatrix(weight, fn.dim);
    const [h, w] = mat.shape as [number, number];
    return [normalize(weight.newEmpty([h]).normal_(0, 1), { dim: 0, eps: fn.eps }), normalize(weight.newEmpty([w]).normal_(0, 1), { dim: 0, eps: fn.eps })];
  });
  const rec = module as unknown as Rec;
  delete rec[o.name];
  module.registerParameter(`${o.name}_orig`, weight);
  rec[o.name] = weight.detach();
  module.registerBuffer(`${o.name}_u`, u!);
  module.registerBuffer(`${o.name}_v`, v!);
  hooks.add(module, o.name, fn, (m) => { (m as unknown as Rec)[fn.name] = computeWeight(m, fn, m.training); });
  return module;
}

/** nn.utils.remove_spectral_norm(module, name="weight"): makes module[name] one parameter again (the normalized value, no power iteration). */
export function removeSpectralNorm<M extends Module>(module: M, name: string | { name?: string } = "weight"): M {
  const tensorName = typeof name === "string" ? name : name.name ?? "weight";
  const fn = hooks.get(module, tensorName);
  if (!fn) throw new Error(`spectral_norm of '${tensorName}' not found in ${String(module)}`);
  const weight = noGrad(() => computeWeight(module, fn, false));
  hooks.remove(module, tensorName);
  const rec = module as unknown as Rec;
  for (const key of [tensorName, `${tensorName}_u`, `${tensorName}_v`, `${tensorName}_orig`]) delete rec[key];
  module.registerParameter(tensorName, new Parameter(weight.detach()));
  return module;
}
