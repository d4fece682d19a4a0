// float16 and bfloat16 tensors on the "webgpu" device: held in float32 buffers whose values are
// rounded to the 16-bit format by every kernel that writes them. Pointwise results must equal the
// CPU's bit for bit (PyTorch's CPU also computes half ops in float32 and rounds each result);
// reductions, matmul, conv, softmax and norms agree within half tolerance (accumulation order).
// Skipped without a WebGPU adapter (scripts/webgpu-setup.sh installs lavapipe).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const F = torch.nn.functional;
const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Half = typeof torch.float16;
const HALVES: readonly Half[] = [torch.float16, torch.bfloat16];

/** The values of a CPU or GPU tensor as float32 numbers (exact for the 16-bit formats). */
async function floats(t: torch.Tensor): Promise<number[]> {
  return (await t.detach().cpuAsync()).to(torch.float32).reshape(-1).tolist() as number[];
}

function sameBits(a: number[], e: number[], what: string): void {
  assert.equal(a.length, e.length, `${what}: ${a.length} values vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], e[i]) || (Number.isNaN(a[i]!) && Number.isNaN(e[i]!))) continue;
    assert.fail(`${what}[${i}]: webgpu ${a[i]} vs cpu ${e[i]}`);
  }
}

function close(a: number[], e: number[], what: string, tol: number): void {
  assert.equal(a.length, e.length, `${what}: ${a.length} values vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === e[i] || (Number.isNaN(e[i]!) && Number.isNaN(a[i]!))) continue;
    assert.ok(Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: webgpu ${a[i]} vs cpu ${e[i]}`);
  }
}

/** Relative spacing of the format (half an ulp bounds one rounding). */
const EPS: Record<string, number> = { float16: 2 ** -10, bfloat16: 2 ** -7 };

/**
 * Inputs that exercise rounding: ties (2.5 ulps), values past the largest finite (65504 for
 * float16: 65520 rounds to inf), float16 subnormals, signed zeros, NaN and infinities, plus random
 * values. bfloat16 has float32's exponent range: its subnormals are float32's, which GPUs may flush
 * to zero in arithmetic (WGSL allows it), so they are left out of its inputs.
 */
function inputs(dt: Half, seed: number): [torch.Tensor, torch.Tensor] {
  const special = [0, -0, 1, -1, 0.1, 1.0004, 2047.6, 2049, 2051, 65504, 65519, 65520, 1e6, -7e4, NaN, Infinity, -Infinity, 2.5, -3.5, 1e-3];
  const tiny = dt === torch.float16 ? [3e-8, 6e-8, -2.5e-7, 1e-5, 6.1e-5, -1e-8] : [1e-30, -3e-35, 1.5e-37];
  const values = [...special, ...tiny];
  torch.manualSeed(seed);
  const x = torch.cat([torch.tensor(values), torch.randn(300).mul(40)]).to(dt);
  const y = torch.cat([torch.tensor(values).flip(0), torch.randn(300).mul(3)]).to(dt);
  return [x, y];
}

type Body = (x: torch.Tensor, y: torch.Tensor) => torch.Tensor;

/** Ops whose float32 arithmetic is correctly rounded in WGSL (or exact), so rounding to the format gives the CPU's bits. */
const EXACT: [string, Body][] = [
  ["add", (x, y) => x.add(y)],
  // Products of 16-bit values (and halves of them) are exact in float32: fused multiply-adds change nothing.
  ["sub with alpha", (x, y) => x.sub(y, { alpha: 0.5 })],
  ["mul", (x, y) => x.mul(y)],
  ["mul into subnormals", (x, y) => x.mul(y).mul(1e-3)],
  ["add a Python float", (x) => x.add(0.1)],
  ["mul a Python float", (x) => x.mul(1.0003)],
  ["rsub", (x) => torch.rsub(x, 1.5)],
  ["neg", (x) => x.neg()],
  ["abs", (x) => x.abs()],
  ["relu", (x) => x.relu()],
  ["floor", (x) => x.floor()],
  ["round", (x) => x.round()],
  ["square", (x) => x.square()],
  ["clamp", (x) => x.clamp(-1.3, 7.7)],
  ["where", (x, y) => torch.where(x.gt(y), x, y)],
  ["addcmul", (x, y) => x.addcmul(y, y, { value: 0.5 })],
  ["mul_ in place", (x, y) => x.clone().mul_(y)],
  ["add_ a float32 tensor in place", (x, y) => x.clone().add_(y.float().mul(1.0001))],
  ["to float32 and back", (x, y) => x.float().mul(y.float()).to(x.dtype)],
  ["sum of squares, pointwise", (x, y) => x.mul(x).add(y.mul(y))],
];

/**
 * Ops whose float32 results come from GPU approximations (exp, log, division...): within one ulp of
 * the format. (maximum is exact but WGSL's max may pick either zero of max(0, -0).)
 */
const APPROX: [string, Body][] = [
  ["maximum", (x, y) => x.maximum(y)],
  ["div", (x, y) => x.div(y)],
  ["sqrt", (x) => x.sqrt()],
  ["exp", (x) => x.exp()],
  ["log", (x) => x.abs().log()],
  ["sigmoid", (x) => x.sigmoid()],
  ["tanh", (x) => x.tanh()],
];

describe("webgpu float16/bfloat16: pointwise", { skip }, () => {
  for (const dt of HALVES) {
    for (const [name, f] of EXACT) {
      test(`${name} (${dt.name}) gives the CPU's bits`, async () => {
        const [x, y] = inputs(dt, 1);
        const cpu = f(x, y);
        const gpu = f(x.to("webgpu"), y.to("webgpu"));
        assert.equal(gpu.dtype, cpu.dtype);
        assert.equal(gpu.device.type, "webgpu");
        sameBits(await floats(gpu), await floats(cpu), name);
      });
    }
    test(`transcendentals and division (${dt.name}) within one ulp of the CPU`, async () => {
      const [x, y] = inputs(dt, 2);
      for (const [name, f] of APPROX) {
        close(await floats(f(x.to("webgpu"), y.to("webgpu"))), await floats(f(x, y)), name, 2 * EPS[dt.name]!);
      }
    });
  }
});

