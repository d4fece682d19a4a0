// Convolution kernels for 1 to 3 spatial dims on contiguous N, C, (D,) (H,) W arrays, float32 or
// float64: forward, the three backward pieces, and transposed convolution, all as im2col + gemm.
//
// One geometry object describes a forward convolution x (N, Cin, *in) * w (Cout, Cin/g, *k) ->
// y (N, Cout, *out). A transposed convolution is the input-gradient of such a convolution, so it is
// described by the same geometry read backwards (`convTransposeGeometry`): its input has the
// convolution's output shape and its output the convolution's input shape. Hence:
//   convTranspose forward         = convBackwardInput          (+ bias)
//   convTranspose grad_input      = convForward                (no bias)
//   convTranspose grad_weight     = convBackwardWeight with the roles of x and gY swapped
// Kernels write (never accumulate into) their outputs and trust the geometry; the geometry
// builders check shapes and parameters with PyTorch's messages.
//
// Depthwise convolutions (one input channel per group) run a direct loop: im2col + a gemm with
// one row would copy the input k times over to do the same work.

import { kernels } from "../kernels.js";
import { col2im, im2col, slidingOutputSize, type FloatArray, type WindowParams } from "./im2col.js";

export type { FloatArray } from "./im2col.js";

/** Stride, padding and dilation (one entry per spatial dim) and groups of a convolution. */
export interface ConvParams {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
}

/** ConvParams plus the extra output size of a transposed convolution (one entry per spatial dim). */
export interface ConvTransposeParams extends ConvParams {
  readonly outputPadding: readonly number[];
}

/**
 * A forward convolution x (N, Cin, *inputSize) * w (Cout, Cin/groups, *kernelSize)
 * -> y (N, Cout, *outputSize). For a transposed convolution (see convTransposeGeometry) the
 * transposed op's input is y-shaped and its output x-shaped.
 */
export interface ConvGeometry extends WindowParams {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  /** [N, Cin, ...inputSize]: the shape of x. */
  readonly inputShape: readonly number[];
  /** [Cout, Cin/groups, ...kernelSize]. */
  readonly weightShape: readonly number[];
  /** [N, Cout, ...outputSize]: the shape of y. */
  readonly outputShape: readonly number[];
}

const fmt = (v: readonly number[]): string => `[${v.join(", ")}]`;
const DIM_NAMES = [["width"], ["height", "width"], ["depth", "height", "width"]] as const;

function named(prefix: string, values: readonly number[]): string {
  const names = DIM_NAMES[values.length - 1]!;
  return values.map((v, i) => `${prefix}_${names[i]}: ${v}`).join(" ");
}

function checkIntegers(what: string, v: readonly number[], k: number): void {
  if (v.length !== k || v.some((x) => !Number.isInteger(x))) {
    throw new Error(`expected ${what} to be a list of ${k} integers to match the convolution dimensions, but got ${what}=${fmt(v)}`);
  }
}

