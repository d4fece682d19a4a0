// 2-d max, average and adaptive average pooling of channels-last inputs on the backend's
// channels-last kernels (kernels.nhwc): results and gradients are channels-last, as PyTorch's,
// and no NCHW copy is made. Each op's vjp is another of these ops (or, for max pooling's
// double backward, the NCHW gather), so higher-order gradients work as in pooling.ts. The entry
// points return null where these kernels do not apply; pooling.ts then runs its NCHW kernels.

import type { Tensor } from "../../core/tensor.js";
import { record } from "../../autograd/record.js";
import type { AvgPoolParams, MaxPoolParams } from "../../backends/js/pool.js";
import type { NhwcKernels } from "../../backends/kernels.js";
import { nhwcData, nhwcIndexOut, nhwcIndices, nhwcKernels, nhwcOut, resultIsChannelsLast } from "./nhwc.js";
import { gatherByIndices_ } from "./pool-indices.js";

/** The channels-last kernels for a 4-d channels-last input with non-empty input and output. */
function kernelsFor(x: Tensor, outShape: readonly number[]): NhwcKernels | null {
  if (x._shape.length !== 4 || x.numel() === 0 || outShape.some((s) => s === 0) || !resultIsChannelsLast(x)) return null;
  return nhwcKernels(x);
}

/** max_pool2d(_with_indices) of a channels-last input; indices null unless wanted. */
export function maxPool2dNhwc(x: Tensor, outShape: number[], params: MaxPoolParams, wantIndices: boolean): [Tensor, Tensor | null] | null {
  const k = kernelsFor(x, outShape);
  if (k === null) return null;
  const out = nhwcOut(outShape, x.dtype);
  const indices = wantIndices ? nhwcIndexOut(outShape) : null;
  k.maxPoolForward(nhwcData(x), x.shape, out.data, outShape, indices ? indices.data : null, params);
  if (!indices) return [out.t, null];
  const inShape = x.shape;
  record("MaxPool2DWithIndicesBackward0", [x], out.t, ([g]) => [maxPoolBackward(k, g!, indices.t, inShape, "MaxPool2DWithIndicesBackwardBackward0")]);
  return [out.t, indices.t];
}

/** The gradient g at the saved indices, channels-last; its vjp gathers at them. */
function maxPoolBackward(k: NhwcKernels, g: Tensor, indices: Tensor, inShape: number[], node: string): Tensor {
  const out = nhwcOut(inShape, g.dtype);
  k.maxPoolBackward(nhwcData(g), nhwcIndices(indices), g.shape, out.data, inShape);
  const outShape = g.shape;
  return record(node, [g], out.t, ([gg]) => [gatherByIndices_(gg!, indices, outShape, 2)]);
}

/** avg_pool2d of a channels-last float input. */
export function avgPool2dNhwc(x: Tensor, outShape: number[], params: AvgPoolParams): Tensor | null {
  const k = kernelsFor(x, outShape);
  return k === null ? null : avgPoolForward(k, x, outShape, params);
}

function avgPoolForward(k: NhwcKernels, x: Tensor, outShape: number[], params: AvgPoolParams): Tensor {
  const out = nhwcOut(outShape, x.dtype);
  k.avgPoolForward(nhwcData(x), x.shape, out.data, outShape, params);
  const inShape = x.shape;
  return record("AvgPool2DBackward0", [x], out.t, ([g]) => [avgPoolBackward(k, g!, inShape, params)]);
}

function avgPoolBackward(k: NhwcKernels, g: Tensor, inShape: number[], params: AvgPoolParams): Tensor {
  const out = nhwcOut(inShape, g.dtype);
  k.avgPoolBackward(nhwcData(g), g.shape, out.data, inShape, params);
  const outShape = g.shape;
  return record("AvgPool2DBackwardBackward0", [g], out.t, ([gg]) => [avgPoolForward(k, gg!, outShape, params)]);
}

/** adaptive_avg_pool2d of a channels-last float input. */
export function adaptiveAvgPool2dNhwc(x: Tensor, outShape: number[]): Tensor | null {
  const k = kernelsFor(x, outShape);
  return k === null ? null : adaptiveAvgForward(k, x, outShape);
}

function adaptiveAvgForward(k: NhwcKernels, x: Tensor, outShape: number[]): Tensor {
  const out = nhwcOut(outShape, x.dtype);
  k.adaptiveAvgPoolForward(nhwcData(x), x.shape, out.data, outShape);
  const inShape = x.shape;
  return record("AdaptiveAvgPool2DBackward0", [x], out.t, ([g]) => [adaptiveAvgBackward(k, g!, inShape)]);
}

function adaptiveAvgBackward(k: NhwcKernels, g: Tensor, inShape: number[]): Tensor {
  const out = nhwcOut(inShape, g.dtype);
  k.adaptiveAvgPoolBackward(nhwcData(g), g.shape, out.data, inShape);
  const outShape = g.shape;
  return record("AdaptiveAvgPool2DBackwardBackward0", [g], out.t, ([gg]) => [adaptiveAvgForward(k, gg!, outShape)]);
}