describe("webgpu float16/bfloat16: conversions", { skip }, () => {
  /** float32 values of every exponent (random bit patterns, NaN and infinities among them). */
  function randomFloat32(n: number, seed: number): torch.Tensor {
    const bits = new Uint32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; bits[i] = s; }
    const f = new Float32Array(bits.buffer);
    // Keep only normal float32 values: subnormal float32 inputs may be flushed by the GPU.
    for (let i = 0; i < n; i++) if (f[i] !== 0 && Math.abs(f[i]!) < 2 ** -126) f[i] = 0;
    return torch.tensor(Array.from(f), { dtype: torch.float32 });
  }

  for (const dt of HALVES) {
    test(`float32 → ${dt.name} on the device rounds as the CPU does (20000 bit patterns, ties, overflow)`, async () => {
      const ties = torch.tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 65520, 65519.996, 2 ** -25, 3 * 2 ** -26, -(2 ** -24)]);
      const x = torch.cat([randomFloat32(20000, 7), randomFloat32(20000, 9).mul(2 ** -100), ties]);
      const scaled = torch.cat([x, x.mul(1e-30).clamp(-1e-3, 1e-3)]);
      sameBits(await floats(scaled.to("webgpu").to(dt)), await floats(scaled.to(dt)), `float32 → ${dt.name}`);
    });

    test(`${dt.name} round trips and converts to and from other dtypes as the CPU does`, async () => {
      const [x] = inputs(dt, 3);
      const g = x.to("webgpu");
      assert.equal(g.dtype, dt);
      const back = await g.cpuAsync();
      assert.equal(back.dtype, dt);
      assert.deepEqual(Array.from(back.storage.data as Uint16Array), Array.from(x.contiguous().storage.data as Uint16Array));
      const other = dt === torch.float16 ? torch.bfloat16 : torch.float16;
      sameBits(await floats(g.to(other)), await floats(x.to(other)), `${dt.name} → ${other.name}`);
      sameBits(await floats(g.float()), await floats(x.float()), `${dt.name} → float32`);
      const finite = x.clamp(-3e4, 3e4).nanToNum(0);
      for (const target of [torch.int32, torch.int64, torch.bool]) {
        assert.deepEqual(await finite.to("webgpu").to(target).tolistAsync(), finite.to(target).tolist(), `${dt.name} → ${target.name}`);
      }
      const ints = torch.arange(-70001, 70001, 13);
      sameBits(await floats(ints.to("webgpu").to(dt)), await floats(ints.to(dt)), `int64 → ${dt.name}`);
      sameBits(await floats(torch.tensor([true, false]).to("webgpu").to(dt)), [1, 0], `bool → ${dt.name}`);
    });

    test(`${dt.name} factories and fills round their values`, async () => {
      const full = torch.full([3], 0.1, { dtype: dt, device: "webgpu" });
      sameBits(await floats(full), await floats(torch.full([3], 0.1, { dtype: dt })), "full");
      const ar = torch.arange(0, 3000, 7, { dtype: dt, device: "webgpu" });
      sameBits(await floats(ar), await floats(torch.arange(0, 3000, 7, { dtype: dt })), "arange");
      const z = torch.zeros(4, { dtype: dt, device: "webgpu" }).fill_(1 / 3);
      sameBits(await floats(z), await floats(torch.zeros(4, { dtype: dt }).fill_(1 / 3)), "fill_");
      assert.equal(z.newOnes([2]).dtype, dt);
    });
  }

  test("float64 is refused with the reason", () => {
    assert.throws(() => torch.ones(2, { dtype: torch.float64 }).to("webgpu"), /dtype float64 is not supported on the 'webgpu' device \(WebGPU has no 64-bit floats/);
    assert.throws(() => torch.zeros(2, { dtype: torch.float64, device: "webgpu" }), /WebGPU has no 64-bit floats/);
  });
});

