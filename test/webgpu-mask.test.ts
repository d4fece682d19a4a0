// masked_fill, advanced indexing assignment (index_put_, x.set with integer index tensors and
// bool masks) and prod on the "webgpu" device, compared with the CPU: values of every device
// dtype, gradients and node names, errors. Skipped without a WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Dev = "cpu" | "webgpu";
const DEVICES: readonly Dev[] = ["cpu", "webgpu"];
const on = (t: torch.Tensor, d: Dev): torch.Tensor => (d === "cpu" ? t : t.to("webgpu"));
/** A fresh leaf that requires grad on device `d` (the CPU tensor itself stays untouched). */
const leaf = (t: torch.Tensor, d: Dev): torch.Tensor => (d === "cpu" ? t.clone() : t.to("webgpu")).requiresGrad_();

async function values(t: torch.Tensor): Promise<unknown> {
  return (await t.detach().cpuAsync()).tolist();
}

/** `f` run on CPU operands and on the same operands on the device: same dtype, shape and values. */
async function same(what: string, f: (d: Dev) => torch.Tensor): Promise<void> {
  const cpu = f("cpu");
  const gpu = f("webgpu");
  assert.equal(gpu.device.type, "webgpu", `${what}: device`);
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.deepEqual(gpu.shape, cpu.shape, `${what}: shape`);
  assert.deepEqual(await values(gpu), cpu.tolist(), what);
}

async function close(what: string, gpu: torch.Tensor | null, cpu: torch.Tensor | null, tol = 1e-5): Promise<void> {
  assert.ok(gpu && cpu, `${what}: both defined`);
  const g = await gpu.detach().cpuAsync();
  assert.deepEqual(g.shape, cpu.shape, `${what}: shape`);
  const diff = g.float().sub(cpu.detach().float()).abs().max().item() as number;
  assert.ok(diff <= tol, `${what}: max difference ${diff}`);
}

/** The error `f` throws on the device equals the CPU's. */
function sameError(what: string, f: (d: Dev) => unknown): void {
  let cpuMessage = "";
  try { f("cpu"); } catch (e) { cpuMessage = (e as Error).message; }
  assert.ok(cpuMessage, `${what}: the CPU throws`);
  assert.throws(() => f("webgpu"), (e: Error) => e.message === cpuMessage, what);
}

const DTYPES = [torch.float32, torch.float16, torch.bfloat16, torch.int32, torch.int64, torch.int8, torch.uint8, torch.int16, torch.bool];