/** Checks shared by convolution and transposed convolution. Returns the number of spatial dims. */
function checkCommon(inputShape: readonly number[], weightShape: readonly number[], p: ConvParams, transposed: boolean): number {
  const k = weightShape.length - 2;
  if (k < 1 || k > 3) throw new Error(`conv: expected a 3-d to 5-d weight, got weight of size ${fmt(weightShape)}`);
  if (inputShape.length !== weightShape.length) {
    throw new Error(`Expected ${k + 2}-dimensional input for ${k + 2}-dimensional weight ${fmt(weightShape)}, but got ${inputShape.length}-dimensional input of size ${fmt(inputShape)} instead`);
  }
  checkIntegers("stride", p.stride, k);
  checkIntegers("padding", p.padding, k);
  checkIntegers("dilation", p.dilation, k);
  if (!Number.isInteger(p.groups) || p.groups <= 0) throw new Error("non-positive groups is not supported");
  if (p.stride.some((s) => s <= 0)) throw new Error("non-positive stride is not supported");
  if (p.padding.some((s) => s < 0)) throw new Error("negative padding is not supported");
  if (p.dilation.some((s) => s <= 0)) throw new Error(`dilation should be greater than zero, but got ${fmt(p.dilation)}`);
  const kernel = weightShape.slice(2);
  if (kernel.some((s) => s <= 0)) throw new Error(`kernel size should be greater than zero, but got ${named("kernel", kernel)}`);
  const G = p.groups;
  if (weightShape[0]! < G) {
    throw new Error(`Given groups=${G}, expected weight to be at least ${G} at dimension 0, but got weight of size ${fmt(weightShape)} instead`);
  }
  if (weightShape[0]! % G !== 0) {
    throw new Error(`Given groups=${G}, expected weight to be divisible by ${G} at dimension 0, but got weight of size [${fmt(weightShape)}] instead`);
  }
  if (transposed) {
    if (weightShape[1] === 0) throw new Error(`non-empty ${k}D or ${k + 2}D weight tensor expected, but got: ${fmt(weightShape)}`);
    if (inputShape[1] !== weightShape[0]) {
      throw new Error(`Given transposed=1, weight of size ${fmt(weightShape)}, expected input${fmt(inputShape)} to have ${weightShape[0]} channels, but got ${inputShape[1]} channels instead`);
    }
  } else if (inputShape[1] !== weightShape[1]! * G) {
    throw new Error(`Given groups=${G}, weight of size ${fmt(weightShape)}, expected input${fmt(inputShape)} to have ${weightShape[1]! * G} channels, but got ${inputShape[1]} channels instead`);
  }
  return k;
}

/**
 * Checks a convolution's shapes and parameters as PyTorch does and returns its geometry.
 * `inputShape` is (N, Cin, *spatial) and `weightShape` (Cout, Cin/groups, *kernel), both with the
 * same number (1 to 3) of spatial dims; padding is explicit (the caller resolves "same"/"valid").
 */
export function convGeometry(inputShape: readonly number[], weightShape: readonly number[], p: ConvParams): ConvGeometry {
  checkCommon(inputShape, weightShape, p, false);
  const inputSize = inputShape.slice(2);
  const kernelSize = weightShape.slice(2);
  const padded = inputSize.map((s, d) => s + 2 * p.padding[d]!);
  const dilated = kernelSize.map((s, d) => p.dilation[d]! * (s - 1) + 1);
  if (padded.some((s, d) => s < dilated[d]!)) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${dilated.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const outputSize = inputSize.map((s, d) => slidingOutputSize(s, kernelSize[d]!, p.dilation[d]!, p.padding[d]!, p.stride[d]!));
  // A stride past the padded input leaves one output along that dim, where the stride plays no
  // part: PyTorch takes any int64 stride, the kernels' index arithmetic only int32 ones.
  const stride = p.stride.map((st, d) => (outputSize[d] === 1 ? Math.min(st, padded[d]!) : st));
  return {
    batch: inputShape[0]!, inChannels: inputShape[1]!, outChannels: weightShape[0]!, groups: p.groups,
    inputSize, kernelSize, outputSize, stride, padding: [...p.padding], dilation: [...p.dilation],
    inputShape: [...inputShape], weightShape: [...weightShape], outputShape: [inputShape[0]!, weightShape[0]!, ...outputSize],
  };
}

/**
 * Checks a transposed convolution of an input (N, Cin, *spatial) with a weight
 * (Cin, Cout/groups, *kernel) and returns the geometry of the convolution it is the
 * input-gradient of: `outputShape` is the transposed op's input shape, `inputShape` its output
 * shape, (N, Cout, *size) with size = (in-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1.
 */
export function convTransposeGeometry(inputShape: readonly number[], weightShape: readonly number[], p: ConvTransposeParams): ConvGeometry {
  const k = checkCommon(inputShape, weightShape, p, true);
  checkIntegers("output_padding", p.outputPadding, k);
  if (p.outputPadding.some((s) => s < 0)) throw new Error("negative output_padding is not supported");
  if (p.outputPadding.some((op, d) => op >= p.stride[d]! && op >= p.dilation[d]!)) {
    throw new Error(`output padding must be smaller than either stride or dilation, but got ${named("output_padding", p.outputPadding)} ${named("stride", p.stride)} ${named("dilation", p.dilation)}`);
  }
  const inSize = inputShape.slice(2);
  const kernelSize = weightShape.slice(2);
  const outSize = inSize.map((s, d) => (s - 1) * p.stride[d]! - 2 * p.padding[d]! + p.dilation[d]! * (kernelSize[d]! - 1) + p.outputPadding[d]! + 1);
  if (outSize.some((s) => s <= 0)) {
    throw new Error(`Given input size per channel: (${inSize.join(" x ")}). Calculated output size per channel: (${outSize.join(" x ")}). Output size is too small`);
  }
  const N = inputShape[0]!, Cout = weightShape[1]! * p.groups;
  if (inSize.some((s) => s === 0) && N !== 0 && inputShape[1] !== 0) {
    throw new Error(`Only zero batch or zero channel inputs are supported, but got input shape: ${fmt(inputShape)}`);
  }
  return {
    batch: N, inChannels: Cout, outChannels: inputShape[1]!, groups: p.groups,
    inputSize: outSize, kernelSize, outputSize: inSize, stride: [...p.stride], padding: [...p.padding], dilation: [...p.dilation],
    inputShape: [N, Cout, ...outSize], weightShape: [...weightShape], outputShape: [...inputShape],
  };
}

// ---------------------------------------------------------------------------------------------
// Kernels

function prod(v: readonly number[]): number {
  let n = 1;
  for (const x of v) n *= x;
  return n;
}

/** Column scratch, one per dtype, grown on demand and reused across calls. */
let col32 = new Float32Array(0);
let col64 = new Float64Array(0);

function colScratch(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float32Array) {
    if (col32.length < n) col32 = new Float32Array(n);
    return col32;
  }
  if (col64.length < n) col64 = new Float64Array(n);
  return col64;
}

