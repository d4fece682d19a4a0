// im2col / col2im for 1 to 3 spatial dims, and the 2-d unfold/fold that F.unfold and F.fold need.
//
// The column matrix of one image has a row per (channel, kernel offset) and a column per output
// position: col[(c, kd, kh, kw), (od, oh, ow)] = x[c, od*sd - pd + kd*dd, oh*sh - ph + kh*dh,
// ow*sw - pw + kw*dw], or 0 where that falls in the padding. This is exactly F.unfold's layout,
// so a convolution is weight (Cout x C*prod(k)) times col (C*prod(k) x prod(out)).
// 1-d and 2-d problems run through the 3-d loops with leading size-1 dims. Kernels trust their
// arguments; the checks live in the shape functions below (and in conv.ts).

export type FloatArray = Float32Array | Float64Array;

/** Sizes, kernel and window parameters of one im2col problem, one entry per spatial dim (1 to 3). */
export interface WindowParams {
  readonly inputSize: readonly number[];
  readonly kernelSize: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: readonly number[];
  readonly stride: readonly number[];
  readonly outputSize: readonly number[];
}

type Triple = [number, number, number];

function lift3(v: readonly number[], fill: number): Triple {
  const out: Triple = [fill, fill, fill];
  for (let i = 0; i < v.length; i++) out[3 - v.length + i] = v[i]!;
  return out;
}

/** Number of elements of one image's column matrix: C * prod(kernelSize) * prod(outputSize). */
export function colSize(channels: number, p: WindowParams): number {
  let n = channels;
  for (const k of p.kernelSize) n *= k;
  for (const o of p.outputSize) n *= o;
  return n;
}

/** Output size of a sliding window along one dim: floor((in + 2p - d(k-1) - 1) / s) + 1. */
export function slidingOutputSize(input: number, kernel: number, dilation: number, padding: number, stride: number): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Writes the column matrix of one image (`channels` planes starting at `input[inputOffset]`,
 * contiguous) into `col` from `colOffset`: `colSize(channels, p)` elements, row-major.
 */
export function im2col(
  input: FloatArray, inputOffset: number, channels: number, p: WindowParams,
  col: FloatArray, colOffset: number,
): void {
  if (isSamePlane(p)) {
    im2colSame(input, inputOffset, channels, p, col, colOffset);
    return;
  }
  const [iD, iH, iW] = lift3(p.inputSize, 1);
  const [kD, kH, kW] = lift3(p.kernelSize, 1);
  const [dD, dH, dW] = lift3(p.dilation, 1);
  const [pD, pH, pW] = lift3(p.padding, 0);
  const [sD, sH, sW] = lift3(p.stride, 1);
  const [oD, oH, oW] = lift3(p.outputSize, 1);
  const plane = iD * iH * iW;
  let o = colOffset;
  for (let c = 0; c < channels; c++) {
    const cBase = inputOffset + c * plane;
    for (let kd = 0; kd < kD; kd++) {
      for (let kh = 0; kh < kH; kh++) {
        for (let kw = 0; kw < kW; kw++) {
          // Output columns whose input column lies inside [0, iW): [owLo, owHi).
          const shiftW = kw * dW - pW;
          const owLo = Math.min(oW, Math.max(0, Math.ceil(-shiftW / sW)));
          const owHi = Math.max(owLo, Math.min(oW, Math.floor((iW - 1 - shiftW) / sW) + 1));
          for (let od = 0; od < oD; od++) {
            const id = od * sD - pD + kd * dD;
            if (id < 0 || id >= iD) {
              col.fill(0, o, o + oH * oW);
              o += oH * oW;
              continue;
            }
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + kh * dH;
              if (ih < 0 || ih >= iH) {
                col.fill(0, o, o + oW);
                o += oW;
                continue;
              }
              const row = cBase + (id * iH + ih) * iW + shiftW;
              let ow = 0;
              for (; ow < owLo; ow++) col[o++] = 0;
              if (sW === 1) {
                for (let s = row + ow; ow < owHi; ow++, s++) col[o++] = input[s]!;
              } else {
                for (let s = row + ow * sW; ow < owHi; ow++, s += sW) col[o++] = input[s]!;
              }
              for (; ow < oW; ow++) col[o++] = 0;
            }
          }
        }
      }
    }
  }
}

/**
 * Stride 1 and an output as large as the input (a "same" convolution: 3x3 with padding 1, ...),
 * over one or two spatial dims. Then every kernel offset's block of the column matrix is the input
 * plane read at a constant shift, except where the window hangs over the padding.
 */
function isSamePlane(p: WindowParams): boolean {
  const k = p.inputSize.length;
  if (k > 2) return false;
  for (let d = 0; d < k; d++) if (p.stride[d] !== 1 || p.outputSize[d] !== p.inputSize[d]) return false;
  return true;
}

/**
 * im2col for isSamePlane windows: per channel and kernel offset, one bulk copy of the shifted plane
 * (typed-array set, a memcpy), then zeros where the shift leaves the plane (its first or last rows)
 * or wraps a row into its neighbour (the first or last columns). 3.5x the row-by-row loop on
 * 32x14x14 3x3 (measured in bench/js-steps.ts's CNN).
 */
