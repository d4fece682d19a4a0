// F.interpolate on the "webgpu" device. Every mode is separable (src/backends/js/interp-taps.ts):
// along each resized dim, output o is Σ_t weight[o,t] · input[index[o,t]]. On the device a pass is
// one index_select per tap times its weight column (the same taps as the CPU kernel, so the same
// indices and weights), and its transpose, for the backward, one index_add per tap. Recorded under
// the CPU op's node names; the backward is recorded as ...BackwardBackward0 whose vjp is the forward.

import type { Tensor } from "../core/tensor.js";
import { float32, int64 } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { fromArray } from "../ops/engine.js";
import { type InterpolateParams, type Taps, interpolateTaps } from "../backends/js/interpolate.js";
import { checkDevices } from "./pointwise.js";

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

/** F.interpolate's kernel on a float32 device tensor [N, C, spatial...], recorded as `<node>Backward0`. */
export function gpuInterpolate(x: Tensor, params: InterpolateParams, node: string): Tensor {
  checkDevices("interpolate", x);
  if (x.dtype !== float32) throw notImplementedOnDevice(`interpolate (dtype ${x.dtype.name})`);
  const k = params.outputSize.length, lead = x.dim() - k;
  const taps = interpolateTaps(x.shape.slice(lead), params, { float32: true });
  const xd = x.detach();
  let y = xd;
  noGrad(() => { for (let i = k - 1; i >= 0; i--) y = passForward(y, lead + i, taps[i]!); });
  if (y === xd) y = xd.clone();
  const inShape = x.shape;
  return record(`${node}Backward0`, [x], y, ([g]) => [gpuInterpolateBackward(g!, inShape, params, node)]);
}

function gpuInterpolateBackward(g: Tensor, inShape: readonly number[], params: InterpolateParams, node: string): Tensor {
  const k = params.outputSize.length, lead = inShape.length - k;
  const taps = interpolateTaps(inShape.slice(lead), params, { backward: true });
  const gd = g.detach();
  let gx = gd;
  noGrad(() => { for (let i = 0; i < k; i++) gx = passBackward(gx, lead + i, taps[i]!); });
  if (gx === gd) gx = gd.clone();
  return record(`${node}BackwardBackward0`, [g], gx, ([gg]) => [gpuInterpolate(gg!, params, node)]);
}
