// GEMM: C = alpha * sum_kb A_kb @ B_kb (+ bias) (+ C), over two batch dims, any operand
// strides. Workgroup tiles of BM x BN, a BK-deep slice of A and B staged in workgroup memory
// (register-prefetched while the previous slice is multiplied), TM x TN outputs per thread held in
// vec4 registers; vec4 global loads where an operand is contiguous along a dim (row-major,
// transposed, or Linear's x @ W^T alike). Full tiles skip the bounds checks. float32, or int32 with
// wrapping i32 arithmetic (exact, as PyTorch's integer matmul; alpha must be 1). Any float32
// operand may be stored as f16 (its `f16`: float16 tensors): loads convert to f32 in registers,
// sums stay f32, an f16 C gets each result rounded once; each buffer's type is part of the
// generated WGSL and the pipeline key. Few output tiles over a long reduction split it into slices
// run side by side, then summed (split-k.ts).

import { type GpuContext } from "./context.js";
import type { GpuBuffer } from "./pool.js";
import {
  type GpuTensor, broadcastShapes, checkDType, coalesce, contiguousStrides, empty, numel, restride, sameContext, shapeStr,
} from "./tensor.js";
import { contiguous } from "./pointwise.js";
import { autoSplitKFromEnv, chooseSplitK, splitKReduce } from "./split-k.js";
import { type BufferElem, ParamStruct, cachedParamStruct, elemHeader, loadElem, storeElem } from "./wgsl.js";

export interface MatmulConfig {
  /** Tile rows / columns per workgroup and the depth of a staged K slice. */
  readonly BM: number;
  readonly BN: number;
  readonly BK: number;
  /** Outputs per thread (multiples of 4). */
  readonly TM: number;
  readonly TN: number;
  /** Double-buffered workgroup memory: one barrier per K slice instead of two (twice the memory). */
  readonly DB?: boolean;
}

export const MATMUL_CONFIGS = {
  large: { BM: 128, BN: 128, BK: 16, TM: 8, TN: 8 },
  largeDB: { BM: 128, BN: 128, BK: 16, TM: 8, TN: 8, DB: true },
  largeBK8: { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 },
  largeBK8DB: { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8, DB: true },
  wide: { BM: 64, BN: 128, BK: 16, TM: 4, TN: 8 },
  medium: { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 },
  /** For devices whose workgroups are capped below 256 invocations (GLES). */
  small: { BM: 64, BN: 64, BK: 16, TM: 8, TN: 8 },
} as const satisfies Record<string, MatmulConfig>;

/** A(i, k) = buffer[offset + i*rowStride + k*colStride] (B likewise with (k, j)). */
export interface GemmOperand {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  /** Strides of the two batch dims (default 0: the same matrix for every batch). */
  readonly batchStrides?: readonly [number, number];
  /** Stride between the summed pairs of a batch-reduce GEMM (see GemmArgs.reduceBatch). */
  readonly reduceStride?: number;
  /** The buffer holds f16 (float16 storage), each element read exactly into f32 (float32 GEMMs only). */
  readonly f16?: boolean;
}

/** C(i, j) = buffer[offset + i*rowStride + j] (rows of C are contiguous). */
export interface GemmOutput {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly rowStride: number;
  readonly batchStrides?: readonly [number, number];
  /**
   * The buffer holds f16 (float16 storage): each result, summed in f32 (with alpha, the bias and
   * C's own value under `accumulate`), is rounded once to float16 as it is stored (float32 GEMMs only).
   */
  readonly f16?: boolean;
}

export interface GemmArgs {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: GemmOperand;
  readonly b: GemmOperand;
  readonly c: GemmOutput;
  /** Sizes of the two batch dims (default [1, 1]). */
  readonly batch?: readonly [number, number];
  /** Sum this many products A_kb @ B_kb into one C (conv weight gradients over the batch). */
  readonly reduceBatch?: number;
  readonly alpha?: number;
  /** Adds bias(i, j) = bias.buffer[offset + i*rowStride + j*colStride] (+ batch strides). */
  readonly bias?: GemmOperand;
  /** C += result instead of C = result. */
  readonly accumulate?: boolean;
  /**
   * A tile configuration other than the automatic choice, or "simple": one thread per output, no
   * workgroup memory (the default on CPU adapters, whose shader compilers are slow on tiled kernels).
   */
  readonly config?: MatmulConfig | "simple";
  /** The element type A, B, C and the bias compute in (default float32); float32 operands may be stored as f16 (their `f16`). */
  readonly dtype?: GemmDType;
  /**
   * Into how many slices the tiled kernel cuts the reduction (K, times reduceBatch), each run by
   * its own workgroups into a scratch buffer, then summed (see split-k.ts): 1 = none; absent = the
   * automatic choice (chooseSplitK; off with TORCH_TS_WEBGPU_SPLIT_K=0 or setGemmDefaults). Fewer
   * slices are used where the reduction has fewer BK-deep steps, or the scratch would exceed the
   * device's largest storage binding. The "simple" kernel does not split.
   */
  readonly splitK?: number;
}

/** What a GEMM uses where its call says nothing (see setGemmDefaults). */
export interface GemmDefaults {
  /** The kernel of a call that names no `config` (undefined: the automatic choice). */
  readonly config: MatmulConfig | "simple" | undefined;
  /** Whether a call that names no `splitK` may split its reduction (chooseSplitK). */
  readonly autoSplitK: boolean;
}

let gemmDefaults: GemmDefaults = { config: undefined, autoSplitK: autoSplitKFromEnv() };

/**
 * Changes what every later GEMM (matmul, linear, conv) uses where its call says nothing: a tile
 * configuration (tests reach the tiled kernel through tensor ops on a CPU adapter this way) and
 * whether the automatic split-K is on (benchmarks compare both in one process). Fields left out
 * keep their value (`config: undefined` restores the automatic choice). Returns the previous
 * defaults, every field present: passing them back restores them.
 */
