// The host side of the "webgpu" device: what the JS thread spends and asks of the device per op and
// per training step, until the work is queued (never counting GPU time). Meant for a CPU adapter
// (Mesa's lavapipe) as much as for a GPU: the numbers are the host's either way.
//   npx tsx bench/webgpu-host.ts [--quick] [--steps 15] [--no-memory] [--stub-dawn] [--json out.json]
// For each workload of bench/webgpu-run.ts (MLP step, CNN step, TransformerEncoderLayer fwd+bwd):
// median host ms per step until the last op returns (each step then awaits the GPU, outside the
// timing), and per step: dispatches, buffers created, bind groups created, submits, uploads, bytes
// of kernel parameters. Then the micro case: 1000 x a.add(b) on small tensors, host us per op.
// Last, the memory of 20 steps that never await (memoryAllocated after each).
// --stub-dawn replaces the recording calls (command encoders, passes, queue writes and submits) by
// no-ops: what is left is torch-ts's own JS and its collections, without the adapter's costs (on
// lavapipe, Dawn's calls take most of a step); the numbers computed are then meaningless.
// "host CPU" is the main thread's CPU time (Linux schedstat, the mean over the steps), robust to other load;
// wall times are printed beside it.

import { readFileSync, writeFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { CNN, mlpModel } from "./models.js";

const { nn } = torch;
const F = torch.nn.functional;
type Tensor = torch.Tensor;
type Context = Awaited<ReturnType<typeof torch.webgpu.init>>;
type Stats = ReturnType<Context["stats"]>;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : dflt;
}
const quick = process.argv.includes("--quick");
const steps = Number(arg("steps", quick ? "5" : "15"));
const jsonOut = arg("json", "");
const withMemory = !process.argv.includes("--no-memory");
const stubDawn = process.argv.includes("--stub-dawn");

/** Makes the device record nothing: encoders, passes and the queue become no-ops (see --stub-dawn). */
function stubRecording(device: GPUDevice): void {
  const noop = (): void => {};
  const pass = { setPipeline: noop, setBindGroup: noop, dispatchWorkgroups: noop, end: noop };
  const encoder = { beginComputePass: () => pass, copyBufferToBuffer: noop, finish: () => ({}) };
  Object.defineProperty(device, "createCommandEncoder", { value: () => encoder });
  Object.defineProperty(device, "queue", { value: { writeBuffer: noop, submit: noop, onSubmittedWorkDone: () => Promise.resolve() } });
}

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
/**
 * Milliseconds of CPU the main (JS) thread has run, from Linux's schedstat (nanoseconds): unlike
 * wall time it ignores other processes and the adapter's threads (lavapipe runs kernels on CPU
 * threads). Falls back to wall time where there is no /proc. The kernel advances it at scheduler
 * ticks and switches, not continuously: a 1 ms step reads 0 or a whole tick, so callers average it
 * over many steps rather than take a median.
 */
