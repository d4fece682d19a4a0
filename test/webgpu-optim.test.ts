// torch.optim on "webgpu" parameters against the same optimizer on the CPU: a few steps from the
// same start give the same parameters (within 1e-5) and the same state layout, state dicts round
// trip (CPU state loads into a webgpu optimizer), and LBFGS refuses the device by name.
// Skipped without a WebGPU adapter (scripts/webgpu-setup.sh installs lavapipe).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { type OptimCase, loadOptimCases } from "./conformance/optim-runner.js";
import { type EncodedTensor, camel } from "./conformance/values.js";
import { CNN, mlpModel } from "../bench/models.js";

const { optim } = torch;
const F = torch.nn.functional;
type DeviceName = "cpu" | "webgpu";
type MakeOpt = (p: torch.Tensor[]) => torch.optim.Optimizer;

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

const CASES: [string, MakeOpt][] = [
  ["RMSprop", (p) => new optim.RMSprop(p, { lr: 0.01 })],
  ["RMSprop centered momentum weight_decay", (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.1 })],
  ["RMSprop maximize", (p) => new optim.RMSprop(p, { lr: 0.01, maximize: true })],
  ["Adagrad", (p) => new optim.Adagrad(p, { lr: 0.1 })],
  ["Adagrad lr_decay initial_accumulator_value weight_decay", (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.5, weightDecay: 0.1 })],
  ["Adadelta", (p) => new optim.Adadelta(p)],
  ["Adadelta weight_decay maximize", (p) => new optim.Adadelta(p, { lr: 0.5, weightDecay: 0.1, maximize: true })],
  ["Adamax", (p) => new optim.Adamax(p, { lr: 0.01 })],
  ["Adamax weight_decay", (p) => new optim.Adamax(p, { lr: 0.01, weightDecay: 0.1 })],
  ["NAdam", (p) => new optim.NAdam(p, { lr: 0.01 })],
  ["NAdam decoupled_weight_decay", (p) => new optim.NAdam(p, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true })],
  ["NAdam weight_decay", (p) => new optim.NAdam(p, { lr: 0.01, weightDecay: 0.1 })],
  // Few steps keep RAdam in its un-rectified branch; betas (0.9, 0.9) reach rho_t > 5 at step 7.
  ["RAdam", (p) => new optim.RAdam(p, { lr: 0.01 })],
  ["RAdam rectified, decoupled_weight_decay", (p) => new optim.RAdam(p, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1, decoupledWeightDecay: true })],
  ["RAdam weight_decay", (p) => new optim.RAdam(p, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1 })],
  ["Rprop", (p) => new optim.Rprop(p, { lr: 0.01 })],
  ["Rprop maximize step_sizes", (p) => new optim.Rprop(p, { lr: 0.05, stepSizes: [1e-3, 0.08], maximize: true })],
  ["ASGD averaging from step 3, weight_decay maximize", (p) => new optim.ASGD(p, { lr: 0.05, lambd: 0.01, t0: 3, weightDecay: 0.1, maximize: true })],
];

/** A loss whose gradients change sign between steps (Rprop's and momentum's branches all run). */
function lossOf(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor): torch.Tensor {
  return x.matmul(w).add(b).sin().sum().add(w.square().sum().mul(0.3));
}

/** `steps` steps from seed 0; the parameters (read back) and the optimizer. */
async function run(device: DeviceName, make: MakeOpt, steps: number): Promise<{ values: number[]; opt: torch.optim.Optimizer; params: torch.Tensor[] }> {
  torch.manualSeed(0);
  const w = torch.randn(6, 4).to(device).requiresGrad_(true);
  const b = torch.randn(4).to(device).requiresGrad_(true);
  const x = torch.randn(5, 6).to(device);
  const opt = make([w, b]);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossOf(w, b, x).backward();
    opt.step();
  }
  const values = [...((await w.detach().reshape(-1).tolistAsync()) as number[]), ...((await b.detach().tolistAsync()) as number[])];
  return { values, opt, params: [w, b] };
}

