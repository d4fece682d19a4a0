// add/sub/rsub (and add_/sub_, out=) with alpha on floating tensors: a + alpha * b rounded once, as
// PyTorch's fused kernel, bit for bit against an exact reference (BigInt arithmetic, one rounding)
// and against values recorded from PyTorch 1.13. Every case runs on each native ISA the CPU has
// and on the JS kernels; the webgpu variant runs where an adapter exists.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import { isas } from "../src/backends/native/test-support.js";
import { bf16ToF32 } from "../src/core/dtype.js";
import { roundedSum } from "./support/exact-rounding.js";

type Fixture = Record<string, { a: string[]; b: string[]; ops: Record<string, string[]> }>;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/alpha-fused.json", import.meta.url), "utf8")) as Fixture;

// ---- exact reference ----------------------------------------------------------------------------

const view = new DataView(new ArrayBuffer(8));

/** a + alpha * b computed exactly, then rounded once to `bits` bits (24: float32, 53: float64). */
function fused(a: number, alpha: number, b: number, bits: number): number {
  return roundedSum([[a], [alpha, b]], bits);
}

const BITS: Record<string, number> = { float32: 24, float64: 53, float16: 24, bfloat16: 24 };

/** alpha as PyTorch converts it to the dtype (alpha.to<scalar_t>()). */
function alphaIn(alpha: number, dtype: torch.DType): number {
  return (torch.tensor([alpha], { dtype }).tolist() as number[])[0]!;
}

/**
 * The expected out = a + sign * alpha * b (broadcast by the caller: equal-length value lists) in
 * `dtype`: one rounding (16-bit floats: the float32 fma, then the dtype's rounding, as PyTorch's
 * vectorised kernels).
 */
function expected(a: number[], b: number[], alpha: number, sign: 1 | -1, dtype: torch.DType): number[] {
  const s = sign * alphaIn(alpha, dtype);
  const r = a.map((x, i) => fused(x, s, b[i]!, BITS[dtype.name]!));
  return dtype.name === "float16" || dtype.name === "bfloat16" ? (torch.tensor(r, { dtype: torch.float32 }).to(dtype).tolist() as number[]) : r;
}

function flat(t: torch.Tensor): number[] {
  return t.reshape(-1).tolist() as number[];
}