export function setGemmDefaults(next: Partial<GemmDefaults>): GemmDefaults {
  if (next.autoSplitK !== undefined && typeof next.autoSplitK !== "boolean") {
    throw new Error(`webgpu setGemmDefaults: autoSplitK must be a boolean, got ${String(next.autoSplitK)}`);
  }
  const c = next.config;
  if (c !== undefined && c !== "simple" && (typeof c !== "object" || c === null)) {
    throw new Error(`webgpu setGemmDefaults: config must be a MatmulConfig or "simple", got ${String(c)}`);
  }
  const previous = gemmDefaults;
  gemmDefaults = {
    config: "config" in next ? c : previous.config,
    autoSplitK: next.autoSplitK ?? previous.autoSplitK,
  };
  return previous;
}

export type GemmDType = "float32" | "int32";

type AMode = "k4" | "m4" | "sk" | "sm";
type BMode = "n4" | "k4" | "sk" | "sn";

const aligned4 = (...xs: number[]): boolean => xs.every((x) => x % 4 === 0);

function chooseConfig(ctx: GpuContext): MatmulConfig {
  if (ctx.maxWorkgroupSize < 256) return MATMUL_CONFIGS.small;
  // Measured on an H200 (Vulkan): "wide" led the sweep at 1024³ (18 vs 17 TFLOPS for "medium",
  // 9-13 for the 128x128 tiles) and tied "large" at 4096³ (35.5 vs 35.0 TFLOPS).
  return MATMUL_CONFIGS.wide;
}

function validateConfig(c: MatmulConfig, maxWg: number, maxShared: number): number {
  const tx = c.BN / c.TN, ty = c.BM / c.TM, nt = tx * ty;
  const ok = Number.isInteger(tx) && Number.isInteger(ty) && c.TM % 4 === 0 && c.TN % 4 === 0 && c.BK % 4 === 0 &&
    nt <= maxWg && (c.BM * c.BK) % nt === 0 && (c.BN * c.BK) % nt === 0 &&
    ((c.BM * c.BK) / 4) % nt === 0 && ((c.BN * c.BK) / 4) % nt === 0 &&
    (c.DB ? 2 : 1) * (c.BM + c.BN) * c.BK * 4 <= maxShared;
  if (!ok) throw new Error(`webgpu matmul: invalid tile configuration ${JSON.stringify(c)}`);
  return nt;
}

/** The GEMM kernel: every argument is checked, then one dispatch (per 65535 batches). */
export function gemm(ctx: GpuContext, args: GemmArgs): void {
  const { M, N, K, a, b, c } = args;
  const [B1, B2] = args.batch ?? [1, 1];
  const KB = args.reduceBatch ?? 1;
  for (const [name, v] of [["M", M], ["N", N], ["K", K], ["batch", B1], ["batch", B2], ["reduceBatch", KB]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`webgpu gemm: ${name} must be a non-negative integer, got ${v}`);
  }
  const dtype = args.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "int32") throw new Error(`webgpu gemm: dtype must be float32 or int32, got ${String(dtype)}`);
  if (dtype === "int32" && (args.alpha ?? 1) !== 1) throw new Error(`webgpu gemm: an int32 GEMM takes no alpha (got ${args.alpha})`);
  if (dtype === "int32" && (a.f16 || b.f16 || c.f16 || args.bias?.f16)) throw new Error("webgpu gemm: an int32 GEMM has no f16 operands");
  if (args.splitK !== undefined && (!Number.isInteger(args.splitK) || args.splitK < 1)) {
    throw new Error(`webgpu gemm: splitK must be a positive integer, got ${args.splitK}`);
  }
  if (M === 0 || N === 0 || B1 === 0 || B2 === 0) return;
  const config = args.config ?? gemmDefaults.config;
  if (config === "simple" || (config === undefined && ctx.isCpuAdapter)) {
    simpleGemm(ctx, args, B1, B2, KB, dtype);
    return;
  }
  const cfg = config ?? chooseConfig(ctx);
  const nt = validateConfig(cfg, ctx.maxWorkgroupSize, ctx.limits.maxComputeWorkgroupStorageSize);
  const { S, tPer } = splitSlices(ctx, args, cfg, B1 * B2, KB);
  const aB = a.batchStrides ?? [0, 0], bB = b.batchStrides ?? [0, 0];
  const aR = a.reduceStride ?? 0, bR = b.reduceStride ?? 0;
  const aMode: AMode = a.colStride === 1 && aligned4(a.offset, a.rowStride, K, ...aB, aR) ? "k4"
    : a.rowStride === 1 && aligned4(a.offset, a.colStride, M, ...aB, aR) ? "m4"
      : a.colStride <= a.rowStride ? "sk" : "sm";
  const bMode: BMode = b.colStride === 1 && aligned4(b.offset, b.rowStride, N, ...bB, bR) ? "n4"
    : b.rowStride === 1 && aligned4(b.offset, b.colStride, K, ...bB, bR) ? "k4"
      : b.rowStride <= b.colStride ? "sk" : "sn";
  const split = S > 1;
  const T = dtype === "int32" ? "i32" : "f32";
  // A split GEMM's first pass writes plain partial tiles ([S, B1*B2, M, N], in f32 or i32): the
  // second pass adds alpha, the bias and C, and stores C as its buffer holds it.
  const accumulate = !split && !!args.accumulate;
  const bias = split ? undefined : args.bias;
  const elems = gemmElems(T, a, b, split ? {} : c, bias);
  const total = B1 * B2;
  const nkt = Math.ceil(K / cfg.BK);
  const partials = split ? ctx.pool.acquire(S * total * M * N * 4) : null;
  const out = partials ? { buffer: partials, offset: 0, rowStride: N, batchStrides: [B2 * M * N, M * N] as const } : c;
  const cB = out.batchStrides ?? [0, 0];
  const cVec = aligned4(out.offset, out.rowStride, N, ...cB);
  const check = M % cfg.BM !== 0 || N % cfg.BN !== 0 || K % cfg.BK !== 0;
  const names = [
    "M", "N", "K", "aOff", "aRs", "aCs", "aB1", "aB2", "aKb", "bOff", "bRs", "bCs", "bB1", "bB2", "bKb",
    "cOff", "cRs", "cB1", "cB2", "B2", "KB", "nkt", "zBase",
    ...(bias ? ["biasOff", "biasRs", "biasCs", "biasB1", "biasB2"] : []),
    ...(split ? ["S", "tPer", "sStride"] : []),
  ];
  const layout = cachedParamStruct(`gemm|${bias ? "bias" : ""}|${split ? "split" : ""}`, () => [
    ...names.map((name) => ({ name, type: "u32" as const })),
    { name: "alpha", type: "f32" as const },
  ]);
  const key = ["gemm", cfg.BM, cfg.BN, cfg.BK, cfg.TM, cfg.TN, cfg.DB ? "db" : "sb", aMode, bMode, cVec ? "cv" : "cs", check ? "chk" : "full",
    accumulate ? "acc" : "", bias ? "bias" : "", ...(dtype === "int32" ? ["i32"] : []), ...elemsKey(elems), ...(split ? ["split"] : [])].join("|");
  const biasB = bias?.batchStrides ?? [0, 0];
  const maxZ = ctx.limits.maxComputeWorkgroupsPerDimension;
  const zTotal = total * S;
  const buffers = [out.buffer, a.buffer, b.buffer, ...(bias ? [bias.buffer] : [])];
  for (let z0 = 0; z0 < zTotal; z0 += maxZ) {
    const values: Record<string, number> = {
      M, N, K, aOff: a.offset, aRs: a.rowStride, aCs: a.colStride, aB1: aB[0], aB2: aB[1], aKb: aR,
      bOff: b.offset, bRs: b.rowStride, bCs: b.colStride, bB1: bB[0], bB2: bB[1], bKb: bR,
      cOff: out.offset, cRs: out.rowStride, cB1: cB[0], cB2: cB[1], B2, KB, nkt, zBase: z0,
      alpha: split ? 1 : args.alpha ?? 1,
    };
    if (bias) Object.assign(values, { biasOff: bias.offset, biasRs: bias.rowStride, biasCs: bias.colStride, biasB1: biasB[0], biasB2: biasB[1] });
    if (split) Object.assign(values, { S, tPer, sStride: total * M * N });
    ctx.dispatch({
      key, params: { layout, values }, buffers,
      workgroups: [Math.ceil(N / cfg.BN), Math.ceil(M / cfg.BM), Math.min(maxZ, zTotal - z0)],
      wgsl: () => gemmWgsl(cfg, nt, aMode, bMode, cVec, check, accumulate, !!bias, split, layout, T, elems),
    });
  }
  if (!partials) return;
  const cBatch = c.batchStrides ?? [0, 0];
  const ab = args.bias;
  splitKReduce(ctx, {
    partials, S, M, N, batches: total, B2, T, alpha: args.alpha ?? 1, accumulate: !!args.accumulate,
    c: { buffer: c.buffer, offset: c.offset, rowStride: c.rowStride, batchStrides: [cBatch[0], cBatch[1]], f16: !!c.f16 },
    bias: ab && { buffer: ab.buffer, offset: ab.offset, rowStride: ab.rowStride, colStride: ab.colStride, batchStrides: ab.batchStrides ?? [0, 0], f16: !!ab.f16 },
  });
  partials.release();
}