describe("webgpu masked_fill", { skip }, () => {
  torch.manualSeed(0);
  const base = torch.randn(3, 4, 5).mul(100);
  const mask = torch.rand(3, 4, 5).lt(0.4);
  const rowMask = torch.tensor([true, false, false, true, true]);
  for (const dt of DTYPES) {
    test(`${dt.name}: number and 0-d tensor values, broadcast masks, in place`, async () => {
      const x = base.to(dt);
      // Values the dtype holds after rounding or wrapping (PyTorch refuses ones out of its range).
      const big = dt === torch.bool ? true : dt.isFloatingPoint ? 1e-3 + 60000 : dt === torch.uint8 ? -3 : 100.7;
      await same("full mask", (d) => on(x, d).maskedFill(on(mask, d), dt === torch.uint8 ? 7.5 : -7.5));
      await same("trailing mask", (d) => on(x, d).maskedFill(on(rowMask, d), 1));
      await same("a value that rounds / wraps", (d) => on(x, d).maskedFill(on(mask, d), big));
      if (dt === torch.int8 || dt === torch.uint8 || dt === torch.float16) {
        const tooBig = dt === torch.float16 ? 70000 : 300;
        const message = (d: Dev) => { try { on(x, d).maskedFill(on(mask, d), tooBig); return "no error"; } catch (e) { return (e as Error).message; } };
        assert.match(message("cpu"), /without overflow/);
        assert.equal(message("webgpu"), message("cpu"));
      }
      await same("0-d CPU value", (d) => on(x, d).maskedFill(on(mask, d), torch.tensor(3)));
      await same("0-d device value", (d) => on(x, d).maskedFill(on(mask, d), on(torch.tensor(-2.5), d)));
      await same("mask broadcasting the result", (d) => on(x.select(2, 0).reshape([3, 4, 1]), d).maskedFill(on(rowMask, d), 0));
      await same("masked_fill_ on a strided view", (d) => {
        const y = on(x, d).clone();
        y.transpose(0, 2).maskedFill_(on(mask.transpose(0, 2), d), 5);
        return y;
      });
      await same("masked_fill_ with a broadcast mask and a device 0-d value", (d) => on(x, d).clone().maskedFill_(on(rowMask, d), on(torch.tensor(1), d)));
    });
  }
  test("-Infinity and int64 values as the CPU", async () => {
    await same("float -inf", (d) => on(base, d).maskedFill(on(mask, d), -Infinity));
    await same("int64 bigint", (d) => on(base.long(), d).maskedFill(on(mask, d), -123456n));
  });
  test("gradients of input and of a 0-d value, with the CPU's node names", async () => {
    const grads: Record<Dev, (torch.Tensor | null)[]> = { cpu: [], webgpu: [] };
    const names: Record<Dev, string[]> = { cpu: [], webgpu: [] };
    for (const d of DEVICES) {
      const x = leaf(base.div(100), d);
      const v = leaf(torch.tensor(0.5), d);
      const w = on(torch.randn(3, 4, 5, { generator: new torch.Generator().manualSeed(1) }), d);
      const a = x.maskedFill(on(mask, d), v);
      const b = x.maskedFill(on(rowMask, d), 2);
      a.mul(w).add(b.mul(w).mul(3)).sum().backward();
      grads[d] = [x.grad, v.grad];
      names[d] = [a.gradFn!.name(), b.gradFn!.name()];
    }
    assert.deepEqual(names.webgpu, names.cpu);
    assert.deepEqual(names.cpu, ["MaskedFillBackward1", "MaskedFillBackward0"]);
    await close("input grad", grads.webgpu[0]!, grads.cpu[0]!);
    await close("value grad", grads.webgpu[1]!, grads.cpu[1]!, 1e-4);
  });
  test("errors as the CPU", () => {
    sameError("an int mask", (d) => on(base, d).maskedFill(on(mask.int(), d), 0));
    sameError("a 1-d value", (d) => on(base, d).maskedFill(on(mask, d), on(torch.tensor([1, 2]), d)));
    sameError("in place, a mask larger than self", (d) => on(base.select(2, 0), d).maskedFill_(on(mask, d), 0));
    sameError("a string value", (d) => on(base, d).maskedFill(on(mask, d), "x" as unknown as number));
    assert.throws(() => base.to("webgpu").maskedFill(mask, 0), /same device/);
  });
  test("in place on a leaf that requires grad throws, on a non-leaf records MaskedFillBackward0", async () => {
    assert.throws(() => base.to("webgpu").requiresGrad_().maskedFill_(mask.to("webgpu"), 0), /leaf Variable/);
    const x = base.to("webgpu").requiresGrad_();
    const y = x.mul(1).maskedFill_(mask.to("webgpu"), 0);
    assert.equal(y.gradFn!.name(), "MaskedFillBackward0");
    y.sum().backward();
    await close("grad", x.grad, torch.ones(3, 4, 5).maskedFill(mask, 0));
  });
});

