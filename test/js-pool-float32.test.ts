// Float32 max pooling of the JS kernels (src/backends/js/pool.ts: integer keys of the float bits,
// the unrolled 2x2 window, int64 indices written in place) against PyTorch 1.13
// (fixtures/js-pool-float32.py): ties, signed zeros, infinities and NaNs over padding, stride,
// dilation, ceil_mode and 1d/2d/3d windows; the same through F.max_poolNd on a non-contiguous
// input (whichever backend runs); and against the float64 loop on random data.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { maxPoolBackward, maxPoolForward, poolOutputShape } from "../src/backends/js/pool.js";
import { api, camelKeys, type Json } from "./support/kernel-checks.js";

interface Case {
  fn: "max_pool1d" | "max_pool2d" | "max_pool3d"; shape: number[]; kwargs: Record<string, Json>;
  x: string[]; out: string[]; outShape: number[]; indices: number[]; grad: string[];
}
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/js-pool-float32.json", import.meta.url), "utf8")) as { cases: Case[] };

const num = (v: string): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const list = (v: number | number[] | undefined, k: number, dflt: number[]): number[] =>
  v === undefined ? dflt : typeof v === "number" ? new Array<number>(k).fill(v) : v;

function params(c: Case): { kernelSize: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean } {
  const k = c.shape.length - 2;
  const kw = c.kwargs as { kernel_size: number | number[]; stride?: number | number[]; padding?: number | number[]; dilation?: number | number[]; ceil_mode?: boolean };
  const kernelSize = list(kw.kernel_size, k, []);
  return { kernelSize, stride: list(kw.stride, k, kernelSize), padding: list(kw.padding, k, new Array<number>(k).fill(0)), dilation: list(kw.dilation, k, new Array<number>(k).fill(1)), ceilMode: kw.ceil_mode === true };
}

/** Exact equality, -0 and NaN included (every expected value is an integer, a zero, an infinity or a NaN). */
function assertSame(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: expected ${expected[i]}, got ${actual[i]}`);
}

/** 1, 2, 3, ...: the output gradient the fixture's backward used. */
const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i + 1);

for (const c of cases) {
  test(`float32 ${c.fn} ${JSON.stringify(c.shape)} ${JSON.stringify(c.kwargs)}: values, int64 indices and gradient as PyTorch`, () => {
    const p = params(c);
    const outShape = poolOutputShape(c.shape, p);
    assert.deepEqual(outShape, c.outShape);
    const x = Float32Array.from(c.x, num);
    const n = c.indices.length;
    const out = new Float32Array(n), indices = new BigInt64Array(n).fill(-7n);
    maxPoolForward(x, c.shape, out, outShape, indices, p);
    assertSame(out, c.out.map(num), "out");
    assert.deepEqual(Array.from(indices, Number), c.indices);
    // Int32 indices (the kernels' scratch form) pick the same.
    const out32 = new Float32Array(n), idx32 = new Int32Array(n);
    maxPoolForward(x, c.shape, out32, outShape, idx32, p);
    assert.deepEqual(Array.from(idx32), c.indices);
    const gradInput = new Float32Array(x.length).fill(NaN);
    maxPoolBackward(ramp(n), indices, outShape, gradInput, c.shape, c.shape.length - 2);
    assertSame(gradInput, c.grad.map(num), "grad");
  });
}

test("float32 max pooling through F on a non-contiguous input, forward and backward, as PyTorch", async () => {
  const { torch, F } = await api();
  const fns = { max_pool1d: F.maxPool1d, max_pool2d: F.maxPool2d, max_pool3d: F.maxPool3d } as const;
  for (const c of cases) {
    const k = c.shape.length - 2;
    // The input stored with its last two dims swapped, then viewed back: a non-contiguous tensor.
    const swapped = [...c.shape.slice(0, -2), c.shape[c.shape.length - 1]!, c.shape[c.shape.length - 2]!];
    const stored = torch.tensor(Float32Array.from(c.x, num)).reshape(c.shape).transpose(-1, -2).contiguous();
    assert.deepEqual(stored.shape, swapped);
    const x = stored.transpose(-1, -2).requiresGrad_();
    assert.equal(x.isContiguous(), false);
    const [out, idx] = fns[c.fn](x, { ...camelKeys(c.kwargs), returnIndices: true } as never) as unknown as [InstanceType<typeof torch.Tensor>, InstanceType<typeof torch.Tensor>];
    assertSame(out.detach().reshape(-1).tolist() as number[], c.out.map(num), `${c.fn} out`);
    assert.deepEqual(idx.reshape(-1).tolist(), c.indices, `${c.fn} indices`);
    out.mul(torch.arange(1, out.numel() + 1, { dtype: "float32" }).reshape(out.shape)).sum().backward();
    assertSame(x.grad!.reshape(-1).tolist() as number[], c.grad.map(num), `${c.fn} grad (k=${k})`);
  }
});

test("float32 max pooling picks what the float64 loop picks on random data with ties and NaNs", () => {
  // Windows of several sizes, with and without padding, against the float64 (compare-and-branch) path.
  let s = 99;
  const rand = (): number => { s = (s * 1103515245 + 12345) >>> 0; return s / 4294967296; };
  const shape = [2, 3, 13, 11];
  const x64 = Float64Array.from({ length: 2 * 3 * 13 * 11 }, () => {
    const r = rand();
    return r < 0.03 ? NaN : r < 0.05 ? -0 : Math.fround(Math.floor(rand() * 9) - 4 + (rand() < 0.5 ? 0 : 1 / 3));
  });
  const x32 = Float32Array.from(x64);
  for (const p of [
    { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: true },
    { kernelSize: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [1, 1], ceilMode: false },
    { kernelSize: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [2, 1], ceilMode: true },
    { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], ceilMode: false },
  ]) {
    const outShape = poolOutputShape(shape, p);
    const n = outShape.reduce((a, b) => a * b);
    const o64 = new Float64Array(n), i64 = new BigInt64Array(n), o32 = new Float32Array(n), i32 = new BigInt64Array(n);
    maxPoolForward(x64, shape, o64, outShape, i64, p);
    maxPoolForward(x32, shape, o32, outShape, i32, p);
    assert.deepEqual(Array.from(i32, Number), Array.from(i64, Number), `indices ${JSON.stringify(p)}`);
    assertSame(o32, Array.from(o64), `values ${JSON.stringify(p)}`);
  }
});