function closeValues(a: number[], e: number[], what: string, tol = 1e-5): void {
  assert.equal(a.length, e.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: webgpu ${a[i]} vs cpu ${e[i]}`);
}

function decodeF32(v: unknown): torch.Tensor {
  const e = v as EncodedTensor;
  return torch.tensor(e.data as number[], { dtype: "float32" }).reshape(e.shape).to("webgpu");
}

/** PyTorch's recorded steps (float64 there) replayed on webgpu parameters with the recorded gradients. */
async function replayOnDevice(c: OptimCase): Promise<void> {
  const params = c.init.map((t) => decodeF32(t).requiresGrad_(true));
  const Opt = (optim as unknown as Record<string, new (p: torch.Tensor[], o: Record<string, unknown>) => torch.optim.Optimizer>)[c.ctor.replace("torch.optim.", "")]!;
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.kwargs)) opts[camel(k)] = v;
  const opt = new Opt(params, opts);
  for (let step = 0; step < c.grads.length; step++) {
    c.grads[step]!.forEach((g, i) => { params[i]!.grad = decodeF32(g); });
    opt.step();
    for (let i = 0; i < params.length; i++) {
      const got = (await params[i]!.detach().reshape(-1).tolistAsync()) as number[];
      closeValues(got, (c.after[step]![i] as unknown as EncodedTensor).data as number[], `${c.id} step ${step} param ${i}`, 2e-5);
    }
  }
}

describe("optimizers on webgpu parameters", { skip }, () => {
  for (const [name, make] of CASES) {
    test(`${name}: 8 steps give the CPU's parameters and state layout`, async () => {
      const cpu = await run("cpu", make, 8);
      const gpu = await run("webgpu", make, 8);
      closeValues(gpu.values, cpu.values, name);
      const cs = cpu.opt.stateDict().state.get(0)!, gs = gpu.opt.stateDict().state.get(0)!;
      assert.deepEqual(Object.keys(gs).sort(), Object.keys(cs).sort());
      for (const [k, v] of Object.entries(cs)) {
        const g = gs[k] as torch.Tensor;
        assert.ok(v instanceof torch.Tensor && g instanceof torch.Tensor, k);
        const onCpu = ["step", "mu_product", "eta", "mu"].includes(k);
        assert.equal(g.device.type, onCpu ? "cpu" : "webgpu", `${k} lives where PyTorch keeps it`);
        closeValues((await g.reshape(-1).tolistAsync()) as number[], v.reshape(-1).tolist() as number[], `${name} state ${k}`);
      }
    });
  }

  test("optim.jsonl's PyTorch trajectories (no scheduler) on webgpu, in float32", async () => {
    const cases = loadOptimCases().filter((c) => c.sched === null);
    assert.ok(cases.length >= 14);
    for (const c of cases) await replayOnDevice(c);
  });

  test("a CPU state dict loads into a webgpu optimizer, which continues as the CPU one does", async () => {
    const make: MakeOpt = (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 });
    const cpu = await run("cpu", make, 4);
    torch.manualSeed(0);
    torch.randn(6, 4); torch.randn(4);
    const x = torch.randn(5, 6);
    const gw = cpu.params[0]!.detach().clone().to("webgpu").requiresGrad_(true);
    const gb = cpu.params[1]!.detach().clone().to("webgpu").requiresGrad_(true);
    const gopt = make([gw, gb]);
    gopt.loadStateDict(cpu.opt.stateDict());
    assert.equal((gopt.stateDict().state.get(0)!.square_avg as torch.Tensor).device.type, "webgpu");
    const xg = x.to("webgpu");
    for (let i = 0; i < 3; i++) {
      cpu.opt.zeroGrad(); lossOf(cpu.params[0]!, cpu.params[1]!, x).backward(); cpu.opt.step();
      gopt.zeroGrad(); lossOf(gw, gb, xg).backward(); gopt.step();
    }
    closeValues((await gw.detach().reshape(-1).tolistAsync()) as number[], cpu.params[0]!.detach().reshape(-1).tolist() as number[], "w");
  });

  /**
   * Two training steps of a bench model on the CPU and on webgpu from the same weights: the parameters
   * agree after each, and the second step's opt.step() (state already made) is ceil(params / K)
   * dispatches, K items per dispatch as the device's storage buffers per stage allow.
   */
  async function benchModelSteps<M extends torch.nn.Module>(
    make: () => M, forward: (m: M, x: torch.Tensor) => torch.Tensor, input: () => torch.Tensor, classes: number,
    makeOpt: (p: torch.Tensor[]) => torch.optim.Optimizer, buffersPerParam: number,
  ): Promise<void> {
    const ctx = await torch.webgpu.init();
    torch.manualSeed(0);
    const cpuModel = make(), gpuModel = make();
    gpuModel.loadStateDict(cpuModel.stateDict());
    gpuModel.to("webgpu");
    const x = input(), y = torch.randint(0, classes, [x.shape[0]!]);
    const xg = x.to("webgpu"), yg = y.to("webgpu");
    const cpuParams = [...cpuModel.parameters()], gpuParams = [...gpuModel.parameters()];
    const cpuOpt = makeOpt(cpuParams), gpuOpt = makeOpt(gpuParams);
    const nParams = gpuParams.length;
    const k = Math.min(8, Math.floor(ctx.limits.maxStorageBuffersPerShaderStage / buffersPerParam));
    for (let step = 0; step < 2; step++) {
      cpuOpt.zeroGrad(); F.crossEntropy(forward(cpuModel, x), y).backward(); cpuOpt.step();
      gpuOpt.zeroGrad(); F.crossEntropy(forward(gpuModel, xg), yg).backward();
      await torch.webgpu.synchronize();
      const before = ctx.stats().dispatches;
      gpuOpt.step();
      if (step === 1) assert.equal(ctx.stats().dispatches - before, Math.ceil(nParams / k), `opt.step() of ${nParams} params, ${k} per dispatch`);
      for (let i = 0; i < nParams; i++) {
        closeValues((await gpuParams[i]!.detach().reshape(-1).tolistAsync()) as number[], cpuParams[i]!.detach().reshape(-1).tolist() as number[], `step ${step} param ${i}`);
      }
    }
  }

  test("bench MLP with SGD (momentum 0.9): steps match the CPU, one dispatch per chunk of parameters", async () => {
    await benchModelSteps(mlpModel, (m, x) => m.call(x) as torch.Tensor, () => torch.randn(4, 784), 10, (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }), 3);
  });

  test("bench CNN with Adam: steps match the CPU, one dispatch per chunk of parameters", async () => {
    await benchModelSteps(() => new CNN(), (m, x) => m.call(x), () => torch.randn(2, 1, 28, 28), 10, (p) => new optim.Adam(p, { lr: 1e-3 }), 4);
  });

  test("a group mixing float32 and 16-bit parameters steps each as a group of its own dtype would", async () => {
    const ctx = await torch.webgpu.init();
    const dtypes = [torch.float32, torch.bfloat16, torch.bfloat16, torch.float16, torch.float32];
    for (const make of [(p: torch.Tensor[]) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }), (p: torch.Tensor[]) => new optim.Adam(p, { lr: 0.01 })]) {
      torch.manualSeed(3);
      const init = dtypes.map((dt, i) => torch.randn(7 + i).to(dt));
      const grads = [0, 1].map(() => dtypes.map((dt, i) => torch.randn(7 + i).to(dt)));
      const mixed = init.map((t) => t.to("webgpu").requiresGrad_(true));
      const alone = init.map((t) => t.to("webgpu").requiresGrad_(true));
      const mixedOpt = make(mixed), aloneOpts = alone.map((p) => make([p]));
      for (const [step, g] of grads.entries()) {
        g.forEach((t, i) => { mixed[i]!.grad = t.to("webgpu"); alone[i]!.grad = t.to("webgpu"); });
        await torch.webgpu.synchronize();
        const before = ctx.stats().dispatches;
        mixedOpt.step();
        // Runs of one format: float32, bfloat16 x2, float16, float32.
        if (step === 1) assert.equal(ctx.stats().dispatches - before, 4);
        for (const o of aloneOpts) o.step();
      }
      for (let i = 0; i < dtypes.length; i++) {
        assert.equal(mixed[i]!.dtype, dtypes[i]);
        assert.deepEqual(await mixed[i]!.detach().float().tolistAsync(), await alone[i]!.detach().float().tolistAsync(), `${mixedOpt.constructor.name} param ${i}`);
      }
    }
  });

  test("LBFGS refuses webgpu parameters by name", () => {
    const p = torch.randn(3).to("webgpu").requiresGrad_(true);
    const opt = new optim.LBFGS([p]);
    assert.throws(() => opt.step(() => { opt.zeroGrad(); const l = p.square().sum(); l.backward(); return l; }),
      /LBFGS\.step: .*use await optimizer\.stepAsync\(closure\)/);
  });
});