/** The element type of each buffer of a GEMM (f16 for float16 storage, else the compute type T). */
interface GemmElems {
  readonly a: BufferElem;
  readonly b: BufferElem;
  readonly c: BufferElem;
  readonly bias: BufferElem;
}

function gemmElems(T: "f32" | "i32", a: { f16?: boolean }, b: { f16?: boolean }, c: { f16?: boolean }, bias: { f16?: boolean } | undefined): GemmElems {
  const of = (x: { f16?: boolean } | undefined): BufferElem => (x?.f16 ? "f16" : T);
  return { a: of(a), b: of(b), c: of(c), bias: of(bias) };
}

/** The pipeline key's part for the buffers stored as f16 (none: nothing, so f32 keys are unchanged). */
function elemsKey(e: GemmElems): string[] {
  const f16 = (["a", "b", "c", "bias"] as const).filter((n) => e[n] === "f16");
  return f16.length ? [`f16:${f16.join(",")}`] : [];
}

const NO_SPLIT = { S: 1, tPer: 0 } as const;

/**
 * The slices a tiled GEMM runs: `args.splitK`, or the automatic choice (output tiles x batches
 * against the reduction's length), at most what keeps the scratch within the device's largest
 * storage binding. The reduction's BK-deep steps (over K, then reduceBatch) go tPer to a slice;
 * S is then the number of slices that have steps (none is empty).
 */
function splitSlices(ctx: GpuContext, args: GemmArgs, cfg: MatmulConfig, batches: number, KB: number): { S: number; tPer: number } {
  const { M, N, K } = args;
  let S = args.splitK;
  if (S === undefined) S = gemmDefaults.autoSplitK ? chooseSplitK(Math.ceil(M / cfg.BM) * Math.ceil(N / cfg.BN) * batches, KB * K) : 1;
  if (S <= 1) return NO_SPLIT;
  S = Math.min(S, Math.floor(ctx.limits.maxStorageBufferBindingSize / (batches * M * N * 4)));
  const steps = KB * Math.ceil(K / cfg.BK);
  if (S <= 1 || steps <= 1) return NO_SPLIT;
  const tPer = Math.ceil(steps / S);
  return { S: Math.ceil(steps / tPer), tPer };
}

