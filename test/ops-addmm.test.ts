// addmm / baddbmm as one GEMM: beta * input + alpha * (a @ b) with the sum of alpha times the
// accumulated product and beta * input rounded once (OpenBLAS's order, which PyTorch's CPU runs),
// checked bit for bit on integer-valued products (exact accumulators) against an exact reference and
// against values recorded from PyTorch 1.13; one autograd node (AddmmBackward0 / BaddbmmBackward0)
// with PyTorch's gradients, broadcast inputs, beta = 0, dtype errors, ONNX export; on webgpu the
// float16 result rounded once. Each CPU case runs on every native ISA the CPU has and on the JS kernels.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import { isas } from "../src/backends/native/test-support.js";
import { roundedSum } from "./support/exact-rounding.js";

interface Fixture { shape: [number, number, number, number]; a: string[]; b: string[]; c: string[]; ops: Record<string, string[]> }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/addmm-fused.json", import.meta.url), "utf8")) as Fixture;

const view = new DataView(new ArrayBuffer(4));
const f32 = (h: string): number => { view.setUint32(0, parseInt(h, 16)); return view.getFloat32(0); };
const flat = (t: torch.Tensor): number[] => t.reshape(-1).tolist() as number[];

/** Runs body on each native ISA (where the addon is built), then on the JS kernels. */
function onEveryKernel(body: (where: string, exact: boolean) => void): void {
  const saved = kernels.backend;
  try {
    for (const isa of native.isAvailable() ? isas() : []) {
      native.setIsa(isa);
      kernels.backend = "native";
      body(`native ${isa}`, true);
    }
    // The JS kernels accumulate in float64 and add alpha times the product into C per K step:
    // within rounding of the exact value, not bit for bit.
    kernels.backend = "js";
    body("js", false);
  } finally {
    kernels.backend = saved;
    if (native.isAvailable()) native.setIsa(native.bestIsa()!);
  }
}

/** The expected beta * c + alpha * (a @ b) per element of one [M, N] product, rounded once. */
function expected(a: number[], b: number[], c: number[], M: number, K: number, N: number, alpha: number, beta: number): number[] {
  const af = Math.fround(alpha), bf = Math.fround(beta);
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a[i * K + k]! * b[k * N + j]!;  // small integers: exact
      const scaledC = bf === 0 ? 0 : Math.fround(bf * c[i * N + j]!);
      out.push(roundedSum([[af, acc], [scaledC]], 24));
    }
  }
  return out;
}

function assertBits(got: number[], want: number[], what: string, exact: boolean): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (exact ? Object.is(got[i], want[i]) : Math.abs(got[i]! - want[i]!) <= 2 ** -22 * (1 + Math.abs(want[i]!))) continue;
    assert.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}

