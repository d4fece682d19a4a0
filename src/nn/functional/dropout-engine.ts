// The dropout kernels behind F.dropout* and the torch.* dropout forms (torch.native_dropout,
// torch.feature_dropout): ATen's _dropout_impl and its noise. Not public API.

import { isNested } from "../../core/nested-kind.js";
import { nestedRefusal } from "../../ops/nested-engine.js";
import { nestedDropout } from "../../ops/nested-ops.js";
import { notImplementedFor } from "../../ops/pointwise-util.js";
import type { Tensor } from "../../core/tensor.js";
import { float32 } from "../../core/dtype.js";
import { emptyTensor } from "../../ops/engine.js";
import { onDevice } from "../../ops/device-hooks.js";

const ALPHA = 1.7580993408473766;

export function checkP(p: number): void {
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * The noise shape of feature dropout: (N, C, 1, ...), or (C, 1, ...) for an unbatched input (which
 * PyTorch runs as a batch of one: the same draws, in the same order).
 */
export function featureShape(x: Tensor, batched = true): number[] {
  if (batched && x.dim() < 2) throw new Error("Feature dropout requires at least 2 dimensions in the input");
  const keep = batched ? 2 : 1;
  return x.shape.map((s, i) => (i < keep ? s : 1));
}

/** The noise, filled with bernoulli(1 - p); 16-bit floats get a float32 noise (ATen's opmath). */
export function noiseFor(x: Tensor, shape: number[], p: number): Tensor {
  const reduced = x.dtype.name === "float16" || x.dtype.name === "bfloat16";
  const noise = emptyTensor(shape, reduced ? float32 : x.dtype);
  noise.bernoulli_(1 - p);
  // The mask comes from the CPU generator (the same stream as on the CPU), then moves to the device.
  return onDevice(x) ? noise.to(x.device) : noise;
}

/** ATen's _dropout_impl; `noiseShape` null means elementwise noise. */
export function dropoutImpl(x: Tensor, p: number, train: boolean, noiseShape: (() => number[]) | null, alpha: boolean, inplace: boolean): Tensor {
  checkP(p);
  if (isNested(x)) {
    // 1.13 has only native_dropout for nested tensors; the other forms stop at empty_like.
    if (noiseShape || alpha || inplace) throw nestedRefusal("empty_like");
    return nestedDropout(x, p, train);
  }
  if (p === 0 || !train || x.numel() === 0) return x;
  // PyTorch draws the mask in the input's dtype, and has no Bernoulli draw of complex numbers.
  if (x.dtype.isComplex) throw notImplementedFor("bernoulli_scalar_cpu_", x.dtype);
  if (p === 1) {
    const zero = x.newZeros([]);
    return inplace ? x.mul_(zero) : x.mul(zero);
  }
  let noise = noiseFor(x, noiseShape ? noiseShape() : x.shape, p);
  if (alpha) {
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    let b = noise.add(-1).mul_(ALPHA * a).add_(ALPHA * a * p);
    noise.mul_(a);
    if (noise.dtype !== x.dtype) { noise = noise.to(x.dtype); b = b.to(x.dtype); }
    return inplace ? x.mul_(noise).add_(b) : x.mul(noise).add(b);
  }
  noise.div_(1 - p);
  if (noise.dtype !== x.dtype) noise = noise.to(x.dtype);
  return inplace ? x.mul_(noise) : x.mul(noise);
}
