// Quantized convolution and transposed convolution, 1-d to 3-d, as PyTorch 1.13 computes them on
// x86 with the onednn engine (qconv.cpp): the exact int32 sum of (x - x_zero_point) *
// (w - w_zero_point[channel]) over the window, then the requantization that quantized linear shares
// (quantized-linear.ts: float bias divided by x_scale * w_scale, round half to even, clamp; relu
// keeps outputs at least the zero point), with onednn's float multiplier (onednnMultiplier).
// onednn's AVX2 kernels (vpmaddubsw) multiply the raw uint8 inputs by the int8 weights and add the
// products of input channels (2c, 2c + 1) of one kernel tap in int16, saturated, before summing in
// int32 and subtracting the zero points' share; its grouped (non-transposed) convolutions go
// through a gemm that sums exactly. (As in linear, saturation needs full 8-bit activations and
// large weights: PyTorch's x86 qconfigs reduce activations to 7 bits.) Padding adds
// nothing (a padded input is the zero point). quint8 activations, qint8 weights; the transposed
// forms take per-tensor weights only, as PyTorch 1.13's prepack does.

import { Tensor } from "../core/tensor.js";
import { type PackedWeight, checkBias, requantizer, unpackWeight } from "./quantized-linear.js";
import { type QuantizedStorage, viewQuantizerOf } from "../core/quantized-storage.js";
import { clampTo, perTensorResult, perTensorValues } from "./quantized-engine.js";

const f32 = Math.fround;
const sat16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

/** The sizes of a 1-d or 2-d geometry with unit leading dims, so that one 3-d loop serves all. */
const lift3 = (v: readonly number[], fill: number): number[] => [...new Array<number>(3 - v.length).fill(fill), ...v];

/**
 * torch.ops.quantized.conv{2,3}d_prepack's (and conv_transpose{1,2,3}d_prepack's) result: the qint8
 * weight ([out, in / groups, *kernel], transposed [in, out / groups, *kernel]), the float bias and the
 * geometry. A conv1d weight is packed with a unit height, as PyTorch's conv1d_prepack does.
 */
export class ConvPackedParams {
  /** @internal */ readonly packed: PackedWeight;
  /** @internal */ readonly biasValues: Float32Array | null;
  readonly transposed: boolean;
  readonly outputPadding: number[];
  constructor(
    readonly weight: Tensor, readonly bias: Tensor | null, readonly stride: number[], readonly padding: number[],
    readonly dilation: number[], readonly groups: number, outputPadding: number[] | null = null,
  ) {
    this.transposed = outputPadding !== null;
    const k = weight instanceof Tensor ? weight.dim() - 2 : 0;
    const op = this.transposed ? `quantized::conv_transpose${k}d_prepack` : `quantized::conv${k}d_prepack`;
    if (!(weight instanceof Tensor) || k < 1 || k > 3) throw new Error(`${op}: the weight must be 3-, 4- or 5-dimensional, got ${weight instanceof Tensor ? weight.dim() : typeof weight}`);
    for (const [name, v] of [["stride", stride], ["padding", padding], ["dilation", dilation], ["output_padding", outputPadding ?? new Array<number>(k).fill(0)]] as const) {
      if (v.length !== k) throw new Error(`${op}: Specify ${name} as ${k} integers, got [${v.join(", ")}]`);
    }
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
    const outChannels = this.transposed ? weight.size(1) * groups : weight.size(0);
    if (weight.size(0) % groups !== 0) throw new Error(`${op}: ${this.transposed ? "in" : "out"} channels ${weight.size(0)} are not divisible by groups ${groups}`);
    if (this.transposed && (outputPadding!.some((p, d) => p >= stride[d]! && p >= dilation[d]!))) {
      throw new Error(`${op}: output padding must be smaller than either stride or dilation, got output_padding=[${outputPadding!.join(", ")}]`);
    }
    this.packed = unpackWeight(op, weight);
    if (this.transposed && viewQuantizerOf(weight.storage as QuantizedStorage, weight).scheme !== "per_tensor_affine") {
      throw new Error(`${op}: Per Channel Quantization is currently disabled for transposed conv`);
    }
    this.biasValues = checkBias(op, bias, outChannels);
    this.outputPadding = outputPadding ?? new Array<number>(k).fill(0);
  }
  /** (weight, bias), as torch.ops.quantized.conv*_unpack. */
  unpack(): [Tensor, Tensor | null] { return [this.weight, this.bias]; }
}

/**
 * onednn's output scale: PyTorch hands it the reciprocals of the (double) scales as floats, and it
 * divides them in float: (1 / out_scale) / ((1 / x_scale) * (1 / w_scale)). It differs from fbgemm's
 * x_scale * w_scale / out_scale in the last bit for some scales, which moves results that land
 * near a rounding tie.
 */
function onednnMultiplier(xScale: number, wScale: number, outScale: number): number {
  return f32(f32(1 / outScale) / f32(f32(1 / xScale) * f32(1 / wScale)));
}