describe("addmm / baddbmm: one GEMM, one rounding", () => {
  const [B, M, K, N] = fixture.shape;
  const fromHex = (h: string[]): torch.Tensor => torch.tensor(h.map(f32), { dtype: torch.float32 });
  const a = fromHex(fixture.a).reshape(B, M, K), b = fromHex(fixture.b).reshape(B, K, N), c = fromHex(fixture.c).reshape(M, N);

  test("alpha * acc + beta * input rounded once, bit for bit (exact reference and PyTorch 1.13's values)", () => {
    let discriminates = false;
    for (const [op, hex] of Object.entries(fixture.ops)) {
      const [name, alphaS, betaS] = op.split("_") as [string, string, string];
      const alpha = Number(alphaS), beta = Number(betaS);
      const pytorch = hex.map(f32);
      const want: number[] = [];
      for (let t = 0; t < (name === "addmm" ? 1 : B); t++) want.push(...expected(flat(a.get(t)), flat(b.get(t)), flat(c), M, K, N, alpha, beta));
      assert.deepEqual(want, pytorch, `${op}: the exact reference is PyTorch's`);
      const twice = name === "addmm" ? c.mul(beta).add(a.get(0).mm(b.get(0)).mul(alpha)) : c.mul(beta).add(a.bmm(b).mul(alpha));
      if (flat(twice).some((v, i) => v !== want[i])) discriminates = true;
      onEveryKernel((where, exact) => {
        const got = name === "addmm" ? torch.addmm(c, a.get(0), b.get(0), { beta, alpha }) : torch.baddbmm(c, a, b, { beta, alpha });
        assertBits(flat(got), want, `${op} ${where}`, exact);
        // Transposed operands are read through their strides.
        const gotT = name === "addmm"
          ? torch.addmm(c, a.get(0).t().contiguous().t(), b.get(0).t().contiguous().t(), { beta, alpha })
          : torch.baddbmm(c, a.transpose(1, 2).contiguous().transpose(1, 2), b, { beta, alpha });
        assertBits(flat(gotT), want, `${op} strided ${where}`, exact);
      });
    }
    assert.ok(discriminates, "test data where product-then-add gives the same values");
  });

  test("beta = 0 ignores the input (NaN included); out= and the method forms", () => {
    const nan = torch.full([M, N], NaN);
    onEveryKernel((where) => {
      const r = torch.addmm(nan, a.get(0), b.get(0), { beta: 0, alpha: 2 });
      assert.deepEqual(flat(r), flat(a.get(0).mm(b.get(0)).mul(2)), `addmm beta 0 ${where}`);
      const rb = torch.baddbmm(torch.tensor(NaN), a, b, { beta: 0 });
      assert.deepEqual(flat(rb), flat(a.bmm(b)), `baddbmm beta 0 ${where}`);
    });
    const out = torch.empty([M, N]);
    const r = torch.addmm(c, a.get(0), b.get(0), { out });
    assert.equal(r, out);
    assert.deepEqual(flat(out), flat(c.addmm(a.get(0), b.get(0))));
    assert.deepEqual(flat(c.baddbmm(a, b, { alpha: 0.5 })), flat(torch.baddbmm(c, a, b, { alpha: 0.5 })));
  });

  test("float64, and inputs broadcast from [N], [M, 1], [1, N] and 0-d", () => {
    const x = torch.randn([5, 3], { dtype: torch.float64 }), y = torch.randn([3, 4], { dtype: torch.float64 });
    for (const shape of [[4], [5, 1], [1, 4], []]) {
      const inp = torch.randn(shape, { dtype: torch.float64 });
      const r = torch.addmm(inp, x, y, { beta: 0.5, alpha: -2 });
      const ref = inp.mul(0.5).add(x.mm(y).mul(-2));
      assert.deepEqual(r.shape, [5, 4]);
      assert.ok(Number(r.sub(ref).abs().max().item()) < 1e-12, `addmm input ${JSON.stringify(shape)}`);
      const rb = torch.baddbmm(inp, x.unsqueeze(0).expand(2, 5, 3), y.unsqueeze(0).expand(2, 3, 4), { beta: 0.5, alpha: -2 });
      assert.ok(Number(rb.sub(ref).abs().max().item()) < 1e-12, `baddbmm input ${JSON.stringify(shape)}`);
    }
  });

  test("one autograd node, PyTorch's, with its gradients; double backward", () => {
    const opts = { dtype: torch.float64, requiresGrad: true };
    const inp = torch.randn([1, 4], opts), x = torch.randn([5, 3], opts), y = torch.randn([3, 4], opts);
    const r = torch.addmm(inp, x, y, { beta: 0.5, alpha: -2 });
    assert.equal(r.gradFn?.name(), "AddmmBackward0");
    assert.equal(r.gradFn?.nextFunctions.filter(([fn]) => fn?.name() === "torch::autograd::AccumulateGrad").length, 3, "the inputs directly, no expand or mul nodes");
    const g = torch.randn([5, 4], { dtype: torch.float64 });
    r.backward(g);
    const close = (p: torch.Tensor, q: torch.Tensor, what: string): void => assert.ok(Number(p.sub(q).abs().max().item()) < 1e-12, what);
    close(inp.grad!, g.sum(0, true).mul(0.5), "d/dinput = beta g summed over the broadcast dim");
    close(x.grad!, g.mm(y.detach().t()).mul(-2), "d/dmat1 = alpha g mat2^T");
    close(y.grad!, x.detach().t().mm(g).mul(-2), "d/dmat2 = alpha mat1^T g");
    assert.ok(torch.autograd.gradcheck((p, q, s) => torch.addmm(p, q, s, { beta: 0.3, alpha: 1.7 }), [inp, x, y]));
    assert.ok(torch.autograd.gradgradcheck((p, q, s) => torch.addmm(p, q, s, { beta: 0.3, alpha: 1.7 }), [inp, x, y]));
    const bi = torch.randn([2, 1, 4], opts), b1 = torch.randn([2, 5, 3], opts), b2 = torch.randn([2, 3, 4], opts);
    assert.equal(torch.baddbmm(bi, b1, b2).gradFn?.name(), "BaddbmmBackward0");
    assert.ok(torch.autograd.gradcheck((p, q, s) => torch.baddbmm(p, q, s, { beta: -0.4, alpha: 0.9 }), [bi, b1, b2]));
  });

  test("PyTorch's errors: dtypes, shapes; integers and float16 compose as before", () => {
    const x = torch.randn([2, 3]), y = torch.randn([3, 2]);
    assert.throws(() => torch.addmm(torch.zeros([2, 2], { dtype: torch.float64 }), x, y), /self and mat2 must have the same dtype/);
    assert.throws(() => torch.addmm(torch.zeros([2, 2]), x.double(), y), /mat1 and mat2 must have the same dtype/);
    assert.throws(() => torch.addmm(torch.zeros([2, 2]), torch.randn([3]), y), /mat1 must be a matrix, got 1-D tensor/);
    assert.throws(() => torch.addmm(torch.zeros([2, 2]), x, torch.randn([2, 2])), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x2\)/);
    assert.throws(() => torch.addmm(torch.zeros([3, 2]), x, y), /The expanded size of the tensor \(2\) must match the existing size \(3\) at non-singleton dimension 0.  Target sizes: \[2, 2\].  Tensor sizes: \[3, 2\]/);
    assert.throws(() => torch.baddbmm(torch.zeros([3, 2, 2]), torch.randn([4, 2, 3]), torch.randn([4, 3, 2])), /The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 0/);
    assert.throws(() => torch.baddbmm(torch.zeros([2, 2]), torch.randn([4, 2, 3]), torch.randn([3, 3, 2])), /Expected size for first two dimensions of batch2 tensor to be: \[4, 3\] but got: \[3, 3\]/);
    const i = torch.tensor([[1, 2], [3, 4]], { dtype: torch.int64 });
    assert.deepEqual(torch.addmm(i, i, i, { beta: 2, alpha: 3 }).tolist(), [[23, 34], [51, 74]]);
    const h = torch.addmm(torch.ones([2, 2], { dtype: torch.float16 }), x.half(), y.half());
    assert.equal(h.dtype, torch.float16);
  });

  test("exports to ONNX: Gemm for addmm, MatMul + Mul + Add for baddbmm (onnxruntime agrees)", async () => {
    const ort = await import("onnxruntime-node");
    class Net extends torch.nn.Module {
      w = new torch.nn.Parameter(torch.randn([3, 4]));
      bias = new torch.nn.Parameter(torch.randn([4]));
      override forward(x: torch.Tensor): torch.Tensor {
        const h = torch.addmm(this.bias, x, this.w, { beta: 0.5, alpha: 2 });
        return torch.baddbmm(h.unsqueeze(0), h.unsqueeze(0).expand(2, -1, -1).transpose(1, 2), h.unsqueeze(0).expand(2, -1, -1), { beta: 0.25, alpha: -1 });
      }
    }
    const net = new Net();
    net.eval();
    const x = torch.randn([4, 3]);
    const bytes = torch.onnx.export(net, [x], undefined, { inputNames: ["x"], outputNames: ["y"] });
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ x: new ort.Tensor("float32", Float32Array.from(flat(x)), [4, 3]) });
    const want = flat(net.call(x));
    const got = [...(res.y!.data as Float32Array)];
    assert.equal(got.length, want.length);
    for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= 1e-4 * (1 + Math.abs(want[k]!)), `y[${k}]: ${got[k]} vs ${want[k]}`);
  });
});

