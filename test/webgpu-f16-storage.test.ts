// float16 tensors stored as f16 (2 bytes per element) where the adapter offers "shader-f16"
// (lavapipe does; TORCH_TS_WEBGPU_F16_STORAGE=0 keeps float32 buffers): the storage really is
// 16-bit, transfers copy the bits, views at odd offsets and odd lengths work, and results equal
// the CPU's float16 results bit for bit where test/webgpu-half.test.ts asks that of float32 buffers;
// float16 products (matmul, bmm, linear, their gradients) run one GEMM on the f16 buffers, no copies.
// Skipped without an adapter; the 16-bit checks are skipped where the context does not store f16.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { context } from "../src/webgpu/runtime.js";
import { gpuOf } from "../src/webgpu/storage.js";
import { type MatmulConfig, setGemmDefaults } from "../src/backends/webgpu/matmul.js";
import { dispatchKeys } from "./support/dispatches.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

const f16Storage = (): boolean => context().f16Storage;

async function bits(t: torch.Tensor): Promise<number[]> {
  const c = await t.detach().cpuAsync();
  assert.equal(c.dtype, torch.float16);
  return Array.from(c.contiguous().storage.data as Uint16Array).slice(c.contiguous()._offset, c.contiguous()._offset + c.numel());
}

function cpuBits(t: torch.Tensor): number[] {
  const c = t.contiguous();
  return Array.from((c.storage.data as Uint16Array).subarray(c._offset, c._offset + c.numel()));
}

/** Values with every kind of float16: normals, subnormals, zeros of both signs, infinities, NaN, overflow. */
function special(n: number): torch.Tensor {
  const base = [1, -2.5, 65504, 70000, -70000, 6e-8, -3e-6, 0, -0, Infinity, -Infinity, NaN, 1 / 3, 1e-4, 2049, 0.1];
  const v = Array.from({ length: n }, (_, i) => base[i % base.length]! * (1 + (i >> 4) / 7));
  return torch.tensor(v).to(torch.float16);
}

