// histc, bincount and the async forms of the ops that read values back (bincountAsync,
// equalAsync, allcloseAsync). histc bins an element as PyTorch 2.11's CPU kernel does: (x - lo) *
// bins / (hi - lo), each step rounded to the input's dtype, truncated; checked against a float32
// model of that formula on elements at and next to every bin edge, where bins found in double
// differ. bincount's result dtypes are PyTorch 1.13's. The webgpu variants run where an adapter exists.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import { kernels } from "../src/backends/kernels.js";

const f = Math.fround;
const flat = (t: torch.Tensor): number[] => t.reshape(-1).tolist() as number[];

/** PyTorch 2.11's histc of float32 values: the edges rounded to float32, every step too. */
function histcModel(xs: readonly number[], bins: number, min: number, max: number): number[] {
  const lo = f(min), hi = f(max), width = f(hi - lo);
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) {
    if (!(x >= lo && x <= hi)) continue;
    const pos = Math.min(Math.trunc(f(f(f(x - lo) * bins) / width)), bins - 1);
    counts[pos]!++;
  }
  return counts;
}

/** Values at, just above and just below each of the bins + 1 edges of [min, max], and random ones. */
function edgeData(bins: number, min: number, max: number, seed: number): number[] {
  const out: number[] = [];
  const next = (v: number, up: boolean): number => {
    const b = new Float32Array([v]), u = new Uint32Array(b.buffer);
    u[0]! += (v >= 0) === up ? 1 : -1;
    return b[0]!;
  };
  for (let i = 0; i <= bins; i++) {
    const e = f(min + ((max - min) * i) / bins);
    out.push(e, next(e, true), next(e, false));
  }
  torch.manualSeed(seed);
  out.push(...flat(torch.randn(500).mul(max - min).add(min)));
  return out;
}

function onBothKernels(body: (where: string) => void): void {
  const saved = kernels.backend;
  try {
    for (const backend of kernels.backend === "native" ? (["native", "js"] as const) : (["js"] as const)) {
      kernels.backend = backend;
      body(backend);
    }
  } finally {
    kernels.backend = saved;
  }
}

describe("histc", () => {
  test("bins as PyTorch 2.11 finds them, in float32, at and next to every edge", () => {
    let discriminates = false;
    for (const [bins, min, max, seed] of [[7, -1.3, 2.9, 1], [13, -3.7, 0.2, 2], [10, 0.1, 0.7, 3], [33, -5, 5, 4]] as const) {
      const xs = edgeData(bins, min, max, seed);
      const want = histcModel(xs, bins, min, max);
      // Bins found in double (torch-ts before, and this formula's usual transcription) differ here.
      const dbl = new Array<number>(bins).fill(0);
      for (const x of xs) if (x >= f(min) && x <= f(max)) dbl[Math.min(Math.floor(((x - f(min)) * bins) / (f(max) - f(min))), bins - 1)]!++;
      if (dbl.some((v, i) => v !== want[i])) discriminates = true;
      onBothKernels((where) => {
        const got = torch.histc(torch.tensor(xs, { dtype: torch.float32 }), bins, min, max);
        assert.equal(got.dtype, torch.float32);
        assert.deepEqual(flat(got), want, `bins ${bins} [${min}, ${max}] ${where}`);
      });
    }
    assert.ok(discriminates, "edge data where bins found in double agree with float32 ones");
  });

  test("the data's range when min == max (widened by 1 when constant), empty input, NaN and outside values skipped", () => {
    const x = torch.tensor([0.5, -2, 3, 1, 1, 2.25]);
    assert.deepEqual(flat(torch.histc(x, 5)), histcModel(flat(x), 5, -2, 3));
    assert.deepEqual(flat(torch.histc(torch.full([4], 2, { dtype: torch.float32 }), 4)), [0, 0, 4, 0]);
    assert.deepEqual(flat(torch.histc(torch.tensor([] as number[]), 3)), [0, 0, 0]);
    assert.deepEqual(flat(torch.histc(torch.tensor([NaN, 0.5, 7, -7, 1]), 2, 0, 1)), [0, 2]);
    assert.deepEqual(flat(torch.histc(torch.tensor([0.1, 0.9], { dtype: torch.float64 }), 2, 0, 1)), [1, 1]);
    assert.equal(torch.histc(torch.tensor([0.1, 0.9], { dtype: torch.float64 }), 2).dtype, torch.float64);
    const out = torch.empty([3]);
    assert.equal(torch.histc(x, 3, 0, 3, { out }), out);
    assert.deepEqual(flat(out), [1, 2, 2]);
    assert.deepEqual(flat(x.histc({ bins: 3, min: 0, max: 3 })), [1, 2, 2]);
  });

  test("PyTorch's errors", () => {
    const x = torch.tensor([1, 2, 3]);
    assert.throws(() => torch.histc(x.float(), 0), /torch\.histc\(\): bins must be > 0/);
    assert.throws(() => torch.histc(x.float(), 3, 2, 1), /max must be larger than min/);
    assert.throws(() => torch.histc(x, 3), /"histogram_cpu" not implemented for 'Long'/);
    assert.throws(() => torch.histc(torch.tensor([1, NaN, 2]), 3), /torch\.histc: range of \[nan, nan\] is not finite/);
    assert.throws(() => torch.histc(torch.tensor([1, Infinity]), 3), /torch\.histc: range of \[1, inf\] is not finite/);
    assert.throws(() => torch.histc(torch.tensor([1.5, 2]), 3, -Infinity, 1), /torch\.histc: range of \[-inf, 1\] is not finite/);
  });
});