const SIMPLE_PARAMS = new ParamStruct([
  ...["M", "N", "K", "aOff", "aRs", "aCs", "aB1", "aB2", "aKb", "bOff", "bRs", "bCs", "bB1", "bB2", "bKb",
    "cOff", "cRs", "cB1", "cB2", "B2", "KB", "zBase", "hasBias", "biasOff", "biasRs", "biasCs", "biasB1", "biasB2", "accumulate"]
    .map((name) => ({ name, type: "u32" as const })),
  { name: "alpha", type: "f32" as const },
]);

/** One thread per output, every option a uniform: a single pipeline serves every GEMM. */
function simpleGemm(ctx: GpuContext, args: GemmArgs, B1: number, B2: number, KB: number, dtype: GemmDType): void {
  const T = dtype === "int32" ? "i32" : "f32";
  const { M, N, K, a, b, c, bias } = args;
  const e = gemmElems(T, a, b, c, bias);
  const aB = a.batchStrides ?? [0, 0], bB = b.batchStrides ?? [0, 0], cB = c.batchStrides ?? [0, 0];
  const biasB = bias?.batchStrides ?? [0, 0];
  const maxZ = ctx.limits.maxComputeWorkgroupsPerDimension;
  const total = B1 * B2;
  for (let z0 = 0; z0 < total; z0 += maxZ) {
    ctx.dispatch({
      key: ["gemm_simple", ...(T === "f32" ? [] : ["i32"]), ...elemsKey(e)].join("|"),
      params: {
        layout: SIMPLE_PARAMS,
        values: {
          M, N, K, aOff: a.offset, aRs: a.rowStride, aCs: a.colStride, aB1: aB[0], aB2: aB[1], aKb: a.reduceStride ?? 0,
          bOff: b.offset, bRs: b.rowStride, bCs: b.colStride, bB1: bB[0], bB2: bB[1], bKb: b.reduceStride ?? 0,
          cOff: c.offset, cRs: c.rowStride, cB1: cB[0], cB2: cB[1], B2, KB, zBase: z0,
          hasBias: bias ? 1 : 0, biasOff: bias?.offset ?? 0, biasRs: bias?.rowStride ?? 0, biasCs: bias?.colStride ?? 0,
          biasB1: biasB[0], biasB2: biasB[1], accumulate: args.accumulate ? 1 : 0, alpha: args.alpha ?? 1,
        },
      },
      buffers: [c.buffer, a.buffer, b.buffer, bias ? bias.buffer : ctx.scratch],
      workgroups: [Math.ceil(N / 8), Math.ceil(M / 8), Math.min(maxZ, total - z0)],
      wgsl: () => `${elemHeader([e.a, e.b, e.c, e.bias])}${SIMPLE_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> C: array<${e.c}>;
@group(0) @binding(2) var<storage, read> A: array<${e.a}>;
@group(0) @binding(3) var<storage, read> B: array<${e.b}>;
@group(0) @binding(4) var<storage, read> bias: array<${e.bias}>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let i = gid.y;
  if (i >= P.M || j >= P.N) { return; }
  let z = gid.z + P.zBase;
  let z1 = z / P.B2;
  let z2 = z % P.B2;
  var acc = ${T === "f32" ? "0.0" : "0i"};
  for (var kb = 0u; kb < P.KB; kb++) {
    let ai = P.aOff + z1 * P.aB1 + z2 * P.aB2 + kb * P.aKb + i * P.aRs;
    let bj = P.bOff + z1 * P.bB1 + z2 * P.bB2 + kb * P.bKb + j * P.bCs;
    for (var k = 0u; k < P.K; k++) {
      let p = ${loadElem("A[ai + k * P.aCs]", e.a)};
      let q = ${loadElem("B[bj + k * P.bRs]", e.b)};
      acc = ${T === "f32" ? "fma(p, q, acc)" : "acc + p * q"};
    }
  }
  var v = acc${T === "f32" ? " * P.alpha" : ""};
  if (P.hasBias != 0u) { v += ${loadElem("bias[P.biasOff + z1 * P.biasB1 + z2 * P.biasB2 + i * P.biasRs + j * P.biasCs]", e.bias)}; }
  let ci = P.cOff + z1 * P.cB1 + z2 * P.cB2 + i * P.cRs + j;
  if (P.accumulate != 0u) { v += ${loadElem("C[ci]", e.c)}; }
  C[ci] = ${storeElem("v", e.c)};
}
`,
    });
  }
}