describe("webgpu float16 storage", { skip }, () => {
  test("the context decides: shader-f16 and TORCH_TS_WEBGPU_F16_STORAGE", () => {
    const ctx = context();
    const wanted = ctx.features.has("shader-f16") && process.env["TORCH_TS_WEBGPU_F16_STORAGE"] !== "0";
    assert.equal(ctx.f16Storage, wanted);
    const x = torch.zeros([3], { dtype: torch.float16 }).to("webgpu");
    assert.equal(gpuOf(x).dtype, wanted ? "float16" : "float32");
    // bfloat16 and the narrow integers stay 32-bit.
    assert.equal(gpuOf(torch.zeros([3], { dtype: torch.bfloat16 }).to("webgpu")).dtype, "float32");
    assert.equal(gpuOf(torch.zeros([3], { dtype: torch.int16 }).to("webgpu")).dtype, "int32");
  });

  test("a float16 tensor of n elements takes 2n bytes; half() halves a model's parameter memory", async (t) => {
    if (!f16Storage()) { t.skip("float16 is stored in float32 here"); return; }
    await torch.webgpu.synchronize();
    const n = 1 << 20;
    const before = torch.webgpu.memoryAllocated();
    const h = torch.zeros([n], { dtype: torch.float16, device: "webgpu" });
    assert.equal(torch.webgpu.memoryAllocated() - before, 2 * n);
    assert.equal(h.storage.length >= n, true);
    const f = torch.zeros([n], { device: "webgpu" });
    assert.equal(torch.webgpu.memoryAllocated() - before, 6 * n);
    h[Symbol.dispose](); f[Symbol.dispose]();
    // model.half().to("webgpu") against model.to("webgpu"): the parameters take half the bytes.
    const make = (): torch.nn.Sequential => new torch.nn.Sequential(new torch.nn.Linear(512, 512), new torch.nn.Linear(512, 256));
    const params = (512 * 512 + 512) + (512 * 256 + 256);
    const m0 = torch.webgpu.memoryAllocated();
    const model32 = make().to("webgpu");
    const f32Bytes = torch.webgpu.memoryAllocated() - m0;
    const model = make().half().to("webgpu");
    const halfBytes = torch.webgpu.memoryAllocated() - m0 - f32Bytes;
    assert.ok(f32Bytes >= 4 * params, `float32 parameters take ${f32Bytes} bytes`);
    assert.ok(halfBytes >= 2 * params && halfBytes <= f32Bytes / 2, `float16 parameters take ${halfBytes} bytes, float32 ${f32Bytes}`);
    assert.equal([...model32.parameters()].length, 4);
    for (const p of model.parameters()) assert.equal(gpuOf(p).dtype, "float16");
  });

  test("uploads and downloads copy the bits: odd lengths, odd offsets, strided views", async () => {
    for (const n of [1, 2, 3, 5, 16, 17, 1001]) {
      const x = special(n);
      const g = x.to("webgpu");
      assert.deepEqual(await bits(g), cpuBits(x), `n=${n}`);
      if (n > 2) {
        assert.deepEqual(await bits(g.narrow(0, 1, n - 2)), cpuBits(x.narrow(0, 1, n - 2)), `odd offset n=${n}`);
        assert.deepEqual(await bits(g.get("1::2")), cpuBits(x.get("1::2")), `stride 2 n=${n}`);
        // A CPU view at an odd offset uploads its own elements.
        assert.deepEqual(await bits(x.narrow(0, 1, n - 2).to("webgpu")), cpuBits(x.narrow(0, 1, n - 2)), `cpu view n=${n}`);
      }
      assert.equal(await g.get(0).itemAsync(), x.get(0).item());
    }
  });

  test("ops on views at odd offsets and of odd lengths equal the CPU's bit for bit", async () => {
    const x = special(37), y = torch.linspace(-3, 3, 37).to(torch.float16);
    const gx = x.to("webgpu"), gy = y.to("webgpu");
    const cases: [string, (a: torch.Tensor, b: torch.Tensor) => torch.Tensor][] = [
      ["add", (a, b) => a.narrow(0, 1, 33).add(b.narrow(0, 3, 33))],
      ["mul strided", (a, b) => a.get("1::3").mul(b.get("::3").narrow(0, 0, 12))],
      ["exp", (a) => a.narrow(0, 5, 7).exp()],
      ["where", (a, b) => a.where(a.gt(b), b).narrow(0, 1, 35)],
      ["sum", (a, b) => a.narrow(0, 1, 9).add(b.narrow(0, 1, 9)).sum()],
      ["amax", (a) => a.narrow(0, 1, 5).amax()],
      ["cumsum", (a, b) => b.narrow(0, 1, 11).cumsum(0)],
      ["sort", (a, b) => b.narrow(0, 3, 13).sort({ descending: true }).values],
      ["matmul", (a, b) => b.narrow(0, 1, 36).reshape([6, 6]).matmul(b.narrow(0, 0, 36).reshape([6, 6]))],
      ["softmax", (a, b) => b.narrow(0, 1, 35).reshape([5, 7]).softmax(1)],
      ["gather", (a, b) => b.narrow(0, 1, 35).reshape([5, 7]).gather(1, torch.tensor([[0, 6], [1, 5], [2, 4], [3, 3], [4, 2]]).to(a.device))],
      ["index_select", (a, b) => b.narrow(0, 1, 35).reshape([5, 7]).indexSelect(0, torch.tensor([4, 0, 2]).to(a.device))],
    ];
    for (const [name, f] of cases) {
      const e = f(x, y);
      const r = f(gx, gy);
      assert.equal(r.dtype, torch.float16, name);
      if (name === "matmul" || name === "softmax" || name === "sum") {
        const a = (await r.cpuAsync()).float().reshape(-1).tolist() as number[], b = e.float().reshape(-1).tolist() as number[];
        for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]) || Math.abs(a[i]! - b[i]!) <= 2e-3 * (1 + Math.abs(b[i]!)), `${name}[${i}] ${a[i]} vs ${b[i]}`);
      } else {
        assert.deepEqual(await bits(r), cpuBits(e), name);
      }
    }
  });

  test("in-place ops on float16 views write 16-bit values in place", async () => {
    const x = special(21), y = torch.linspace(-1, 1, 21).to(torch.float16);
    const gx = x.to("webgpu"), gy = y.to("webgpu");
    x.narrow(0, 3, 9).mul_(y.narrow(0, 1, 9)); gx.narrow(0, 3, 9).mul_(gy.narrow(0, 1, 9));
    x.get("::2").add_(0.3); gx.get("::2").add_(0.3);
    x.narrow(0, 1, 3).fill_(-7.1); gx.narrow(0, 1, 3).fill_(-7.1);
    x.narrow(0, 5, 4).copy_(torch.tensor([1e5, -1e-7, 0.333, 2])); gx.narrow(0, 5, 4).copy_(torch.tensor([1e5, -1e-7, 0.333, 2]).to("webgpu"));
    x.narrow(0, 11, 3).copy_(y.narrow(0, 0, 3)); gx.narrow(0, 11, 3).copy_(y.narrow(0, 0, 3));
    x.indexAdd_(0, torch.tensor([1, 3, 3]), torch.tensor([0.5, 0.25, 0.125]).to(torch.float16));
    gx.indexAdd_(0, torch.tensor([1, 3, 3]).to("webgpu"), torch.tensor([0.5, 0.25, 0.125]).to(torch.float16).to("webgpu"));
    x.scatterAdd_(0, torch.tensor([2, 2, 20]), torch.tensor([1, 2, 3]).to(torch.float16));
    gx.scatterAdd_(0, torch.tensor([2, 2, 20]).to("webgpu"), torch.tensor([1, 2, 3]).to(torch.float16).to("webgpu"));
    assert.equal(gpuOf(gx).dtype, f16Storage() ? "float16" : "float32");
    assert.deepEqual(await bits(gx), cpuBits(x));
  });

  test("casts float16 <-> every dtype equal the CPU's", async () => {
    const x = special(40);
    const gx = x.to("webgpu");
    const others = [torch.float32, torch.bfloat16, torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8, torch.bool];
    for (const d of others) {
      const fin = x.isfinite().logicalAnd(x.abs().lt(30000));
      // Casting non-finite or out-of-range floats to integers is undefined in PyTorch: finite, in-range values only.
      const src = d.isFloatingPoint || d === torch.bool ? x : x.where(fin, 0);
      const gsrc = src.to("webgpu");
      const e = src.to(d), r = gsrc.to(d);
      assert.deepEqual((await r.cpuAsync()).tolist(), e.tolist(), `float16 -> ${d.name}`);
      assert.deepEqual(await bits(r.to(torch.float16)), cpuBits(e.to(torch.float16)), `${d.name} -> float16`);
    }
    assert.deepEqual(await bits(gx.to(torch.float16)), cpuBits(x), "float16 -> float16");
  });

  test("a half model's training steps follow the CPU's: half forward/backward, float32 step rounded (SGD momentum, Adam)", async () => {
    // The CPU's optimizers take float32 parameters: its half step is the float32 step from the half
    // gradients, rounded to float16 (as the device's fused kernels compute).
    for (const make of [
      (ps: torch.Tensor[]) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
      (ps: torch.Tensor[]) => new torch.optim.Adam(ps, { lr: 0.01 }),
    ]) {
      const net = (): torch.nn.Sequential => new torch.nn.Sequential(new torch.nn.Linear(7, 5), new torch.nn.ReLU(), new torch.nn.Linear(5, 3));
      torch.manualSeed(3);
      const cpu = net().half();
      const gpu = net().half();
      gpu.loadStateDict(cpu.stateDict());
      gpu.to("webgpu");
      const master = [...cpu.parameters()].map((p) => p.detach().float().requiresGrad_(true));
      const x = torch.randn([9, 7]).to(torch.float16), y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2]);
      const oc = make(master), og = make([...gpu.parameters()]);
      // One step: later steps read state the device keeps in float16 (the CPU's master state is float32).
      torch.nn.functional.crossEntropy(cpu.call(x) as torch.Tensor, y).backward();
      torch.nn.functional.crossEntropy(gpu.call(x.to("webgpu")) as torch.Tensor, y.to("webgpu")).backward();
      [...cpu.parameters()].forEach((p, i) => { master[i]!.grad = p.grad!.float(); });
      oc.step(); og.step();
      torch.noGrad(() => [...cpu.parameters()].forEach((p, i) => p.copy_(master[i]!.detach())));
      const pc = [...cpu.parameters()], pg = [...gpu.parameters()];
      for (let i = 0; i < pc.length; i++) {
        assert.equal(pg[i]!.dtype, torch.float16);
        if (f16Storage()) {
          assert.equal(gpuOf(pg[i]!).dtype, "float16");
          const state = og.state.get(pg[i]!)!;
          const buf = (state.momentum_buffer ?? state.exp_avg) as torch.Tensor;
          assert.equal(gpuOf(buf).dtype, "float16", "optimizer state is stored as f16");
        }
        const a = (await pg[i]!.detach().cpuAsync()).float().reshape(-1).tolist() as number[];
        const b = pc[i]!.detach().float().reshape(-1).tolist() as number[];
        // The gradients' sums run in another order on the GPU: an ulp or two of float16 apart at most.
        for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) <= 2e-3 * (1 + Math.abs(b[k]!)), `param ${i}[${k}]: ${a[k]} vs ${b[k]}`);
      }
    }
  });

  test("the composed optimizers (RMSprop, Adagrad) and AdamW with amsgrad update float16 parameters in place", async () => {
    for (const make of [
      (ps: torch.Tensor[]) => new torch.optim.RMSprop(ps, { lr: 0.01, momentum: 0.5 }),
      (ps: torch.Tensor[]) => new torch.optim.Adagrad(ps, { lr: 0.1 }),
      (ps: torch.Tensor[]) => new torch.optim.AdamW(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 }),
    ]) {
      torch.manualSeed(1);
      const start = torch.randn(37).to(torch.float16);
      const p = start.to("webgpu").requiresGrad_(true);
      const opt = make([p]);
      for (let step = 0; step < 2; step++) {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
      }
      assert.equal(p.dtype, torch.float16);
      if (f16Storage()) assert.equal(gpuOf(p).dtype, "float16");
      const after = (await p.detach().cpuAsync()).float().tolist() as number[];
      const before = start.float().tolist() as number[];
      // x² pulls every parameter toward 0: each stays finite and no farther from 0 than it started.
      for (let i = 0; i < after.length; i++) {
        assert.ok(Number.isFinite(after[i]!) && Math.abs(after[i]!) < Math.abs(before[i]!) + 1e-3, `${opt.constructor.name}[${i}]: ${before[i]} -> ${after[i]}`);
      }
    }
  });

  // ---- the GEMM on f16 operands ----------------------------------------------------------------

  /** A tile small enough for a CPU adapter's shader compiler: the tiled kernel through tensor ops. */
  const TINY: MatmulConfig = { BM: 16, BN: 16, BK: 4, TM: 4, TN: 4 };
  const F = torch.nn.functional;

  /** Keys of pointwise copies that convert between dtypes (the staging copies of float16 products). */
  const conversions = (keys: string[]): string[] => keys.filter((k) => {
    const [kind, op, , , out, ins] = k.split("|");
    return kind === "pw" && op === "identity" && (ins ?? "").split(",").some((d) => d !== out);
  });

  test("float16 matmul, bmm and linear equal the float32 product of the same values rounded once, bit for bit", async () => {
    torch.manualSeed(5);
    const h = (...shape: number[]): torch.Tensor => torch.randn(shape).to(torch.float16).to("webgpu");
    const cases: [string, torch.Tensor[], (t: torch.Tensor[]) => torch.Tensor][] = [
      ["mm, odd sizes", [h(5, 7), h(7, 3)], ([a, b]) => a!.matmul(b!)],
      ["transposed operands", [h(7, 5), h(6, 7)], ([a, b]) => a!.t().matmul(b!.t())],
      ["bmm", [h(2, 5, 9), h(2, 9, 6)], ([a, b]) => torch.bmm(a!, b!)],
      ["broadcast batch, vector", [h(2, 3, 5, 4), h(4)], ([a, b]) => a!.matmul(b!)],
      ["linear with bias, 3-d input", [h(2, 3, 7), h(5, 7), h(5)], ([x, w, b]) => F.linear(x!, w!, b!)],
      ["linear on rows that are not one strided dim", [h(3, 2, 8), h(4, 8), h(4)], ([x, w, b]) => F.linear(x!.transpose(0, 1), w!, b!)],
      // K = 600 over one or two output tiles: the automatic split-K with the tiled kernel.
      ["x^T y (split-K when tiled)", [h(600, 20), h(600, 12)], ([x, y]) => x!.t().matmul(y!)],
    ];
    for (const config of [undefined, TINY]) {
      const previous = setGemmDefaults({ config, autoSplitK: true });
      try {
        for (const [name, inputs, f] of cases) {
          const keys = dispatchKeys(context(), () => {
            const r = f(inputs);
            assert.equal(r.dtype, torch.float16, name);
            if (f16Storage()) assert.equal(gpuOf(r).dtype, "float16", name);
          });
          if (f16Storage()) assert.deepEqual(conversions(keys), [], `${name}: ${keys.join(", ")}`);
          if (config && name.startsWith("x^T")) assert.ok(keys.some((k) => k.endsWith("|split")), keys.join(", "));
          // float32 copies, the float32 GEMM, one rounding: what float16 products computed before.
          const staged = f(inputs.map((t) => t.float())).half();
          assert.deepEqual(await bits(f(inputs)), await bits(staged), `${name} (${config ? "tiled" : "default kernel"})`);
        }
      } finally {
        setGemmDefaults(previous);
      }
    }
  });

  test("a float16 linear is one GEMM dispatch, a matmul too: no staging copies", async (t) => {
    if (!f16Storage()) { t.skip("float16 is stored in float32 here"); return; }
    torch.manualSeed(6);
    const x = torch.randn([3, 4, 8]).to(torch.float16).to("webgpu");
    const w = torch.randn([6, 8]).to(torch.float16).to("webgpu"), b = torch.randn([6]).to(torch.float16).to("webgpu");
    let y!: torch.Tensor;
    const lin = dispatchKeys(context(), () => { y = F.linear(x, w, b); });
    assert.equal(lin.length, 1, lin.join(", "));
    assert.match(lin[0]!, /^gemm.*\|f16:a,b,c,bias/);
    const mm = dispatchKeys(context(), () => { x.matmul(w.t()); });
    assert.equal(mm.length, 1, mm.join(", "));
    assert.match(mm[0]!, /^gemm.*\|f16:a,b,c/);
    assert.deepEqual(await bits(y), await bits(F.linear(x.float(), w.float(), b.float()).half()));
  });

  test("a float16 leaf of odd length takes its gradient without a copy, as one of even length", async (t) => {
    if (!f16Storage()) { t.skip("float16 is stored in float32 here"); return; }
    // Buffers hold whole 4-byte words: the odd length's spare half-word must not make the
    // gradient's storage look larger than the gradient (autograd would then clone it).
    const backwardKeys = (n: number): string[] => {
      const p = torch.ones([n], { dtype: torch.float16 }).to("webgpu").requiresGrad_(true);
      const loss = p.mul(3).sum();
      return dispatchKeys(context(), () => loss.backward());
    };
    assert.deepEqual(backwardKeys(5), backwardKeys(6));
  });

  test("a float16 linear's forward and backward: the float32 values rounded, within float16's precision, no staging copies", async () => {
    torch.manualSeed(7);
    const x32 = torch.randn([2, 3, 10]), w32 = torch.randn([4, 10]), b32 = torch.randn([4]), g32 = torch.randn([2, 3, 4]);
    // float32 references over the same (float16) values.
    const [xr, wr, br] = [x32, w32, b32].map((v) => v.half().float().requiresGrad_(true)) as [torch.Tensor, torch.Tensor, torch.Tensor];
    F.linear(xr, wr, br).backward(g32.half().float());
    const yr = F.linear(xr, wr, br).detach();
    const [xg, wg, bg] = [x32, w32, b32].map((v) => v.half().to("webgpu").requiresGrad_(true)) as [torch.Tensor, torch.Tensor, torch.Tensor];
    let y!: torch.Tensor;
    const keys = dispatchKeys(context(), () => {
      y = F.linear(xg, wg, bg);
      y.backward(g32.half().to("webgpu"));
    });
    if (f16Storage()) {
      assert.deepEqual(conversions(keys), [], keys.join(", "));
      for (const p of [xg.grad!, wg.grad!, bg.grad!]) assert.equal(gpuOf(p).dtype, "float16");
    }
    for (const [name, got, want] of [["y", y, yr], ["x.grad", xg.grad!, xr.grad!], ["w.grad", wg.grad!, wr.grad!], ["b.grad", bg.grad!, br.grad!]] as const) {
      assert.equal(got.dtype, torch.float16, name);
      const a = (await got.detach().cpuAsync()).float().reshape(-1).tolist() as number[], e = want.reshape(-1).tolist() as number[];
      // One rounding of the float32 value (an ulp is 2^-10 relative), the sums in another order.
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= 1.5e-3 * Math.abs(e[i]!) + 1e-4, `${name}[${i}]: ${a[i]} vs ${e[i]}`);
    }
  });

  test("float16 conv1d/conv2d read f16 directly: outputs and gradients equal the float32 ones rounded once, bit for bit", async () => {
    torch.manualSeed(8);
    const h = (...shape: number[]): torch.Tensor => torch.randn(shape).to(torch.float16).to("webgpu");
    const cases: [string, torch.Tensor[], (t: torch.Tensor[]) => torch.Tensor][] = [
      ["conv2d 3x3, padding, bias", [h(2, 3, 6, 5), h(4, 3, 3, 3), h(4)], ([x, w, b]) => F.conv2d(x!, w!, b!, { padding: 1 })],
      ["conv2d 1x1, groups", [h(2, 4, 3, 3), h(6, 2, 1, 1)], ([x, w]) => F.conv2d(x!, w!, null, { groups: 2 })],
      ["conv1d stride 2", [h(1, 2, 9), h(3, 2, 3), h(3)], ([x, w, b]) => F.conv1d(x!, w!, b!, { stride: 2 })],
    ];
    for (const [name, inputs, f] of cases) {
      const leaves = inputs.map((t) => t.detach().requiresGrad_(true));
      const leaves32 = inputs.map((t) => t.float().requiresGrad_(true));
      let y!: torch.Tensor;
      const keys = dispatchKeys(context(), () => { y = f(leaves); });
      if (f16Storage()) assert.deepEqual(conversions(keys), [], `${name}: ${keys.join(", ")}`);
      const y32 = f(leaves32);
      assert.deepEqual(await bits(y), await bits(y32.half()), `${name} forward`);
      const g = torch.randn(y.shape).to(torch.float16).to("webgpu");
      y.backward(g);
      y32.backward(g.float());
      for (let i = 0; i < leaves.length; i++) {
        assert.deepEqual(await bits(leaves[i]!.grad!), await bits(leaves32[i]!.grad!.half()), `${name} grad ${i}`);
      }
    }
    // F.unfold is im2col alone: a copy of the f16 bits into f16 columns.
    const x = special(2 * 3 * 5 * 4).reshape([2, 3, 5, 4]);
    let cols!: torch.Tensor;
    const keys = dispatchKeys(context(), () => { cols = F.unfold(x.to("webgpu"), [2, 3], { padding: 1, stride: [2, 1] }); });
    if (f16Storage()) assert.deepEqual(conversions(keys), [], keys.join(", "));
    assert.deepEqual(await bits(cols), cpuBits(F.unfold(x, [2, 3], { padding: 1, stride: [2, 1] })), "unfold");
  });
});
