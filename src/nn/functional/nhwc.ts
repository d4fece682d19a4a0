// Tensors <-> the channels-last kernels (kernels.nhwc): 4-d float32/float64 tensors whose
// values the kernels read and write in [N, H, W, C] order. A channels-last tensor's storage is
// already in that order, so nothing is copied for it. Not public API.

import type { Tensor } from "../../core/tensor.js";
import { type DType, float32, float64, int64 } from "../../core/dtype.js";
import { channelsLast, isContiguousAs, stridesFor } from "../../core/memory-format.js";
import { QuantizedStorage } from "../../core/quantized-storage.js";
import { uninitStrided, uninitTensor } from "../../ops/engine.js";
import { onDevice } from "../../ops/device-hooks.js";
import { type NhwcKernels, kernels } from "../../backends/kernels.js";
import { channelsLastTarget } from "./channels-last.js";

type FloatArray = Float32Array | Float64Array;

/**
 * The channels-last kernels, when the backend has them and every operand is a float32 or
 * float64 CPU tensor of one dtype (null operands skipped); else null.
 */
export function nhwcKernels(...operands: (Tensor | null)[]): NhwcKernels | null {
  const k = kernels.nhwc;
  if (k === null) return null;
  let dtype: DType | null = null;
  for (const t of operands) {
    if (t === null) continue;
    if (t.storage instanceof QuantizedStorage || (t.dtype !== float32 && t.dtype !== float64)) return null;
    if (dtype !== null && t.dtype !== dtype) return null;
    dtype = t.dtype;
  }
  return onDevice(...operands) ? null : k;
}

/** Whether a 4-d result computed from `from` is channels-last (keepChannelsLast's rule). */
export function resultIsChannelsLast(...from: (Tensor | null)[]): boolean {
  return channelsLastTarget(4, ...from) === channelsLast;
}

/** A 4-d tensor laid out channels-last (a copy only if it is not), outside autograd. */
function inChannelsLast(t: Tensor): Tensor {
  const d = t.detach();
  return isContiguousAs(d._shape, d._strides, channelsLast) ? d : d.contiguous(channelsLast);
}

/** A 4-d float tensor's values in [N, H, W, C] order. */
export function nhwcData(t: Tensor): FloatArray {
  const c = inChannelsLast(t);
  return (c.storage.data as FloatArray).subarray(c._offset, c._offset + c.numel());
}

/** A 4-d int64 tensor's values in [N, H, W, C] order. */
export function nhwcIndices(t: Tensor): BigInt64Array {
  const c = inChannelsLast(t);
  return (c.storage.data as BigInt64Array).subarray(c._offset, c._offset + c.numel());
}

/**
 * An uninitialised channels-last tensor (the kernel writes every element) and its array;
 * `contiguousStrides`: the caller knows that [N, H, W, C] order is also the contiguous order of
 * this shape, and wants the contiguous strides.
 */
export function nhwcOut(shape: readonly number[], dtype: DType, contiguousStrides = false): { t: Tensor; data: FloatArray } {
  const t = contiguousStrides ? uninitTensor(shape, dtype) : uninitStrided(shape, stridesFor(shape, channelsLast), dtype);
  return { t, data: t.storage.data as FloatArray };
}

/** Channels-last int64 indices for a max pooling output of `shape`. */
export function nhwcIndexOut(shape: readonly number[]): { t: Tensor; data: BigInt64Array } {
  const t = uninitStrided(shape, stridesFor(shape, channelsLast), int64);
  return { t, data: t.storage.data as BigInt64Array };
}
