// Layers: linear, convolution, pooling, normalization, softmax.

import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";

/** y = x Wᵀ + b: Gemm for a matrix input, MatMul (+ Add) otherwise. */
const linear: Converter = (c) => {
  const x = c.input(0), w = c.input(1);
  const xr = c.value(0).shape.length, wr = c.value(1).shape.length;
  if (xr === 2 && wr === 2) return c.op("Gemm", [x, w, c.optional(2)], { transB: attr.i(1) });
  const wt = wr === 2 ? c.op("Transpose", [w], { perm: attr.ints([1, 0]) }) : w;
  const y = c.op("MatMul", [x, wt]);
  return c.has(2) ? c.op("Add", [y, c.input(2)]) : y;
};

const conv: Converter = (c) => {
  const kernel = c.value(1).shape.slice(2);
  return c.op("Conv", [c.input(0), c.input(1), c.optional(2)], {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(c.attr<number[]>("stride")),
    pads: attr.ints([...c.attr<number[]>("padsBegin"), ...c.attr<number[]>("padsEnd")]),
    dilations: attr.ints(c.attr<number[]>("dilation")),
    group: attr.i(c.attr<number>("groups")),
  });
};

const convTranspose: Converter = (c) => {
  const padding = c.attr<number[]>("padding");
  return c.op("ConvTranspose", [c.input(0), c.input(1), c.optional(2)], {
    kernel_shape: attr.ints(c.value(1).shape.slice(2)),
    strides: attr.ints(c.attr<number[]>("stride")),
    pads: attr.ints([...padding, ...padding]),
    output_padding: attr.ints(c.attr<number[]>("outputPadding")),
    dilations: attr.ints(c.attr<number[]>("dilation")),
    group: attr.i(c.attr<number>("groups")),
  });
};

/** Runs a pooling node on a batched view of the input (ONNX pools need N and C). */
function batched(c: ConvertContext, k: number, run: (x: string) => string): string {
  if (c.value(0).shape.length === k + 2) return run(c.input(0));
  const axes = c.g.ints([0]);
  return c.op("Squeeze", [run(c.op("Unsqueeze", [c.input(0), axes])), axes]);
}

const maxPool: Converter = (c) => {
  const k = c.attr<number>("k");
  const padding = c.attr<number[]>("padding");
  const y = batched(c, k, (x) => c.op("MaxPool", [x], {
    kernel_shape: attr.ints(c.attr<number[]>("kernel")),
    strides: attr.ints(c.attr<number[]>("stride")),
    pads: attr.ints([...padding, ...padding]),
    dilations: attr.ints(c.attr<number[]>("dilation")),
    ceil_mode: attr.i(c.attr<boolean>("ceilMode") ? 1 : 0),
  }));
  return [y, null];
};

const avgPool: Converter = (c) => {
  if (c.attr<number | null>("divisorOverride") !== null) c.fail("divisor_override has no ONNX mapping");
  const k = c.attr<number>("k");
  const padding = c.attr<number[]>("padding");
  return batched(c, k, (x) => c.op("AveragePool", [x], {
    kernel_shape: attr.ints(c.attr<number[]>("kernel")),
    strides: attr.ints(c.attr<number[]>("stride")),
    pads: attr.ints([...padding, ...padding]),
    ceil_mode: attr.i(c.attr<boolean>("ceilMode") ? 1 : 0),
    count_include_pad: attr.i(c.attr<boolean>("countIncludePad") ? 1 : 0),
  }));
};

/** adaptive_{avg,max}_pool{k}d where every output size divides the input size: an AveragePool or MaxPool. */
function adaptivePool(k: number, opType: "AveragePool" | "MaxPool"): Converter {
  return (c) => {
    const inA = c.value(0).shape.slice(-k), outA = c.out().shape.slice(-k);
    const inB = c.value(0).b?.shape.slice(-k) ?? inA, outB = c.out().b?.shape.slice(-k) ?? outA;
    const kernel = inA.map((s, i) => s / outA[i]!);
    if (kernel.some((q, i) => !Number.isInteger(q) || inB[i]! / outB[i]! !== q)) {
      c.fail(`output size [${outA.join(", ")}] must divide the input size [${inA.join(", ")}] (and stay fixed) to map to ${opType}`);
    }
    return batched(c, k, (x) => c.op(opType, [x], { kernel_shape: attr.ints(kernel), strides: attr.ints(kernel) }));
  };
}

/** A per-channel vector of ones or zeros (the affine parameters a norm op was called without). */
function fill(c: ConvertContext, n: number, value: number): string {
  return c.g.constant(c.outDtype(), new Array<number>(n).fill(value), [n]);
}

/**
 * Batch statistics (no running statistics, or F.instance_norm): the mean and biased variance over
 * every dim but the channels, computed in the graph.
 */