describe("webgpu float16/bfloat16: type promotion", { skip }, () => {
  for (const dt of HALVES) {
    test(`${dt.name} mixed with other dtypes promotes as PyTorch (and as the CPU computes)`, async () => {
      const [x, y] = inputs(dt, 4);
      const cases: [string, (a: torch.Tensor, b: torch.Tensor) => torch.Tensor, torch.DType][] = [
        ["+ float32", (a, b) => a.add(b.float()), torch.float32],
        ["+ the other 16-bit float", (a, b) => a.add(b.to(dt === torch.float16 ? torch.bfloat16 : torch.float16)), torch.float32],
        ["+ int32 tensor", (a) => a.add(torch.arange(a.numel(), { dtype: torch.int32, device: a.device })), dt],
        ["* int64 tensor", (a) => a.mul(torch.arange(a.numel(), { device: a.device }).remainder(7)), dt],
        ["+ bool tensor", (a, b) => a.add(b.gt(0)), dt],
        ["+ Python float", (a) => a.add(0.3), dt],
        ["+ 0-d float32 tensor", (a) => a.add(torch.tensor(0.3)), dt],
        ["< float32", (a, b) => a.lt(b.float()), torch.bool],
      ];
      for (const [name, f, expected] of cases) {
        const cpu = f(x, y), gpu = f(x.to("webgpu"), y.to("webgpu"));
        assert.equal(cpu.dtype, expected, `cpu ${name}`);
        assert.equal(gpu.dtype, expected, `webgpu ${name}`);
        sameBits(await floats(gpu), await floats(cpu), `${dt.name} ${name}`);
      }
    });
  }

  test("kernels that compute in float32 refuse mixed 16-bit and float32 operands", () => {
    const x = torch.ones(2, 3, { dtype: torch.float16 }).to("webgpu"), w = torch.ones(4, 3).to("webgpu");
    assert.throws(() => F.conv1d(x.reshape(1, 2, 3), torch.ones(1, 2, 2).to("webgpu")), /expected scalar type Half but found Float/);
    assert.throws(() => F.layerNorm(x, [3], torch.ones(3).to("webgpu")), /layer_norm: expected all tensors to have the same dtype, but found float16 and float32/);
    assert.throws(() => F.linear(x, w), /mat1 and mat2 must have the same dtype/);
  });
});

