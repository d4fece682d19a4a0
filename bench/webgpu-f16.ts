// float16 on the "webgpu" device: parameter memory, per-step peak memory and dispatches of an MLP
// training step (784-512-256-10, batch 128, SGD with momentum) in float32 and in float16.
// Run it twice to compare float16's storage: `npx tsx bench/webgpu-f16.ts` (16-bit where the
// adapter has "shader-f16") and `TORCH_TS_WEBGPU_F16_STORAGE=0 npx tsx bench/webgpu-f16.ts`
// (float32 buffers). Memory figures are the pool's (size classes); peaks include tensors the
// collector has not yet returned, so they vary a little from run to run.

import * as torch from "../src/index.js";

const F = torch.nn.functional;
const ctx = await torch.webgpu.init();
const MiB = (b: number): string => (b / 2 ** 20).toFixed(2);
console.log(`${torch.webgpu.deviceName()}; float16 stored as ${ctx.f16Storage ? "f16 (2 bytes)" : "float32 (4 bytes)"}`);
for (const dt of [torch.float32, torch.float16]) {
  torch.manualSeed(0);
  await torch.webgpu.synchronize();
  const base = torch.webgpu.memoryAllocated();
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(784, 512), new torch.nn.ReLU(), new torch.nn.Linear(512, 256), new torch.nn.ReLU(), new torch.nn.Linear(256, 10),
  ).to(dt).to("webgpu");
  const paramBytes = torch.webgpu.memoryAllocated() - base;
  const opt = new torch.optim.SGD([...model.parameters()], { lr: 1e-2, momentum: 0.9 });
  const x = torch.randn(128, 784).to(dt).to("webgpu"), y = torch.randint(0, 10, [128]).to("webgpu");
  let dispatches = 0, peak = 0, loss = 0;
  for (let step = 0; step < 8; step++) {
    await torch.webgpu.synchronize();
    const before = ctx.stats().dispatches;
    torch.webgpu.resetPeakMemoryStats();
    const l = F.crossEntropy(model.call(x) as torch.Tensor, y);
    opt.zeroGrad(); l.backward(); opt.step();
    loss = Number(await l.itemAsync());
    dispatches = ctx.stats().dispatches - before;
    peak = Math.max(peak, torch.webgpu.maxMemoryAllocated() - base);
  }
  console.log(`${dt.name}: parameters ${MiB(paramBytes)} MiB, step peak ${MiB(peak)} MiB above the start, ${dispatches} dispatches/step, loss ${loss.toFixed(4)}`);
  for (const p of model.parameters()) p[Symbol.dispose]();
  x[Symbol.dispose]();
}
torch.webgpu.shutdown();
