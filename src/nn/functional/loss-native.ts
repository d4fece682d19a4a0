// The pointwise losses (mse, l1, smooth_l1, huber, binary cross-entropy on probabilities and on
// logits) through the native addon: one pass forward that writes the elementwise loss only for
// reduction 'none' and otherwise sums it, and one pass for the input's gradient. Taken for float32
// and float64 CPU operands of one dtype and of the input's shape; the callers keep their JS loops
// and composites for everything else, and for createGraph (the vjps here fall back to public ops).
// Not public API.

import type { Tensor } from "../../core/tensor.js";
import { float32, float64 } from "../../core/dtype.js";
import { shapesEqual } from "../../core/shape.js";
import { needsGrad } from "../../autograd/record.js";
import { emptyTensor, uninitTensor, writeNumbers } from "../../ops/engine.js";
import { onDevice } from "../../ops/device-hooks.js";
import type { FloatArray } from "../../backends/native/index.js";
import { type PointwiseLossKind, pointwiseLossBackward, pointwiseLossForward } from "../../backends/native/pointwise-loss.js";
import type { Reduction } from "./loss-util.js";
import { nativeNn } from "./native-nn.js";

/** A tensor's elements as the contiguous float buffer the kernel reads. */
function buffer(t: Tensor): FloatArray {
  const c = t.isContiguous() ? t : t.contiguous();
  const d = c.storage.data as FloatArray;
  return c._offset === 0 && d.length === c.numel() ? d : d.subarray(c._offset, c._offset + c.numel());
}

/** Operands the native kernels take: float32/float64 CPU tensors of x's dtype and shape. */
export function nativeLossOperands(x: Tensor, ...others: (Tensor | null)[]): boolean {
  if (!nativeNn(x.numel()) || (x.dtype !== float32 && x.dtype !== float64)) return false;
  for (const t of others) {
    if (t === null) continue;
    if (t.dtype !== x.dtype || !shapesEqual(t.shape, x.shape)) return false;
  }
  return !onDevice(x, ...others.filter((t): t is Tensor => t !== null));
}

export interface NativeLoss {
  kind: PointwiseLossKind;
  x: Tensor;
  y: Tensor;
  w?: Tensor | null;
  pw?: Tensor | null;
  param?: number;
}

function operands(l: NativeLoss) {
  return {
    x: buffer(l.x.detach()), y: buffer(l.y.detach()),
    w: l.w ? buffer(l.w.detach()) : null, pw: l.pw ? buffer(l.pw.detach()) : null,
    n: l.x.numel(), param: l.param,
  };
}

/**
 * The loss reduced as asked (the sum in double, divided by n for 'mean', rounded once to the
 * dtype); null when bce meets a value outside [0, 1] (the caller's JS loop reports which).
 */
export function nativeLossForward(l: NativeLoss, reduction: Reduction): Tensor | null {
  const o = operands(l);
  if (reduction === "none") {
    const out = uninitTensor(l.x.shape, l.x.dtype);
    return pointwiseLossForward(l.kind, o, out.storage.data as FloatArray) === null ? null : out;
  }
  const sum = pointwiseLossForward(l.kind, o, null);
  if (sum === null) return null;
  const out = emptyTensor([], l.x.dtype);
  writeNumbers(out, [reduction === "sum" ? sum : sum / o.n]);
  return out;
}

/**
 * The gradient of the reduced loss with respect to x for the output gradient g (0-d for
 * 'mean'/'sum'); null under createGraph (the caller's public-op vjp runs).
 */
export function nativeLossGrad(l: NativeLoss, reduction: Reduction, g: Tensor): Tensor | null {
  // Grad mode on during backward with an operand requiring grad: createGraph.
  if (needsGrad(g, l.x, l.y, l.w, l.pw) || onDevice(g) || g.dtype !== l.x.dtype) return null;
  const o = operands(l);
  const gx = uninitTensor(l.x.shape, l.x.dtype);
  const scale = reduction === "mean" ? 1 / o.n : 1;
  if (reduction === "none") {
    if (!shapesEqual(g.shape, l.x.shape)) return null;
    pointwiseLossBackward(l.kind, o, buffer(g), 0, scale, gx.storage.data as FloatArray);
  } else {
    pointwiseLossBackward(l.kind, o, null, g.item() as number, scale, gx.storage.data as FloatArray);
  }
  return gx;
}