type Case = [string, (...xs: torch.Tensor[]) => torch.Tensor, number[][]];

const TOLERANT: Case[] = [
  ["sum", (x) => x.sum(1), [[6, 300]]],
  ["mean", (x) => x.mean(), [[6, 300]]],
  ["amax", (x) => x.amax(0), [[6, 30]]],
  ["var", (x) => x.var(1), [[6, 30]]],
  ["logsumexp", (x) => x.logsumexp(1), [[6, 30]]],
  ["norm", (x) => x.norm(), [[6, 30]]],
  ["cumsum", (x) => x.cumsum(1), [[4, 50]]],
  ["sort", (x) => x.sort(1).values, [[4, 50]]],
  ["matmul", (a, b) => a.matmul(b), [[16, 40], [40, 12]]],
  ["bmm", (a, b) => a.matmul(b), [[3, 16, 40], [3, 40, 12]]],
  ["linear", (x, w, b) => F.linear(x, w, b), [[16, 40], [12, 40], [12]]],
  ["conv2d", (x, w, b) => F.conv2d(x, w, b, { padding: 1 }), [[2, 3, 8, 8], [4, 3, 3, 3], [4]]],
  ["conv1d", (x, w) => F.conv1d(x, w, null, { stride: 2 }), [[2, 3, 9], [4, 3, 3]]],
  ["max_pool2d", (x) => F.maxPool2d(x, 2), [[2, 3, 8, 8]]],
  ["avg_pool2d", (x) => F.avgPool2d(x, 2), [[2, 3, 8, 8]]],
  ["softmax", (x) => F.softmax(x, 1), [[8, 30]]],
  ["log_softmax", (x) => F.logSoftmax(x, 0), [[8, 30]]],
  ["cross_entropy", (x) => F.crossEntropy(x, torch.tensor([1, 2, 3, 4, 5, 6, 7, 0]).to(x.device)), [[8, 30]]],
  ["mse_loss", (x, y) => F.mseLoss(x, y), [[8, 30], [8, 30]]],
  ["layer_norm", (x, w, b) => F.layerNorm(x, [30], w, b), [[8, 30], [30], [30]]],
  ["batch_norm", (x, w, b) => F.batchNorm(x, null, null, w, b, true), [[8, 5, 4], [5], [5]]],
  ["embedding", (w) => F.embedding(torch.tensor([1, 2, 1, 0]).to(w.device), w), [[5, 7]]],
  ["interpolate", (x) => F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }), [[1, 2, 4, 4]]],
  // Rows added into the same place accumulate in float32 and round once (the CPU rounds each add).
  ["index_add", (x, s) => x.indexAdd(0, torch.tensor([0, 0, 2]).to(x.device), s), [[4, 5], [3, 5]]],
  ["scatter_add", (x, s) => x.scatterAdd(0, torch.tensor([[0, 1, 2, 3], [0, 0, 0, 0]]).to(x.device), s), [[4, 5], [2, 4]]],
];

describe("webgpu float16/bfloat16: reductions, matmul, conv, softmax, norms", { skip }, () => {
  for (const dt of HALVES) {
    for (const [name, f, shapes] of TOLERANT) {
      test(`${name} (${dt.name}): values and gradients within half tolerance, of the input's dtype`, async () => {
        torch.manualSeed(5);
        const xs = shapes.map((s) => torch.randn(s).to(dt));
        torch.manualSeed(6);
        const cpuIn = xs.map((x) => x.clone().requiresGrad_(true));
        const cpu = f(...cpuIn);
        const go = torch.randn(cpu.shape).to(dt);
        cpu.backward(go);
        const gpuIn = xs.map((x) => x.to("webgpu").requiresGrad_(true));
        const gpu = f(...gpuIn);
        gpu.backward(go.to("webgpu"));
        assert.equal(gpu.dtype, dt);
        const tol = 4 * EPS[dt.name]!;
        close(await floats(gpu), await floats(cpu), `${name} forward`, tol);
        for (let i = 0; i < xs.length; i++) {
          const gg = gpuIn[i]!.grad!;
          assert.equal(gg.dtype, dt, `${name}: gradient ${i} dtype`);
          close(await floats(gg), await floats(cpuIn[i]!.grad!), `${name} gradient ${i}`, tol);
        }
      });
    }
  }
});

