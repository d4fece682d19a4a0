// any / all / count_nonzero (and the reductions composed around them: nansum, nanmean, aminmax)
// on the "webgpu" device, compared with the CPU: every device dtype, several dims, keepdim, empty
// tensors and dims, 0-d tensors, NaN and -0, strided inputs, errors. Skipped without a WebGPU adapter.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

type Dev = "cpu" | "webgpu";
const on = (t: torch.Tensor, d: Dev): torch.Tensor => (d === "cpu" ? t : t.to("webgpu"));

/** `f` on CPU operands and on the same operands on the device: same dtype, shape and values. */
async function same(what: string, f: (d: Dev) => torch.Tensor): Promise<void> {
  const cpu = f("cpu");
  const gpu = f("webgpu");
  assert.equal(gpu.device.type, "webgpu", `${what}: device`);
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.deepEqual(gpu.shape, cpu.shape, `${what}: shape`);
  assert.deepEqual((await gpu.cpuAsync()).tolist(), cpu.tolist(), what);
}

/** The error `f` throws on the device equals the CPU's. */
function sameError(what: string, f: (d: Dev) => unknown): void {
  let cpuMessage = "";
  try { f("cpu"); } catch (e) { cpuMessage = (e as Error).message; }
  assert.ok(cpuMessage, `${what}: the CPU throws`);
  assert.throws(() => f("webgpu"), (e: Error) => e.message === cpuMessage, what);
}

const DTYPES = [torch.float32, torch.float16, torch.bfloat16, torch.int32, torch.int64, torch.int8, torch.uint8, torch.int16, torch.bool];
const DIMS: (number | number[] | null)[] = [null, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2], []];

type LogicalOp = (x: torch.Tensor, dim: number | number[] | null, keepdim: boolean) => torch.Tensor;
const OPS: [string, LogicalOp][] = [
  ["any", (x, dim, keepdim) => (dim === null ? x.any() : x.any(dim, keepdim))],
  ["all", (x, dim, keepdim) => (dim === null ? x.all() : x.all(dim, keepdim))],
  ["count_nonzero", (x, dim) => (dim === null ? torch.countNonzero(x) : torch.countNonzero(x, dim))],
];

describe("webgpu any / all / count_nonzero", { skip }, () => {
  torch.manualSeed(0);
  // Mostly zeros, so that rows of every kind (all zero, all nonzero, mixed) occur.
  const base = torch.randint(-2, 3, [3, 4, 5]).mul(torch.rand(3, 4, 5).lt(0.5));
  const allOnes = torch.ones(3, 4, 5);
  for (const dt of DTYPES) {
    test(`${dt.name}: every dim set, keepdim, all-nonzero rows, strided`, async () => {
      const x = base.to(dt), full = allOnes.to(dt);
      for (const [name, op] of OPS) {
        for (const dim of DIMS) {
          for (const keepdim of [false, true]) {
            const what = `${dt.name} ${name}(${JSON.stringify(dim)}, ${keepdim})`;
            await same(what, (d) => op(on(x, d), dim, keepdim));
            await same(`${what} of ones`, (d) => op(on(full, d), dim, keepdim));
            await same(`${what} transposed`, (d) => op(on(x, d).transpose(0, 2), dim, keepdim));
          }
        }
      }
    });
  }

  test("NaN, infinities and -0 (NaN is nonzero, -0 is zero)", async () => {
    const x = torch.tensor([[NaN, 0, -0], [-0, -0, 0], [Infinity, -Infinity, 0], [NaN, NaN, NaN]]);
    for (const dt of [torch.float32, torch.float16, torch.bfloat16]) {
      for (const [name, op] of OPS) {
        for (const dim of [null, 0, 1]) await same(`${dt.name} ${name}(${dim})`, (d) => op(on(x.to(dt), d), dim, false));
      }
    }
  });

  test("empty tensors: empty reduced blocks give false / true / 0, empty outputs keep their shape", async () => {
    for (const dt of [torch.float32, torch.int32, torch.uint8, torch.bool]) {
      const x = torch.zeros([0, 3, 2], { dtype: dt });
      for (const [name, op] of OPS) {
        for (const dim of [null, 0, 1, [0, 2], [1, 2]]) {
          for (const keepdim of [false, true]) {
            await same(`${dt.name} ${name}(${JSON.stringify(dim)}, ${keepdim}) of [0, 3, 2]`, (d) => op(on(x, d), dim, keepdim));
          }
        }
      }
    }
  });

  test("0-d tensors", async () => {
    for (const v of [0, 3, NaN]) {
      for (const dt of [torch.float32, torch.int64, torch.uint8, torch.bool]) {
        if (Number.isNaN(v) && !dt.isFloatingPoint) continue;
        for (const [name, op] of OPS) {
          for (const dim of [null, 0, -1]) await same(`${dt.name} ${name}(${dim}) of ${v}`, (d) => op(on(torch.tensor(v, { dtype: dt }), d), dim, true));
        }
      }
    }
  });

  test("results need no gradient; ops on a tensor that requires grad", async () => {
    const x = torch.randn(4, 3).to("webgpu").requiresGrad_();
    for (const [name, op] of OPS) {
      const r = op(x, 1, false);
      assert.equal(r.requiresGrad, false, name);
      assert.equal(r.gradFn, null, name);
    }
  });

  test("errors as on the CPU", () => {
    const x = base.float();
    for (const [name, op] of OPS) {
      sameError(`${name} dim out of range`, (d) => op(on(x, d), 3, false));
      sameError(`${name} repeated dim`, (d) => op(on(x, d), [1, -2], false));
    }
  });
});