function gemmWgsl(
  cfg: MatmulConfig, nt: number, aMode: AMode, bMode: BMode, cVec: boolean, check: boolean,
  accumulate: boolean, bias: boolean, split: boolean, layout: ParamStruct, T: "f32" | "i32", e: GemmElems,
): string {
  const vT = `vec4<${T}>`, zeroS = T === "f32" ? "0.0" : "0i", zeroV = `${vT}(${zeroS})`;
  const { BM, BN, BK, TM, TN } = cfg;
  const TX = BN / TN, TY = BM / TM, RG = TM / 4, CG = TN / 4;
  const aVec = aMode === "k4" || aMode === "m4", bVec = bMode === "n4" || bMode === "k4";
  const LA = aVec ? (BM * BK) / 4 / nt : (BM * BK) / nt;
  const LB = bVec ? (BN * BK) / 4 / nt : (BN * BK) / nt;
  const lines: string[] = [];
  const L = (s: string): void => { lines.push(s); };

  // Global -> registers for K slice `t` (kb, k0).
  const loadA = (): string[] => {
    const out: string[] = [];
    for (let l = 0; l < LA; l++) {
      const idx = `(tid + ${l * nt}u)`;
      let gm: string, gk: string, addr: string;
      if (aMode === "k4") { gm = `m0 + ${idx} / ${BK / 4}u`; gk = `k0 + (${idx} % ${BK / 4}u) * 4u`; addr = `(aBase + gm * P.aRs + gk) / 4u`; }
      else if (aMode === "m4") { gm = `m0 + (${idx} % ${BM / 4}u) * 4u`; gk = `k0 + ${idx} / ${BM / 4}u`; addr = `(aBase + gm + gk * P.aCs) / 4u`; }
      else if (aMode === "sk") { gm = `m0 + ${idx} / ${BK}u`; gk = `k0 + ${idx} % ${BK}u`; addr = `aBase + gm * P.aRs + gk * P.aCs`; }
      else { gm = `m0 + ${idx} % ${BM}u`; gk = `k0 + ${idx} / ${BM}u`; addr = `aBase + gm * P.aRs + gk * P.aCs`; }
      const zero = aVec ? zeroV : zeroS;
      out.push(`    { let gm = ${gm}; let gk = ${gk};`);
      if (check) out.push(`      let ok = gm < P.M && gk < P.K; ra${l} = select(${zero}, ${loadElem(`A[select(0u, ${addr}, ok)]`, e.a, aVec)}, ok); }`);
      else out.push(`      ra${l} = ${loadElem(`A[${addr}]`, e.a, aVec)}; }`);
    }
    return out;
  };
  const loadB = (): string[] => {
    const out: string[] = [];
    for (let l = 0; l < LB; l++) {
      const idx = `(tid + ${l * nt}u)`;
      let gn: string, gk: string, addr: string;
      if (bMode === "n4") { gn = `n0 + (${idx} % ${BN / 4}u) * 4u`; gk = `k0 + ${idx} / ${BN / 4}u`; addr = `(bBase + gk * P.bRs + gn) / 4u`; }
      else if (bMode === "k4") { gn = `n0 + ${idx} / ${BK / 4}u`; gk = `k0 + (${idx} % ${BK / 4}u) * 4u`; addr = `(bBase + gn * P.bCs + gk) / 4u`; }
      else if (bMode === "sk") { gn = `n0 + ${idx} / ${BK}u`; gk = `k0 + ${idx} % ${BK}u`; addr = `bBase + gk * P.bRs + gn * P.bCs`; }
      else { gn = `n0 + ${idx} % ${BN}u`; gk = `k0 + ${idx} / ${BN}u`; addr = `bBase + gk * P.bRs + gn * P.bCs`; }
      const zero = bVec ? zeroV : zeroS;
      out.push(`    { let gn = ${gn}; let gk = ${gk};`);
      if (check) out.push(`      let ok = gn < P.N && gk < P.K; rb${l} = select(${zero}, ${loadElem(`B[select(0u, ${addr}, ok)]`, e.b, bVec)}, ok); }`);
      else out.push(`      rb${l} = ${loadElem(`B[${addr}]`, e.b, bVec)}; }`);
    }
    return out;
  };
  // Registers -> workgroup memory (As[k][m], Bs[k][n], four to a vec4).
  const storeA = (base: string): string[] => {
    const out: string[] = [];
    for (let l = 0; l < LA; l++) {
      const idx = `(tid + ${l * nt}u)`;
      if (aMode === "k4") {
        out.push(`  { let mm = ${idx} / ${BK / 4}u; let kk = (${idx} % ${BK / 4}u) * 4u;`);
        for (let j = 0; j < 4; j++) out.push(`    As[${base} + (kk + ${j}u) * ${BM / 4}u + mm / 4u][mm % 4u] = ra${l}[${j}];`);
        out.push("  }");
      } else if (aMode === "m4") {
        out.push(`  As[${base} + ${idx}] = ra${l};`);
      } else if (aMode === "sk") {
        out.push(`  { let mm = ${idx} / ${BK}u; let kk = ${idx} % ${BK}u; As[${base} + kk * ${BM / 4}u + mm / 4u][mm % 4u] = ra${l}; }`);
      } else {
        out.push(`  { let mm = ${idx} % ${BM}u; let kk = ${idx} / ${BM}u; As[${base} + kk * ${BM / 4}u + mm / 4u][mm % 4u] = ra${l}; }`);
      }
    }
    return out;
  };
  const storeB = (base: string): string[] => {
    const out: string[] = [];
    for (let l = 0; l < LB; l++) {
      const idx = `(tid + ${l * nt}u)`;
      if (bMode === "n4") {
        out.push(`  Bs[${base} + ${idx}] = rb${l};`);
      } else if (bMode === "k4") {
        out.push(`  { let nn = ${idx} / ${BK / 4}u; let kk = (${idx} % ${BK / 4}u) * 4u;`);
        for (let j = 0; j < 4; j++) out.push(`    Bs[${base} + (kk + ${j}u) * ${BN / 4}u + nn / 4u][nn % 4u] = rb${l}[${j}];`);
        out.push("  }");
      } else if (bMode === "sk") {
        out.push(`  { let nn = ${idx} / ${BK}u; let kk = ${idx} % ${BK}u; Bs[${base} + kk * ${BN / 4}u + nn / 4u][nn % 4u] = rb${l}; }`);
      } else {
        out.push(`  { let nn = ${idx} % ${BN}u; let kk = ${idx} / ${BN}u; Bs[${base} + kk * ${BN / 4}u + nn / 4u][nn % 4u] = rb${l}; }`);
      }
    }
    return out;
  };
  // Step t of the workgroup's reduction: of the whole one, or of its slice's (split-K).
  const step = (t: string): string => (split ? `tBegin + ${t}` : t);
  const slice = (t: string): string[] => [
    `    let kb = (${step(t)}) / P.nkt;`,
    `    let k0 = ((${step(t)}) % P.nkt) * ${BK}u;`,
    "    let aBase = aBatch + kb * P.aKb;",
    "    let bBase = bBatch + kb * P.bKb;",
  ];

  // f16 buffers hold vec4<f16> (8 bytes) where f32 ones hold vec4<f32>: the same element
  // alignment (offsets and strides multiples of 4) makes both vector loads legal.
  const arrayOf = (elem: BufferElem, vec: boolean): string => (vec ? `vec4<${elem}>` : elem);
  L(elemHeader([e.a, e.b, e.c, e.bias]) + layout.wgsl());
  L("@group(0) @binding(0) var<uniform> P: Params;");
  L(`@group(0) @binding(1) var<storage, read_write> C: array<${arrayOf(e.c, cVec)}>;`);
  L(`@group(0) @binding(2) var<storage, read> A: array<${arrayOf(e.a, aVec)}>;`);
  L(`@group(0) @binding(3) var<storage, read> B: array<${arrayOf(e.b, bVec)}>;`);
  if (bias) L(`@group(0) @binding(4) var<storage, read> bias: array<${e.bias}>;`);
  const nbuf = cfg.DB ? 2 : 1, SA = (BK * BM) / 4, SB = (BK * BN) / 4;
  L(`var<workgroup> As: array<${vT}, ${nbuf * SA}>;`);
  L(`var<workgroup> Bs: array<${vT}, ${nbuf * SB}>;`);
  L(`@compute @workgroup_size(${nt})`);
  L("fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {");
  L(`  let tx = tid % ${TX}u;`);
  L(`  let ty = tid / ${TX}u;`);
  L(`  let m0 = wid.y * ${BM}u;`);
  L(`  let n0 = wid.x * ${BN}u;`);
  if (split) {
    // z counts (batch, slice) pairs; slice s takes reduction steps [s * tPer, (s + 1) * tPer).
    L("  let zs = wid.z + P.zBase;");
    L("  let s = zs % P.S;");
    L("  let z = zs / P.S;");
  } else {
    L("  let z = wid.z + P.zBase;");
  }
  L("  let z1 = z / P.B2;");
  L("  let z2 = z % P.B2;");
  L("  let aBatch = P.aOff + z1 * P.aB1 + z2 * P.aB2;");
  L("  let bBatch = P.bOff + z1 * P.bB1 + z2 * P.bB2;");
  for (let r = 0; r < TM; r++) for (let cg = 0; cg < CG; cg++) L(`  var acc${r}_${cg} = ${zeroV};`);
  for (let l = 0; l < LA; l++) L(`  var ra${l}: ${aVec ? vT : T};`);
  for (let l = 0; l < LB; l++) L(`  var rb${l}: ${bVec ? vT : T};`);
  if (split) {
    L("  let tBegin = s * P.tPer;");
    L("  let tEnd = min(P.KB * P.nkt, tBegin + P.tPer);");
    L("  let nt = select(0u, tEnd - tBegin, tEnd > tBegin);");
  } else {
    L("  let nt = P.KB * P.nkt;");
  }
  L("  if (nt > 0u) {");
  lines.push(...slice("0u"), ...loadA(), ...loadB());
  L("  }");
  lines.push(...storeA("0u"), ...storeB("0u"));
  L("  workgroupBarrier();");
  L("  for (var t = 0u; t < nt; t++) {");
  L("    let more = t + 1u < nt;");
  L(cfg.DB ? `    let ca = (t % 2u) * ${SA}u;` : "    let ca = 0u;");
  L(cfg.DB ? `    let cb = (t % 2u) * ${SB}u;` : "    let cb = 0u;");
  L("    if (more) {");
  lines.push(...slice("t + 1u").map((s) => "  " + s), ...loadA().map((s) => "  " + s), ...loadB().map((s) => "  " + s));
  L("    }");
  L(`    for (var k = 0u; k < ${BK}u; k++) {`);
  for (let rg = 0; rg < RG; rg++) L(`      let a${rg} = As[ca + k * ${BM / 4}u + ${rg * TY}u + ty];`);
  for (let cg = 0; cg < CG; cg++) L(`      let b${cg} = Bs[cb + k * ${BN / 4}u + ${cg * TX}u + tx];`);
  for (let rg = 0; rg < RG; rg++) {
    for (let i = 0; i < 4; i++) {
      for (let cg = 0; cg < CG; cg++) {
        const r = rg * 4 + i;
        L(T === "f32" ? `      acc${r}_${cg} = fma(vec4<f32>(a${rg}[${i}]), b${cg}, acc${r}_${cg});`
          : `      acc${r}_${cg} = acc${r}_${cg} + ${vT}(a${rg}[${i}]) * b${cg};`);
      }
    }
  }
  L("    }");
  if (cfg.DB) {
    // The other buffer was last read in slice t - 1, which every thread finished before the
    // barrier that ended it: filling it now needs no barrier of its own.
    L("    if (more) {");
    L(`      let na = ((t + 1u) % 2u) * ${SA}u;`);
    L(`      let nb = ((t + 1u) % 2u) * ${SB}u;`);
    lines.push(...storeA("na").map((s) => "    " + s), ...storeB("nb").map((s) => "    " + s));
    L("    }");
    L("    workgroupBarrier();");
  } else {
    L("    workgroupBarrier();");
    L("    if (more) {");
    lines.push(...storeA("0u").map((s) => "    " + s), ...storeB("0u").map((s) => "    " + s));
    L("    }");
    L("    workgroupBarrier();");
  }
  L("  }");
  // Epilogue.
  L(`  let cBase = P.cOff + z1 * P.cB1 + z2 * P.cB2${split ? " + s * P.sStride" : ""};`);
  if (bias) L("  let biasBase = P.biasOff + z1 * P.biasB1 + z2 * P.biasB2;");
  for (let rg = 0; rg < RG; rg++) {
    for (let i = 0; i < 4; i++) {
      const r = rg * 4 + i;
      L(`  { let row = m0 + ${rg * TY * 4}u + ty * 4u + ${i}u;`);
      for (let cg = 0; cg < CG; cg++) {
        L(`    { let col = n0 + ${cg * TX * 4}u + tx * 4u;`);
        L(T === "f32" ? `      var v = acc${r}_${cg} * P.alpha;` : `      var v = acc${r}_${cg};`);
        if (bias) {
          L("      let bb = biasBase + row * P.biasRs + col * P.biasCs;");
          if (check) {
            L("      if (row < P.M) {");
            for (let j = 0; j < 4; j++) L(`        if (col + ${j}u < P.N) { v[${j}] += ${loadElem(`bias[bb + ${j}u * P.biasCs]`, e.bias)}; }`);
            L("      }");
          } else {
            const at = (i: string): string => loadElem(`bias[bb${i}]`, e.bias);
            L(`      v += ${vT}(${at("")}, ${at(" + P.biasCs")}, ${at(" + 2u * P.biasCs")}, ${at(" + 3u * P.biasCs")});`);
          }
        }
        if (cVec) {
          L("      let ci = (cBase + row * P.cRs + col) / 4u;");
          const st = `C[ci] = ${storeElem(accumulate ? `${loadElem("C[ci]", e.c, true)} + v` : "v", e.c, true)};`;
          L(check ? `      if (row < P.M && col < P.N) { ${st} }` : `      ${st}`);
        } else {
          L("      let ci = cBase + row * P.cRs + col;");
          for (let j = 0; j < 4; j++) {
            const cj = `C[ci + ${j}u]`;
            const st = `${cj} = ${storeElem(accumulate ? `${loadElem(cj, e.c)} + v[${j}]` : `v[${j}]`, e.c)};`;
            L(check ? `      if (row < P.M && col + ${j}u < P.N) { ${st} }` : `      ${st}`);
          }
        }
        L("    }");
      }
      L("  }");
    }
  }
  L("}");
  return lines.join("\n");
}