/** True when im2col would copy the input unchanged (1x1 kernel, stride 1, no padding). */
function colIsInput(g: ConvGeometry): boolean {
  return g.kernelSize.every((s) => s === 1) && g.stride.every((s) => s === 1) && g.padding.every((s) => s === 0);
}

/** One input channel per group (groups > 1): the direct loops beat im2col + one-row gemms (0.58 vs
 * 0.40 GFLOPS forward, 2x on backward, measured on 8x128x28x28 3x3). */
function isDepthwise(g: ConvGeometry): boolean {
  return g.groups > 1 && g.inChannels === g.groups && !colIsInput(g);
}

interface Sizes {
  N: number; G: number; coutG: number; L: number; inPlane: number; rows: number;
}

function sizes(g: ConvGeometry): Sizes {
  const G = g.groups;
  const coutG = g.outChannels / G;
  return { N: g.batch, G, coutG, L: prod(g.outputSize), inPlane: prod(g.inputSize), rows: (g.inChannels / G) * prod(g.kernelSize) };
}

/** y = conv(x, w) + bias. x: inputShape, w: weightShape, bias: Cout or null, y: outputShape. */
export function convForward(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, output: FloatArray): void {
  const { N, G, coutG, L, inPlane, rows } = sizes(g);
  const Cin = g.inChannels, Cout = g.outChannels;
  if (isDepthwise(g)) {
    depthwiseForward(g, input, weight, output);
  } else if (rows === 0) {
    output.fill(0, 0, N * Cout * L);
  } else {
    const direct = colIsInput(g);
    const col = direct ? input : colScratch(input, G * rows * L);
    for (let n = 0; n < N; n++) {
      const xOff = n * Cin * inPlane;
      if (!direct) im2col(input, xOff, Cin, g, col, 0);
      const colBase = direct ? xOff : 0;
      for (let gi = 0; gi < G; gi++) {
        kernels.gemm(coutG, L, rows, 1,
          weight, gi * coutG * rows, rows, 1,
          col, colBase + gi * rows * L, L, 1,
          0, output, (n * Cout + gi * coutG) * L, L);
      }
    }
  }
  if (bias) addBias(output, bias, N, Cout, L);
}

