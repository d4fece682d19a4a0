// float32 matmul GFLOPS and elementwise-add bandwidth of the WebGPU backend.
//   npx tsx bench/webgpu-matmul.ts [--sizes 1024,2048,4096,8192] [--sweep 4096] [--iters 10]
//                                  [--add-mib 256] [--json out.json]
//                                  [--wgrad 512x512x4096,...] [--wgrad-config wide] [--wgrad-splits 2,4,8,16] [--conv 1]
// --sweep N times every tile configuration at N x N x N, with Dawn's robustness on and off.
// --wgrad times weight-gradient GEMMs (dW = dY^T X: M x N outputs over K = batch x seq) with the
// split-K off and automatic (default: the TransformerEncoderLayer bench's four; "" skips them),
// then with each slice count of --wgrad-splits (data for the automatic choice's target);
// --conv 1 also the CNN bench's conv weight gradients (convBackward, split-K off vs automatic).
// On a CPU adapter use small sizes (--sizes 128,256 --sweep 0): it is a smoke test there.

import * as wg from "../src/backends/webgpu/index.js";
import type { GpuContext, MatmulConfig } from "../src/backends/webgpu/index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : dflt;
}
const sizes = arg("sizes", "1024,2048,4096,8192").split(",").map(Number).filter((n) => n > 0);
const sweep = Number(arg("sweep", "4096"));
const iters = Number(arg("iters", "10"));
const addMiB = Number(arg("add-mib", "256"));
const jsonOut = arg("json", "");
const wgradShapes = arg("wgrad", "512x512x4096,512x1536x4096,2048x512x4096,512x2048x4096").split(",").filter((s) => s)
  .map((s) => s.split("x").map(Number) as [number, number, number]);
const wgradConfigName = arg("wgrad-config", "");
const wgradSplits = arg("wgrad-splits", "2,4,8,16").split(",").map(Number).filter((n) => Number.isInteger(n) && n > 1);
const withConv = arg("conv", "1") !== "0";

function randomMatrix(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}

/** Seconds per call of `run` (which records GPU work), after warm-up, over `n` calls. */
async function timeIt(ctx: GpuContext, run: () => void, n: number): Promise<number> {
  run();
  run();
  await ctx.sync();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  await ctx.sync();
  return (performance.now() - t0) / 1000 / n;
}

interface MatmulResult { n: number; config: string; robustness: boolean; ms: number; gflops: number }

async function matmulBench(ctx: GpuContext, n: number, config: MatmulConfig | undefined, label: string, robustness: boolean): Promise<MatmulResult> {
  const data = randomMatrix(n * n);
  const a = wg.upload(ctx, data, [n, n]), b = wg.upload(ctx, data, [n, n]);
  const c = wg.empty(ctx, [n, n], "float32");
  const reps = Math.max(2, Math.min(iters, Math.ceil(2e12 / (2 * n ** 3))));
  const s = await timeIt(ctx, () => { wg.matmul(a, b, { out: c, config }); }, reps);
  wg.release(a, b, c);
  return { n, config: label, robustness, ms: s * 1e3, gflops: (2 * n ** 3) / s / 1e9 };
}

async function checkOnce(ctx: GpuContext, n: number, config: MatmulConfig | undefined): Promise<number> {
  const A = randomMatrix(n * n).map((v, i) => v + (i % 7) * 0.01), B = randomMatrix(n * n);
  const a = wg.upload(ctx, A, [n, n]), b = wg.upload(ctx, B, [n, n]);
  const c = await wg.download(wg.matmul(a, b, { config }));
  let err = 0;
  for (const [i, j] of [[0, 0], [n - 1, n - 1], [n >> 1, 3], [7 % n, n - 2]] as const) {
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i * n + k]! * B[k * n + j]!;
    err = Math.max(err, Math.abs(c[i * n + j]! - s) / (1 + Math.abs(s)));
  }
  wg.release(a, b);
  return err;
}

interface SplitResult {
  shape: string; S: number; offMs: number; autoMs: number; offTflops: number; autoTflops: number; maxDiff: number;
  /** TFLOPS with each explicit slice count of --wgrad-splits. */
  bySplit: Record<string, number>;
}