describe("webgpu index_put_ and x.set with integer index tensors", { skip }, () => {
  torch.manualSeed(2);
  const base = torch.randn(4, 5, 6);
  const i0 = torch.tensor([0, 3, -1]), i1 = torch.tensor([[1], [4]]), i2 = torch.tensor([5, 0, 2]);
  test("one and several index tensors, broadcast, negative, with slices; values broadcast", async () => {
    await same("one index", (d) => on(base, d).clone().indexPut_([on(i0, d)], on(torch.ones(6), d)));
    await same("two broadcast indices", (d) => on(base, d).clone().indexPut_([on(i0, d), on(i1, d)], on(torch.arange(6).float(), d)));
    await same("three indices", (d) => on(base, d).clone().indexPut_([on(i0, d), on(i1.abs(), d), on(i2, d)], on(torch.tensor(9.5), d)));
    await same("null then an index", (d) => on(base, d).clone().indexPut_([null, on(i0.add(1), d)], on(torch.randn(4, 3, 6, { generator: new torch.Generator().manualSeed(3) }), d)));
    await same("non-adjacent indices (result dims first)", (d) => on(base, d).clone().indexPut_([on(i0, d), null, on(i2, d)], on(torch.randn(3, 5, { generator: new torch.Generator().manualSeed(4) }), d)));
    await same("out of place index_put", (d) => on(base, d).indexPut([on(i0, d)], on(torch.zeros(3, 5, 6), d)));
    await same("set with a slice before", (d) => on(base, d).clone().set([":", on(i0.add(1), d)], 1.5));
    await same("set with a slice between", (d) => on(base, d).clone().set([on(i0, d), "1:3", on(i2, d)], on(torch.tensor([[7.5, 8.5]]), d)));
    await same("set with an int", (d) => on(base, d).clone().set([2, on(i2.remainder(5), d)], on(torch.tensor([[1.5], [2.5], [3.5]]), d)));
    await same("set on a strided view", (d) => {
      const y = on(base, d).clone();
      y.transpose(0, 1).set([on(i2.remainder(5), d)], -1);
      return y;
    });
    await same("CPU index tensors", (d) => on(base, d).clone().set([i0, i1], 0.25));
  });
  test("accumulate adds duplicates (float, int, narrow int, half, bool)", async () => {
    const dup = torch.tensor([1, 1, 2, 1, -3]);
    await same("float32", (d) => on(base, d).clone().indexPut_([on(dup, d)], on(torch.ones(5, 5, 6), d), true));
    await same("two indices", (d) => on(base, d).clone().indexPut_([on(dup, d), on(torch.tensor([0, 0, 4, 0, 1]), d)], on(torch.arange(5).float(), d).reshape([5, 1]), true));
    for (const dt of [torch.int32, torch.int64, torch.int8, torch.uint8, torch.float16, torch.bool]) {
      // float16 sums stay below 2048, where its integers are exact in any order of addition.
      const x = base.mul(60).round().to(dt);
      const v = torch.arange(5 * 6).reshape([5, 1, 6]).mul(dt === torch.float16 ? 3 : 41).to(dt);
      await same(`${dt.name}`, (d) => on(x, d).clone().indexPut_([on(dup, d)], on(v, d), true));
      await same(`${dt.name} without accumulate`, (d) => on(x, d).clone().indexPut_([on(torch.tensor([0, 2]), d)], on(v.narrow(0, 0, 2), d)));
    }
  });
  test("x.get with several index tensors, and gradients of index / index_put", async () => {
    await same("get two", (d) => on(base, d).get(on(i0, d), on(i1, d)));
    await same("get non-adjacent", (d) => on(base, d).get(on(i0, d), ":", on(i2, d)));
    await same("get int and index", (d) => on(base, d).get(on(i0, d), 2, on(i2, d)));
    const grads: Record<Dev, (torch.Tensor | null)[]> = { cpu: [], webgpu: [] };
    const names: Record<Dev, string> = { cpu: "", webgpu: "" };
    for (const d of DEVICES) {
      const x = leaf(base, d);
      const v = leaf(torch.randn(2, 3, 1, { generator: new torch.Generator().manualSeed(5) }), d);
      const w = on(torch.randn(4, 5, 6, { generator: new torch.Generator().manualSeed(6) }), d);
      const y = x.mul(2).indexPut([on(i1.reshape([2, 1]).sub(1), d), null, on(i2, d)], v, true);
      const z = x.mul(1);
      z.set([on(i0, d), on(i1, d)], v.mul(2));
      y.mul(w).sum().add(z.get(on(i2.remainder(4), d), on(i0.add(1), d)).square().sum()).backward();
      grads[d] = [x.grad, v.grad];
      names[d] = y.gradFn!.name();
    }
    assert.equal(names.webgpu, names.cpu);
    await close("input grad", grads.webgpu[0]!, grads.cpu[0]!, 1e-4);
    await close("values grad", grads.webgpu[1]!, grads.cpu[1]!, 1e-4);
  });
  test("errors as the CPU; CPU indices are range-checked, device ones are not read back", async () => {
    sameError("values that do not broadcast", (d) => on(base, d).clone().indexPut_([on(i0, d)], on(torch.ones(5), d)));
    sameError("dtype mismatch", (d) => on(base, d).clone().indexPut_([on(i0, d)], on(torch.ones(6, { dtype: torch.int32 }), d)));
    sameError("indices that do not broadcast", (d) => on(base, d).clone().indexPut_([on(i0, d), on(torch.tensor([1, 2]), d)], on(torch.ones([]), d)));
    sameError("a float index (error before any write)", (d) => on(base, d).clone().indexPut_([on(torch.tensor([1.5]), d)], on(torch.ones([]), d)));
    sameError("too many indices", (d) => on(base, d).clone().indexPut_([on(i0, d), on(i0, d), on(i0, d), on(i0, d)], on(torch.ones([]), d)));
    assert.throws(() => base.to("webgpu").clone().set([torch.tensor([4])], 0), /index 4 is out of bounds for dimension 0 with size 4/);
    const leafX = base.to("webgpu").requiresGrad_();
    assert.throws(() => leafX.set([i0.to("webgpu")], 0), /a leaf Variable that requires grad is being used in an in-place operation/);
    const untouched = base.to("webgpu");
    assert.throws(() => untouched.set([i0.to("webgpu")], torch.ones(2).to("webgpu")), /shape mismatch/);
    assert.deepEqual(await values(untouched), base.tolist(), "nothing written before an error");
    // On the device an out-of-range index writes nothing and reads zeros.
    const x = base.to("webgpu").clone();
    x.indexPut_([torch.tensor([1, 7]).to("webgpu")], torch.zeros(2, 5, 6).to("webgpu"));
    const expected = base.clone();
    expected.set(1, 0);
    assert.deepEqual(await values(x), expected.tolist());
    assert.deepEqual(await values(base.to("webgpu").get(torch.tensor([0, -9]).to("webgpu"), torch.tensor([0, 0]).to("webgpu"))),
      [base.get(0, 0).tolist(), new Array(6).fill(0)]);
  });
});