function addBias(output: FloatArray, bias: FloatArray, N: number, C: number, L: number): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const b = bias[c]!;
      const o = (n * C + c) * L;
      for (let l = 0; l < L; l++) output[o + l] += b;
    }
  }
}

/** grad_x = conv^T(gY, w): col = W_g^T gY_g, then col2im. gradInput has inputShape. */
export function convBackwardInput(g: ConvGeometry, gradOutput: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  const { N, G, coutG, L, inPlane, rows } = sizes(g);
  const Cin = g.inChannels, Cout = g.outChannels;
  if (isDepthwise(g)) {
    depthwiseBackwardInput(g, gradOutput, weight, gradInput);
    return;
  }
  const direct = colIsInput(g);
  if (!direct || coutG === 0) gradInput.fill(0, 0, N * Cin * inPlane);
  if (rows === 0 || coutG === 0) return;
  const col = direct ? gradInput : colScratch(gradInput, G * rows * L);
  for (let n = 0; n < N; n++) {
    const xOff = n * Cin * inPlane;
    const colBase = direct ? xOff : 0;
    for (let gi = 0; gi < G; gi++) {
      kernels.gemm(rows, L, coutG, 1,
        weight, gi * coutG * rows, 1, rows,
        gradOutput, (n * Cout + gi * coutG) * L, L, 1,
        0, col, colBase + gi * rows * L, L);
    }
    if (!direct) col2im(col, 0, Cin, g, gradInput, xOff);
  }
}

/** grad_w = sum over the batch of gY_g · im2col(x)_g^T. gradWeight has weightShape. */
export function convBackwardWeight(g: ConvGeometry, input: FloatArray, gradOutput: FloatArray, gradWeight: FloatArray): void {
  const { N, G, coutG, L, inPlane, rows } = sizes(g);
  const Cin = g.inChannels, Cout = g.outChannels;
  gradWeight.fill(0, 0, Cout * rows);
  if (isDepthwise(g)) {
    depthwiseBackwardWeight(g, input, gradOutput, gradWeight);
    return;
  }
  if (rows === 0 || L === 0) return;
  const direct = colIsInput(g);
  const col = direct ? input : colScratch(input, G * rows * L);
  for (let n = 0; n < N; n++) {
    const xOff = n * Cin * inPlane;
    if (!direct) im2col(input, xOff, Cin, g, col, 0);
    const colBase = direct ? xOff : 0;
    for (let gi = 0; gi < G; gi++) {
      kernels.gemm(coutG, rows, L, 1,
        gradOutput, (n * Cout + gi * coutG) * L, L, 1,
        col, colBase + gi * rows * L, 1, L,
        1, gradWeight, gi * coutG * rows, rows);
    }
  }
}

/** grad_bias[c] = sum of gY over batch and positions. gY has outputShape; gradBias Cout values. */
export function convBackwardBias(g: ConvGeometry, gradOutput: FloatArray, gradBias: FloatArray): void {
  sumChannels(gradOutput, g.batch, g.outChannels, prod(g.outputSize), gradBias);
}

/** out[c] = sum of x[n, c, l] over n and l, for contiguous x of [N, C, L]. */
export function channelSum(x: FloatArray, N: number, C: number, L: number, out: FloatArray): void {
  sumChannels(x, N, C, L, out);
}

function sumChannels(x: FloatArray, N: number, C: number, L: number, out: FloatArray): void {
  // Four partial sums (in float64): one running sum waits out an add's latency per element.
  const L4 = L - (L % 4);
  for (let c = 0; c < C; c++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * L;
      let l = 0;
      for (; l < L4; l += 4) { s0 += x[o + l]!; s1 += x[o + l + 1]!; s2 += x[o + l + 2]!; s3 += x[o + l + 3]!; }
      for (; l < L; l++) s0 += x[o + l]!;
    }
    out[c] = (s0 + s1) + (s2 + s3);
  }
}