/** dW = dY^T X with dY [K, M] and X [K, N] row-major (the A operand read transposed), split-K off vs automatic. */
async function wgradBench(ctx: GpuContext, [M, N, K]: [number, number, number], config: MatmulConfig | undefined): Promise<SplitResult> {
  const dY = wg.upload(ctx, randomMatrix(K * M), [K, M]), X = wg.upload(ctx, randomMatrix(K * N), [K, N]);
  const outs = { off: wg.empty(ctx, [M, N], "float32"), auto: wg.empty(ctx, [M, N], "float32") };
  const run = (c: wg.GpuTensor, splitK: number | undefined) => (): void => {
    wg.gemm(ctx, {
      M, N, K, config, splitK,
      a: { buffer: dY.buffer, offset: 0, rowStride: 1, colStride: M },
      b: { buffer: X.buffer, offset: 0, rowStride: N, colStride: 1 },
      c: { buffer: c.buffer, offset: 0, rowStride: N },
    });
  };
  const before = ctx.counters.dispatches;
  run(outs.auto, undefined)();
  const S = ctx.counters.dispatches - before === 2 ? wg.chooseSplitK(tileCount(ctx, M, N, config), K) : 1;
  const reps = Math.max(3, Math.min(50, Math.ceil(2e11 / (2 * M * N * K))));
  // Interleaved, best of 3 each: the two figures see the same clocks.
  let offS = Infinity, autoS = Infinity;
  for (let r = 0; r < 3; r++) {
    offS = Math.min(offS, await timeIt(ctx, run(outs.off, 1), reps));
    autoS = Math.min(autoS, await timeIt(ctx, run(outs.auto, undefined), reps));
  }
  const flop = 2 * M * N * K;
  const bySplit: Record<string, number> = {};
  for (const S of wgradSplits) bySplit[S] = flop / (await timeIt(ctx, run(outs.auto, S), reps)) / 1e12;
  const [a, b] = [await wg.download(outs.off), await wg.download(outs.auto)];
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(a[i]!)));
  wg.release(dY, X, outs.off, outs.auto);
  return { shape: `${M}x${N}x${K}`, S, offMs: offS * 1e3, autoMs: autoS * 1e3, offTflops: flop / offS / 1e12, autoTflops: flop / autoS / 1e12, maxDiff, bySplit };
}

/** Output tiles of the configuration the GEMM uses ("wide" where none is named, as chooseConfig picks on a GPU). */
function tileCount(ctx: GpuContext, M: number, N: number, config: MatmulConfig | undefined): number {
  const c = config ?? (ctx.maxWorkgroupSize < 256 ? wg.MATMUL_CONFIGS.small : wg.MATMUL_CONFIGS.wide);
  return Math.ceil(M / c.BM) * Math.ceil(N / c.BN);
}

interface ConvResult { layer: string; offMs: number; autoMs: number }

/** The CNN bench's conv weight gradients (batch 64, 28x28 then 14x14, 3x3 padding 1), split-K off vs automatic. */
async function convWeightGradBench(ctx: GpuContext): Promise<ConvResult[]> {
  const layers: [string, number, number, number][] = [["conv1 1->32 @28x28", 1, 32, 28], ["conv2 32->64 @14x14", 32, 64, 14]];
  const results: ConvResult[] = [];
  for (const [layer, C, O, S] of layers) {
    const x = wg.upload(ctx, randomMatrix(64 * C * S * S), [64, C, S, S]);
    const w = wg.upload(ctx, randomMatrix(O * C * 9), [O, C, 3, 3]);
    const gy = wg.upload(ctx, randomMatrix(64 * O * S * S), [64, O, S, S]);
    const run = (): void => { wg.release(wg.convBackward(gy, x, w, { padding: 1 }, { weight: true }).gradWeight!); };
    const time = async (auto: boolean): Promise<number> => {
      const previous = wg.setGemmDefaults({ autoSplitK: auto });
      try { return await timeIt(ctx, run, iters); } finally { wg.setGemmDefaults(previous); }
    };
    let off = Infinity, auto = Infinity;
    for (let r = 0; r < 3; r++) { off = Math.min(off, await time(false)); auto = Math.min(auto, await time(true)); }
    wg.release(x, w, gy);
    results.push({ layer, offMs: off * 1e3, autoMs: auto * 1e3 });
  }
  return results;
}

async function addBandwidth(ctx: GpuContext): Promise<{ mib: number; ms: number; gbps: number }> {
  // At most the device's largest storage binding (lavapipe's is 128 MiB).
  const mib = Math.min(addMiB, Math.floor(ctx.limits.maxStorageBufferBindingSize / 2 ** 20));
  const n = (mib * 1024 * 1024) / 4;
  const x = wg.upload(ctx, randomMatrix(n), [n]);
  const y = wg.upload(ctx, randomMatrix(n), [n]);
  const out = wg.empty(ctx, [n], "float32");
  const s = await timeIt(ctx, () => { wg.pointwise("add", [x, y], { out }); }, iters);
  wg.release(x, y, out);
  return { mib, ms: s * 1e3, gbps: (3 * n * 4) / s / 1e9 };
}