function im2colSame(input: FloatArray, inputOffset: number, channels: number, p: WindowParams, col: FloatArray, colOffset: number): void {
  const two = p.inputSize.length === 2;
  const iH = two ? p.inputSize[0]! : 1, iW = p.inputSize[two ? 1 : 0]!;
  const kH = two ? p.kernelSize[0]! : 1, kW = p.kernelSize[two ? 1 : 0]!;
  const dH = two ? p.dilation[0]! : 1, dW = p.dilation[two ? 1 : 0]!;
  const pH = two ? p.padding[0]! : 0, pW = p.padding[two ? 1 : 0]!;
  const L = iH * iW;
  let o = colOffset;
  for (let c = 0; c < channels; c++) {
    const plane = inputOffset + c * L;
    for (let kh = 0; kh < kH; kh++) {
      const shiftH = kh * dH - pH;
      for (let kw = 0; kw < kW; kw++, o += L) {
        const shiftW = kw * dW - pW;
        const shift = shiftH * iW + shiftW;
        const lo = Math.min(L, Math.max(0, -shift)), hi = Math.max(lo, Math.min(L, L - shift));
        if (lo > 0) col.fill(0, o, o + lo);
        col.set(input.subarray(plane + lo + shift, plane + hi + shift), o + lo);
        if (hi < L) col.fill(0, o + hi, o + L);
        // Output columns whose input column ow + shiftW lies outside [0, iW) read a neighbouring row.
        const zeros = Math.min(iW, Math.abs(shiftW));
        if (zeros === 0) continue;
        const first = shiftW < 0 ? 0 : iW - zeros;
        for (let r = o + first; r < o + L; r += iW) for (let j = 0; j < zeros; j++) col[r + j] = 0;
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every entry of one image's column matrix into the input position it
 * was read from (padding entries are dropped). `output` is added into, not overwritten.
 */
export function col2im(
  col: FloatArray, colOffset: number, channels: number, p: WindowParams,
  output: FloatArray, outputOffset: number,
): void {
  const [iD, iH, iW] = lift3(p.inputSize, 1);
  const [kD, kH, kW] = lift3(p.kernelSize, 1);
  const [dD, dH, dW] = lift3(p.dilation, 1);
  const [pD, pH, pW] = lift3(p.padding, 0);
  const [sD, sH, sW] = lift3(p.stride, 1);
  const [oD, oH, oW] = lift3(p.outputSize, 1);
  const plane = iD * iH * iW;
  let o = colOffset;
  for (let c = 0; c < channels; c++) {
    const cBase = outputOffset + c * plane;
    for (let kd = 0; kd < kD; kd++) {
      for (let kh = 0; kh < kH; kh++) {
        for (let kw = 0; kw < kW; kw++) {
          const shiftW = kw * dW - pW;
          const owLo = Math.min(oW, Math.max(0, Math.ceil(-shiftW / sW)));
          const owHi = Math.max(owLo, Math.min(oW, Math.floor((iW - 1 - shiftW) / sW) + 1));
          for (let od = 0; od < oD; od++) {
            const id = od * sD - pD + kd * dD;
            if (id < 0 || id >= iD) {
              o += oH * oW;
              continue;
            }
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + kh * dH;
              if (ih < 0 || ih >= iH) {
                o += oW;
                continue;
              }
              const row = cBase + (id * iH + ih) * iW + shiftW;
              let s = row + owLo * sW;
              let co = o + owLo;
              for (let ow = owLo; ow < owHi; ow++, s += sW) output[s] += col[co++]!;
              o += oW;
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// F.unfold / F.fold (2 spatial dims, batched or not), with PyTorch's argument checks.

/** Window parameters of F.unfold / F.fold: one value per spatial dim (height, width). */
export interface Fold2dParams {
  readonly kernelSize: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly stride: readonly [number, number];
}

function checkFoldParams(p: Fold2dParams): void {
  const [kh, kw] = p.kernelSize, [dh, dw] = p.dilation, [ph, pw] = p.padding, [sh, sw] = p.stride;
  if (!(kh > 0 && kw > 0)) throw new Error(`kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  if (!(sh > 0 && sw > 0)) throw new Error(`stride should be greater than zero, but got stride_height: ${sh} stride_width: ${sw}`);
  if (!(dh > 0 && dw > 0)) throw new Error(`dilation should be greater than zero, but got dilation_height: ${dh} dilation_width: ${dw}`);
  if (!(ph >= 0 && pw >= 0)) throw new Error(`padding should be non-negative, but got pad_height: ${ph} pad_width: ${pw}`);
}

const fmt = (v: readonly number[]): string => `[${v.join(", ")}]`;
const tuple = (v: readonly number[]): string => `(${v.join(", ")})`;

/**
 * Checks F.unfold's arguments for an input of shape (N, C, H, W) or (C, H, W) and returns the
 * output shape (N, C*kh*kw, L) or (C*kh*kw, L), plus the window parameters for `im2col`.
 */
export function unfoldShape(inputShape: readonly number[], p: Fold2dParams): { outputShape: number[]; window: WindowParams } {
  checkFoldParams(p);
  const batched = inputShape.length === 4;
  const ok = (inputShape.length === 3 || batched) && inputShape.slice(batched ? 1 : 0).every((s) => s > 0);
  if (!ok) {
    throw new Error(`Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${fmt(inputShape)}`);
  }
  const [C, H, W] = inputShape.slice(-3) as [number, number, number];
  const outputSize = [0, 1].map((d) => slidingOutputSize([H, W][d]!, p.kernelSize[d]!, p.dilation[d]!, p.padding[d]!, p.stride[d]!));
  if (outputSize[0]! < 1 || outputSize[1]! < 1) {
    throw new Error(`Given input with spatial size ${tuple([H, W])}, kernel_size=${tuple(p.kernelSize)}, dilation=${tuple(p.dilation)}, padding=${tuple(p.padding)}, calculated shape of the array of sliding blocks as ${tuple(outputSize)}, but its components must be at least one.`);
  }
  const rows = C * p.kernelSize[0] * p.kernelSize[1];
  const L = outputSize[0]! * outputSize[1]!;
  return {
    outputShape: batched ? [inputShape[0]!, rows, L] : [rows, L],
    window: { inputSize: [H, W], kernelSize: p.kernelSize, dilation: p.dilation, padding: p.padding, stride: p.stride, outputSize },
  };
}

/** F.unfold: writes (N, C*kh*kw, L) blocks of a contiguous (N, C, H, W) or (C, H, W) input. */
export function unfold2d(input: FloatArray, inputShape: readonly number[], p: Fold2dParams, output: FloatArray): void {
  const { window } = unfoldShape(inputShape, p);
  const [C, H, W] = inputShape.slice(-3) as [number, number, number];
  const N = inputShape.length === 4 ? inputShape[0]! : 1;
  const per = colSize(C, window);
  for (let n = 0; n < N; n++) im2col(input, n * C * H * W, C, window, output, n * per);
}

/**
 * Checks F.fold's arguments for an input of shape (N, C*kh*kw, L) or (C*kh*kw, L) and the
 * requested `outputSize` (H, W); returns the output shape (N, C, H, W) or (C, H, W).
 */
export function foldShape(inputShape: readonly number[], outputSize: readonly [number, number], p: Fold2dParams): { outputShape: number[]; window: WindowParams } {
  checkFoldParams(p);
  const batched = inputShape.length === 3;
  const ok = (inputShape.length === 2 || batched) && inputShape.slice(batched ? 1 : 0).every((s) => s > 0);
  if (!ok) {
    throw new Error(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmt(inputShape)}`);
  }
  const [rows, L] = inputShape.slice(-2) as [number, number];
  const kk = p.kernelSize[0] * p.kernelSize[1];
  if (rows % kk !== 0) {
    throw new Error(`Expected size of input's dimension ${batched ? 1 : 0} to be divisible by the product of kernel_size, but got input.size(${batched ? 1 : 0})=${rows} and kernel_size=${tuple(p.kernelSize)}.`);
  }
  const blocks = [0, 1].map((d) => slidingOutputSize(outputSize[d]!, p.kernelSize[d]!, p.dilation[d]!, p.padding[d]!, p.stride[d]!));
  if (blocks[0]! < 1 || blocks[1]! < 1 || blocks[0]! * blocks[1]! !== L) {
    const shown = blocks.map((b) => Math.max(b, 0));
    throw new Error(`Given output_size=${tuple(outputSize)}, kernel_size=${tuple(p.kernelSize)}, dilation=${tuple(p.dilation)}, padding=${tuple(p.padding)}, stride=${tuple(p.stride)}, expected size of input's dimension ${batched ? 2 : 1} to match the calculated number of sliding blocks ${shown[0]} * ${shown[1]} = ${shown[0]! * shown[1]!}, but got input.size(${batched ? 2 : 1})=${L}.`);
  }
  const C = rows / kk;
  return {
    outputShape: batched ? [inputShape[0]!, C, outputSize[0], outputSize[1]] : [C, outputSize[0], outputSize[1]],
    window: { inputSize: outputSize, kernelSize: p.kernelSize, dilation: p.dilation, padding: p.padding, stride: p.stride, outputSize: blocks },
  };
}

/** F.fold: sums (N, C*kh*kw, L) blocks into a zeroed-then-written (N, C, H, W) or (C, H, W) output. */
export function fold2d(input: FloatArray, inputShape: readonly number[], outputSize: readonly [number, number], p: Fold2dParams, output: FloatArray): void {
  const { outputShape, window } = foldShape(inputShape, outputSize, p);
  const C = outputShape[outputShape.length - 3]!;
  const N = inputShape.length === 3 ? inputShape[0]! : 1;
  const plane = C * outputSize[0] * outputSize[1];
  const per = colSize(C, window);
  output.fill(0, 0, N * plane);
  for (let n = 0; n < N; n++) col2im(input, n * per, C, window, output, n * plane);
}