describe("webgpu nansum / nanmean / aminmax", { skip }, () => {
  torch.manualSeed(1);
  const x = torch.randn(3, 4, 5).where(torch.rand(3, 4, 5).gt(0.3), NaN);
  x.narrow(1, 0, 1).fill_(NaN); // whole rows of NaN: nansum 0, nanmean NaN
  test("float dtypes over several dims, keepdim, rows of NaN", async () => {
    for (const dt of [torch.float32, torch.float16, torch.bfloat16]) {
      const t = x.to(dt);
      for (const dim of DIMS) {
        for (const keepdim of [false, true]) {
          const what = `${dt.name} (${JSON.stringify(dim)}, ${keepdim})`;
          const tol = dt === torch.float32 ? 1e-5 : 2e-2;
          for (const [name, f] of [["nansum", (u: torch.Tensor) => u.nansum(dim, keepdim)], ["nanmean", (u: torch.Tensor) => u.nanmean(dim, keepdim)]] as const) {
            const cpu = f(t), gpu = await f(t.to("webgpu")).cpuAsync();
            assert.equal(gpu.dtype, cpu.dtype, `${name} ${what}: dtype`);
            assert.deepEqual(gpu.shape, cpu.shape, `${name} ${what}: shape`);
            assert.deepEqual(gpu.isnan().tolist(), cpu.isnan().tolist(), `${name} ${what}: NaN positions`);
            const diff = gpu.float().nanToNum().sub(cpu.float().nanToNum()).abs().max().item() as number;
            assert.ok(diff <= tol * Math.max(1, cpu.float().nanToNum().abs().max().item() as number), `${name} ${what}: difference ${diff}`);
          }
        }
      }
    }
  });
  test("nansum of integer dtypes is sum; nanmean refuses them as the CPU", async () => {
    for (const dt of [torch.int32, torch.int64, torch.int8, torch.uint8, torch.int16, torch.bool]) {
      const t = torch.randint(0, 5, [3, 4]).to(dt);
      await same(`${dt.name} nansum`, (d) => on(t, d).nansum(1));
      sameError(`${dt.name} nanmean`, (d) => on(t, d).nanmean());
    }
  });
  test("aminmax: every device dtype, dim and keepdim, NaN", async () => {
    for (const dt of DTYPES) {
      const t = (dt.isFloatingPoint ? x : torch.randint(-3, 4, [3, 4, 5])).to(dt);
      for (const opts of [{}, { dim: 0 }, { dim: 2, keepdim: true }, { dim: -1 }]) {
        for (const part of ["min", "max"] as const) {
          await same(`${dt.name} aminmax(${JSON.stringify(opts)}).${part}`, (d) => torch.aminmax(on(t, d), opts)[part]);
        }
      }
    }
    sameError("aminmax of an empty tensor", (d) => torch.aminmax(on(torch.zeros(0, 3), d)));
  });
});

