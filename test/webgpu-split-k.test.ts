// Split-K GEMM (src/backends/webgpu/split-k.ts): the automatic choice, then the tiled kernel forced
// to split its reduction (GemmArgs.splitK) against a host reference over every operand layout,
// edges, bias, alpha, accumulate, batches and batch-reduce, float32 and int32; operands stored as
// f16 against the float32 GEMM over the same values rounded once, bit for bit (split or not, the
// simple kernel too); and tensor ops on the "webgpu" device (the tiled kernel forced by
// setGemmDefaults, the automatic split on) against the CPU. The device parts are skipped without a
// WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import * as wg from "../src/backends/webgpu/index.js";
import { autoSplitKFromEnv } from "../src/backends/webgpu/split-k.js";
import type { GemmArgs, GemmOperand, GpuContext } from "../src/backends/webgpu/index.js";
import { f16ToF32, f32ToF16 } from "../src/core/dtype.js";
import { dispatchKeys } from "./support/dispatches.js";
import { rng } from "./support/random.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";
let ctx: GpuContext;
before(async () => { if (available) ctx = await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

/** A tile small enough for a CPU adapter's shader compiler (seconds per variant for the shipped tiles). */
const TINY: wg.MatmulConfig = { BM: 16, BN: 16, BK: 4, TM: 4, TN: 4 };
const TINY_DB: wg.MatmulConfig = { ...TINY, DB: true };
/** On a GPU (or with TORCH_TS_WEBGPU_FULL_TESTS=1) the layout test also runs shipped tiles. */
const layoutConfigs = (): [string, wg.MatmulConfig][] => (!ctx.isCpuAdapter || process.env["TORCH_TS_WEBGPU_FULL_TESTS"] === "1"
  ? [["tiny", TINY], ["wide", wg.MATMUL_CONFIGS.wide], ["largeDB", wg.MATMUL_CONFIGS.largeDB]]
  : [["tiny", TINY]]);

describe("chooseSplitK", () => {
  const { SPLIT_K_ENOUGH_WORKGROUPS: enough, SPLIT_K_MIN_SLICE: minSlice, SPLIT_K_MAX: max } = wg;

  test("splits few tiles over a long reduction in a power of two of slices, up to the workgroup target", () => {
    // The Transformer's weight gradients with the "wide" 64x128 tiles, K = 32 x 128 (H100: the best slice counts).
    assert.equal(wg.chooseSplitK(32, 4096), 8); // 512 x 512
    assert.equal(wg.chooseSplitK(96, 4096), 4); // 512 x 1536
    assert.equal(wg.chooseSplitK(128, 4096), 1); // 2048 x 512, 512 x 2048
    assert.equal(wg.chooseSplitK(enough - 1, 4096), 4);
    assert.equal(wg.chooseSplitK(65, 4096), 4);
    assert.equal(wg.chooseSplitK(64, 4096), 4);
    assert.equal(wg.chooseSplitK(63, 4096), 8);
  });

  test("no split where the output fills the GPU, or the slices would be short", () => {
    assert.equal(wg.chooseSplitK(enough, 1 << 20), 1);
    assert.equal(wg.chooseSplitK(10_000, 1 << 20), 1);
    assert.equal(wg.chooseSplitK(0, 4096), 1);
    assert.equal(wg.chooseSplitK(32, 2 * minSlice - 1), 1);
    assert.equal(wg.chooseSplitK(32, 2 * minSlice), 2);
    assert.equal(wg.chooseSplitK(32, 3 * minSlice + 5), 3);
    assert.equal(wg.chooseSplitK(1, 1 << 20), max);
  });

  test("TORCH_TS_WEBGPU_SPLIT_K=0 starts the automatic split off", () => {
    const saved = process.env["TORCH_TS_WEBGPU_SPLIT_K"];
    try {
      process.env["TORCH_TS_WEBGPU_SPLIT_K"] = "0";
      assert.equal(autoSplitKFromEnv(), false);
      process.env["TORCH_TS_WEBGPU_SPLIT_K"] = "1";
      assert.equal(autoSplitKFromEnv(), true);
      delete process.env["TORCH_TS_WEBGPU_SPLIT_K"];
      assert.equal(autoSplitKFromEnv(), true);
    } finally {
      if (saved === undefined) delete process.env["TORCH_TS_WEBGPU_SPLIT_K"];
      else process.env["TORCH_TS_WEBGPU_SPLIT_K"] = saved;
    }
  });

  test("checks its arguments", () => {
    assert.throws(() => wg.chooseSplitK(-1, 10), /workgroups must be a non-negative integer, got -1/);
    assert.throws(() => wg.chooseSplitK(3, 1.5), /reduction must be a non-negative integer, got 1.5/);
  });
});

// ---- host reference over the GemmArgs descriptors ----------------------------------------------

type Host = Float32Array | Int32Array;

const rand = rng(99);
const randf = (n: number): Float32Array => Float32Array.from({ length: n }, () => rand() * 2 - 1);
const randi = (n: number): Int32Array => Int32Array.from({ length: n }, () => Math.floor((rand() * 2 - 1) * 2 ** 30));

interface HostOperand { data: Host; offset: number; rowStride: number; colStride: number; batchStrides?: [number, number]; reduceStride?: number }
interface HostCase {
  M: number; N: number; K: number; batch?: [number, number]; reduceBatch?: number; alpha?: number; accumulate?: boolean; int?: boolean;
  a: HostOperand; b: HostOperand; c: { data: Host; offset: number; rowStride: number; batchStrides?: [number, number] };
  bias?: HostOperand;
}

/** C as the GEMM leaves it (float64 sums for float32; wrapping i32 arithmetic for int32). */
function reference(h: HostCase): number[] {
  const out = Array.from(h.c.data);
  const [B1, B2] = h.batch ?? [1, 1];
  const KB = h.reduceBatch ?? 1;
  const at = (o: HostOperand, z1: number, z2: number, kb: number, r: number, c: number): number =>
    o.data[o.offset + z1 * (o.batchStrides?.[0] ?? 0) + z2 * (o.batchStrides?.[1] ?? 0) + kb * (o.reduceStride ?? 0) + r * o.rowStride + c * o.colStride]!;
  for (let z1 = 0; z1 < B1; z1++) for (let z2 = 0; z2 < B2; z2++) for (let i = 0; i < h.M; i++) for (let j = 0; j < h.N; j++) {
    let v = 0;
    for (let kb = 0; kb < KB; kb++) for (let k = 0; k < h.K; k++) {
      const p = at(h.a, z1, z2, kb, i, k), q = at(h.b, z1, z2, kb, k, j);
      v = h.int ? (v + Math.imul(p, q)) | 0 : v + p * q;
    }
    if (!h.int) v *= h.alpha ?? 1;
    if (h.bias) v = h.int ? (v + at(h.bias, z1, z2, 0, i, j)) | 0 : v + at(h.bias, z1, z2, 0, i, j);
    const ci = h.c.offset + z1 * (h.c.batchStrides?.[0] ?? 0) + z2 * (h.c.batchStrides?.[1] ?? 0) + i * h.c.rowStride + j;
    if (h.accumulate) v = h.int ? (v + out[ci]!) | 0 : v + out[ci]!;
    out[ci] = h.int ? v : Math.fround(v);
  }
  return out;
}


/** Runs the case on the device; returns C and the dispatch keys. */
async function runCase(h: HostCase, extra: Partial<GemmArgs>): Promise<{ c: number[]; keys: string[] }> {
  const up = (d: Host): wg.GpuTensor => wg.upload(ctx, d, [d.length]);
  const dev = (o: HostOperand): GemmOperand => ({ ...o, buffer: up(o.data).buffer });
  const cT = up(h.c.data);
  const keys = dispatchKeys(ctx, () => wg.gemm(ctx, {
    M: h.M, N: h.N, K: h.K, batch: h.batch, reduceBatch: h.reduceBatch, alpha: h.alpha, accumulate: h.accumulate,
    dtype: h.int ? "int32" : "float32", a: dev(h.a), b: dev(h.b), c: { ...h.c, buffer: cT.buffer }, bias: h.bias && dev(h.bias), ...extra,
  }));
  return { c: Array.from(await wg.download(cT)), keys };
}

function assertClose(actual: number[], expected: number[], what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** The GEMM's first pass and its summing pass ran (the first with `mode` in its key, where given). */
function assertSplit(keys: string[], what: string, mode?: string): void {
  assert.equal(keys.length, 2, `${what}: dispatches ${keys.join(", ")}`);
  assert.match(keys[0]!, /\|split$/, what);
  if (mode) assert.ok(keys[0]!.includes(mode), `${what}: expected ${mode} in ${keys[0]}`);
  assert.match(keys[1]!, /^gemm_splitk_reduce\|/, what);
}

/** A operand layouts (M x K): the kernel's load mode each gives, and (offset, rowStride, colStride). */
function aLayout(mode: string, M: number, K: number): [number, number, number] {
  if (mode === "k4") return [4, K + 4, 1];
  if (mode === "m4") return [8, 1, M + 4];
  if (mode === "sk") return [1, K + 1, 1];
  return [3, 1, M + 1]; // sm
}
function bLayout(mode: string, K: number, N: number): [number, number, number] {
  if (mode === "n4") return [4, N + 4, 1];
  if (mode === "k4") return [8, 1, K + 4];
  if (mode === "sk") return [1, 1, K + 1];
  return [3, N + 3, 1]; // sn
}
function operand(rows: number, cols: number, [offset, rowStride, colStride]: [number, number, number], int: boolean): HostOperand {
  const n = offset + (rows - 1) * rowStride + (cols - 1) * colStride + 1;
  return { data: int ? randi(n) : randf(n), offset, rowStride, colStride };
}

describe("split-K GEMM on the device", { skip }, () => {
  test("every operand layout, sizes not multiples of the tile or of S, strided C", async () => {
    // M, N, K multiples of 4 (vector loads possible), not of the 16 x 16 x 4 tile's steps per slice.
    const [M, N, K] = [20, 36, 44];
    for (const [name, config] of layoutConfigs()) {
      for (const am of ["k4", "m4", "sk", "sm"]) {
        for (const bm of ["n4", "k4", "sk", "sn"]) {
          const S = [2, 3, 5][(am.length + bm.charCodeAt(0)) % 3]!;
          const h: HostCase = {
            M, N, K, a: operand(M, K, aLayout(am, M, K), false), b: operand(K, N, bLayout(bm, K, N), false),
            c: { data: randf(3 + (M - 1) * (N + 5) + N), offset: 3, rowStride: N + 5 },
          };
          const { c, keys } = await runCase(h, { config, splitK: S });
          assertSplit(keys, `${name} ${am}/${bm}`, `|${am}|${bm}|`);
          assertClose(c, reference(h), `${name}: A ${am}, B ${bm}, S ${S}`);
        }
      }
    }
  });

  test("odd sizes, S in 2, 3, 5, 7, double-buffered tiles, bias, alpha, accumulate", async () => {
    for (const [M, N, K] of [[13, 18, 37], [33, 5, 61], [1, 1, 50]] as const) {
      for (const S of [2, 3, 5, 7]) {
        for (const config of [TINY, TINY_DB]) {
          const h: HostCase = {
            M, N, K, alpha: S % 2 ? 0.75 : 1, accumulate: S !== 2,
            a: operand(M, K, [1, K, 1], false), b: operand(K, N, [0, 1, K], false),
            c: { data: randf(M * N), offset: 0, rowStride: N },
            bias: operand(M, N, [2, 0, 1], false),
          };
          const { c, keys } = await runCase(h, { config, splitK: S });
          assertSplit(keys, `${M}x${N}x${K} S ${S}`);
          assertClose(c, reference(h), `${M}x${N}x${K} S ${S} ${JSON.stringify(config)}`);
        }
      }
    }
  });

  test("two batch dims with broadcast operands, batch strides on C and a per-batch bias", async () => {
    const [M, N, K, B1, B2] = [9, 14, 30, 2, 3];
    const h: HostCase = {
      M, N, K, batch: [B1, B2], alpha: -2,
      // A varies along batch dim 1 only, B along dim 2 only; C's batches are padded apart.
      a: { data: randf(B1 * M * K + 5), offset: 5, rowStride: K, colStride: 1, batchStrides: [M * K, 0] },
      b: { data: randf(B2 * K * N), offset: 0, rowStride: 1, colStride: K, batchStrides: [0, K * N] },
      c: { data: randf(2 + B1 * B2 * (M * N + 7)), offset: 2, rowStride: N, batchStrides: [B2 * (M * N + 7), M * N + 7] },
      bias: { data: randf(B2 * N), offset: 0, rowStride: 0, colStride: 1, batchStrides: [0, N] },
    };
    for (const S of [2, 5]) {
      const { c, keys } = await runCase(h, { config: TINY, splitK: S });
      assertSplit(keys, `batched S ${S}`);
      assertClose(c, reference(h), `batched S ${S}`);
    }
  });

  test("batch-reduce: the slices cut across the summed products", async () => {
    const [M, N, K, KB] = [11, 10, 9, 3]; // 3 steps of 4 per product, 9 in all
    const h: HostCase = {
      M, N, K, reduceBatch: KB, accumulate: true, alpha: 0.5,
      a: { data: randf(KB * M * K), offset: 0, rowStride: K, colStride: 1, reduceStride: M * K },
      b: { data: randf(KB * K * N), offset: 0, rowStride: N, colStride: 1, reduceStride: K * N },
      c: { data: randf(M * N), offset: 0, rowStride: N },
      bias: { data: randf(N), offset: 0, rowStride: 0, colStride: 1 },
    };
    for (const S of [2, 4, 9]) {
      for (const config of [TINY, TINY_DB]) {
        const { c, keys } = await runCase(h, { config, splitK: S });
        assertSplit(keys, `batch-reduce S ${S}`);
        assertClose(c, reference(h), `batch-reduce S ${S}`);
      }
    }
  });

  test("K shorter than S slices of BK: as many slices as there are steps, or none", async () => {
    const make = (K: number): HostCase => ({
      M: 6, N: 7, K, a: operand(6, K, [0, K, 1], false), b: operand(K, 7, [0, 7, 1], false), c: { data: randf(42), offset: 0, rowStride: 7 },
    });
    const two = make(5); // 2 steps of 4
    const r2 = await runCase(two, { config: TINY, splitK: 3 });
    assertSplit(r2.keys, "K 5, S 3");
    assertClose(r2.c, reference(two), "K 5, S 3");
    const one = make(3); // 1 step: nothing to split
    const r1 = await runCase(one, { config: TINY, splitK: 5 });
    assert.deepEqual(r1.keys.length, 1);
    assert.doesNotMatch(r1.keys[0]!, /split/);
    assertClose(r1.c, reference(one), "K 3, S 5");
    const empty = make(0); // K = 0: bias-free zeros, or C unchanged under accumulate
    const r0 = await runCase({ ...empty, accumulate: true }, { config: TINY, splitK: 4 });
    assertClose(r0.c, Array.from(empty.c.data), "K 0, accumulate");
  });

  test("int32: exact, wrapping at 32 bits, with bias, accumulate and batch-reduce", async () => {
    const [M, N, K, KB] = [7, 9, 13, 2];
    const h: HostCase = {
      M, N, K, reduceBatch: KB, accumulate: true, int: true,
      a: { data: randi(KB * M * K), offset: 0, rowStride: K, colStride: 1, reduceStride: M * K },
      b: { data: randi(KB * K * N + 1), offset: 1, rowStride: 1, colStride: K, reduceStride: K * N },
      c: { data: randi(M * N), offset: 0, rowStride: N },
      bias: { data: randi(N), offset: 0, rowStride: 0, colStride: 1 },
    };
    for (const S of [2, 3, 8]) {
      const { c, keys } = await runCase(h, { config: TINY_DB, splitK: S });
      assertSplit(keys, `int32 S ${S}`);
      assert.deepEqual(c, reference(h), `int32 S ${S}`);
    }
  });

  test("the automatic choice splits a long reduction over few tiles unless turned off; splitK is checked", async () => {
    const [M, N, K] = [16, 16, 1024]; // one 16 x 16 tile: chooseSplitK(1, 1024) = 4
    const h: HostCase = { M, N, K, a: operand(M, K, [0, 1, M], false), b: operand(K, N, [0, N, 1], false), c: { data: randf(M * N), offset: 0, rowStride: N } };
    const auto = await runCase(h, { config: TINY });
    assertSplit(auto.keys, "automatic");
    assertClose(auto.c, reference(h), "automatic", 1e-4);
    const previous = wg.setGemmDefaults({ autoSplitK: false });
    try {
      const off = await runCase(h, { config: TINY });
      assert.equal(off.keys.length, 1);
      assertClose(off.c, reference(h), "automatic off", 1e-4);
      const forced = await runCase(h, { config: TINY, splitK: 2 });
      assertSplit(forced.keys, "explicit splitK with the automatic choice off");
    } finally {
      wg.setGemmDefaults(previous);
    }
    const one = await runCase(h, { config: TINY, splitK: 1 });
    assert.equal(one.keys.length, 1);
    for (const bad of [0, -1, 2.5]) {
      await assert.rejects(runCase(h, { config: TINY, splitK: bad }), /webgpu gemm: splitK must be a positive integer/);
    }
    assert.throws(() => wg.setGemmDefaults({ autoSplitK: "yes" as unknown as boolean }), /autoSplitK must be a boolean/);
    // Restoring what setGemmDefaults returned undoes a config set in between.
    const saved = wg.setGemmDefaults({ config: TINY });
    assert.equal(wg.setGemmDefaults(saved).config, TINY);
    assert.deepEqual(wg.setGemmDefaults({}), saved);
  });
});

describe("GEMM operands and results stored as f16", { skip }, () => {
  const toHalf = (d: Host): Uint16Array => Uint16Array.from(d, (v) => f32ToF16(v));
  const halfValues = (d: Host): Float32Array => Float32Array.from(toHalf(d), (h) => f16ToF32(h));

  /**
   * The case with every float made a float16 value, run twice: on f32 buffers (what a float16
   * product computed before: float32 copies, the float32 GEMM, then one rounding, done here on the
   * host), and on f16 buffers (A, B, C and the bias flagged f16). Returns both C's bits and the
   * keys of the f16 run.
   */
  async function runHalf(h: HostCase, extra: Partial<GemmArgs>): Promise<{ bits: number[]; expected: number[]; keys: string[] }> {
    const asHalf = (o: HostOperand): HostOperand => ({ ...o, data: halfValues(o.data) });
    const h32: HostCase = { ...h, a: asHalf(h.a), b: asHalf(h.b), bias: h.bias && asHalf(h.bias), c: { ...h.c, data: halfValues(h.c.data) } };
    const staged = await runCase(h32, extra);
    const dev = (o: HostOperand): GemmOperand => ({ ...o, buffer: wg.upload(ctx, toHalf(o.data)).buffer, f16: true });
    const cT = wg.upload(ctx, toHalf(h.c.data));
    const keys = dispatchKeys(ctx, () => wg.gemm(ctx, {
      M: h.M, N: h.N, K: h.K, batch: h.batch, alpha: h.alpha, accumulate: h.accumulate,
      a: dev(h.a), b: dev(h.b), c: { ...h.c, buffer: cT.buffer, f16: true }, bias: h.bias && dev(h.bias), ...extra,
    }));
    return { bits: Array.from(await wg.download(cT)), expected: staged.c.map((v) => f32ToF16(v)), keys };
  }

  test("each operand layout (vector loads of vec4<f16>), split or not, strided C", async (t) => {
    if (!ctx.f16Storage) { t.skip("this context stores no f16"); return; }
    const [M, N, K] = [20, 36, 44];
    // Each load mode of A and of B once or more (a CPU adapter compiles each variant for seconds).
    const pairs = [["k4", "n4", 1], ["k4", "k4", 3], ["m4", "k4", 1], ["m4", "n4", 3], ["sk", "sk", 3], ["sm", "sn", 1]] as const;
    for (const [am, bm, S] of pairs) {
      const h: HostCase = {
        M, N, K, a: operand(M, K, aLayout(am, M, K), false), b: operand(K, N, bLayout(bm, K, N), false),
        c: { data: randf(3 + (M - 1) * (N + 5) + N), offset: 3, rowStride: N + 5 },
      };
      const { bits, expected, keys } = await runHalf(h, { config: TINY, splitK: S });
      assert.ok(keys[0]!.includes(`|${am}|${bm}|`) && keys[0]!.includes(S > 1 ? "f16:a,b|split" : "f16:a,b,c"), `${am}/${bm}: ${keys.join(", ")}`);
      if (S > 1) assert.match(keys[1]!, /^gemm_splitk_reduce\|.*\|f16:c$/);
      assert.deepEqual(bits, expected, `A ${am}, B ${bm}, S ${S}`);
    }
  });

  test("odd and whole-tile sizes, vector C, bias, alpha, accumulate: tiled, split, double-buffered, simple", async (t) => {
    if (!ctx.f16Storage) { t.skip("this context stores no f16"); return; }
    for (const [M, N, K] of [[13, 18, 37], [16, 32, 24], [1, 1, 9]] as const) {
      for (const [name, extra] of [["tiled", { config: TINY, splitK: 1 }], ["split", { config: TINY_DB, splitK: 3 }], ["simple", { config: "simple" }]] as const) {
        const h: HostCase = {
          M, N, K, alpha: 0.75, accumulate: M !== 1,
          a: operand(M, K, [0, K, 1], false), b: operand(K, N, [0, 1, K], false),
          c: { data: randf(M * N), offset: 0, rowStride: N },
          bias: operand(M, N, [2, 0, 1], false),
        };
        const { bits, expected, keys } = await runHalf(h, extra);
        assert.ok(keys.some((k) => k.includes("f16:")), keys.join(", "));
        assert.deepEqual(bits, expected, `${M}x${N}x${K} ${name}`);
      }
    }
  });

  test("batched, with a per-batch f16 bias; an int32 GEMM takes no f16 operands", async (t) => {
    if (!ctx.f16Storage) { t.skip("this context stores no f16"); return; }
    const [M, N, K, B1, B2] = [5, 12, 8, 2, 3];
    const h: HostCase = {
      M, N, K, batch: [B1, B2],
      a: { data: randf(B1 * M * K), offset: 0, rowStride: K, colStride: 1, batchStrides: [M * K, 0] },
      b: { data: randf(B2 * K * N), offset: 0, rowStride: N, colStride: 1, batchStrides: [0, K * N] },
      c: { data: randf(B1 * B2 * M * N), offset: 0, rowStride: N, batchStrides: [B2 * M * N, M * N] },
      bias: { data: randf(B2 * N), offset: 0, rowStride: 0, colStride: 1, batchStrides: [0, N] },
    };
    for (const extra of [{ config: TINY }, { config: "simple" as const }]) {
      const { bits, expected } = await runHalf(h, extra);
      assert.deepEqual(bits, expected, JSON.stringify(extra));
    }
    const buf = wg.upload(ctx, new Int32Array(4)).buffer;
    assert.throws(() => wg.gemm(ctx, {
      M: 2, N: 2, K: 1, dtype: "int32", a: { buffer: buf, offset: 0, rowStride: 1, colStride: 1, f16: true },
      b: { buffer: buf, offset: 0, rowStride: 1, colStride: 1 }, c: { buffer: buf, offset: 0, rowStride: 2 },
    }), /an int32 GEMM has no f16 operands/);
  });
});

describe("split-K through tensor ops on the webgpu device", { skip }, () => {
  const F = torch.nn.functional;

  async function flat(t: torch.Tensor): Promise<number[]> {
    return (await t.detach().reshape(-1).tolistAsync()) as number[];
  }

  /** Runs `body` with the tiled kernel forced (the automatic split on); returns the dispatch keys. */
  function tiled(body: () => void): string[] {
    const previous = wg.setGemmDefaults({ config: TINY, autoSplitK: true });
    try { return dispatchKeys(ctx, body); } finally { wg.setGemmDefaults(previous); }
  }

  test("x.t().matmul(y) shaped like a weight gradient", async () => {
    torch.manualSeed(3);
    const x = torch.randn([700, 20]), y = torch.randn([700, 12]);
    const cpu = x.t().matmul(y);
    let gpu!: torch.Tensor;
    const keys = tiled(() => { gpu = x.to("webgpu").t().matmul(y.to("webgpu")); });
    assert.ok(keys.some((k) => k.endsWith("|split")) && keys.some((k) => k.startsWith("gemm_splitk_reduce")), keys.join(", "));
    assertClose(await flat(gpu), await flat(cpu), "x^T y", 1e-4);
  });

  test("F.linear backward: the weight gradient sums over batch x sequence", async () => {
    torch.manualSeed(4);
    const [batch, seq, inF, outF] = [4, 160, 24, 20];
    const xc = torch.randn([batch, seq, inF]), wc = torch.randn([outF, inF]).requiresGrad_(), bc = torch.randn([outF]).requiresGrad_();
    const gy = torch.randn([batch, seq, outF]);
    F.linear(xc, wc, bc).backward(gy);
    const wg_ = wc.detach().to("webgpu").requiresGrad_(), bg = bc.detach().to("webgpu").requiresGrad_();
    const xg = xc.to("webgpu"), gyg = gy.to("webgpu");
    const keys = tiled(() => { F.linear(xg, wg_, bg).backward(gyg); });
    assert.ok(keys.some((k) => k.endsWith("|split")), keys.join(", "));
    assertClose(await flat(wg_.grad!), await flat(wc.grad!), "weight grad", 1e-4);
    assertClose(await flat(bg.grad!), await flat(bc.grad!), "bias grad", 1e-4);
  });
});