async function main(): Promise<void> {
  const ctx = await wg.requestDevice();
  console.log(`adapter: ${ctx.describe()}${ctx.isCpuAdapter ? " (CPU adapter)" : ""}`);
  console.log(`features: ${[...ctx.features].join(" ")}`);
  const results: MatmulResult[] = [];
  for (const n of sizes) {
    const r = await matmulBench(ctx, n, undefined, "auto", true);
    results.push(r);
    console.log(`matmul ${n}x${n}x${n} float32 (auto): ${r.ms.toFixed(3)} ms  ${(r.gflops / 1000).toFixed(2)} TFLOPS`);
  }
  const sweepResults: MatmulResult[] = [];
  if (sweep > 0) {
    const fast = await wg.requestDevice({ robustness: false });
    for (const [label, dev] of [["robust", ctx], ["unsafe", fast]] as const) {
      for (const [name, cfg] of Object.entries(wg.MATMUL_CONFIGS)) {
        try {
          const r = await matmulBench(dev, sweep, cfg, name, label === "robust");
          const err = await checkOnce(dev, 256, cfg);
          sweepResults.push(r);
          console.log(`sweep ${sweep}³ ${label.padEnd(6)} ${name.padEnd(11)} ${(r.gflops / 1000).toFixed(2)} TFLOPS  (check err ${err.toExponential(1)})`);
        } catch (e) {
          console.log(`sweep ${sweep}³ ${label} ${name}: ${(e as Error).message}`);
        }
      }
    }
    fast.destroy();
  }
  const wgradConfig = wgradConfigName ? (wg.MATMUL_CONFIGS as Record<string, MatmulConfig>)[wgradConfigName] : undefined;
  if (wgradConfigName && !wgradConfig) throw new Error(`--wgrad-config: no configuration ${wgradConfigName} (${Object.keys(wg.MATMUL_CONFIGS).join(", ")})`);
  const wgrad: SplitResult[] = [];
  for (const shape of wgradShapes) {
    const r = await wgradBench(ctx, shape, wgradConfig);
    wgrad.push(r);
    console.log(`weight grad ${r.shape.padEnd(15)} split-K off ${r.offTflops.toFixed(2)} TFLOPS (${r.offMs.toFixed(3)} ms), ` +
      `auto S=${r.S} ${r.autoTflops.toFixed(2)} TFLOPS (${r.autoMs.toFixed(3)} ms)  x${(r.offMs / r.autoMs).toFixed(2)}  max rel diff ${r.maxDiff.toExponential(1)}`);
    if (wgradSplits.length) console.log(`  by slices: ${Object.entries(r.bySplit).map(([S, t]) => `S=${S} ${t.toFixed(2)}`).join(", ")} TFLOPS`);
  }
  const convs = withConv ? await convWeightGradBench(ctx) : [];
  for (const r of convs) {
    console.log(`conv weight grad ${r.layer.padEnd(20)} split-K off ${r.offMs.toFixed(3)} ms, auto ${r.autoMs.toFixed(3)} ms  x${(r.offMs / r.autoMs).toFixed(2)}`);
  }
  const add = await addBandwidth(ctx);
  console.log(`add ${add.mib} MiB float32: ${add.ms.toFixed(3)} ms  ${add.gbps.toFixed(0)} GB/s (3 x 4 bytes per element)`);
  // Round trips, medians of 50: what an await costs a step beyond the GPU's work.
  const one = wg.upload(ctx, Float32Array.from([1, 2, 3, 4]), [4]);
  const roundTrip = async (f: () => Promise<unknown>): Promise<number> => {
    const ts: number[] = [];
    for (let i = 0; i < 55; i++) {
      const t = performance.now();
      await f();
      if (i >= 5) ts.push(performance.now() - t);
    }
    return ts.sort((a, b) => a - b)[ts.length >> 1]!;
  };
  const idle = await roundTrip(() => ctx.sync());
  const dispatchSync = await roundTrip(() => { wg.pointwise("add", [one, one]).buffer.release(); return ctx.sync(); });
  const readback = await roundTrip(() => wg.download(wg.pointwise("add", [one, one])));
  console.log(`latency: synchronize with nothing queued ${idle.toFixed(3)} ms, one dispatch + synchronize ${dispatchSync.toFixed(3)} ms, ` +
    `one dispatch + readback of 4 floats ${readback.toFixed(3)} ms`);
  if (jsonOut) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(jsonOut, JSON.stringify({ adapter: ctx.describe(), matmul: results, sweep: sweepResults, wgrad, convs, add }, null, 2));
  }
  ctx.destroy();
}

await main();