describe("webgpu assignment through a bool mask", { skip }, () => {
  torch.manualSeed(7);
  const base = torch.randn(3, 4, 5);
  const m2 = torch.rand(3, 4).lt(0.5), m1 = torch.tensor([true, false, true, true]);
  test("a scalar or a broadcastable value is a masked fill", async () => {
    await same("scalar", (d) => on(base, d).clone().set(on(m2, d), -1));
    await same("0-d tensor", (d) => on(base, d).clone().set(on(m2, d), on(torch.tensor(3.5), d)));
    await same("a row broadcast over the selected elements", (d) => on(base, d).clone().set(on(m2, d), on(torch.arange(5).float(), d)));
    await same("a mask after a slice", (d) => on(base, d).clone().set([":", on(m1, d)], on(torch.tensor([[1.5], [2.5], [3.5]]).reshape([3, 1, 1]), d)));
    await same("int value into float (cast like a scalar)", (d) => on(base, d).clone().set(on(m2, d), 2));
    await same("int8 wraps", (d) => on(base.mul(50).to(torch.int8), d).clone().set(on(m2, d), 1000));
  });
  test("k values (k = number of true elements) are gathered by rank, without readback", async () => {
    const k = m2.sum().item() as number;
    await same("[k, 5] values", (d) => on(base, d).clone().set(on(m2, d), on(torch.arange(k * 5).reshape([k, 5]).float(), d)));
    await same("[k, 1] values", (d) => on(base, d).clone().set(on(m2, d), on(torch.arange(k).reshape([k, 1]).float(), d)));
    const full = torch.rand(3, 4, 5).lt(0.3), kf = full.sum().item() as number;
    await same("a full mask, 1-D values", (d) => on(base, d).clone().set(on(full, d), on(torch.arange(kf).float(), d)));
    const k1 = m1.sum().item() as number;
    await same("after a slice: [3, k, 5] values", (d) => on(base, d).clone().set([":", on(m1, d)], on(torch.arange(3 * k1 * 5).reshape([3, k1, 5]).float(), d)));
    await same("uint8 mask (deprecated byte mask)", (d) => on(base, d).clone().set(on(m2.to(torch.uint8), d), -3));
  });
  test("index_put_ / index_put with a bool mask (accumulate adds where true), gradients", async () => {
    const k = m2.sum().item() as number;
    const rows = torch.arange(k * 5).reshape([k, 5]).float();
    await same("index_put_", (d) => on(base, d).clone().indexPut_([on(m2, d)], on(rows, d)));
    await same("accumulate, k rows", (d) => on(base, d).clone().indexPut_([on(m2, d)], on(rows, d), true));
    await same("accumulate, one row", (d) => on(base, d).clone().indexPut_([null, on(m1, d)], on(torch.arange(5).float(), d), true));
    await same("int32 accumulate", (d) => on(base.mul(7).int(), d).clone().indexPut_([on(m2, d)], on(rows.int(), d), true));
    const grads: torch.Tensor[][] = [];
    for (const d of DEVICES) {
      const x = leaf(base, d), v = leaf(rows, d);
      const y = x.mul(2).indexPut([on(m2, d)], v.mul(1), true);
      const z = x.mul(3).indexPut([on(m2, d)], v.mul(2));
      y.add(z).mul(on(torch.arange(60).reshape([3, 4, 5]).float(), d)).sum().backward();
      grads.push([x.grad!, v.grad!]);
    }
    await close("x grad", grads[1]![0]!, grads[0]![0]!);
    await close("values grad", grads[1]![1]!, grads[0]![1]!, 1e-3);
  });
  test("gradient of the input through a masked assignment", async () => {
    const grads: torch.Tensor[] = [];
    for (const d of DEVICES) {
      const x = leaf(base, d);
      const y = x.mul(3);
      y.set(on(m2, d), 0);
      y.sum().backward();
      grads.push(x.grad!);
    }
    await close("grad", grads[1]!, grads[0]!);
  });
  test("gradients of the assigned values: k rows, a broadcast row, a 0-d value", async () => {
    const k = m2.sum().item() as number, k1 = m1.sum().item() as number;
    const cases: [string, torch.Tensor, (x: torch.Tensor, v: torch.Tensor, d: Dev) => void][] = [
      ["[k, 5]", torch.randn(k, 5), (x, v, d) => { x.set(on(m2, d), v); }],
      ["[1, k, 1]", torch.randn(1, k, 1), (x, v, d) => { x.set(on(m2, d), v); }],
      ["a row [5]", torch.randn(5), (x, v, d) => { x.set(on(m2, d), v); }],
      ["0-d", torch.tensor(0.5), (x, v, d) => { x.set(on(m2, d), v); }],
      ["after a slice, [3, k, 1]", torch.randn(3, k1, 1), (x, v, d) => { x.set([":", on(m1, d)], v); }],
    ];
    for (const [what, value, write] of cases) {
      const grads: torch.Tensor[][] = [];
      for (const d of DEVICES) {
        const x = leaf(base, d), v = leaf(value, d);
        const y = x.mul(2);
        write(y, v.mul(1), d);
        y.mul(on(torch.arange(60).reshape([3, 4, 5]).float(), d)).sum().backward();
        grads.push([x.grad!, v.grad!]);
      }
      await close(`${what}: x grad`, grads[1]![0]!, grads[0]![0]!);
      await close(`${what}: value grad`, grads[1]![1]!, grads[0]![1]!, 1e-3);
    }
  });
  test("masked_scatter / masked_scatter_: values and gradients, without readback", async () => {
    const k = m2.sum().item() as number;
    const src = torch.randn(k + 3);
    await same("masked_scatter", (d) => on(base.select(2, 0), d).maskedScatter(on(m2, d), on(src, d)));
    const src60 = torch.randn(3, 4, 5);
    await same("broadcast mask", (d) => on(base, d).maskedScatter(on(m2.unsqueeze(2), d), on(src60, d)));
    await same("masked_scatter_ int32", (d) => on(base.mul(9).int(), d).clone().maskedScatter_(on(m2.unsqueeze(2).expand([3, 4, 5]), d), on(torch.arange(60, { dtype: torch.int32 }), d)));
    const grads: torch.Tensor[][] = [];
    const names: string[] = [];
    for (const d of DEVICES) {
      const x = leaf(base.select(2, 0), d), s = leaf(src, d);
      const y = x.mul(1).maskedScatter(on(m2, d), s);
      names.push(y.gradFn!.name());
      y.mul(on(torch.arange(12).reshape([3, 4]).float(), d)).sum().backward();
      grads.push([x.grad!, s.grad!]);
    }
    assert.deepEqual(names, ["MaskedScatterBackward0", "MaskedScatterBackward0"]);
    await close("input grad", grads[1]![0]!, grads[0]![0]!);
    await close("source grad", grads[1]![1]!, grads[0]![1]!);
    sameError("dtype mismatch", (d) => on(base, d).maskedScatter(on(m2.unsqueeze(2), d), on(torch.ones(60, { dtype: torch.int32 }), d)));
  });
  test("errors: shapes and dtypes as the CPU; selecting by a mask is refused with its reason", () => {
    sameError("mask shape", (d) => on(base, d).clone().set(on(torch.ones(3, 5, { dtype: torch.bool }), d), 0));
    sameError("dtype mismatch", (d) => on(base, d).clone().set(on(m2, d), on(torch.ones(1, 5, { dtype: torch.int32 }), d)));
    assert.throws(() => base.to("webgpu").clone().set(m2.to("webgpu"), torch.ones(2, 3).to("webgpu")), /shape mismatch: value tensor of shape \[2, 3\] cannot be broadcast to indexing result of shape \[<number of true elements>, 5\]/);
    assert.throws(() => base.to("webgpu").maskedSelect(m2.to("webgpu").unsqueeze(2)), /masked_select: the result's size depends on the values; on 'webgpu' use await torch\.maskedSelectAsync/);
    assert.throws(() => base.to("webgpu").get(m2.to("webgpu")), /indexing with a bool mask: the result's size depends on the values; on 'webgpu' use await x\.getAsync/);
  });
});

describe("webgpu prod", { skip }, () => {
  test("integers wrap at 32 bits, bool and narrow integers as the CPU's int64 when in range", async () => {
    await same("int64 all", (d) => on(torch.tensor([1, 2, 3]), d).prod());
    await same("int32 dim", (d) => on(torch.tensor([[1, -2, 3], [4, 5, 0]], { dtype: torch.int32 }), d).prod(1));
    await same("int8 keepdim", (d) => on(torch.tensor([[1, -2, 3], [4, 5, 6]], { dtype: torch.int8 }), d).prod(0, true));
    await same("bool", (d) => on(torch.tensor([true, true, false]), d).prod());
    await same("dtype int32", (d) => on(torch.tensor([1.5, 2, 3]), d).prod({ dtype: torch.int32 }));
    // 2^31 wraps on the device: int64 results live in 32 bits there.
    const big = torch.tensor([65536, 32768]);
    assert.deepEqual(await values(big.to("webgpu").prod()), -2147483648);
  });
  test("floats: values and gradients (rows with zeros included), node names", async () => {
    torch.manualSeed(8);
    const x = torch.randn(3, 4).add(0.5);
    x.set([1, 2], 0);
    x.set([2, 0], 0);
    x.set([2, 3], 0);
    const res: Record<Dev, { out: torch.Tensor[]; grad: torch.Tensor[]; names: string[] }> = {
      cpu: { out: [], grad: [], names: [] }, webgpu: { out: [], grad: [], names: [] },
    };
    for (const d of DEVICES) {
      for (const f of [(t: torch.Tensor) => t.prod(), (t: torch.Tensor) => t.prod(1), (t: torch.Tensor) => t.prod(0, true)]) {
        const xx = leaf(x, d);
        const y = f(xx);
        y.sum().backward();
        res[d].out.push(y);
        res[d].grad.push(xx.grad!);
        res[d].names.push(y.gradFn!.name());
      }
    }
    assert.deepEqual(res.webgpu.names, res.cpu.names);
    for (let i = 0; i < 3; i++) {
      await close(`value ${i}`, res.webgpu.out[i]!, res.cpu.out[i]!, 1e-5);
      await close(`grad ${i}`, res.webgpu.grad[i]!, res.cpu.grad[i]!, 1e-5);
    }
    await close("half", x.half().to("webgpu").prod(1), x.half().prod(1), 1e-2);
  });
});

describe("webgpu TransformerEncoderLayer with masks", { skip }, () => {
  test("src_key_padding_mask and a bool attention mask: forward and backward match the CPU", async () => {
    torch.manualSeed(9);
    const layer = new torch.nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true });
    const src = torch.randn(2, 5, 16);
    const padding = torch.tensor([[false, false, false, true, true], [false, false, false, false, true]]);
    const causal = torch.ones(5, 5, { dtype: torch.bool }).triu(1);
    const run = (d: Dev) => {
      const l = d === "cpu" ? layer : new torch.nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true });
      if (d === "webgpu") { l.loadStateDict(layer.stateDict()); l.to("webgpu"); }
      const x = leaf(src, d);
      const out = l.call(x, { srcMask: on(causal, d), srcKeyPaddingMask: on(padding, d) }) as torch.Tensor;
      out.square().sum().backward();
      const w = [...l.parameters()][0]!;
      return { out, gx: x.grad!, gw: w.grad! };
    };
    const cpu = run("cpu"), gpu = run("webgpu");
    await close("output", gpu.out, cpu.out, 1e-4);
    await close("input grad", gpu.gx, cpu.gx, 1e-3);
    await close("weight grad", gpu.gw, cpu.gw, 1e-3);
  });
});

