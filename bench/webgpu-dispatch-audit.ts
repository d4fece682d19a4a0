// The dispatches of one training step on the "webgpu" device, with the kernels a GPU would get:
// each dispatch's kernel key, workgroups and invocations, fewest workgroups first (a dispatch with
// fewer workgroups than the GPU has compute units leaves most of it idle). Dawn's recording calls
// are stubbed out and the adapter is taken for a GPU (`isCpuAdapter` false: tiled GEMMs, not the
// simple kernel CPU adapters get), so it runs anywhere Dawn finds an adapter, lavapipe included.
//   npx tsx bench/webgpu-dispatch-audit.ts [transformer|cnn|mlp] [half]
// The Transformer layer is bench/webgpu-run.ts's (d 512, 8 heads, ff 2048, batch 32, seq 128).
// `half`: the model and its input in float16 (stored as f16 where the adapter has shader-f16):
// its products show as GEMMs over f16 buffers ("f16:a,b,c" keys), with no conversion copies.
import * as torch from "../src/index.js";
import { GpuContext, type Dispatch } from "../src/backends/webgpu/context.js";
import { CNN, mlpModel } from "./models.js";

type Tensor = torch.Tensor;
const F = torch.nn.functional;
const workload = process.argv[2] ?? "transformer";
if (!["transformer", "cnn", "mlp"].includes(workload)) throw new Error(`unknown workload ${workload}: transformer, cnn or mlp`);
const half = process.argv[3] === "half";
if (process.argv[3] !== undefined && !half) throw new Error(`unknown option ${process.argv[3]}: half or nothing`);
/** The model or input in the audited dtype. */
const inDType = <T extends { to(dtype: torch.DType): T }>(m: T): T => (half ? m.to(torch.float16) : m);

const ctx = await torch.webgpu.init();
const noop = (): void => {};
const pass = { setPipeline: noop, setBindGroup: noop, dispatchWorkgroups: noop, end: noop };
const encoder = { beginComputePass: () => pass, copyBufferToBuffer: noop, finish: () => ({}) };
const device = (ctx as unknown as { device: GPUDevice }).device;
Object.defineProperty(device, "createCommandEncoder", { value: () => encoder });
Object.defineProperty(device, "queue", { value: { writeBuffer: noop, submit: noop, onSubmittedWorkDone: () => Promise.resolve() } });
Object.defineProperty(ctx, "isCpuAdapter", { value: false });

interface Row { workgroups: number; invocations: number; grid: string; key: string }
const rows: Row[] = [];
const threadsPerGroup = new Map<string, number>();
let recording = false;
const dispatch = GpuContext.prototype.dispatch;
GpuContext.prototype.dispatch = function (this: GpuContext, d: Dispatch): void {
  if (recording) {
    let threads = threadsPerGroup.get(d.key);
    if (threads === undefined) {
      const m = /@workgroup_size\(([^)]*)\)/.exec(d.wgsl());
      threads = m ? m[1]!.split(",").map((v) => Number(v.trim()) || 1).reduce((a, b) => a * b, 1) : NaN;
      threadsPerGroup.set(d.key, threads);
    }
    const [x, y = 1, z = 1] = d.workgroups;
    rows.push({ workgroups: x * y * z, invocations: x * y * z * threads, grid: `${x}x${y}x${z}`, key: d.key });
  }
  dispatch.call(this, d);
};

torch.manualSeed(0);
let step: () => void;
if (workload === "transformer") {
  const layer = inDType(new torch.nn.TransformerEncoderLayer(512, 8, { dimFeedforward: 2048, dropout: 0, batchFirst: true })).to("webgpu");
  const src = inDType(torch.randn(32, 128, 512)).to("webgpu");
  step = () => { layer.zeroGrad(); (layer.call(src) as Tensor).square().mean().backward(); };
} else if (workload === "cnn") {
  const cnn = inDType(new CNN()).to("webgpu");
  const adam = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
  const x = inDType(torch.randn(64, 1, 28, 28)).to("webgpu"), y = torch.randint(0, 10, [64]).to("webgpu");
  step = () => { adam.zeroGrad(); F.crossEntropy(cnn.call(x), y).backward(); adam.step(); };
} else {
  const mlp = inDType(mlpModel()).to("webgpu");
  const sgd = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const x = inDType(torch.randn(128, 784)).to("webgpu"), y = torch.randint(0, 10, [128]).to("webgpu");
  step = () => { sgd.zeroGrad(); F.crossEntropy(mlp.call(x) as Tensor, y).backward(); sgd.step(); };
}
step();
recording = true;
step();
recording = false;
rows.sort((a, b) => a.workgroups - b.workgroups);
console.log(`${workload}${half ? " (float16)" : ""} step: ${rows.length} dispatches (adapter ${torch.webgpu.deviceName()}, taken for a GPU)`);
console.log("workgroups  invocations  grid          kernel");
for (const r of rows) console.log(`${String(r.workgroups).padStart(10)}  ${String(r.invocations).padStart(11)}  ${r.grid.padEnd(12)}  ${r.key.slice(0, 100)}`);
