// float32 matmul GFLOPS and elementwise-add bandwidth of the WebGPU backend.
//   npx tsx bench/webgpu-matmul.ts [--sizes 1024,2048,4096,8192] [--sweep 4096] [--iters 10]
//                                  [--add-mib 256] [--json out.json]
// --sweep N times every tile configuration at N x N x N, with Dawn's robustness on and off.
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
  const add = await addBandwidth(ctx);
  console.log(`add ${add.mib} MiB float32: ${add.ms.toFixed(3)} ms  ${add.gbps.toFixed(0)} GB/s (3 x 4 bytes per element)`);
  const t0 = performance.now();
  const one = wg.upload(ctx, Float32Array.from([1, 2, 3, 4]), [4]);
  for (let i = 0; i < 20; i++) await wg.download(wg.pointwise("add", [one, one]));
  console.log(`dispatch + readback latency: ${((performance.now() - t0) / 20).toFixed(3)} ms`);
  if (jsonOut) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(jsonOut, JSON.stringify({ adapter: ctx.describe(), matmul: results, sweep: sweepResults, add }, null, 2));
  }
  ctx.destroy();
}

await main();