/** The output size of one spatial dim. */
function outputSize(transposed: boolean, input: number, k: number, s: number, p: number, d: number, op: number): number {
  return transposed ? (input - 1) * s - 2 * p + d * (k - 1) + op + 1 : Math.floor((input + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * torch.ops.quantized.conv{k}d / conv_transpose{k}d (relu: the _relu forms) on a quint8 input of
 * k + 2 dims [N, C, *spatial] and the packed weight; `op` names the kernel in errors.
 */
export function quantizedConv(op: string, x: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number, relu = false): Tensor {
  const v = perTensorValues(op, x);
  if (v.dtype.name !== "quint8") throw new Error(`${op}: expected a quint8 input, got ${v.dtype.name}`);
  const k = packed.weight.dim() - 2;
  if (v.shape.length !== k + 2) throw new Error(`${op}: expected a ${k + 2}-D input [N, C, ${["L", "H, W", "D, H, W"][k - 1]}], got [${v.shape.join(", ")}]`);
  const t = packed.transposed, groups = packed.groups, wShape = packed.weight.shape;
  const N = v.shape[0]!, C = v.shape[1]!;
  const CIg = t ? wShape[0]! / groups : wShape[1]!, COg = t ? wShape[1]! : wShape[0]! / groups, CO = COg * groups;
  if (CIg * groups !== C) throw new Error(`${op}: input channels ${C} do not match the weight's ${CIg} x groups ${groups}`);
  const [ID, IH, IW] = lift3(v.shape.slice(2), 1) as [number, number, number];
  const [KD, KH, KW] = lift3(wShape.slice(2), 1) as [number, number, number];
  const [sD, sH, sW] = lift3(packed.stride, 1) as [number, number, number], [pD, pH, pW] = lift3(packed.padding, 0) as [number, number, number];
  const [dD, dH, dW] = lift3(packed.dilation, 1) as [number, number, number], [oD, oH, oW] = lift3(packed.outputPadding, 0) as [number, number, number];
  const OD = outputSize(t, ID, KD, sD, pD, dD, oD), OH = outputSize(t, IH, KH, sH, pH, dH, oH), OW = outputSize(t, IW, KW, sW, pW, dW, oW);
  const outShape = [N, CO, ...[OD, OH, OW].slice(3 - k)];
  if (OD <= 0 || OH <= 0 || OW <= 0) throw new Error(`${op}: the output would be empty ([${outShape.join(", ")}])`);
  const w = packed.packed, clamp = clampTo(v.dtype), xs = v.ints, xz = v.zeroPoint, plane = ID * IH * IW, kVol = KD * KH * KW;
  // onednn's AVX2 kernels saturate pairs of products (see the file's note); its grouped
  // convolutions run a gemm that sums exactly.
  const saturate = t || groups === 1;
  const wCiStride = t ? COg * kVol : kVol;
  // Where kernel tap kk of output position o reads the input (or -1): strided for a convolution,
  // the strided positions that land on o for a transposed one.
  const tap = (o: number, kk: number, s: number, p: number, d: number, size: number): number => {
    if (!t) { const i = o * s - p + kk * d; return i >= 0 && i < size ? i : -1; }
    const j = o + p - kk * d;
    if (j < 0 || j % s !== 0) return -1;
    return j / s < size ? j / s : -1;
  };
  const out = new Int32Array(N * CO * OD * OH * OW);
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < CO; co++) {
      const wc = t ? 0 : co;
      const requant = requantizer(v.scale, w.scales[wc]!, packed.biasValues?.[co], scale, zeroPoint, clamp, relu, onednnMultiplier(v.scale, w.exactScales[wc]!, scale));
      const g = Math.floor(co / COg), wz = w.zeroPoints[wc]!;
      const xBase = (n * C + g * CIg) * plane, wBase = (t ? g * CIg * COg + (co - g * COg) : co * CIg) * kVol;
      for (let od = 0; od < OD; od++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++, o++) {
            // Raw integer products; the zero points come off at the end (as the kernels' compensation does).
            let acc = 0, xSum = 0, wSum = 0, count = 0;
            for (let kd = 0; kd < KD; kd++) {
              const id = tap(od, kd, sD, pD, dD, ID);
              if (id < 0) continue;
              for (let kh = 0; kh < KH; kh++) {
                const ih = tap(oh, kh, sH, pH, dH, IH);
                if (ih < 0) continue;
                for (let kw = 0; kw < KW; kw++) {
                  const iw = tap(ow, kw, sW, pW, dW, IW);
                  if (iw < 0) continue;
                  const xAt = xBase + (id * IH + ih) * IW + iw, wAt = wBase + (kd * KH + kh) * KW + kw;
                  for (let ci = 0; ci < CIg; ci += 2) {
                    const x0 = xs[xAt + ci * plane]!, w0 = w.ints[wAt + ci * wCiStride]!;
                    let product = x0 * w0;
                    xSum += x0; wSum += w0; count++;
                    if (ci + 1 < CIg) {
                      const x1 = xs[xAt + (ci + 1) * plane]!, w1 = w.ints[wAt + (ci + 1) * wCiStride]!;
                      product += x1 * w1;
                      xSum += x1; wSum += w1; count++;
                    }
                    acc += saturate ? sat16(product) : product;
                  }
                }
              }
            }
            out[o] = requant(acc - xz * wSum - wz * xSum + count * xz * wz);
          }
        }
      }
    }
  }
  return perTensorResult(out, v.dtype, scale, zeroPoint, outShape);
}

/** torch.ops.quantized.conv2d(x, packed, scale, zero_point) on [N, C, H, W] quint8 input (conv2d_relu with relu). */
export function quantizedConv2d(x: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number, relu = false): Tensor {
  return quantizedConv(relu ? "quantized::conv2d_relu" : "quantized::conv2d", x, packed, scale, zeroPoint, relu);
}