describe("webgpu mode", { skip }, () => {
  torch.manualSeed(2);
  // Few distinct values, so that lines have ties between runs of equal length.
  const base = torch.randint(-2, 3, [4, 5, 6]);
  test("every device dtype, every dim, keepdim, transposed", async () => {
    for (const dt of DTYPES) {
      const x = base.to(dt);
      for (const dim of [0, 1, 2, -1]) {
        for (const keepdim of [false, true]) {
          for (const part of ["values", "indices"] as const) {
            const what = `${dt.name} mode(${dim}, ${keepdim}).${part}`;
            await same(what, (d) => torch.mode(on(x, d), dim, keepdim)[part]);
            await same(`${what} transposed`, (d) => torch.mode(on(x, d).transpose(0, 2), dim, keepdim)[part]);
          }
        }
      }
    }
  });

  test("NaN (one run, sorted last), -0 and 0, lines of one element, 0-d tensors", async () => {
    const x = torch.tensor([[NaN, 1, NaN, 1, NaN], [0, -0, 2, 2, -0], [3, NaN, 3, NaN, 1], [7, 7, 7, 7, 7]]);
    for (const dt of [torch.float32, torch.float16, torch.bfloat16]) {
      for (const dim of [0, 1]) {
        for (const part of ["values", "indices"] as const) {
          const cpu = torch.mode(x.to(dt), dim)[part], gpu = await torch.mode(x.to(dt).to("webgpu"), dim)[part].cpuAsync();
          assert.equal(gpu.dtype, cpu.dtype);
          // -0 and 0 are one run; the value is the last element's, so its sign matches too.
          assert.deepEqual(gpu.isnan().tolist(), cpu.isnan().tolist(), `${dt.name} mode(${dim}).${part} NaN`);
          assert.deepEqual(gpu.nanToNum().tolist(), cpu.nanToNum().tolist(), `${dt.name} mode(${dim}).${part}`);
          if (part === "values") assert.deepEqual(gpu.signbit().tolist(), cpu.signbit().tolist(), `${dt.name} mode(${dim}) sign`);
        }
      }
    }
    await same("lines of one element", (d) => torch.mode(on(torch.randn(3, 1), d), 1).indices);
    for (const dim of [0, -1]) {
      await same(`0-d mode(${dim}) values`, (d) => torch.mode(on(torch.tensor(2.5), d), dim, true).values);
      await same(`0-d mode(${dim}) indices`, (d) => torch.mode(on(torch.tensor(2.5), d), dim).indices);
    }
  });

  test("gradient and node name as on the CPU", async () => {
    const x = base.float().add(torch.rand(4, 5, 6).lt(0.1));
    const go = torch.randn(4, 6);
    const results: Record<string, { node: string | undefined; grad: unknown }> = {};
    for (const d of ["cpu", "webgpu"] as const) {
      const leaf = on(x, d).detach().requiresGrad_();
      const { values } = torch.mode(leaf, 1);
      values.backward(on(go, d));
      results[d] = { node: values.gradFn?.name(), grad: (await leaf.grad!.cpuAsync()).tolist() };
    }
    assert.deepEqual(results.webgpu, results.cpu);
  });

  test("errors as on the CPU", () => {
    sameError("mode over an empty dim", (d) => torch.mode(on(torch.zeros(2, 0), d), 1));
    sameError("mode dim out of range", (d) => torch.mode(on(torch.zeros(2, 3), d), 2));
  });
});
