// The kernel table: the heavy kernels ops call. JS kernels fill it; the native addon, when it
// loads, replaces entries with its own (same signatures, same results within float tolerance).

import { gemmKernel } from "./js/gemm.js";
import * as jsConv from "./js/conv.js";
import * as jsPool from "./js/pool.js";
import * as jsFft from "./js/fft-lines.js";

export type FloatArray = Float32Array | Float64Array;

/**
 * C[cOff + i*ldc + j] = alpha * sum_k A(i,k) * B(k,j) + beta * C(...), for i < M, j < N, where
 * A(i,k) = A[aOff + i*aRs + k*aCs] and B(k,j) = B[bOff + k*bRs + j*bCs]: any strides, so
 * transposed and sliced operands need no copy. A, B, C share one dtype.
 */
export type Gemm = (
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
) => void;

/** Reference GEMM (i-k-j loop): correct for any strides; the blocked JS/native kernels replace it. */
export const referenceGemm: Gemm = (M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, beta, C, cOff, ldc) => {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const a = A[aOff + i * aRs + k * aCs]!;
      const bBase = bOff + k * bRs;
      for (let j = 0; j < N; j++) row[j]! += a * B[bBase + j * bCs]!;
    }
    const c = cOff + i * ldc;
    for (let j = 0; j < N; j++) C[c + j] = beta === 0 ? alpha * row[j]! : alpha * row[j]! + beta * C[c + j]!;
  }
};

export interface NhwcKernels {
  convForward: typeof native.convForwardNhwc;
  convBackwardInput: typeof native.convBackwardInputNhwc;
  convBackwardWeight: typeof native.convBackwardWeightNhwc;
  maxPoolForward: typeof native.maxPoolForwardNhwc;
  maxPoolBackward: typeof native.maxPoolBackwardNhwc;
  avgPoolForward: typeof native.avgPoolForwardNhwc;
  avgPoolBackward: typeof native.avgPoolBackwardNhwc;
  adaptiveAvgPoolForward: typeof native.adaptiveAvgPoolForwardNhwc;
  adaptiveAvgPoolBackward: typeof native.adaptiveAvgPoolBackwardNhwc;
}

export interface KernelTable {
  gemm: Gemm;
  /** Convolution over a geometry from convGeometry (src/backends/js/conv.ts); outputs are overwritten. */
  convForward: typeof jsConv.convForward;
  convBackwardInput: typeof jsConv.convBackwardInput;
  convBackwardWeight: typeof jsConv.convBackwardWeight;
  /** out[c] = sum of x[n, c, l] over n and l, for contiguous x of [batch, channels, inner] (a conv's bias grad). */
  channelSum: typeof jsConv.channelSum;
  /** Pooling (src/backends/js/pool.ts); indices are int64 (BigInt64Array) or int32 scratch. */
  maxPoolForward: typeof jsPool.maxPoolForward;
  maxPoolBackward: typeof jsPool.maxPoolBackward;
  avgPoolForward: typeof jsPool.avgPoolForward;
  avgPoolBackward: typeof jsPool.avgPoolBackward;
  /** FFTs of every line along the middle dim of [outer, n, inner] views (src/backends/js/fft-lines.ts). */
  fftC2C: typeof jsFft.fftC2CLines;
  fftR2C: typeof jsFft.fftR2CLines;
  fftC2R: typeof jsFft.fftC2RLines;
  /** stft's windowed frames straight from the signal (src/backends/js/fft-lines.ts). */
  fftR2CFrames: typeof jsFft.fftR2CFrames;
  /**
   * Channels-last 2-d convolution and pooling on [N, H, W, C]-ordered arrays (shapes stay the
   * tensors' [N, C, H, W]), where the backend has them (the native addon); null elsewhere, where
   * channels-last tensors compute through an NCHW copy.
   */
  nhwc: NhwcKernels | null;
  /** Which implementation filled the table: "js" or "native". */
  backend: "js" | "native";
}

export const kernels: KernelTable = {
  gemm: gemmKernel,
  convForward: jsConv.convForward,
  convBackwardInput: jsConv.convBackwardInput,
  convBackwardWeight: jsConv.convBackwardWeight,
  channelSum: jsConv.channelSum,
  maxPoolForward: jsPool.maxPoolForward,
  maxPoolBackward: jsPool.maxPoolBackward,
  avgPoolForward: jsPool.avgPoolForward,
  avgPoolBackward: jsPool.avgPoolBackward,
  fftC2C: jsFft.fftC2CLines,
  fftR2C: jsFft.fftR2CLines,
  fftC2R: jsFft.fftC2RLines,
  fftR2CFrames: jsFft.fftR2CFrames,
  nhwc: null,
  backend: "js",
};

// The native addon, where it loaded, replaces the JS kernels.
import * as native from "./native/index.js";
import * as nativeFft from "./native/fft.js";
if (native.isAvailable()) {
  kernels.gemm = native.gemm;
  kernels.convForward = native.convForward;
  kernels.convBackwardInput = native.convBackwardInput;
  kernels.convBackwardWeight = native.convBackwardWeight;
  kernels.channelSum = native.channelSum;
  // int32 index scratch stays on the JS kernels; tensors' int64 indices go native.
  kernels.maxPoolForward = (input, inputShape, output, outputShape, indices, params) =>
    indices instanceof Int32Array
      ? jsPool.maxPoolForward(input, inputShape, output, outputShape, indices, params)
      : native.maxPoolForward(input, inputShape, output, outputShape, indices, params);
  kernels.maxPoolBackward = (gradOutput, indices, outputShape, gradInput, inputShape, spatial) =>
    indices instanceof Int32Array
      ? jsPool.maxPoolBackward(gradOutput, indices, outputShape, gradInput, inputShape, spatial)
      : native.maxPoolBackward(gradOutput, indices, outputShape, gradInput, inputShape, spatial);
  kernels.avgPoolForward = native.avgPoolForward;
  kernels.avgPoolBackward = native.avgPoolBackward;
  kernels.fftC2C = nativeFft.fftC2CLines;
  kernels.fftR2C = nativeFft.fftR2CLines;
  kernels.fftC2R = nativeFft.fftC2RLines;
  kernels.fftR2CFrames = nativeFft.fftR2CFrames;
  kernels.nhwc = {
    convForward: native.convForwardNhwc,
    convBackwardInput: native.convBackwardInputNhwc,
    convBackwardWeight: native.convBackwardWeightNhwc,
    maxPoolForward: native.maxPoolForwardNhwc,
    maxPoolBackward: native.maxPoolBackwardNhwc,
    avgPoolForward: native.avgPoolForwardNhwc,
    avgPoolBackward: native.avgPoolBackwardNhwc,
    adaptiveAvgPoolForward: native.adaptiveAvgPoolForwardNhwc,
    adaptiveAvgPoolBackward: native.adaptiveAvgPoolBackwardNhwc,
  };
  kernels.backend = "native";
}