// ---------------------------------------------------------------------------------------------
// Transposed convolution, through the geometry of the convolution it is the gradient of.

/**
 * y = conv_transpose(x, w) + bias, with `g` from convTransposeGeometry: x has g.outputShape,
 * w has g.weightShape (Cin_t, Cout_t/groups, *k), y has g.inputShape, bias Cout_t values or null.
 */
export function convTransposeForward(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, output: FloatArray): void {
  convBackwardInput(g, input, weight, output);
  if (bias) addBias(output, bias, g.batch, g.inChannels, prod(g.inputSize));
}

/** grad of conv_transpose wrt its input: a plain convolution of gY (g.inputShape) with w. */
export function convTransposeBackwardInput(g: ConvGeometry, gradOutput: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  convForward(g, gradOutput, weight, null, gradInput);
}

/** grad of conv_transpose wrt its weight: x (g.outputShape) plays gY, gY (g.inputShape) plays x. */
export function convTransposeBackwardWeight(g: ConvGeometry, input: FloatArray, gradOutput: FloatArray, gradWeight: FloatArray): void {
  convBackwardWeight(g, gradOutput, input, gradWeight);
}

/** grad of conv_transpose wrt its bias: channel sums of gY (g.inputShape). */
export function convTransposeBackwardBias(g: ConvGeometry, gradOutput: FloatArray, gradBias: FloatArray): void {
  sumChannels(gradOutput, g.batch, g.inChannels, prod(g.inputSize), gradBias);
}

// ---------------------------------------------------------------------------------------------
// Depthwise (one input channel per group, any channel multiplier): direct loops over 3-d lifts.

type Triple = [number, number, number];

function lift3(v: readonly number[], fill: number): Triple {
  const out: Triple = [fill, fill, fill];
  for (let i = 0; i < v.length; i++) out[3 - v.length + i] = v[i]!;
  return out;
}

interface Lifted {
  iD: number; iH: number; iW: number; kD: number; kH: number; kW: number; oD: number; oH: number; oW: number;
  sD: number; sH: number; sW: number; pD: number; pH: number; pW: number; dD: number; dH: number; dW: number;
}

function lifted(g: ConvGeometry): Lifted {
  const [iD, iH, iW] = lift3(g.inputSize, 1), [kD, kH, kW] = lift3(g.kernelSize, 1), [oD, oH, oW] = lift3(g.outputSize, 1);
  const [sD, sH, sW] = lift3(g.stride, 1), [pD, pH, pW] = lift3(g.padding, 0), [dD, dH, dW] = lift3(g.dilation, 1);
  return { iD, iH, iW, kD, kH, kW, oD, oH, oW, sD, sH, sW, pD, pH, pW, dD, dH, dW };
}

/**
 * Calls visit(xPlaneOffset, yPlaneOffset, wOffset) for every (image, output channel): output
 * channel c reads input channel floor(c / multiplier) and its own kernel.
 */
function forEachDepthwisePlane(g: ConvGeometry, visit: (xOff: number, yOff: number, wOff: number) => void): void {
  const mult = g.outChannels / g.groups;
  const inPlane = prod(g.inputSize), outPlane = prod(g.outputSize), kk = prod(g.kernelSize);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.outChannels; c++) {
      visit((n * g.inChannels + Math.floor(c / mult)) * inPlane, (n * g.outChannels + c) * outPlane, c * kk);
    }
  }
}

/** Output range [lo, hi) along one dim whose input index o*s - p + k*d lies in [0, size). */
function validRange(k: number, d: number, p: number, s: number, size: number, outSize: number): [number, number] {
  const shift = k * d - p;
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-shift / s)));
  const hi = Math.max(lo, Math.min(outSize, Math.floor((size - 1 - shift) / s) + 1));
  return [lo, hi];
}

