// int8, uint8 and int16 tensors on the "webgpu" device: held in int32 buffers whose values every
// writer wraps to the narrow type (two's complement, as the CPU's typed arrays store them). Every
// integer result must equal the CPU's exactly, wrapped values included; the bitwise ops and shifts
// of every integer dtype and bool too. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Int = typeof torch.int8;
const NARROW: readonly Int[] = [torch.int8, torch.uint8, torch.int16];

async function values(t: torch.Tensor): Promise<unknown> {
  return (await t.detach().cpuAsync()).tolist();
}

/** `f` on CPU operands and on the same operands moved to the device: same dtype, same values. */
async function same(what: string, f: (...xs: torch.Tensor[]) => torch.Tensor, ...xs: torch.Tensor[]): Promise<void> {
  const cpu = f(...xs);
  const gpu = f(...xs.map((x) => x.to("webgpu")));
  assert.equal(gpu.device.type, "webgpu", what);
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.deepEqual(await values(gpu), cpu.tolist(), what);
}

/** Every value of the type, and values past both ends of it, as an int32 tensor. */
function around(d: Int): torch.Tensor {
  const [lo, hi] = d === torch.uint8 ? [0, 255] : d === torch.int8 ? [-128, 127] : [-32768, 32767];
  const vals: number[] = [];
  const step = d === torch.int16 ? 97 : 1;
  for (let v = lo - 300; v <= hi + 300; v += step) vals.push(v);
  vals.push(lo, hi, lo - 1, hi + 1, 2147483647, -2147483648, 65536 * 3 + 7, -70000);
  return torch.tensor(vals, { dtype: torch.int32 });
}

/** A tensor of `d` holding values that overflow under add/mul/neg (both ends of the type). */
function wrapping(d: Int, n: number, seed: number): torch.Tensor {
  torch.manualSeed(seed);
  const [lo, hi] = d === torch.uint8 ? [0, 256] : d === torch.int8 ? [-128, 128] : [-32768, 32768];
  return torch.randint(lo, hi, [n], { dtype: d });
}

describe("webgpu int8/uint8/int16: transfers and conversions", { skip }, () => {
  for (const d of NARROW) {
    test(`${d.name}: upload and download are exact`, async () => {
      const x = around(d).to(d);
      await same("round trip", (t) => t, x);
      await same("a strided view", (t) => t.reshape([-1, 2]).t(), x.narrow(0, 0, x.shape[0]! - (x.shape[0]! % 2)));
    });
    test(`int32 -> ${d.name} wraps, ${d.name} -> int32/float32/int64/bool is exact`, async () => {
      await same("to narrow", (t) => t.to(d), around(d));
      const x = around(d).to(d);
      for (const to of [torch.int32, torch.float32, torch.int64, torch.bool]) await same(`to ${to.name}`, (t) => t.to(to), x);
    });
    test(`float -> ${d.name} matches the CPU (truncation, wrapping, out of range, NaN, infinities)`, async () => {
      const specials = [0.5, -0.5, 1.9, -1.9, 127.5, 128.5, -128.5, -129.9, 255.9, 256.1, 300.7, -300.7, 32767.5, 32768.25, -32769.5,
        65535.9, 65536.5, 1e5, -1e5, 2 ** 31 + 256, -(2 ** 31) - 512, 1e10, -1e10, 3e38, -3e38, NaN, Infinity, -Infinity];
      torch.manualSeed(3);
      const x = torch.cat([torch.tensor(specials), torch.randn(2000).mul(1e5)]);
      await same("float32", (t) => t.to(d), x);
      await same("float16", (t) => t.to(d), x.clamp(-6e4, 6e4).half());
      await same("copy_ into a strided narrow view", (t) => {
        const dst = torch.zeros([2, x.shape[0]!], { dtype: d, device: t.device.type === "webgpu" ? "webgpu" : "cpu" });
        dst.select(0, 1).copy_(t);
        return dst;
      }, x);
    });
    test(`${d.name} -> the other narrow types and bool -> ${d.name}`, async () => {
      const x = around(d).to(d);
      for (const to of NARROW) await same(`to ${to.name}`, (t) => t.to(to), x);
      await same("bool", (t) => t.to(d), torch.tensor([true, false, true]));
    });
  }
  test("float -> int32 matches the CPU: truncation, and INT32_MIN for NaN, infinities and out-of-range values (x86's conversion)", async () => {
    const x = torch.tensor([0.5, -1.9, 2147483520, -2147483648, 2 ** 31, -(2 ** 31) - 512, 1e10, -3e38, NaN, Infinity, -Infinity]);
    await same("float32", (t) => t.int(), x);
    await same("float16", (t) => t.int(), x.clamp(-6e4, 6e4).half());
  });
  test("fills, full, arange, zeros, eye wrap as on the CPU", async () => {
    for (const d of NARROW) {
      await same(`full 300 ${d.name}`, (t) => torch.full([5], 300, { dtype: d, device: t.device.type as "cpu" }), torch.zeros(1));
      await same(`full -40000 ${d.name}`, (t) => torch.full([3], -40000, { dtype: d, device: t.device.type as "cpu" }), torch.zeros(1));
      await same(`arange past the top ${d.name}`, (t) => torch.arange(120, 300, 7, { dtype: d, device: t.device.type as "cpu" }), torch.zeros(1));
      await same(`fill_ ${d.name}`, (t) => t.clone().fill_(-129), torch.zeros([4], { dtype: d }));
      await same(`newFull ${d.name}`, (t) => t.newFull([4], 70000), torch.zeros([4], { dtype: d }));
      await same(`eye ${d.name}`, (t) => torch.eye(3, { dtype: d, device: t.device.type as "cpu" }), torch.zeros(1));
    }
  });
  test("a uint8 image batch: x.to('webgpu').float().div(255)", async () => {
    torch.manualSeed(5);
    const images = torch.randint(0, 256, [8, 1, 28, 28], { dtype: torch.uint8 });
    const gpu = images.to("webgpu").float().div(255);
    assert.equal(gpu.dtype, torch.float32);
    const got = (await gpu.cpuAsync()).reshape(-1).tolist() as number[];
    const want = images.float().div(255).reshape(-1).tolist() as number[];
    // WGSL's division may be an ulp off the correctly rounded quotient.
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 2 ** -23, `[${i}]: ${got[i]} vs ${want[i]}`);
    await same("uint8 / 255 promotes to float32", (t) => t.div(255).mul(255).round(), images);
  });
  test("the error for dtypes the device does not hold names what it holds", () => {
    assert.throws(() => torch.zeros(2, { dtype: torch.float64 }).to("webgpu"), /float64 is not supported on the 'webgpu' device.*int8, uint8, int16/);
  });
});

