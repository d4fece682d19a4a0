// Kernels queued and wall time per optimizer step on "webgpu" parameters: the fused Adam step
// against the composite ones (RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop).
//   npx tsx bench/webgpu-optim-steps.ts [--numel 65536] [--steps 20]
// The dispatch counts are exact; times on a CPU adapter (lavapipe) only say the steps run.

import * as torch from "../src/index.js";
import { context } from "../src/webgpu/runtime.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : dflt;
}
const numel = Number(arg("numel", "65536"));
const steps = Number(arg("steps", "20"));

await torch.webgpu.init();
const ctx = context();
const { optim } = torch;
const makers: [string, (p: torch.Tensor[]) => torch.optim.Optimizer][] = [
  ["Adam (fused)", (p) => new optim.Adam(p)], ["RMSprop", (p) => new optim.RMSprop(p)], ["Adagrad", (p) => new optim.Adagrad(p)],
  ["Adadelta", (p) => new optim.Adadelta(p)], ["Adamax", (p) => new optim.Adamax(p)], ["NAdam", (p) => new optim.NAdam(p)],
  ["RAdam", (p) => new optim.RAdam(p)], ["Rprop", (p) => new optim.Rprop(p)],
];
console.log(`# ${torch.webgpu.deviceName()}, one parameter of ${numel} floats, median of ${steps} steps`);
for (const [name, make] of makers) {
  const p = torch.randn(numel).to("webgpu").requiresGrad_(true);
  p.grad = torch.randn(numel).to("webgpu");
  const opt = make([p]);
  opt.step();
  await torch.webgpu.synchronize();
  const times: number[] = [];
  let dispatches = 0;
  for (let i = 0; i < steps; i++) {
    const d0 = ctx.counters.dispatches, t0 = performance.now();
    opt.step();
    await torch.webgpu.synchronize();
    times.push(performance.now() - t0);
    dispatches += ctx.counters.dispatches - d0;
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(14)} ${(dispatches / steps).toFixed(0).padStart(3)} kernels/step  ${times[steps >> 1]!.toFixed(2)} ms/step`);
}
torch.webgpu.shutdown();
