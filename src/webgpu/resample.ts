// F.interpolate and adaptive average pooling (and so interpolate's 'area' mode) on the "webgpu"
// device. Both are separable (src/backends/js/interp-taps.ts): along each resized trailing dim,
// output o is Σ_t weight[o,t] · input[index[o,t]]. On the device a pass is one index_select per tap
// times its weight column (the CPU kernel's own taps, so the same indices and weights), and its
// transpose, for the backward, one index_add per tap. Recorded under the CPU op's node names; the
// backward is recorded as ...BackwardBackward0 whose vjp is the forward.

import type { Tensor } from "../core/tensor.js";
import { float32, int64 } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { fromArray } from "../ops/engine.js";
import { type InterpolateParams, type Taps, interpolateTaps } from "../backends/js/interpolate.js";
import { adaptiveEnd, adaptiveStart } from "../backends/js/pool-shape.js";
import { checkDevices } from "./pointwise.js";
import { halfFormatOf, requireFloatOperands } from "./storage.js";

/** One tap column of a pass, on the device: source indices (-1 → 0 with weight 0) and weights shaped to broadcast along dim d. */
interface TapColumn { index: Tensor; weight: Tensor | null }

function isIdentity(t: Taps): boolean {
  if (t.taps !== 1 || t.inSize !== t.outSize) return false;
  for (let o = 0; o < t.outSize; o++) if (t.index[o] !== o || t.weight[o] !== 1) return false;
  return true;
}

function tapColumns(t: Taps, like: Tensor, d: number): TapColumn[] {
  const trailing = like.dim() - d - 1;
  const cols: TapColumn[] = [];
  for (let j = 0; j < t.taps; j++) {
    const idx = new BigInt64Array(t.outSize), w = new Float32Array(t.outSize);
    let unit = true;
    for (let o = 0; o < t.outSize; o++) {
      const i = t.index[o * t.taps + j]!;
      idx[o] = BigInt(Math.max(i, 0));
      w[o] = i < 0 ? 0 : t.weight[o * t.taps + j]!;
      if (w[o] !== 1) unit = false;
    }
    const index = fromArray(idx, [t.outSize], int64).to(like.device);
    const weight = unit ? null : fromArray(w, [t.outSize, ...new Array<number>(trailing).fill(1)], float32).to(like.device);
    cols.push({ index, weight });
  }
  return cols;
}

/** One forward pass along dim d. */
function passForward(x: Tensor, d: number, t: Taps): Tensor {
  if (isIdentity(t)) return x;
  let acc: Tensor | null = null;
  for (const { index, weight } of tapColumns(t, x, d)) {
    const picked = x.indexSelect(d, index);
    const term = weight ? picked.mul(weight) : picked;
    acc = acc ? acc.add(term) : term;
  }
  return acc!;
}

/** The transpose of passForward: g has t.outSize along d; the result t.inSize. */
function passBackward(g: Tensor, d: number, t: Taps): Tensor {
  if (isIdentity(t)) return g;
  const shape = g.shape;
  shape[d] = t.inSize;
  let acc = g.newZeros(shape);
  for (const { index, weight } of tapColumns(t, g, d)) acc = acc.indexAdd(d, index, weight ? g.mul(weight) : g);
  return acc;
}

/** A resampling of the last `dims` dims: taps for the forward and (they may differ) for the backward. */
interface Resampling {
  readonly op: string;
  readonly node: string;
  readonly dims: number;
  forward(inSpatial: readonly number[]): Taps[];
  backward(inSpatial: readonly number[]): Taps[];
}

function resample(x: Tensor, r: Resampling): Tensor {
  checkDevices(r.op, x);
  requireFloatOperands(r.op, x);
  // Taps weigh in float32: a float16/bfloat16 input resamples in float32, rounded once at the end.
  if (halfFormatOf(x.dtype)) return resample(x.float(), r).to(x.dtype);
  const inShape = x.shape, lead = inShape.length - r.dims;
  const taps = r.forward(inShape.slice(lead));
  const xd = x.detach();
  let y = xd;
  noGrad(() => { for (let i = r.dims - 1; i >= 0; i--) y = passForward(y, lead + i, taps[i]!); });
  if (y === xd) y = xd.clone();
  return record(`${r.node}Backward0`, [x], y, ([g]) => [resampleBackward(g!, inShape, r)]);
}

function resampleBackward(g: Tensor, inShape: readonly number[], r: Resampling): Tensor {
  const lead = inShape.length - r.dims;
  const taps = r.backward(inShape.slice(lead));
  const gd = g.detach();
  let gx = gd;
  noGrad(() => { for (let i = 0; i < r.dims; i++) gx = passBackward(gx, lead + i, taps[i]!); });
  if (gx === gd) gx = gd.clone();
  return record(`${r.node}BackwardBackward0`, [g], gx, ([gg]) => [resample(gg!, r)]);
}

/** F.interpolate's kernel on a float32 device tensor [N, C, spatial...], recorded as `<node>Backward0`. */
export function gpuInterpolate(x: Tensor, params: InterpolateParams, node: string): Tensor {
  return resample(x, {
    op: "interpolate", node, dims: params.outputSize.length,
    forward: (inSpatial) => interpolateTaps(inSpatial, params, { float32: true }),
    backward: (inSpatial) => interpolateTaps(inSpatial, params, { backward: true }),
  });
}

/** Adaptive average pooling along one dim: output o averages input [floor(o·in/out), ceil((o+1)·in/out)). */
function adaptiveAvgTaps(inSize: number, outSize: number): Taps {
  let T = 1;
  for (let o = 0; o < outSize; o++) T = Math.max(T, adaptiveEnd(o, outSize, inSize) - adaptiveStart(o, outSize, inSize));
  const index = new Int32Array(outSize * T).fill(-1), weight = new Float64Array(outSize * T);
  for (let o = 0; o < outSize; o++) {
    const s = adaptiveStart(o, outSize, inSize), e = adaptiveEnd(o, outSize, inSize);
    for (let i = s; i < e; i++) { index[o * T + i - s] = i; weight[o * T + i - s] = 1 / (e - s); }
  }
  return { inSize, outSize, taps: T, index, weight };
}

/** adaptive_avg_pool{k}d of a float32 device tensor to `outShape`, recorded as AdaptiveAvgPool{k}DBackward0. */
export function gpuAdaptiveAvgPool(x: Tensor, outShape: readonly number[], k: number): Tensor {
  const outSpatial = outShape.slice(outShape.length - k);
  const taps = (inSpatial: readonly number[]): Taps[] => inSpatial.map((s, i) => adaptiveAvgTaps(s, outSpatial[i]!));
  return resample(x, { op: `adaptive_avg_pool${k}d`, node: `AdaptiveAvgPool${k}D`, dims: k, forward: taps, backward: taps });
}