describe("webgpu float16/bfloat16: models", { skip }, () => {
  const make = (): torch.nn.Sequential => new torch.nn.Sequential(new torch.nn.Linear(6, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 3));

  /** A half model on the device and the same model on the CPU (in the same dtype, and in float32 for optimizers). */
  function models(dt: Half): { gpu: torch.nn.Sequential; cpu: torch.nn.Sequential; cpu32: torch.nn.Sequential } {
    torch.manualSeed(11);
    const cpu = make();
    if (dt === torch.float16) cpu.half(); else cpu.to(dt);
    const gpu = make();
    gpu.to(dt);
    gpu.loadStateDict(cpu.stateDict());
    gpu.to("webgpu");
    const cpu32 = make();
    cpu32.loadStateDict(new Map([...cpu.stateDict()].map(([k, v]) => [k, v.float()])));
    return { gpu, cpu, cpu32 };
  }

  for (const dt of HALVES) {
    test(`gradients of a small ${dt.name} model match the CPU's and are ${dt.name}`, async () => {
      const { gpu, cpu } = models(dt);
      for (const p of gpu.parameters()) { assert.equal(p.dtype, dt); assert.equal(p.device.type, "webgpu"); }
      torch.manualSeed(12);
      const x = torch.randn(5, 6).to(dt), y = torch.tensor([0, 1, 2, 1, 0]);
      const lc = F.crossEntropy(cpu.call(x) as torch.Tensor, y);
      lc.backward();
      const lg = F.crossEntropy(gpu.call(x.to("webgpu")) as torch.Tensor, y.to("webgpu"));
      lg.backward();
      assert.equal(lg.dtype, dt);
      const tol = 4 * EPS[dt.name]!;
      close([Number(await lg.itemAsync())], [Number(lc.item())], "loss", tol);
      const gp = [...gpu.parameters()], cp = [...cpu.parameters()];
      for (let i = 0; i < gp.length; i++) {
        assert.equal(gp[i]!.grad!.dtype, dt);
        close(await floats(gp[i]!.grad!), await floats(cp[i]!.grad!), `grad ${i}`, tol);
      }
    });

    for (const [name, make] of [
      ["SGD", (ps: torch.Tensor[]) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
      ["Adam", (ps: torch.Tensor[]) => new torch.optim.Adam(ps, { lr: 0.01 })],
    ] as const) {
      test(`one ${name} step of a ${dt.name} model: parameters follow the CPU's float32 step, rounded`, async () => {
        const { gpu, cpu32 } = models(dt);
        torch.manualSeed(13);
        const x = torch.randn(5, 6).to(dt), y = torch.tensor([0, 1, 2, 1, 0]);
        const gp = [...gpu.parameters()], cp = [...cpu32.parameters()];
        const og = make(gp), oc = make(cp);
        F.crossEntropy(gpu.call(x.to("webgpu")) as torch.Tensor, y.to("webgpu")).backward();
        // The CPU steps in float32 from the same (16-bit) gradients.
        for (let i = 0; i < gp.length; i++) cp[i]!.grad = (await gp[i]!.grad!.cpuAsync()).float();
        og.step();
        oc.step();
        for (let i = 0; i < gp.length; i++) {
          assert.equal(gp[i]!.dtype, dt);
          const stepped = await gp[i]!.cpuAsync();
          // Rounded to the format once: the float32 step's result, to nearest.
          close(await floats(stepped), await floats(cp[i]!.detach().to(dt)), `${name} param ${i}`, 2 * EPS[dt.name]!);
        }
        if (name === "Adam") {
          const state = og.state.get(gp[0]!)!;
          assert.equal((state.exp_avg as torch.Tensor).dtype, dt);
          const ea = await floats(state.exp_avg as torch.Tensor);
          sameBits(ea, await floats(torch.tensor(ea).to(dt)), "exp_avg holds values of the format");
        }
      });
    }
  }
});
