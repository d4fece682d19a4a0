// Split-K for the tiled GEMM: when the output has too few tiles to fill a large GPU (weight
// gradients dW = X^T dY, whose K is batch x sequence), the reduction is cut into S slices that run
// as S times more workgroups, each writing its partial tile to a float32 (or int32) scratch buffer
// [S, batches, M, N]; a second kernel sums the S partials in slice order (deterministic), then
// applies alpha, the bias and `accumulate`, and writes C through its strides (rounding each sum
// once to float16 where C is stored as f16: the partials stay float32 or int32). This file holds the
// choice of S and that second kernel; the first pass is the tiled kernel (matmul.ts).

import type { GpuContext } from "./context.js";
import type { GpuBuffer } from "./pool.js";
import { type BufferElem, LINEAR_BUILTINS, cachedParamStruct, elemHeader, linearIndex, loadElem, storeElem } from "./wgsl.js";

/**
 * Workgroups a split GEMM should give the GPU: about two per SM of the largest GPUs (132 SMs on an
 * H100/H200), which is also about what fits on them at once for the "wide" tiles.
 */
export const SPLIT_K_TARGET_WORKGROUPS = 256;
/**
 * Workgroups from which a GEMM is not split: about one per SM of the largest GPUs. On an H100 the
 * Transformer's 128-tile weight gradients ran as fast unsplit as at any slice count (2-16), and
 * slower at 2 slices (28 TFLOPS against 31).
 */
export const SPLIT_K_ENOUGH_WORKGROUPS = 128;
/** The shortest share of the reduction a slice gets (elements of K): below it the second pass and the partials' traffic outweigh the gain. */
export const SPLIT_K_MIN_SLICE = 256;
/** The most slices (bounds the scratch buffer and the second pass's reads per output). */
export const SPLIT_K_MAX = 32;

/**
 * How many slices the automatic split cuts a GEMM's reduction into: 1 (none) when `workgroups`
 * (output tiles x batches) reaches SPLIT_K_ENOUGH_WORKGROUPS; else the smallest power of two that
 * brings them to SPLIT_K_TARGET_WORKGROUPS, as long as each slice keeps SPLIT_K_MIN_SLICE of the
 * `reduction` (K, times reduceBatch) and there are at most SPLIT_K_MAX. Powers of two because on an
 * H100 96 tiles ran at 23 TFLOPS cut in 3 (288 workgroups) and at 30 cut in 4 (384).
 */
export function chooseSplitK(workgroups: number, reduction: number): number {
  for (const [name, v] of [["workgroups", workgroups], ["reduction", reduction]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`webgpu chooseSplitK: ${name} must be a non-negative integer, got ${v}`);
  }
  if (workgroups === 0 || workgroups >= SPLIT_K_ENOUGH_WORKGROUPS) return 1;
  let wanted = 1;
  while (wanted * workgroups < SPLIT_K_TARGET_WORKGROUPS) wanted *= 2;
  const s = Math.min(wanted, Math.floor(reduction / SPLIT_K_MIN_SLICE), SPLIT_K_MAX);
  return s >= 2 ? s : 1;
}

/** Whether the automatic split starts enabled: TORCH_TS_WEBGPU_SPLIT_K=0 turns it off (A/B runs). */
export function autoSplitKFromEnv(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.["TORCH_TS_WEBGPU_SPLIT_K"] !== "0";
}

/** Where the second pass writes: C(z1, z2, i, j) = buffer[offset + z1*cB1 + z2*cB2 + i*rowStride + j]. */
export interface SplitKTarget {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly rowStride: number;
  readonly batchStrides: readonly [number, number];
  /** C holds f16: each sum is rounded once to float16 as it is stored. */
  readonly f16?: boolean;
}

/** bias(z1, z2, i, j) = buffer[offset + z1*b1 + z2*b2 + i*rowStride + j*colStride]. */
export interface SplitKBias {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly batchStrides: readonly [number, number];
  /** The bias holds f16 (read into f32). */
  readonly f16?: boolean;
}

