// The two kernels GradScaler runs, with PyTorch's semantics (aten/src/ATen/native/AmpKernels.cpp:
// torch._amp_foreach_non_finite_check_and_unscale_ and torch._amp_update_scale_, private in
// PyTorch, so internal here). Written in tensor ops, they run on the grads' device (CPU or
// webgpu) and never read a value back.

import { float32, int32 } from "../core/dtype.js";
import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { where } from "../ops/comparison.js";

function checkOneElementFloat(op: string, name: string, t: Tensor): void {
  if (t.numel() !== 1) throw new Error(`${op}: ${name} must be a 1-element tensor.`);
  if (t.dtype !== float32) throw new Error(`${op}: ${name} must be a float tensor.`);
}

/**
 * Sets foundInf to 1 if any element of the grads is inf or NaN, and multiplies every grad by
 * invScale in place (computed in float32, stored in the grad's dtype).
 */
export function foreachNonFiniteCheckAndUnscale_(grads: readonly Tensor[], foundInf: Tensor, invScale: Tensor): void {
  const op = "_amp_foreach_non_finite_check_and_unscale_";
  checkOneElementFloat(op, "found_inf", foundInf);
  checkOneElementFloat(op, "inv_scale", invScale);
  if (invScale.device.type !== foundInf.device.type) throw new Error(`${op}: found_inf and inv_scale must be on the same device.`);
  for (const g of grads) {
    if (!g.dtype.isFloatingPoint) throw new Error(`${op}: scaled_grads must be floating point tensors, got ${g.dtype.name}`);
    if (g.device.type !== foundInf.device.type) throw new Error(`${op}: scaled_grads must be on the same device as found_inf (${g.device} vs ${foundInf.device}).`);
  }
  noGrad(() => {
    for (const g of grads) {
      if (g.numel() === 0) continue;
      const nonFinite = g.isfinite().logicalNot().any().to(float32);
      foundInf.copy_(foundInf.reshape([]).maximum(nonFinite).reshape(foundInf.shape));
      g.mul_(invScale.reshape([]));
    }
  });
}

/**
 * The scale's update after a step: on inf/NaN, scale *= backoffFactor and the tracker restarts;
 * otherwise the tracker counts the step, and after growthInterval clean steps scale *= growthFactor
 * (kept only if finite) and the tracker restarts.
 */
export function updateScale_(scale: Tensor, growthTracker: Tensor, foundInf: Tensor, growthFactor: number, backoffFactor: number, growthInterval: number): Tensor {
  const op = "_amp_update_scale_";
  checkOneElementFloat(op, "current_scale", scale);
  checkOneElementFloat(op, "found_inf", foundInf);
  if (growthTracker.numel() !== 1) throw new Error(`${op}: growth_tracker must be a 1-element tensor.`);
  if (growthTracker.dtype !== int32) throw new Error(`${op}: growth_tracker must be an int tensor.`);
  noGrad(() => {
    const found = foundInf.reshape([]).ne(0);
    const successful = growthTracker.reshape([]).add(1);
    const grow = successful.eq(growthInterval).logicalAnd(found.logicalNot());
    const grown = scale.reshape([]).mul(growthFactor);
    const kept = where(grow.logicalAnd(grown.isfinite()), grown, scale.reshape([]));
    const newScale = where(found, scale.reshape([]).mul(backoffFactor), kept);
    const newTracker = where(found.logicalOr(grow), successful.mul(0), successful);
    scale.copy_(newScale.reshape(scale.shape));
    growthTracker.copy_(newTracker.reshape(growthTracker.shape));
  });
  return scale;
}