describe("bincount and the async forms on the CPU", () => {
  test("PyTorch's result dtypes: float32 weights count in float32, any other weights in float64, none in int64", () => {
    const x = torch.tensor([0, 1, 1, 4]);
    assert.deepEqual(torch.bincount(x).tolist(), [1, 2, 0, 0, 1]);
    assert.equal(torch.bincount(x).dtype, torch.int64);
    const cases: [torch.DType, torch.DType][] = [
      [torch.float32, torch.float32], [torch.float64, torch.float64], [torch.float16, torch.float64],
      [torch.bfloat16, torch.float64], [torch.int64, torch.float64], [torch.int32, torch.float64], [torch.uint8, torch.float64], [torch.bool, torch.float64],
    ];
    for (const [w, want] of cases) {
      const r = torch.bincount(x, torch.ones([4], { dtype: w }));
      assert.equal(r.dtype, want, `weights ${w.name}`);
      assert.deepEqual(r.tolist(), [1, 2, 0, 0, 1], `weights ${w.name}`);
    }
    assert.deepEqual(torch.bincount(x, { minlength: 7 }).tolist(), [1, 2, 0, 0, 1, 0, 0]);
    assert.throws(() => torch.bincount(x, { minlength: -1 }), /minlength should be >= 0/);
    assert.throws(() => torch.bincount(x, torch.ones([3])), /weights should be 1-d and have the same length as input/);
    assert.throws(() => torch.bincount(torch.tensor([1, -1])), /bincount only supports 1-d non-negative integral inputs/);
  });

  test("the async forms resolve to the synchronous results", async () => {
    const x = torch.tensor([0, 3, 3]), w = torch.tensor([0.5, 1, 2]);
    assert.deepEqual((await torch.bincountAsync(x, w, 5)).tolist(), torch.bincount(x, w, 5).tolist());
    assert.deepEqual((await x.bincountAsync()).tolist(), [1, 0, 0, 2]);
    const a = torch.tensor([1, 2, NaN]);
    assert.equal(await torch.equalAsync(a, a), false);
    assert.equal(await torch.equalAsync(a.get("0:2"), torch.tensor([1, 2])), true);
    assert.equal(await torch.allcloseAsync(a, a, { equalNan: true }), true);
    assert.equal(await a.allcloseAsync(a.add(1e-3)), false);
  });
});

const available = await torch.webgpu.isAvailable();
describe("on webgpu", { skip: available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter" }, () => {
  before(async () => { await torch.webgpu.init(); });
  after(() => torch.webgpu.shutdown());

  test("histc runs on the device (no readback, also for the data's range) and counts as the CPU", async () => {
    torch.manualSeed(6);
    const x = torch.randn([3000]);
    for (const [bins, min, max] of [[7, -1.3, 2.9], [20, 0, 0], [5, 3, 3]] as const) {
      const cpu = flat(torch.histc(x, bins, min, max));
      const dev = torch.histc(x.to("webgpu"), bins, min, max);
      assert.equal(dev.device.type, "webgpu");
      assert.deepEqual(await dev.tolistAsync(), cpu, `bins ${bins} [${min}, ${max}]`);
    }
    assert.deepEqual(await torch.histc(torch.full([4], 2, { dtype: torch.float32, device: "webgpu" }), 4).tolistAsync(), [0, 0, 4, 0]);
  });

  test("bincountAsync, equalAsync, allcloseAsync; the synchronous forms name them", async () => {
    const x = torch.tensor([2, 0, 2, 5]).to("webgpu"), w = torch.tensor([0.25, 1, 2, 3]).to("webgpu");
    const counts = await torch.bincountAsync(x);
    assert.equal(counts.device.type, "webgpu");
    assert.equal(counts.dtype, torch.int64);
    assert.deepEqual(await counts.tolistAsync(), [1, 0, 2, 0, 0, 1]);
    assert.deepEqual(await (await torch.bincountAsync(x, w, 8)).tolistAsync(), [1, 0, 2.25, 0, 0, 3, 0, 0]);
    await assert.rejects(torch.bincountAsync(torch.tensor([1, -1]).to("webgpu")), /non-negative integral inputs/);
    await assert.rejects(torch.bincountAsync(x, torch.ones([4], { dtype: torch.int32 }).to("webgpu")), /not implemented for the 'webgpu' device/);
    const a = torch.tensor([1, 2, 3]).float().to("webgpu");
    assert.equal(await torch.equalAsync(a, a), true);
    assert.equal(await torch.equalAsync(a, a.add(1)), false);
    assert.equal(await torch.equalAsync(a, a.get("0:2")), false);
    assert.equal(await torch.allcloseAsync(a, a.add(1e-7)), true);
    assert.equal(await torch.allcloseAsync(a, a.add(1e-3)), false);
    assert.throws(() => torch.bincount(x), /on 'webgpu' use await torch\.bincountAsync/);
    assert.throws(() => torch.equal(a, a), /on 'webgpu' use await torch\.equalAsync/);
    assert.throws(() => torch.allclose(a, a), /on 'webgpu' use await torch\.allcloseAsync/);
  });
});