// ---- tensor-level wrappers ------------------------------------------------------------------

function mmError(a: readonly number[], b: readonly number[]): Error {
  return new Error(`mat1 and mat2 shapes cannot be multiplied (${a.join("x")} and ${b.join("x")})`);
}

export interface MatmulOptions {
  /** Contiguous output of the result's shape (else a new tensor). */
  out?: GpuTensor;
  alpha?: number;
  /** Add into `out` instead of overwriting it. */
  accumulate?: boolean;
  /**
   * Added to alpha times each product before the result is stored (one rounding for float16): float32
   * or float16, broadcastable to the result of 2-d or higher operands (addmm / baddbmm's input).
   */
  bias?: GpuTensor;
  config?: MatmulConfig | "simple";
}

/**
 * torch.matmul for float32, float16 (stored as f16) or int32 tensors (both the same) of 1 or more
 * dims: batch dims broadcast, 1-D operands get a dim of 1 prepended (a) or appended (b) which the
 * result drops. Operands may have any strides. int32 products wrap at 32 bits; float16 products
 * load f16, sum in float32 and round each result once to float16 (as PyTorch's CUDA half GEMMs).
 */
export function matmul(a: GpuTensor, b: GpuTensor, options: MatmulOptions = {}): GpuTensor {
  const op = "webgpu matmul";
  const ctx = sameContext(op, a, b, options.out, options.bias);
  checkDType(op, "mat1", a, ["float32", "int32", "float16"]);
  checkDType(op, "mat2", b, ["float32", "int32", "float16"]);
  if (b.dtype !== a.dtype) throw new Error(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
  const dtype: GemmDType = a.dtype === "int32" ? "int32" : "float32";
  const f16 = a.dtype === "float16";
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw new Error(`both arguments to matmul need to be at least 1D, but they are ${a.shape.length}D and ${b.shape.length}D`);
  }
  const a2 = a.shape.length === 1 ? restride(a, [1, a.shape[0]!], [0, a.strides[0]!]) : a;
  const b2 = b.shape.length === 1 ? restride(b, [b.shape[0]!, 1], [b.strides[0]!, 0]) : b;
  const M = a2.shape[a2.shape.length - 2]!, K = a2.shape[a2.shape.length - 1]!;
  const K2 = b2.shape[b2.shape.length - 2]!, N = b2.shape[b2.shape.length - 1]!;
  if (K !== K2) throw mmError(a.shape.length === 1 ? [1, K] : [M, K], [K2, N]);
  const batchA = a2.shape.slice(0, -2), batchB = b2.shape.slice(0, -2);
  const batch = broadcastShapes(op, batchA, batchB);
  const fullShape = [...batch, M, N];
  const resultShape = [...batch, ...(a.shape.length === 1 ? [] : [M]), ...(b.shape.length === 1 ? [] : [N])];
  const bias = options.bias;
  if (bias) {
    checkDType(op, "bias", bias, ["float32", "float16"]);
    if (dtype !== "float32") throw new Error(`${op}: a bias needs float operands, got ${a.dtype}`);
    if (a.shape.length < 2 || b.shape.length < 2) throw new Error(`${op}: a bias needs operands of 2 or more dims`);
    const lead = fullShape.length - bias.shape.length;
    if (lead < 0 || bias.shape.some((s, i) => s !== 1 && s !== fullShape[lead + i])) {
      throw new Error(`${op}: bias of shape ${shapeStr(bias.shape)} cannot be broadcast to ${shapeStr(fullShape)}`);
    }
  }
  /** The bias's strides over fullShape: zero along the dims it is broadcast over. */
  const biasStrides = bias
    ? fullShape.map((_, i) => {
      const j = i - (fullShape.length - bias.shape.length);
      return j < 0 || bias.shape[j] === 1 ? 0 : bias.strides[j]!;
    })
    : [];
  let out = options.out;
  if (out) {
    if (out.shape.length !== resultShape.length || out.shape.some((s, i) => s !== resultShape[i])) {
      throw new Error(`${op}: out has shape ${shapeStr(out.shape)}, expected ${shapeStr(resultShape)}`);
    }
    checkDType(op, "out", out, [a.dtype]);
    const st = contiguousStrides(out.shape);
    if (out.shape.some((s, i) => s > 1 && out!.strides[i] !== st[i])) throw new Error(`${op}: out must be contiguous`);
  } else {
    out = empty(ctx, resultShape, a.dtype);
  }
  if (numel(fullShape) === 0) return out;
  const nb = batch.length;
  const bStr = (t: GpuTensor, own: readonly number[]): number[] => {
    const st = new Array<number>(nb).fill(0);
    const off = nb - own.length;
    own.forEach((s, i) => { st[off + i] = s === 1 ? 0 : t.strides[i]!; });
    return st;
  };
  const cStr = contiguousStrides(fullShape).slice(0, nb);
  const co = coalesce(batch, [bStr(a2, batchA), bStr(b2, batchB), cStr, bias ? biasStrides.slice(0, nb) : new Array<number>(nb).fill(0)]);
  // Two batch dims go to the kernel; more are looped over here.
  const inner = co.shape.slice(-2);
  while (inner.length < 2) inner.unshift(1);
  const innerStr = co.strides.map((s) => { const x = s.slice(-2); while (x.length < 2) x.unshift(0); return x as [number, number]; });
  const outer = co.shape.slice(0, Math.max(0, co.shape.length - 2));
  const nOuter = numel(outer);
  const aRs = a2.strides[a2.shape.length - 2]!, aCs = a2.strides[a2.shape.length - 1]!;
  const bRs = b2.strides[b2.shape.length - 2]!, bCs = b2.strides[b2.shape.length - 1]!;
  for (let o = 0; o < nOuter; o++) {
    let rem = o, offA = a2.offset, offB = b2.offset, offC = out.offset, offBias = bias?.offset ?? 0;
    for (let d = outer.length - 1; d >= 0; d--) {
      const c = rem % outer[d]!;
      rem = Math.floor(rem / outer[d]!);
      offA += c * co.strides[0]![d]!; offB += c * co.strides[1]![d]!; offC += c * co.strides[2]![d]!; offBias += c * co.strides[3]![d]!;
    }
    gemm(ctx, {
      M, N, K,
      // Strides of a dim of size 1 never move: zero keeps them from blocking vector loads.
      a: { buffer: a2.buffer, offset: offA, rowStride: M === 1 ? 0 : aRs, colStride: K === 1 ? 0 : aCs, batchStrides: innerStr[0], f16 },
      b: { buffer: b2.buffer, offset: offB, rowStride: K === 1 ? 0 : bRs, colStride: N === 1 ? 0 : bCs, batchStrides: innerStr[1], f16 },
      c: { buffer: out.buffer, offset: offC, rowStride: N, batchStrides: innerStr[2], f16 },
      batch: [inner[0]!, inner[1]!],
      bias: bias
        ? {
          buffer: bias.buffer, offset: offBias, rowStride: biasStrides[nb]!, colStride: biasStrides[nb + 1]!,
          batchStrides: innerStr[3], f16: bias.dtype === "float16",
        }
        : undefined,
      alpha: options.alpha, accumulate: options.accumulate, config: options.config, dtype,
    });
  }
  return out;
}