describe("webgpu int8/uint8/int16: arithmetic wraps as on the CPU", { skip }, () => {
  const BINARY: [string, (a: torch.Tensor, b: torch.Tensor) => torch.Tensor][] = [
    ["add", (a, b) => a.add(b)],
    ["sub", (a, b) => a.sub(b)],
    ["mul", (a, b) => a.mul(b)],
    ["add with alpha", (a, b) => a.add(b, { alpha: 3 })],
    ["add a Python int past the type", (a) => a.add(300)],
    ["mul a Python int", (a) => a.mul(-7)],
    ["floor division", (a, b) => a.div(b.where(b.ne(0), 3), { roundingMode: "floor" })],
    ["trunc division", (a, b) => a.div(b.where(b.ne(0), -3), { roundingMode: "trunc" })],
    ["remainder", (a, b) => a.remainder(b.where(b.ne(0), 5))],
    ["maximum", (a, b) => a.maximum(b)],
    ["where", (a, b) => torch.where(a.gt(b), a, b)],
    ["add_ in place", (a, b) => a.clone().add_(b)],
    ["mul_ in place by a Python int", (a) => a.clone().mul_(3)],
    ["comparison", (a, b) => a.lt(b)],
    ["true division", (a, b) => a.div(b.where(b.ne(0), 7))],
    ["mul a Python float", (a) => a.mul(2.5)],
  ];
  const UNARY: [string, (a: torch.Tensor) => torch.Tensor][] = [
    ["neg", (a) => a.neg()],
    ["abs", (a) => a.abs()],
    ["square", (a) => a.square()],
    ["clamp", (a) => a.clamp(-5, 100)],
    ["sign", (a) => a.sign()],
    ["neg_ in place", (a) => a.clone().neg_()],
  ];
  for (const d of NARROW) {
    // 64 elements run the vec4 kernels; a transposed view of them the strided kernels.
    test(`${d.name}: binary ops, contiguous and strided`, async () => {
      const a = wrapping(d, 64, 1), b = wrapping(d, 64, 2);
      for (const [name, f] of BINARY) {
        await same(name, f, a, b);
        await same(`${name} (strided)`, (x, y) => f(x.reshape([8, 8]).t(), y.reshape([8, 8])), a, b);
      }
    });
    test(`${d.name}: unary ops`, async () => {
      const a = wrapping(d, 64, 3);
      for (const [name, f] of UNARY) {
        await same(name, f, a);
        await same(`${name} (strided)`, (x) => f(x.reshape([8, 8]).t()), a);
      }
    });
  }
  test("type promotion as PyTorch", async () => {
    const u8 = wrapping(torch.uint8, 16, 4), i8 = wrapping(torch.int8, 16, 5), i16 = wrapping(torch.int16, 16, 6);
    const cases: [string, torch.Tensor, torch.Tensor, torch.DType][] = [
      ["uint8 + int8", u8, i8, torch.int16],
      ["uint8 + int16", u8, i16, torch.int16],
      ["int8 + int16", i8, i16, torch.int16],
      ["uint8 + int32", u8, u8.int(), torch.int32],
      ["uint8 + int64", u8, i8.long(), torch.int64],
      ["uint8 + float32", u8, torch.randn(16), torch.float32],
      ["int16 + float16", i16, torch.randn(16).half(), torch.float16],
      ["uint8 + bool", u8, u8.gt(100), torch.uint8],
    ];
    for (const [name, a, b, dt] of cases) {
      const gpu = a.to("webgpu").add(b.to("webgpu"));
      assert.equal(gpu.dtype, dt, name);
      await same(name, (x, y) => x.add(y), a, b);
      await same(`${name} (mul)`, (x, y) => x.mul(y), a, b);
    }
    // A 0-d tensor or a Python number does not promote an integer tensor to a wider integer.
    await same("uint8 + 0-d int64", (x) => x.add(torch.tensor(1000)), u8);
  });
});