function depthwiseForward(g: ConvGeometry, x: FloatArray, w: FloatArray, y: FloatArray): void {
  const t = lifted(g);
  const outPlane = t.oD * t.oH * t.oW;
  forEachDepthwisePlane(g, (xOff, yOff, wOff) => {
    y.fill(0, yOff, yOff + outPlane);
    let wi = wOff;
    for (let kd = 0; kd < t.kD; kd++) {
      const [odLo, odHi] = validRange(kd, t.dD, t.pD, t.sD, t.iD, t.oD);
      for (let kh = 0; kh < t.kH; kh++) {
        const [ohLo, ohHi] = validRange(kh, t.dH, t.pH, t.sH, t.iH, t.oH);
        for (let kw = 0; kw < t.kW; kw++, wi++) {
          const [owLo, owHi] = validRange(kw, t.dW, t.pW, t.sW, t.iW, t.oW);
          const wv = w[wi]!;
          for (let od = odLo; od < odHi; od++) {
            const id = od * t.sD - t.pD + kd * t.dD;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const ih = oh * t.sH - t.pH + kh * t.dH;
              let s = xOff + (id * t.iH + ih) * t.iW + owLo * t.sW - t.pW + kw * t.dW;
              let o = yOff + (od * t.oH + oh) * t.oW + owLo;
              for (let ow = owLo; ow < owHi; ow++, s += t.sW) y[o++] += wv * x[s]!;
            }
          }
        }
      }
    }
  });
}

function depthwiseBackwardInput(g: ConvGeometry, gy: FloatArray, w: FloatArray, gx: FloatArray): void {
  const t = lifted(g);
  gx.fill(0, 0, g.batch * g.inChannels * t.iD * t.iH * t.iW);
  forEachDepthwisePlane(g, (xOff, yOff, wOff) => {
    let wi = wOff;
    for (let kd = 0; kd < t.kD; kd++) {
      const [odLo, odHi] = validRange(kd, t.dD, t.pD, t.sD, t.iD, t.oD);
      for (let kh = 0; kh < t.kH; kh++) {
        const [ohLo, ohHi] = validRange(kh, t.dH, t.pH, t.sH, t.iH, t.oH);
        for (let kw = 0; kw < t.kW; kw++, wi++) {
          const [owLo, owHi] = validRange(kw, t.dW, t.pW, t.sW, t.iW, t.oW);
          const wv = w[wi]!;
          for (let od = odLo; od < odHi; od++) {
            const id = od * t.sD - t.pD + kd * t.dD;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const ih = oh * t.sH - t.pH + kh * t.dH;
              let s = xOff + (id * t.iH + ih) * t.iW + owLo * t.sW - t.pW + kw * t.dW;
              let o = yOff + (od * t.oH + oh) * t.oW + owLo;
              for (let ow = owLo; ow < owHi; ow++, s += t.sW) gx[s] += wv * gy[o++]!;
            }
          }
        }
      }
    }
  });
}

function depthwiseBackwardWeight(g: ConvGeometry, x: FloatArray, gy: FloatArray, gw: FloatArray): void {
  const t = lifted(g);
  forEachDepthwisePlane(g, (xOff, yOff, wOff) => {
    let wi = wOff;
    for (let kd = 0; kd < t.kD; kd++) {
      const [odLo, odHi] = validRange(kd, t.dD, t.pD, t.sD, t.iD, t.oD);
      for (let kh = 0; kh < t.kH; kh++) {
        const [ohLo, ohHi] = validRange(kh, t.dH, t.pH, t.sH, t.iH, t.oH);
        for (let kw = 0; kw < t.kW; kw++, wi++) {
          const [owLo, owHi] = validRange(kw, t.dW, t.pW, t.sW, t.iW, t.oW);
          let sum = 0;
          for (let od = odLo; od < odHi; od++) {
            const id = od * t.sD - t.pD + kd * t.dD;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const ih = oh * t.sH - t.pH + kh * t.dH;
              let s = xOff + (id * t.iH + ih) * t.iW + owLo * t.sW - t.pW + kw * t.dW;
              let o = yOff + (od * t.oH + oh) * t.oW + owLo;
              for (let ow = owLo; ow < owHi; ow++, s += t.sW) sum += x[s]! * gy[o++]!;
            }
          }
          gw[wi] += sum;
        }
      }
    }
  });
}