export interface SplitKReduceArgs {
  /** [S, B1*B2, M, N] partial products, contiguous. */
  readonly partials: GpuBuffer;
  readonly S: number;
  readonly M: number;
  readonly N: number;
  /** B1 * B2 (batch z = z1 * B2 + z2). */
  readonly batches: number;
  readonly B2: number;
  readonly c: SplitKTarget;
  readonly bias?: SplitKBias;
  readonly alpha: number;
  readonly accumulate: boolean;
  readonly T: "f32" | "i32";
}

const NAMES = ["n", "MN", "N", "S", "sStride", "cOff", "cRs", "cB1", "cB2", "B2"];
const BIAS_NAMES = ["biasOff", "biasRs", "biasCs", "biasB1", "biasB2"];

/** The second pass: one thread per output, the S partials summed in slice order. */
export function splitKReduce(ctx: GpuContext, r: SplitKReduceArgs): void {
  const { M, N, S, c, bias, T } = r;
  const n = r.batches * M * N;
  const layout = cachedParamStruct(`gemm_splitk_reduce|${bias ? "bias" : ""}`, () => [
    ...[...NAMES, ...(bias ? BIAS_NAMES : [])].map((name) => ({ name, type: "u32" as const })),
    { name: "alpha", type: "f32" as const },
  ]);
  const values: Record<string, number> = {
    n, MN: M * N, N, S, sStride: n, cOff: c.offset, cRs: c.rowStride, cB1: c.batchStrides[0], cB2: c.batchStrides[1], B2: r.B2, alpha: r.alpha,
  };
  if (bias) {
    Object.assign(values, {
      biasOff: bias.offset, biasRs: bias.rowStride, biasCs: bias.colStride, biasB1: bias.batchStrides[0], biasB2: bias.batchStrides[1],
    });
  }
  const wg = ctx.maxWorkgroupSize;
  const scaled = T === "f32" && r.alpha !== 1;
  const cElem: BufferElem = c.f16 ? "f16" : T, biasElem: BufferElem = bias?.f16 ? "f16" : T;
  const f16 = [...(c.f16 ? ["c"] : []), ...(bias?.f16 ? ["bias"] : [])];
  ctx.dispatch({
    key: ["gemm_splitk_reduce", T, wg, bias ? "bias" : "", r.accumulate ? "acc" : "", scaled ? "alpha" : "", ...(f16.length ? [`f16:${f16.join(",")}`] : [])].join("|"),
    params: { layout, values },
    buffers: [c.buffer, r.partials, ...(bias ? [bias.buffer] : [])],
    workgroups: ctx.grid(Math.ceil(n / wg)),
    wgsl: () => `${elemHeader([cElem, biasElem])}${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> C: array<${cElem}>;
@group(0) @binding(2) var<storage, read> partials: array<${T}>;
${bias ? `@group(0) @binding(3) var<storage, read> bias: array<${biasElem}>;` : ""}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.n) { return; }
  var v = partials[e];
  for (var s = 1u; s < P.S; s++) { v += partials[s * P.sStride + e]; }
  ${scaled ? "v *= P.alpha;" : ""}
  let z = e / P.MN;
  let r = e % P.MN;
  let i = r / P.N;
  let j = r % P.N;
  let z1 = z / P.B2;
  let z2 = z % P.B2;
  ${bias ? `v += ${loadElem("bias[P.biasOff + z1 * P.biasB1 + z2 * P.biasB2 + i * P.biasRs + j * P.biasCs]", biasElem)};` : ""}
  let ci = P.cOff + z1 * P.cB1 + z2 * P.cB2 + i * P.cRs + j;
  C[ci] = ${storeElem(r.accumulate ? `${loadElem("C[ci]", cElem)} + v` : "v", cElem)};
}
`,
  });
}