function threadCpuMs(): number {
  try {
    return Number(readFileSync(schedstat, "latin1").split(" ")[0]) / 1e6;
  } catch {
    return performance.now();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function delta(a: Stats, b: Stats, per: number): Record<keyof Stats, number> {
  const out = {} as Record<keyof Stats, number>;
  for (const k of Object.keys(a) as (keyof Stats)[]) out[k] = (b[k] - a[k]) / per;
  return out;
}

interface StepResult { hostMs: number; minHostMs: number; cpuMs: number; perStep: Record<keyof Stats, number> }

/** Runs one timed step: a frame of its own, so that a CPU profile can be cut to the timed steps. */
function timedStep(step: () => void): void {
  step();
}

/** Warm-up steps (pipelines compile, the pool fills), then `n` timed ones, each followed by an await. */
async function timeSteps(ctx: Context, step: () => void, n: number): Promise<StepResult> {
  for (let i = 0; i < 3; i++) { step(); await torch.webgpu.synchronize(); }
  const s0 = ctx.stats();
  const ms: number[] = [], cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = threadCpuMs();
    const t = performance.now();
    timedStep(step);
    ms.push(performance.now() - t);
    cpu.push(threadCpuMs() - c);
    await torch.webgpu.synchronize();
  }
  return { hostMs: median(ms), minHostMs: Math.min(...ms), cpuMs: cpu.reduce((a, b) => a + b, 0) / n, perStep: delta(s0, ctx.stats(), n) };
}

function fmt(name: string, r: StepResult): string {
  const p = r.perStep;
  return `${name}: host CPU ${r.cpuMs.toFixed(2)} ms/step (wall: median ${r.hostMs.toFixed(2)}, best ${r.minHostMs.toFixed(2)}); per step ${p.dispatches.toFixed(0)} dispatches, ` +
    `${p.buffersCreated.toFixed(1)} buffers created, ${p.bindGroupsCreated.toFixed(0)} bind groups, ${p.submits.toFixed(1)} submits, ` +
    `${p.uploads.toFixed(1)} uploads (${(p.uploadBytes / 1024).toFixed(1)} KiB), ${(p.uniformBytes / 1024).toFixed(1)} KiB of parameters; ` +
    `host CPU ${((r.cpuMs * 1000) / Math.max(1, p.dispatches)).toFixed(1)} us/dispatch`;
}

interface Workloads { mlp: () => void; cnn: () => void; transformer: () => void }

function makeWorkloads(): Workloads {
  torch.manualSeed(0);
  const mlp = mlpModel().to("webgpu");
  const sgd = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const xm = torch.randn(128, 784).to("webgpu"), ym = torch.randint(0, 10, [128]).to("webgpu");
  const cnn = new CNN().to("webgpu");
  const adam = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
  const xc = torch.randn(64, 1, 28, 28).to("webgpu"), yc = torch.randint(0, 10, [64]).to("webgpu");
  // Smaller than bench/webgpu-run.ts's layer (512/2048/32x128): lavapipe runs the GPU work on the
  // CPU, and the host cost per step depends on the number of ops, not on their sizes.
  const [d, heads, ff, batch, seq] = quick ? [64, 4, 128, 4, 16] : [128, 8, 512, 8, 32];
  const layer = new nn.TransformerEncoderLayer(d, heads, { dimFeedforward: ff, dropout: 0, batchFirst: true }).to("webgpu");
  const src = torch.randn(batch, seq, d).to("webgpu");
  return {
    mlp: () => { sgd.zeroGrad(); F.crossEntropy(mlp.call(xm) as Tensor, ym).backward(); sgd.step(); },
    cnn: () => { adam.zeroGrad(); F.crossEntropy(cnn.call(xc), yc).backward(); adam.step(); },
    transformer: () => { layer.zeroGrad(); (layer.call(src) as Tensor).square().mean().backward(); },
  };
}

/** Host us per `a.add(b)` (256 elements): rounds of 1000 calls, each round then awaiting; the best round. */
async function microAdd(ctx: Context): Promise<{ usPerOp: number; medianUsPerOp: number; cpuUsPerOp: number; perOp: Record<keyof Stats, number> }> {
  const a = torch.randn(16, 16).to("webgpu"), b = torch.randn(16, 16).to("webgpu");
  const rounds: number[] = [], cpu: number[] = [];
  let perOp: Record<keyof Stats, number> | null = null;
  for (let r = 0; r < (quick ? 4 : 12); r++) {
    const s0 = ctx.stats();
    const c = threadCpuMs();
    const t = performance.now();
    for (let i = 0; i < 1000; i++) a.add(b);
    rounds.push(((performance.now() - t) * 1000) / 1000);
    cpu.push(((threadCpuMs() - c) * 1000) / 1000);
    const s1 = ctx.stats();
    await torch.webgpu.synchronize();
    if (r >= 2) perOp = delta(s0, s1, 1000);
  }
  return { usPerOp: Math.min(...rounds.slice(2)), medianUsPerOp: median(rounds.slice(2)), cpuUsPerOp: median(cpu.slice(2)), perOp: perOp! };
}

/** memoryAllocated (MiB) after each of `n` steps that never await. */
function memoryWithoutAwaits(step: () => void, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    step();
    out.push(torch.webgpu.memoryAllocated() / 2 ** 20);
  }
  return out;
}

async function main(): Promise<void> {
  const ctx = await torch.webgpu.init();
  if (stubDawn) stubRecording(ctx.device);
  console.log(`adapter: ${torch.webgpu.deviceName()}${stubDawn ? " (recording stubbed out)" : ""}; native addon ${torch.backends.native.isAvailable() ? "loaded" : "absent"}`);
  const w = makeWorkloads();
  const results: Record<string, unknown> = {};
  for (const [name, step] of [["MLP step", w.mlp], ["CNN step", w.cnn], ["Transformer fwd+bwd", w.transformer]] as const) {
    const r = await timeSteps(ctx, step, steps);
    results[name] = r;
    console.log(fmt(name, r));
  }
  const m = await microAdd(ctx);
  results["add x1000"] = m;
  console.log(`a.add(b) [16x16]: host CPU ${m.cpuUsPerOp.toFixed(1)} us/op (wall: best round ${m.usPerOp.toFixed(1)}, median ${m.medianUsPerOp.toFixed(1)}); per op ` +
    `${m.perOp.dispatches.toFixed(2)} dispatches, ${m.perOp.buffersCreated.toFixed(3)} buffers created, ${m.perOp.bindGroupsCreated.toFixed(2)} bind groups, ` +
    `${(m.perOp.submits * 1000).toFixed(0)} submits per 1000`);
  for (const [name, step] of withMemory ? [["MLP", w.mlp], ["CNN", w.cnn]] as const : []) {
    await torch.webgpu.synchronize();
    const mem = memoryWithoutAwaits(step, 20);
    results[`${name} memory without awaits`] = mem;
    console.log(`${name}, 20 steps without awaits: memoryAllocated ${mem.map((x) => x.toFixed(1)).join(" ")} MiB`);
  }
  await torch.webgpu.synchronize();
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ adapter: torch.webgpu.deviceName(), results }, null, 2));
  torch.webgpu.shutdown();
}

await main();
