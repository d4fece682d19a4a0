// Fractional max pooling (Graham, 2014) as ATen's CPU kernels compute it: per plane, a start
// sequence per spatial dim from one random sample, then the max (first one, or a NaN) over a
// pool-sized window at each start. 2-d pooling runs as 3-d with a time extent of 1.

import type { FloatArray } from "./pool.js";

/**
 * ATen's fractional_max_pool*_generate_intervals: window starts for one dim. In float32 (`f32`)
 * each step rounds as the C++ scalar_t arithmetic does.
 */
export function fractionalIntervals(sample: number, inputSize: number, outputSize: number, poolSize: number, f32: boolean): number[] {
  const r = f32 ? Math.fround : (v: number) => v;
  const seq = new Array<number>(outputSize).fill(0);
  if (outputSize > 1) {
    const alpha = r((inputSize - poolSize) / (outputSize - 1));
    const s = r(sample);
    const base = Math.trunc(r(s * alpha));
    for (let i = 0; i < outputSize - 1; i++) seq[i] = Math.trunc(r(r(i + s) * alpha)) - base;
  }
  seq[outputSize - 1] = inputSize - poolSize;
  return seq;
}

export interface FractionalParams {
  /** Spatial sizes as [T, H, W] (T = 1 for 2-d). */
  input: number[];
  output: number[];
  pool: number[];
  /** Per plane, the sample for each of T, H, W (an index into that plane's samples; -1: no sample, T of 2-d). */
  sampleOf: [number, number, number];
  samplesPerPlane: number;
  f32: boolean;
}

/** Forward over `planes` contiguous planes: the max values and their in-plane flat indices. */
export function fractionalMaxPoolForward(input: FloatArray, planes: number, samples: ArrayLike<number>, p: FractionalParams, out: FloatArray, indices: BigInt64Array): void {
  const [iT, iH, iW] = p.input as [number, number, number];
  const [oT, oH, oW] = p.output as [number, number, number];
  const [kT, kH, kW] = p.pool as [number, number, number];
  const inPlane = iT * iH * iW, outPlane = oT * oH * oW;
  const seqFor = (plane: number, dim: 0 | 1 | 2, inSize: number, outSize: number, k: number): number[] => {
    const which = p.sampleOf[dim];
    return which < 0 ? [0] : fractionalIntervals(samples[plane * p.samplesPerPlane + which]!, inSize, outSize, k, p.f32);
  };
  for (let plane = 0; plane < planes; plane++) {
    const seqT = seqFor(plane, 0, iT, oT, kT), seqH = seqFor(plane, 1, iH, oH, kH), seqW = seqFor(plane, 2, iW, oW, kW);
    const inBase = plane * inPlane, outBase = plane * outPlane;
    for (let t = 0; t < oT; t++) {
      for (let h = 0; h < oH; h++) {
        for (let w = 0; w < oW; w++) {
          const t0 = seqT[t]!, h0 = seqH[h]!, w0 = seqW[w]!;
          let maxVal = -Infinity, maxIndex = (t0 * iH + h0) * iW + w0;
          for (let t2 = t0; t2 < t0 + kT; t2++) {
            for (let h2 = h0; h2 < h0 + kH; h2++) {
              for (let w2 = w0; w2 < w0 + kW; w2++) {
                const idx = (t2 * iH + h2) * iW + w2;
                const v = input[inBase + idx]!;
                if (v > maxVal || Number.isNaN(v)) { maxVal = v; maxIndex = idx; }
              }
            }
          }
          const o = outBase + (t * oH + h) * oW + w;
          out[o] = maxVal;
          indices[o] = BigInt(maxIndex);
        }
      }
    }
  }
}