function assertBits(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]} (one rounding)`);
  }
}

/** That the data tells one rounding from two: some a + round(alpha * b) differs from the fused value. */
function assertDiscriminates(a: number[], b: number[], alpha: number, dtype: torch.DType, want: number[]): void {
  const two = torch.tensor(a, { dtype }).add(torch.tensor(b, { dtype }).mul(alphaIn(alpha, dtype)));
  assert.ok(flat(two).some((v, i) => v !== want[i]), "test data where two roundings give the same values");
}

// ---- backends ------------------------------------------------------------------------------------

/** Runs body on each native ISA (where the addon is built), then on the JS kernels. */
function onEveryKernel(body: (where: string) => void): void {
  const saved = kernels.backend;
  try {
    for (const isa of native.isAvailable() ? isas() : []) {
      native.setIsa(isa);
      kernels.backend = "native";
      body(`native ${isa}`);
    }
    kernels.backend = "js";
    body("js");
  } finally {
    kernels.backend = saved;
    if (native.isAvailable()) native.setIsa(native.bestIsa()!);
  }
}

const FLOATS = [torch.float32, torch.float64] as const;

describe("add/sub with alpha: one rounding", () => {
  test("contiguous, small and above the native threshold, add/sub/rsub, in place and out=", () => {
    for (const dtype of FLOATS) {
      for (const n of [7, 1000]) {
        torch.manualSeed(n);
        const a = torch.randn([n], { dtype }), b = torch.randn([n], { dtype });
        const av = flat(a), bv = flat(b), alpha = 0.3;
        const add = expected(av, bv, alpha, 1, dtype), sub = expected(av, bv, alpha, -1, dtype), rsub = expected(bv, av, alpha, -1, dtype);
        if (n === 1000) assertDiscriminates(av, bv, alpha, dtype, add);
        onEveryKernel((where) => {
          const what = `${dtype.name} n=${n} ${where}`;
          assertBits(flat(torch.add(a, b, { alpha })), add, `add ${what}`);
          assertBits(flat(a.sub(b, alpha)), sub, `sub ${what}`);
          assertBits(flat(torch.rsub(a, b, { alpha })), rsub, `rsub ${what}`);
          assertBits(flat(a.clone().add_(b, { alpha })), add, `add_ ${what}`);
          assertBits(flat(a.clone().sub_(b, { alpha })), sub, `sub_ ${what}`);
          const out = torch.empty([n], { dtype });
          torch.add(a, b, { alpha, out });
          assertBits(flat(out), add, `add out= ${what}`);
          torch.sub(a, b, { alpha, out });
          assertBits(flat(out), sub, `sub out= ${what}`);
        });
      }
    }
  });

  test("broadcast rows, a Number operand, strided (transposed) operands", () => {
    for (const dtype of FLOATS) {
      torch.manualSeed(1);
      const a = torch.randn([40, 33], { dtype }), row = torch.randn([33], { dtype }), bt = torch.randn([33, 40], { dtype }).t();
      const alpha = -1.7;
      const av = flat(a), rowv = flat(a.mul(0).add(row)), btv = flat(bt);
      const wantRow = expected(av, rowv, alpha, 1, dtype), wantT = expected(av, btv, alpha, -1, dtype);
      const wantScalar = expected(av, av.map(() => alphaIn(2.7, dtype)), alpha, 1, dtype);
      onEveryKernel((where) => {
        const what = `${dtype.name} ${where}`;
        assertBits(flat(torch.add(a, row, { alpha })), wantRow, `add broadcast ${what}`);
        assertBits(flat(torch.sub(a, bt, { alpha })), wantT, `sub transposed ${what}`);
        assertBits(flat(a.t().contiguous().t().sub(bt, { alpha })), wantT, `sub both strided ${what}`);
        assertBits(flat(torch.add(a, 2.7, { alpha })), wantScalar, `add Number ${what}`);
        assertBits(flat(a.clone().add_(row, { alpha })), wantRow, `add_ broadcast ${what}`);
      });
    }
  });

  test("outputs of 2 MiB and more (the streaming kernel), also row by row and in place", () => {
    // The exact reference is slow (BigInt): every element near both ends, every 7th between (7 is
    // prime to every vector width, so each lane is checked).
    const picked = (n: number): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => i < 4096 || i >= n - 4096 || i % 7 === 0);
    const at = (v: number[], idx: number[]): number[] => idx.map((i) => v[i]!);
    for (const dtype of FLOATS) {
      const n = (2 << 20) / (dtype === torch.float32 ? 4 : 8) + 3;
      torch.manualSeed(2);
      const a = torch.randn([n], { dtype }), b = torch.randn([n], { dtype }), alpha = 0.3;
      const idx = picked(n), idx1 = picked(n - 1);
      const av = flat(a), bv = flat(b);
      const want = expected(at(av, idx), at(bv, idx), alpha, 1, dtype);
      const want1 = expected(at(av, idx1.map((i) => i + 1)), at(bv, idx1.map((i) => i + 1)), alpha, 1, dtype);
      const rows = torch.randn([n - 3], { dtype }).reshape(-1, 512), row = torch.randn([512], { dtype });
      const idxRows = picked(n - 3);
      const wantRows = expected(at(flat(rows), idxRows), at(flat(rows.mul(0).add(row)), idxRows), alpha, -1, dtype);
      onEveryKernel((where) => {
        const what = `${dtype.name} n=${n} ${where}`;
        assertBits(at(flat(torch.add(a, b, { alpha })), idx), want, `add ${what}`);
        assertBits(at(flat(torch.add(a.get("1:"), b.get("1:"), { alpha })), idx1), want1, `add unaligned ${what}`);
        assertBits(at(flat(a.clone().add_(b, { alpha })), idx), want, `add_ ${what}`);
        assertBits(at(flat(torch.sub(rows, row, { alpha })), idxRows), wantRows, `sub rows ${what}`);
      });
    }
  });

  test("float16 and bfloat16: alpha in the dtype, the fma in float32, rounded to the dtype", () => {
    for (const dtype of [torch.float16, torch.bfloat16]) {
      torch.manualSeed(3);
      const a = torch.randn([600]).to(dtype), b = torch.randn([600]).to(dtype), alpha = 0.3;
      const av = flat(a), bv = flat(b);
      const want = expected(av, bv, alpha, 1, dtype), wantSub = expected(av, bv, alpha, -1, dtype);
      onEveryKernel((where) => {
        assertBits(flat(torch.add(a, b, { alpha })), want, `add ${dtype.name} ${where}`);
        assertBits(flat(a.clone().sub_(b, { alpha })), wantSub, `sub_ ${dtype.name} ${where}`);
      });
    }
  });

  test("equal to PyTorch 1.13's values (float32, float64, bfloat16; contiguous, strided, Number operand)", () => {
    const decode: Record<string, (h: string) => number> = {
      float32: (h) => { view.setUint32(0, parseInt(h, 16)); return view.getFloat32(0); },
      float64: (h) => { view.setBigUint64(0, BigInt(`0x${h}`)); return view.getFloat64(0); },
      bfloat16: (h) => bf16ToF32(parseInt(h, 16)),
    };
    for (const [name, c] of Object.entries(fixture)) {
      const dtype = name === "float32" ? torch.float32 : name === "float64" ? torch.float64 : torch.bfloat16;
      const a = torch.tensor(c.a.map(decode[name]!), { dtype }), b = torch.tensor(c.b.map(decode[name]!), { dtype });
      onEveryKernel((where) => {
        for (const [op, hex] of Object.entries(c.ops)) {
          const alpha = Number(op.replace(/^[a-zA-Z]+/, ""));
          const got = op.startsWith("addStrided") ? torch.add(a.get("::2"), b.flip(0).get("::2"), { alpha })
            : op.startsWith("addScalar") ? torch.add(a, 2.7, { alpha })
            : op.startsWith("add") ? torch.add(a, b, { alpha })
            : op.startsWith("sub") ? torch.sub(a, b, { alpha })
            : torch.rsub(a, b, { alpha });
          assertBits(flat(got), hex.map(decode[name]!), `${name} ${op} ${where}`);
        }
      });
    }
  });

  test("one autograd node, PyTorch's, with d/da = g and d/db = ±alpha g", () => {
    const x = torch.randn([3], { dtype: torch.float64, requiresGrad: true }), y = torch.randn([3], { dtype: torch.float64, requiresGrad: true });
    const cases: [() => torch.Tensor, string, number, number][] = [
      [() => torch.add(x, y, { alpha: 2.5 }), "AddBackward0", 1, 2.5],
      [() => torch.sub(x, y, { alpha: 2.5 }), "SubBackward0", 1, -2.5],
      [() => torch.rsub(x, y, { alpha: 2.5 }), "RsubBackward0", -2.5, 1],
    ];
    for (const [f, node, gx, gy] of cases) {
      x.grad = null; y.grad = null;
      const r = f();
      assert.equal(r.gradFn?.name(), node);
      assert.equal(r.gradFn?.nextFunctions.filter(([fn]) => fn !== null).length, 2, `${node} records both inputs, no Mul node in between`);
      r.backward(torch.ones([3], { dtype: torch.float64 }).mul(2));
      assert.deepEqual(x.grad!.tolist(), [2 * gx, 2 * gx, 2 * gx], `${node} d/dx`);
      assert.deepEqual(y.grad!.tolist(), [2 * gy, 2 * gy, 2 * gy], `${node} d/dy`);
    }
    assert.equal(torch.rsub(x, 2, { alpha: 3 }).gradFn?.name(), "RsubBackward1");
    assert.equal(x.add(1.5, { alpha: 3 }).gradFn?.name(), "AddBackward0");
    assert.ok(torch.autograd.gradcheck((p, q) => torch.sub(p, q, { alpha: -0.7 }), [x, y]));
  });

  test("native.binary takes alpha for add and sub only", { skip: native.isAvailable() ? false : "native addon not built" }, () => {
    const a = Float32Array.of(1, 2), b = Float32Array.of(3, 4), out = new Float32Array(2);
    native.binary("sub", [2], { data: a, strides: [1] }, { data: b, strides: [1] }, out, 0, 0.5);
    assert.deepEqual([...out], [-0.5, 0]);
    assert.throws(() => native.binary("mul", [2], { data: a, strides: [1] }, { data: b, strides: [1] }, out, 0, 2), /alpha applies to add and sub only, not mul/);
  });

  test("integers stay exact; alpha is checked against the common dtype", () => {
    const i = torch.tensor([1, 2, 3], { dtype: torch.int64 }), j = torch.tensor([10, 20, 30], { dtype: torch.int64 });
    assert.deepEqual(torch.add(i, j, { alpha: 3 }).tolist(), [31, 62, 93]);
    assert.deepEqual(torch.sub(i, j, { alpha: -2 }).tolist(), [21, 42, 63]);
    assert.throws(() => torch.add(i, j, { alpha: 0.5 }), /For integral input tensors, argument alpha must not be a floating point number/);
    assert.throws(() => torch.add(i, 2, { alpha: 0.5 }), /For integral input tensors/);
    // An integer tensor with a float one computes in float: PyTorch takes a float alpha there.
    assert.deepEqual(torch.add(torch.ones([2]), torch.ones([2], { dtype: torch.int64 }), { alpha: 0.5 }).tolist(), [1.5, 1.5]);
    assert.deepEqual(torch.add(torch.ones([2], { dtype: torch.int64 }), 1.5, { alpha: 0.5 }).tolist(), [1.75, 1.75]);
  });
});

// WGSL's fma promises no single rounding (its accuracy is that of e1 * e2 + e3): hardware FMA
// instructions fuse, lavapipe (the CPU adapter the tests run on) rounds twice. Each value must be
// one of the two, and the fused one where the adapter fuses.
const gpu = await torch.webgpu.isAvailable();
describe("add/sub with alpha on webgpu: WGSL fma", { skip: gpu ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter" }, () => {
  after(() => torch.webgpu.shutdown());
  test("float32 add/sub/rsub, broadcast, in place", async () => {
    await torch.webgpu.init();
    torch.manualSeed(4);
    const a = torch.randn([8, 64]), b = torch.randn([8, 64]), row = torch.randn([64]), alpha = 0.3;
    const [ga, gb, grow] = [a, b, row].map((t) => t.to("webgpu")) as [torch.Tensor, torch.Tensor, torch.Tensor];
    const read = async (t: torch.Tensor): Promise<number[]> => (await t.reshape(-1).tolistAsync()) as number[];
    const av = flat(a), bv = flat(b), rowv = flat(a.mul(0).add(row));
    const want = expected(av, bv, alpha, 1, torch.float32);
    assertDiscriminates(av, bv, alpha, torch.float32, want);
    const got = await read(torch.add(ga, gb, { alpha }));
    const fuses = got.every((v, i) => v === want[i]);
    /** Each value the fused one, or (an adapter that does not fuse) the product rounded first. */
    const check = (values: number[], x: number[], y: number[], sign: 1 | -1, what: string): void => {
      const s = sign * Math.fround(alpha);
      const ok = expected(x, y, alpha, sign, torch.float32);
      values.forEach((v, i) => {
        if (v !== ok[i] && (fuses || v !== Math.fround(x[i]! + Math.fround(s * y[i]!)))) assert.fail(`${what}[${i}]: got ${v}, want ${ok[i]}`);
      });
    };
    check(got, av, bv, 1, "webgpu add");
    check(await read(torch.sub(ga, grow, { alpha })), av, rowv, -1, "webgpu sub broadcast");
    check(await read(torch.rsub(gb, ga, { alpha })), av, bv, -1, "webgpu rsub");
    const c = ga.clone();
    c.add_(gb, { alpha });
    check(await read(c), av, bv, 1, "webgpu add_");
  });
});