const available = await torch.webgpu.isAvailable();
describe("addmm / baddbmm on webgpu", { skip: available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter" }, () => {
  before(async () => { await torch.webgpu.init(); });
  after(() => torch.webgpu.shutdown());

  test("float32 as the CPU within rounding, broadcast inputs, beta 0 / 1 / other, gradients", async () => {
    torch.manualSeed(4);
    const x = torch.randn([2, 9, 6]), y = torch.randn([2, 6, 5]);
    for (const [shape, beta, alpha] of [[[5], 1, 1], [[9, 1], 0.5, -2], [[2, 1, 5], 0, 3], [[], 1, 0.25]] as [number[], number, number][]) {
      const inp = torch.randn(shape);
      const want = flat(torch.baddbmm(inp.expand(2, 9, 5), x, y, { beta, alpha }));
      const got = flat(await torch.baddbmm(inp.to("webgpu"), x.to("webgpu"), y.to("webgpu"), { beta, alpha }).cpuAsync());
      want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-5 * (1 + Math.abs(w)), `baddbmm ${JSON.stringify(shape)} [${i}]: ${got[i]} vs ${w}`));
      if (shape.length <= 2) {
        const want2 = flat(torch.addmm(inp, x.get(0), y.get(0), { beta, alpha }));
        const got2 = flat(await torch.addmm(inp.to("webgpu"), x.get(0).to("webgpu"), y.get(0).to("webgpu"), { beta, alpha }).cpuAsync());
        want2.forEach((w, i) => assert.ok(Math.abs(got2[i]! - w) <= 1e-5 * (1 + Math.abs(w)), `addmm ${JSON.stringify(shape)} [${i}]: ${got2[i]} vs ${w}`));
      }
    }
    const inp = torch.randn([5], { requiresGrad: true }), m1 = torch.randn([9, 6], { requiresGrad: true }), m2 = torch.randn([6, 5], { requiresGrad: true });
    const g = torch.randn([9, 5]);
    torch.addmm(inp, m1, m2, { beta: 0.5, alpha: 2 }).backward(g);
    const [gi, g1, g2] = [inp.grad!, m1.grad!, m2.grad!].map(flat);
    const di = inp.detach().to("webgpu").requiresGrad_(), d1 = m1.detach().to("webgpu").requiresGrad_(), d2 = m2.detach().to("webgpu").requiresGrad_();
    const r = torch.addmm(di, d1, d2, { beta: 0.5, alpha: 2 });
    assert.equal(r.gradFn?.name(), "AddmmBackward0");
    r.backward(g.to("webgpu"));
    for (const [got, want, what] of [[di.grad!, gi, "input"], [d1.grad!, g1, "mat1"], [d2.grad!, g2, "mat2"]] as const) {
      const v = flat(await got.cpuAsync());
      want.forEach((w, i) => assert.ok(Math.abs(v[i]! - w) <= 1e-5 * (1 + Math.abs(w)), `grad ${what}[${i}]`));
    }
  });

  test("float16: the product and the input summed in float32, rounded once to float16", async () => {
    // Integer-valued operands: the float32 accumulator is exact, so the expected value is the
    // float32 sum acc + input rounded to float16 once; product-then-add rounds the product first.
    torch.manualSeed(5);
    const x = torch.randint(-64, 64, [8, 7]).to(torch.float16), y = torch.randint(-64, 64, [7, 6]).to(torch.float16);
    const inp = torch.randn([8, 6]).mul(3).to(torch.float16);
    const exactSum = inp.float().add(x.float().mm(y.float()));
    const want = flat(exactSum.half().float());
    const twice = flat(inp.add(x.float().mm(y.float()).half()).float());
    assert.ok(twice.some((v, i) => v !== want[i]), "test data where two roundings give the same values");
    const got = flat((await torch.addmm(inp.to("webgpu"), x.to("webgpu"), y.to("webgpu")).cpuAsync()).float());
    assert.deepEqual(got, want);
  });
});
