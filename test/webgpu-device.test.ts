// The "webgpu" device through the public API: the same test bodies run on "cpu" and "webgpu"
// (ops.jsonl conformance cases within float32 tolerance, MLP and CNN training against CPU losses),
// module.to, memory release, and the errors of mixed devices and synchronous readback.
// Runs on whatever adapter Dawn finds (CI: lavapipe from scripts/webgpu-setup.sh); skipped without one.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadCases, runCaseOn, type DeviceName } from "./webgpu-conformance.js";

const { nn, optim } = torch;
const F = torch.nn.functional;

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";
const DEVICES: DeviceName[] = ["cpu", "webgpu"];

before(async () => {
  if (!available) return;
  await torch.webgpu.init();
  console.log(`# webgpu adapter: ${torch.webgpu.deviceName()}`);
});
after(() => torch.webgpu.shutdown());

/** Ops whose conformance cases run on both devices (float64 cases run in float32). */
const CONFORMANCE_FNS = [
  // pointwise
  "torch.add", "torch.sub", "torch.mul", "torch.div", "torch.neg", "torch.abs", "torch.exp", "torch.log", "torch.sqrt",
  "torch.rsqrt", "torch.sigmoid", "torch.tanh", "torch.sin", "torch.cos", "torch.pow", "torch.maximum", "torch.minimum",
  "torch.clamp", "torch.where", "torch.eq", "torch.lt", "torch.addcmul", "torch.lerp", "torch.exp2", "torch.log1p",
  "torch.square", "torch.reciprocal", "torch.floor", "torch.round", "torch.sign", "torch.atan2", "torch.remainder",
  "torch.fmod", "torch.logical_and", "torch.isnan", "torch.erf",
  "F.relu", "F.gelu", "F.silu", "F.leaky_relu", "F.elu", "F.softplus", "F.hardtanh", "F.relu6", "F.mish", "F.hardswish",
  "F.hardsigmoid", "F.logsigmoid",
  // reductions
  "torch.sum", "torch.mean", "torch.amax", "torch.amin", "torch.max", "torch.min", "torch.argmax", "torch.var", "torch.std",
  "torch.logsumexp", "torch.norm", "torch.linalg.vector_norm",
  // matmul family
  "torch.mm", "torch.bmm", "torch.matmul", "F.linear", "torch.addmm", "torch.baddbmm", "torch.einsum", "torch.outer",
  "torch.dot", "torch.mv",
  // conv, pooling, normalization
  "F.conv1d", "F.conv2d", "F.conv3d", "F.conv_transpose1d", "F.conv_transpose2d", "F.max_pool1d", "F.max_pool2d", "F.avg_pool1d",
  "F.avg_pool2d", "F.adaptive_max_pool2d", "F.lp_pool2d", "F.layer_norm", "F.batch_norm", "F.group_norm",
  "F.instance_norm",
  // padding and resampling
  "F.pad", "F.interpolate", "F.adaptive_avg_pool1d", "F.adaptive_avg_pool2d",
  // scans and sorting
  "torch.cumsum", "torch.cumprod", "torch.cummax", "torch.cummin", "torch.logcumsumexp", "torch.sort", "torch.argsort",
  "torch.topk", "torch.kthvalue", "torch.median",
  // softmax and losses
  "F.softmax", "F.log_softmax", "F.cross_entropy", "F.nll_loss", "F.mse_loss", "F.l1_loss", "F.binary_cross_entropy_with_logits",
  // shape and index ops
  "torch.cat", "torch.stack", "torch.flatten", "torch.transpose", "torch.permute", "torch.reshape", "torch.t",
  "repeat", "torch.tile", "torch.flip", "torch.roll", "torch.repeat_interleave",
  "F.embedding", "torch.index_select", "torch.gather", "torch.scatter", "torch.scatter_add",
];

async function close(actual: torch.Tensor, expected: torch.Tensor, tol = 1e-4, what = ""): Promise<void> {
  const a = (await actual.detach().reshape(-1).tolistAsync()) as number[];
  const e = (await expected.detach().reshape(-1).tolistAsync()) as number[];
  assert.equal(a.length, e.length, `${what}: sizes differ`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
  }
}