describe("webgpu masks and indexing: empty tensors", { skip }, () => {
  test("empty inputs, indices and masks as the CPU", async () => {
    await same("prod of an empty tensor", (d) => on(torch.zeros(0, 3), d).prod());
    await same("prod over an empty dim", (d) => on(torch.zeros(0, 3, { dtype: torch.int32 }), d).prod(0));
    await same("prod of a 0-d tensor", (d) => on(torch.tensor(3.5), d).prod(0));
    await same("an empty index", (d) => on(torch.ones(3, 4), d).clone().indexPut_([on(torch.tensor([], { dtype: torch.int64 }), d)], on(torch.tensor(2.5), d)));
    await same("get by an empty index", (d) => on(torch.ones(3, 4), d).get(on(torch.tensor([], { dtype: torch.int64 }), d), on(torch.tensor([], { dtype: torch.int64 }), d)));
    await same("masked_fill of an empty tensor", (d) => on(torch.ones(0, 4), d).maskedFill(on(torch.ones(4, { dtype: torch.bool }), d), 1));
    await same("an empty mask and no values", (d) => on(torch.ones(0, 4), d).clone().set(on(torch.ones(0, 4, { dtype: torch.bool }), d), on(torch.zeros(0), d)));
    await same("an all-false mask and no values", (d) => on(torch.ones(2, 4), d).clone().set(on(torch.zeros(2, 4, { dtype: torch.bool }), d), on(torch.zeros(0), d)));
    await same("masked_scatter with an all-false mask", (d) => on(torch.ones(2, 4), d).maskedScatter(on(torch.zeros(2, 4, { dtype: torch.bool }), d), on(torch.zeros(0), d)));
  });
});