describe("webgpu int8/uint8/int16: kernels beyond pointwise", { skip }, () => {
  for (const d of NARROW) {
    test(`${d.name}: reductions, scans, sorting, matmul, indexing`, async () => {
      const a = wrapping(d, 96, 7);
      const m = a.reshape([8, 12]);
      await same("sum (int64)", (x) => x.sum(), a);
      await same("sum(dtype) wraps", (x) => x.sum(0, false, { dtype: d }), m);
      await same("amax / amin", (x) => torch.stack([x.amax(1), x.amin(1)]), m);
      await same("max with indices", (x) => x.max(1)[1], m);
      await same("argmin", (x) => x.argmin(), a);
      await same("cumsum (int64)", (x) => x.cumsum(1), m);
      await same("cumsum(dtype) wraps", (x) => x.cumsum(1, { dtype: d }), m);
      await same("cummax", (x) => x.cummax(1)[0], m);
      await same("sort", (x) => x.sort(1, true)[0], m);
      await same("topk", (x) => x.topk(3, 1)[0], m);
      await same("matmul wraps", (x, y) => x.matmul(y), m, a.reshape([12, 8]));
      await same("index_select", (x, i) => x.indexSelect(0, i), m, torch.tensor([3, 0, 3]));
      await same("gather", (x, i) => x.gather(1, i), m, torch.tensor([[1, 0], [11, 2]]));
      await same("cat and stack", (x) => torch.cat([x, x.flip(0)]), m);
      await same("scatter a value past the type", (x, i) => x.clone().scatter_(1, i, 300), m.narrow(0, 0, 2), torch.tensor([[0], [1]]));
      await same("eq", (x, y) => x.eq(y), a, a.flip(0));
    });
    test(`${d.name} index tensors: indexing as the CPU (uint8 is a mask there, so refused by name; int8/int16 the CPU's error)`, async () => {
      const x = torch.arange(12).reshape([3, 4]).to("webgpu");
      const idx = torch.tensor([1, 0, 1], { dtype: d }).to("webgpu");
      if (d === torch.uint8) {
        assert.throws(() => x.get(idx), /indexing with a uint8 mask: the result's size depends on the values; on 'webgpu' use await x\.getAsync/);
        assert.deepEqual(await (await x.getAsync(idx)).tolistAsync(), torch.arange(12).reshape([3, 4]).get(torch.tensor([1, 0, 1], { dtype: d })).tolist());
      }
      else assert.throws(() => x.get(idx), /^Error: tensors used as indices must be long, int, byte or bool tensors$/);
      if (d !== torch.uint8) assert.throws(() => torch.arange(12).reshape([3, 4]).get(torch.tensor([1, 0, 1], { dtype: d })), /tensors used as indices must be long, int, byte or bool tensors/);
    });
  }
});

describe("webgpu bitwise ops and shifts", { skip }, () => {
  const INTS: Int[] = [torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64];
  for (const d of INTS) {
    test(`${d.name}: bitwise_not/and/or/xor, in place too`, async () => {
      const a = d === torch.int32 || d === torch.int64 ? torch.randint(-1e9, 1e9, [64], { dtype: d }) : wrapping(d as Int, 64, 8);
      const b = a.flip(0);
      await same("bitwise_not", (x) => x.bitwiseNot(), a);
      await same("bitwise_not (strided)", (x) => x.reshape([8, 8]).t().bitwiseNot(), a);
      await same("bitwise_not_", (x) => x.clone().bitwiseNot_(), a);
      await same("bitwise_and", (x, y) => x.bitwiseAnd(y), a, b);
      await same("bitwise_or", (x, y) => x.bitwiseOr(y), a, b);
      await same("bitwise_xor", (x, y) => x.bitwiseXor(y), a, b);
      await same("bitwise_xor a Python int", (x) => x.bitwiseXor(0x5a), a);
      await same("bitwise_and_", (x, y) => x.clone().bitwiseAnd_(y), a, b);
    });
    test(`${d.name}: shifts, amounts out of range included`, async () => {
      const a = d === torch.int32 || d === torch.int64 ? torch.randint(-1e6, 1e6, [40], { dtype: d }) : wrapping(d as Int, 40, 9);
      // Amounts -3..36: negative and >= the width give 0 (left) or the sign (right), as PyTorch.
      // int64 lives in 32 bits on the device: its left shifts are compared where they fit.
      const s = torch.arange(-3, 37, { dtype: torch.int32 }).to(d);
      const amounts = d === torch.uint8 ? s.clamp(0) : s;
      const left = d === torch.int64 ? amounts.where(amounts.le(10), 64) : amounts;
      await same("left shift", (x, y) => x.bitwiseLeftShift(y), a, left);
      await same("right shift", (x, y) => x.bitwiseRightShift(y), a, amounts);
      for (const k of [0, 1, 3, 7, 8, 15, 16]) {
        if (d !== torch.int64 || k <= 10) await same(`left shift by ${k}`, (x) => x.bitwiseLeftShift(k), a);
        await same(`right shift by ${k}`, (x) => x.bitwiseRightShift(k), a);
      }
      await same("left shift in place", (x) => x.clone().bitwiseLeftShift_(2), a);
    });
  }
  test("bool: bitwise_not/and/or/xor are logical", async () => {
    const a = torch.tensor([true, false, true, false]), b = torch.tensor([true, true, false, false]);
    await same("bitwise_not", (x) => x.bitwiseNot(), a);
    await same("bitwise_not_", (x) => x.clone().bitwiseNot_(), a);
    await same("and", (x, y) => x.bitwiseAnd(y), a, b);
    await same("or", (x, y) => x.bitwiseOr(y), a, b);
    await same("xor", (x, y) => x.bitwiseXor(y), a, b);
  });
  test("float inputs throw the CPU's errors", async () => {
    const x = torch.randn(3);
    for (const f of [(t: torch.Tensor) => t.bitwiseNot(), (t: torch.Tensor) => t.bitwiseAnd(t), (t: torch.Tensor) => t.bitwiseLeftShift(1)]) {
      let cpuMessage = "";
      try { f(x); } catch (e) { cpuMessage = (e as Error).message; }
      assert.ok(cpuMessage, "the CPU throws");
      assert.throws(() => f(x.to("webgpu")), (e: Error) => e.message === cpuMessage);
    }
  });
});

describe("webgpu integer index_add, scatter_add and average pooling", { skip }, () => {
  const INTS: Int[] = [torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64];
  for (const d of INTS) {
    test(`${d.name}: index_add / index_add_ / scatter_add accumulate duplicates and wrap as the CPU`, async () => {
      const x = d === torch.int32 || d === torch.int64 ? torch.randint(-1e6, 1e6, [6, 5], { dtype: d }) : wrapping(d as Int, 30, 10).reshape([6, 5]);
      const src = d === torch.int32 || d === torch.int64 ? torch.randint(-1e6, 1e6, [8, 5], { dtype: d }) : wrapping(d as Int, 40, 11).reshape([8, 5]);
      // Duplicate targets: rows 0 and 5 receive several source rows (the sums wrap for the 8/16-bit types).
      const rows = torch.tensor([0, 5, 0, 2, 0, 5, 0, 0]);
      await same("index_add dim 0", (t, i, s) => t.indexAdd(0, i, s), x, rows, src);
      await same("index_add with alpha", (t, i, s) => t.indexAdd(0, i, s, { alpha: -3 }), x, rows, src);
      await same("index_add dim 1", (t, i, s) => t.indexAdd(1, i, s), x.t().contiguous(), rows, src.t());
      await same("index_add_ in place", (t, i, s) => t.clone().indexAdd_(0, i, s, { alpha: 2 }), x, rows, src);
      const cols = torch.randint(0, 5, [8, 5]);
      await same("scatter_add", (t, i, s) => t.scatterAdd(1, i, s), x.narrow(0, 0, 6).repeat([2, 1]).narrow(0, 0, 8), cols, src);
      await same("scatter_add_ dim 0", (t, i, s) => t.clone().scatterAdd_(0, i, s), x, torch.randint(0, 6, [8, 5]), src);
      await same("scatter_reduce sum", (t, i, s) => t.scatterReduce(0, i, s, "sum"), x, torch.randint(0, 6, [8, 5]), src);
    });
    test(`${d.name}: avg_pool1d/2d/3d ${d === torch.int64 ? "truncate toward zero" : "are refused"} as on the CPU`, async () => {
      torch.manualSeed(12);
      const lo = d === torch.uint8 ? 0 : -100;
      const x = torch.randint(lo, 100, [2, 3, 7, 6], { dtype: d });
      const x3 = torch.randint(lo, 100, [1, 2, 5, 4, 6], { dtype: d });
      if (d !== torch.int64) {
        // PyTorch's CPU kernels take int64 among the integers, no other: both devices give its error.
        for (const [t, f] of [[x, (t: torch.Tensor) => torch.nn.functional.avgPool2d(t, 2)], [x3, (t: torch.Tensor) => torch.nn.functional.avgPool3d(t, 2)]] as const) {
          let cpuMessage = "";
          try { f(t); } catch (e) { cpuMessage = (e as Error).message; }
          assert.match(cpuMessage, /not implemented for/);
          assert.throws(() => f(t.to("webgpu")), (e: Error) => e.message === cpuMessage);
        }
        return;
      }
      await same("avg_pool2d", (t) => torch.nn.functional.avgPool2d(t, 2), x);
      await same("avg_pool2d padded, ceil_mode, count_include_pad=False", (t) =>
        torch.nn.functional.avgPool2d(t, [3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), x);
      await same("avg_pool2d divisor_override past the type", (t) => torch.nn.functional.avgPool2d(t, 3, { stride: 1, divisorOverride: 1 }), x);
      await same("avg_pool1d", (t) => torch.nn.functional.avgPool1d(t, 3, { stride: 2, padding: 1 }), x.reshape([2, 3, 42]));
      await same("avg_pool3d", (t) => torch.nn.functional.avgPool3d(t, 2, { padding: 1 }), x3);
    });
  }
  test("bool index_add is a logical or, as on the CPU", async () => {
    const x = torch.tensor([[true, false], [false, false], [false, true]]);
    const src = torch.tensor([[true, false], [false, false], [true, true]]);
    await same("index_add", (t, i, s) => t.indexAdd(0, i, s), x, torch.tensor([1, 1, 2]), src);
    await same("index_add alpha 0", (t, i, s) => t.indexAdd(0, i, s, { alpha: 0 }), x, torch.tensor([1, 1, 2]), src);
  });
  test("bad arguments give the CPU's errors", () => {
    const check = (f: (device: "cpu" | "webgpu") => unknown): void => {
      let cpuMessage = "";
      try { f("cpu"); } catch (e) { cpuMessage = (e as Error).message; }
      assert.ok(cpuMessage.length > 0);
      assert.throws(() => f("webgpu"), (e: Error) => e.message === cpuMessage);
    };
    const u8 = torch.ones([3, 2], { dtype: torch.uint8 });
    check((dev) => u8.to(dev).indexAdd(0, torch.tensor([0]).to(dev), torch.ones([1, 2], { dtype: torch.int8 }).to(dev)));
    check((dev) => u8.to(dev).indexAdd(0, torch.tensor([0]).to(dev), torch.ones([1, 2], { dtype: torch.uint8 }).to(dev), { alpha: 0.5 }));
    check((dev) => torch.nn.functional.avgPool2d(torch.ones([1, 2, 2], { dtype: torch.bool }).to(dev), 2));
    check((dev) => torch.nn.functional.adaptiveAvgPool2d(torch.ones([1, 4, 4], { dtype: torch.uint8 }).to(dev), 2));
    check((dev) => torch.nn.functional.maxPool2d(torch.ones([1, 4, 4], { dtype: torch.int16 }).to(dev), 2));
  });
});