describe("webgpu device", { skip }, () => {
  for (const device of DEVICES) {
    test(`conformance cases on ${device} (float32)`, async () => {
      const cases = loadCases(CONFORMANCE_FNS);
      const failures: string[] = [];
      let passed = 0;
      const skipped: string[] = [];
      for (const c of cases) {
        const r = await runCaseOn(c, device);
        if (r.status === "pass") passed++;
        else if (r.status === "skip") skipped.push(`${r.id} (${r.reason})`);
        else failures.push(`${r.id}: ${r.reason}`);
      }
      assert.deepEqual(failures, [], failures.join("\n"));
      // Nearly every selected case has a GPU kernel; the few left are named here when they grow.
      assert.ok(passed >= cases.length - 3, `only ${passed} of ${cases.length} passed; skipped: ${skipped.join(", ")}`);
    });
  }

  /** A few training steps of `model` from seed 0, the losses read back asynchronously. */
  async function train(device: DeviceName, makeModel: () => torch.nn.Module, data: () => [torch.Tensor, torch.Tensor],
    makeOpt: (p: Iterable<torch.Tensor>) => torch.optim.Optimizer, steps: number): Promise<number[]> {
    torch.manualSeed(0);
    const model = makeModel().to(device);
    const opt = makeOpt(model.parameters());
    torch.manualSeed(1);
    const [X, Y] = data();
    const x = X.to(device), y = Y.to(device);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(run(model, x), y);
      loss.backward();
      opt.step();
      losses.push(Number(await loss.itemAsync()));
    }
    return losses;
  }

  /** model(x) for a module whose forward takes one tensor. */
  function run(model: torch.nn.Module, x: torch.Tensor): torch.Tensor {
    return (model.call as (this: torch.nn.Module, ...a: unknown[]) => torch.Tensor).call(model, x);
  }

  function sameLosses(cpu: number[], gpu: number[]): void {
    for (let i = 0; i < cpu.length; i++) {
      assert.ok(Math.abs(cpu[i]! - gpu[i]!) <= 1e-4, `step ${i}: cpu ${cpu[i]} vs webgpu ${gpu[i]}`);
    }
  }

  test("an MLP (AdamW, dropout) trains on webgpu with the CPU's losses", async () => {
    const makeModel = (): torch.nn.Module => new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Dropout(0.2),
      new nn.Linear(64, 32), new nn.Tanh(), new nn.Linear(32, 5));
    const data = (): [torch.Tensor, torch.Tensor] => [torch.randn(48, 20), torch.randint(0, 5, [48])];
    const makeOpt = (p: Iterable<torch.Tensor>): torch.optim.Optimizer => new optim.AdamW(p, { lr: 0.01, weightDecay: 0.01 });
    const losses: Record<string, number[]> = {};
    for (const device of DEVICES) losses[device] = await train(device, makeModel, data, makeOpt, 8);
    sameLosses(losses.cpu!, losses.webgpu!);
    assert.ok(losses.webgpu![7]! < losses.webgpu![0]!, "the loss goes down");
  });

  test("the Fashion-MNIST CNN (conv, relu, max_pool, linear, Adam) trains on webgpu with the CPU's losses", async () => {
    class Net extends nn.Module {
      conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
      conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
      fc = new nn.Linear(64 * 7 * 7, 10);
      override forward(x: torch.Tensor): torch.Tensor {
        x = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
        x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
        return this.fc.call(x.flatten(1));
      }
    }
    const data = (): [torch.Tensor, torch.Tensor] => [torch.rand(16, 1, 28, 28), torch.randint(0, 10, [16])];
    const makeOpt = (p: Iterable<torch.Tensor>): torch.optim.Optimizer => new optim.Adam(p, { lr: 1e-3 });
    const losses: Record<string, number[]> = {};
    for (const device of DEVICES) losses[device] = await train(device, () => new Net(), data, makeOpt, 4);
    sameLosses(losses.cpu!, losses.webgpu!);
  });

  // SGD here: Adam would amplify the float noise of the pre-BatchNorm bias's (exactly zero) gradient.
  test("SGD with momentum and BatchNorm (running stats, eval mode) match the CPU", async () => {
    const results: Record<string, torch.Tensor[]> = {};
    for (const device of DEVICES) {
      torch.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(6, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3)).to(device);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
      torch.manualSeed(1);
      const x = torch.randn(10, 6).to(device), y = torch.randint(0, 3, [10]).to(device);
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        F.crossEntropy(model.call(x) as torch.Tensor, y).backward();
        opt.step();
      }
      model.eval();
      const sd = model.stateDict();
      results[device] = [model.call(x) as torch.Tensor, sd.get("1.running_mean")!, sd.get("1.running_var")!, sd.get("0.weight")!];
      assert.equal(Number(await sd.get("1.num_batches_tracked")!.itemAsync()), 3);
    }
    for (let i = 0; i < results.cpu!.length; i++) await close(results.webgpu![i]!, results.cpu![i]!, 1e-4, `result ${i}`);
  });

  test("module.to('webgpu') moves parameters and buffers, keeping Parameters and requires_grad", async () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
    const w = m.stateDict().get("0.weight")!.clone();
    m.to("webgpu");
    for (const [k, t] of m.stateDict()) assert.equal(t.device.toString(), "webgpu:0", k);
    const p = [...m.parameters()];
    assert.equal(p.length, 4);
    assert.ok(p.every((q) => q.requiresGrad && q.isLeaf && q.device.type === "webgpu"));
    assert.equal(m.stateDict().get("1.num_batches_tracked")!.dtype, torch.int64);
    await close(m.stateDict().get("0.weight")!, w);
    const back = await m.stateDict().get("0.weight")!.cpuAsync();
    assert.equal(back.device.type, "cpu");
    assert.deepEqual(back.tolist(), w.tolist());
  });

  test("factories, views sharing memory, in-place ops, indexing and async reads", async () => {
    const z = torch.zeros(2, 3, { device: "webgpu" });
    assert.equal(z.device.toString(), "webgpu:0");
    assert.deepEqual(await z.tolistAsync(), [[0, 0, 0], [0, 0, 0]]);
    const x = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4).to("webgpu");
    const v = x.t();
    assert.equal(v.storage, x.storage);
    x.get(1).mul_(10);
    assert.deepEqual(await v.get(":", 1).tolistAsync(), [40, 50, 60, 70]);
    const idx = torch.tensor([2, 0]).to("webgpu");
    assert.deepEqual(await x.get(idx).tolistAsync(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
    assert.deepEqual(await torch.cat([x.get(0), x.get(2)]).tolistAsync(), [0, 1, 2, 3, 8, 9, 10, 11]);
    assert.deepEqual(await x.argmax(1).tolistAsync(), [3, 3, 3]);
    assert.equal((await x.argmax(1).cpuAsync()).dtype, torch.int64);
    assert.equal(await x.sum().itemAsync(), 0 + 1 + 2 + 3 + 40 + 50 + 60 + 70 + 8 + 9 + 10 + 11);
    assert.equal(await x.gt(5).sum().itemAsync(), 8);
    assert.equal(await torch.tensor(7).itemAsync(), 7, "itemAsync works on the CPU too");
  });

  test("mixed devices throw PyTorch's message; 0-d CPU tensors are scalars", async () => {
    const g = torch.ones(3, { device: "webgpu" }), c = torch.ones(3);
    assert.throws(() => c.add(g), /Expected all tensors to be on the same device, but found at least two devices, cpu and webgpu:0!/);
    assert.throws(() => g.matmul(c), /Expected all tensors to be on the same device, but found at least two devices/);
    assert.throws(() => F.linear(g.reshape(1, 3), torch.ones(2, 3)), /Expected all tensors to be on the same device/);
    assert.deepEqual(await g.mul(torch.tensor(2.5)).tolistAsync(), [2.5, 2.5, 2.5]);
  });

  test("synchronous readback throws an error naming the async form", () => {
    const g = torch.ones(2, { device: "webgpu" });
    assert.throws(() => g.item(), /use await x\.itemAsync\(\)/);
    assert.throws(() => g.tolist(), /use await x\.tolistAsync\(\)/);
    assert.throws(() => g.toString(), /use await x\.cpuAsync\(\)/);
    assert.throws(() => g.cpu(), /asynchronous; use await x\.cpuAsync\(\)/);
  });

  test("ops without a GPU kernel say so, never run on the CPU", () => {
    const g = torch.ones(4, { device: "webgpu" });
    assert.throws(() => g.unique(), /^Error: unique: the result's size depends on the values; on 'webgpu' use await torch\.uniqueAsync/);
    assert.throws(() => torch.bincount(torch.ones(2, { dtype: torch.int64, device: "webgpu" })), /bincount: the result's size depends on the values; on 'webgpu' use await torch\.bincountAsync/);
    assert.throws(() => torch.ones(2, { dtype: torch.float64 }).to("webgpu"), /dtype float64 is not supported on the 'webgpu' device/);
    assert.throws(() => torch.tensor([2n ** 40n]).to("webgpu"), /does not fit the int32/);
  });

  test("GPU memory: `using` releases it at the end of the scope, the pool reuses it", async () => {
    await torch.webgpu.synchronize();
    const base = torch.webgpu.memoryAllocated();
    {
      using a = torch.ones(4096, { device: "webgpu" });
      using m = a.mul(3);
      using b = m.add(1);
      assert.ok(torch.webgpu.memoryAllocated() >= base + 3 * 4096 * 4);
      assert.equal(await b.sum().itemAsync(), 4 * 4096);
    }
    // The sum's own result is garbage, not disposed: allow its one small buffer.
    assert.ok(torch.webgpu.memoryAllocated() <= base + 256, `${torch.webgpu.memoryAllocated()} > ${base} + 256`);
    const t = torch.ones(8, { device: "webgpu" });
    t[Symbol.dispose]();
    assert.throws(() => t.add(1), /disposed/);
  });
});