/** torch.mm: 2-D @ 2-D. */
export function mm(a: GpuTensor, b: GpuTensor, options: MatmulOptions = {}): GpuTensor {
  if (a.shape.length !== 2) throw new Error(`self must be a matrix`);
  if (b.shape.length !== 2) throw new Error(`mat2 must be a matrix`);
  return matmul(a, b, options);
}

/** torch.bmm: 3-D @ 3-D with equal batch. */
export function bmm(a: GpuTensor, b: GpuTensor, options: MatmulOptions = {}): GpuTensor {
  if (a.shape.length !== 3) throw new Error(`batch1 must be a 3D tensor`);
  if (b.shape.length !== 3) throw new Error(`batch2 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(`batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]}`);
  }
  if (a.shape[2] !== b.shape[1]) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  return matmul(a, b, options);
}

/**
 * F.linear: x @ w^T + bias, with x [..., in], w [out, in], bias [out]: float32, or float16 stored
 * as f16 (x and w alike; the bias either), the result of x's dtype (float16: rounded once).
 */
export function linear(x: GpuTensor, w: GpuTensor, bias?: GpuTensor): GpuTensor {
  const op = "webgpu linear";
  const ctx = sameContext(op, x, w, bias);
  checkDType(op, "input", x, ["float32", "float16"]);
  checkDType(op, "weight", w, [x.dtype]);
  if (bias) checkDType(op, "bias", bias, ["float32", "float16"]);
  if (w.shape.length !== 2) throw new Error(`${op}: weight must be 2-D, got ${shapeStr(w.shape)}`);
  const [O, I] = w.shape as [number, number];
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== I) {
    throw mmError([numel(x.shape.slice(0, -1)), x.shape[x.shape.length - 1] ?? 0], [I, O]);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== O)) {
    throw new Error(`${op}: bias must have shape [${O}], got ${shapeStr(bias.shape)}`);
  }
  const lead = x.shape.slice(0, -1);
  const rows = numel(lead);
  const out = empty(ctx, [...lead, O], x.dtype);
  const f16 = x.dtype === "float16";
  if (rows === 0 || O === 0) return out;
  // The rows of x must form one strided dim for a single GEMM; else they are gathered first.
  const co = coalesce(lead, [x.strides.slice(0, -1)]);
  let src = x, rowStride = co.shape.length === 1 ? co.strides[0]![0]! : 0, temp: GpuTensor | null = null;
  if (co.shape.length > 1) {
    temp = contiguous(x);
    src = temp;
    rowStride = I;
  }
  gemm(ctx, {
    M: rows, N: O, K: I,
    a: { buffer: src.buffer, offset: src.offset, rowStride, colStride: I === 1 ? 0 : src.strides[src.shape.length - 1]!, f16 },
    b: { buffer: w.buffer, offset: w.offset, rowStride: I === 1 ? 0 : w.strides[1]!, colStride: O === 1 ? 0 : w.strides[0]!, f16 },
    c: { buffer: out.buffer, offset: 0, rowStride: O, f16 },
    bias: bias ? { buffer: bias.buffer, offset: bias.offset, rowStride: 0, colStride: bias.strides[0]!, f16: bias.dtype === "float16" } : undefined,
  });
  temp?.buffer.release();
  return out;
}