function batchStatistics(c: ConvertContext): string {
  const shape = c.value(0).shape;
  const axes = shape.map((_, i) => i).filter((i) => i !== 1);
  const mean = (x: string): string => (c.opset >= 18 ? c.op("ReduceMean", [x, c.g.ints(axes)], { keepdims: attr.i(1) }) : c.op("ReduceMean", [x], { axes: attr.ints(axes), keepdims: attr.i(1) }));
  const x = c.input(0);
  const centered = c.op("Sub", [x, mean(x)]);
  const variance = mean(c.op("Mul", [centered, centered]));
  let y = c.op("Div", [centered, c.op("Sqrt", [c.op("Add", [variance, c.g.scalar(c.attr<number>("eps"), c.outDtype())])])]);
  // The channel count may be dynamic (instance norm runs on (1, N*C, ...)).
  const perChannel = c.g.ints([-1, ...new Array<number>(shape.length - 2).fill(1)]);
  if (c.has(3)) y = c.op("Mul", [y, c.op("Reshape", [c.input(3), perChannel])]);
  if (c.has(4)) y = c.op("Add", [y, c.op("Reshape", [c.input(4), perChannel])]);
  return y;
}

const batchNorm: Converter = (c) => {
  if (c.attr<boolean>("training") || !c.has(1) || !c.has(2)) return batchStatistics(c);
  const C = c.value(0).shape[1]!;
  const scale = c.has(3) ? c.input(3) : fill(c, C, 1);
  const bias = c.has(4) ? c.input(4) : fill(c, C, 0);
  return c.op("BatchNormalization", [c.input(0), scale, bias, c.input(1), c.input(2)], { epsilon: attr.f(c.attr<number>("eps")) });
};

/** LayerNormalization (opset 17) over the trailing normalized dims. */
const layerNorm: Converter = (c) => {
  const k = c.attr<number>("normalizedDims");
  const normShape = c.value(0).shape.slice(-k);
  const n = normShape.reduce((a, b) => a * b, 1);
  const scale = c.has(1) ? c.input(1) : c.g.constant(c.outDtype(), new Array<number>(n).fill(1), normShape);
  return c.op("LayerNormalization", [c.input(0), scale, c.optional(2)], { axis: attr.i(-k), epsilon: attr.f(c.attr<number>("eps")) });
};

/**
 * GroupNorm: opset 18's GroupNormalization (its scale and bias are per group, so they are ones
 * and zeros and the per-channel affine follows); for opset 17, InstanceNormalization over the
 * input viewed as (N, G, -1).
 */
const groupNorm: Converter = (c) => {
  const G = c.attr<number>("numGroups"), eps = c.attr<number>("eps");
  const shape = c.value(0).shape;
  const C = shape[1]!;
  let y: string;
  if (c.opset >= 18) {
    y = c.op("GroupNormalization", [c.input(0), fill(c, G, 1), fill(c, G, 0)], { num_groups: attr.i(G), epsilon: attr.f(eps) });
  } else {
    const grouped = c.op("Reshape", [c.input(0), c.g.ints([0, G, -1])]);
    const normed = c.op("InstanceNormalization", [grouped, fill(c, G, 1), fill(c, G, 0)], { epsilon: attr.f(eps) });
    y = c.op("Reshape", [normed, c.op("Shape", [c.input(0)])]);
  }
  const perChannel = c.g.ints([C, ...new Array<number>(shape.length - 2).fill(1)]);
  if (c.has(1)) y = c.op("Mul", [y, c.op("Reshape", [c.input(1), perChannel])]);
  if (c.has(2)) y = c.op("Add", [y, c.op("Reshape", [c.input(2), perChannel])]);
  return y;
};

function softmax(opType: string): Converter {
  return (c) => {
    if (c.value(0).shape.length === 0) {
      // A 0-d softmax is 1 (log: 0); ONNX needs rank >= 1.
      const one = c.op("Reshape", [c.input(0), c.g.ints([1])]);
      return c.op("Reshape", [c.op(opType, [one], { axis: attr.i(0) }), c.g.ints([])]);
    }
    return c.op(opType, [c.input(0)], { axis: attr.i(c.attr<number>("dim")) });
  };
}

export const NN: Record<string, Converter> = {
  linear,
  conv,
  conv_transpose: convTranspose,
  max_pool: maxPool,
  avg_pool: avgPool,
  AdaptiveAvgPool2DBackward0: adaptivePool(2, "AveragePool"),
  AdaptiveAvgPool3DBackward0: adaptivePool(3, "AveragePool"),
  // The indices (return_indices=True) are not part of the record: only the values export.
  AdaptiveMaxPool2DBackward0: adaptivePool(2, "MaxPool"),
  AdaptiveMaxPool3DBackward0: adaptivePool(3, "MaxPool"),
  batch_norm: batchNorm,
  layer_norm: layerNorm,
  group_norm: groupNorm,
  softmax: softmax("Softmax"),
  log_softmax: softmax("LogSoftmax"),
};

