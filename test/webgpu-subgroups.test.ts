// The subgroup variants of the workgroup reductions (reduce, softmax, layer norm) against float64
// references and against the barrier trees of a context without subgroups. The kernel profile's
// pipeline keys show which variant ran. Skipped where the adapter has no usable subgroups.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as wg from "../src/backends/webgpu/index.js";
import type { GpuContext, GpuTensor } from "../src/backends/webgpu/index.js";
import { layerNormBackward, layerNormForward } from "../src/backends/webgpu/layer-norm.js";
import { f16ToF32, f32ToF16 } from "../src/core/dtype.js";
import { rng } from "./support/random.js";

let reason = "";
const withSg: GpuContext | null = await wg.requestDevice({ subgroups: true }).catch((e: unknown) => {
  reason = e instanceof Error ? e.message : String(e);
  return null;
});
const without: GpuContext | null = withSg ? await wg.requestDevice({ subgroups: false }) : null;
const skip = !withSg ? `no WebGPU adapter here (${reason})`
  : !withSg.subgroups ? `the adapter offers no usable subgroups (${withSg.describe()})`
    : !withSg.features.has("timestamp-query") ? "no timestamp queries: the kernel profile cannot show the pipeline keys" : false;

after(() => { withSg?.destroy(); without?.destroy(); });
/** float16 tensors stored as f16 need the "shader-f16" feature (an H100 through Dawn's Vulkan lacks it). */
const hasF16 = withSg !== null && without !== null && withSg.features.has("shader-f16") && without.features.has("shader-f16");

const rand = rng(77);
function values(n: number, scale = 1, shift = 0): Float32Array {
  return Float32Array.from({ length: n }, () => shift + (rand() * 2 - 1) * scale);
}
const roundF16 = (v: number): number => f16ToF32(f32ToF16(v));

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`); continue; }
    assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}

/** Each row of a [rows, n] array reduced by `f` (float64). */
function perRow(x: ArrayLike<number>, n: number, f: (row: number[]) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i += n) out.push(f(Array.from(x).slice(i, i + n)));
  return out;
}
const nanOr = (row: number[], f: (r: number[]) => number): number => (row.some(Number.isNaN) ? NaN : f(row));
const REDUCE_REFS = {
  sum: (r: number[]) => r.reduce((a, b) => a + b, 0),
  mean: (r: number[]) => r.reduce((a, b) => a + b, 0) / r.length,
  prod: (r: number[]) => r.reduce((a, b) => a * b, 1),
  max: (r: number[]) => nanOr(r, (q) => Math.max(...q)),
  min: (r: number[]) => nanOr(r, (q) => Math.min(...q)),
} as const;

function softmaxRows(x: ArrayLike<number>, n: number, log: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i += n) {
    const row = Array.from(x).slice(i, i + n);
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    for (const v of row) out.push(log ? v - m - Math.log(s) : Math.exp(v - m) / s);
  }
  return out;
}

/**
 * Runs `f` on both contexts under the kernel profile: the pipeline keys on each, and the downloaded
 * results (float16 decoded).
 */
async function onBoth(f: (ctx: GpuContext) => GpuTensor[]): Promise<{ sg: { keys: string[]; out: number[][] }; plain: { keys: string[]; out: number[][] } }> {
  const run = async (ctx: GpuContext) => {
    ctx.startKernelProfile();
    let ts: GpuTensor[];
    try {
      ts = f(ctx);
    } catch (e) {
      // A kernel that fails must not leave the profile running for the next test.
      await ctx.stopKernelProfile().catch(() => undefined);
      throw e;
    }
    const keys = (await ctx.stopKernelProfile()).map((k) => k.key);
    const out: number[][] = [];
    for (const t of ts) {
      const h = await wg.download(t);
      out.push(t.dtype === "float16" ? Array.from(h, f16ToF32) : Array.from(h));
    }
    return { keys, out };
  };
  return { sg: await run(withSg!), plain: await run(without!) };
}

/** The subgroup context ran only subgroup variants of `kernel`, the other only barrier trees. */
function assertVariants(r: { sg: { keys: string[] }; plain: { keys: string[] } }, kernel: string, sgMark: RegExp): void {
  const sgKeys = r.sg.keys.filter((k) => k.startsWith(kernel));
  const plainKeys = r.plain.keys.filter((k) => k.startsWith(kernel));
  assert.ok(sgKeys.length > 0 && sgKeys.every((k) => sgMark.test(k)), `subgroup keys: ${sgKeys.join(", ")}`);
  assert.ok(plainKeys.length > 0 && plainKeys.every((k) => !sgMark.test(k)), `barrier keys: ${plainKeys.join(", ")}`);
}

describe("webgpu subgroup reductions", { skip, timeout: 120_000 }, () => {
  test("the switch: subgroups: false and TORCH_TS_WEBGPU_SUBGROUPS=0 give no subgroups; the probe's sizes", async () => {
    assert.equal(without!.subgroups, null);
    const s = withSg!.subgroups!;
    assert.equal(s.workgroupSize, withSg!.maxWorkgroupSize);
    assert.ok(s.minSize >= 1 && s.minSize <= s.maxSize, JSON.stringify(s));
    const saved = process.env["TORCH_TS_WEBGPU_SUBGROUPS"];
    process.env["TORCH_TS_WEBGPU_SUBGROUPS"] = "0";
    try {
      const ctx = await wg.requestDevice();
      assert.equal(ctx.subgroups, null);
      ctx.destroy();
    } finally {
      if (saved === undefined) delete process.env["TORCH_TS_WEBGPU_SUBGROUPS"]; else process.env["TORCH_TS_WEBGPU_SUBGROUPS"] = saved;
    }
  });

  test("reduce: sum/mean/prod/max/min of float32 rows (NaN row, not a multiple of the workgroup), int32", async () => {
    const n = 300;
    const x = values(3 * n, 2);
    x[n + 123] = NaN;
    const p = values(3 * n, 0.01, 1);
    p[2 * n + 7] = NaN;
    const xi = Int32Array.from({ length: 2 * 100 }, () => Math.floor(rand() * 2000) - 1000);
    const kinds = ["sum", "mean", "prod", "max", "min"] as const;
    const r = await onBoth((ctx) => {
      const t = wg.upload(ctx, x, [3, n]), tp = wg.upload(ctx, p, [3, n]), ti = wg.upload(ctx, xi, [2, 100]);
      return [
        ...kinds.map((k) => wg.reduce(k, k === "prod" ? tp : t, [1])),
        wg.reduce("sum", ti, [1]), wg.reduce("max", ti, [1]), wg.reduce("min", ti, [1]),
      ];
    });
    assertVariants(r, "reduce|", /\|sg\|/);
    assert.ok(r.sg.keys.some((k) => k.startsWith("reduce|max|int32")), r.sg.keys.join(", "));
    kinds.forEach((k, i) => {
      const expected = perRow(k === "prod" ? p : x, n, REDUCE_REFS[k]);
      close(r.sg.out[i]!, expected, 1e-5, `subgroups ${k}`);
      close(r.plain.out[i]!, expected, 1e-5, `barriers ${k}`);
    });
    (["sum", "max", "min"] as const).forEach((k, j) => {
      const expected = perRow(xi, 100, REDUCE_REFS[k]);
      assert.deepEqual(r.sg.out[kinds.length + j], expected, `int32 ${k}`);
      assert.deepEqual(r.plain.out[kinds.length + j], expected, `int32 ${k}`);
    });
  });

  test("reduce: a long row in two passes (the second over fewer values than a subgroup), float16 rows", async () => {
    const long = values(5000, 1);
    long[4321] = NaN;
    const h = values(2 * 130, 4);
    const h16 = Uint16Array.from(h, f32ToF16);
    const h32 = Array.from(h16, f16ToF32);
    const r = await onBoth((ctx) => {
      const t = wg.upload(ctx, long, [1, 5000]);
      const out = [wg.reduce("sum", t, [1]), wg.reduce("max", t, [1])];
      if (!hasF16) return out;
      const th = wg.upload(ctx, h16, [2, 130], "float16");
      return [...out, wg.reduce("mean", th, [1]), wg.reduce("max", th, [1]), wg.reduce("sum", th, [1])];
    });
    assertVariants(r, "reduce|", /\|sg\|/);
    assert.ok(r.sg.keys.filter((k) => k.startsWith("reduce|sum|float32")).length >= 2, `two passes: ${r.sg.keys.join(", ")}`);
    if (hasF16) assert.ok(r.sg.keys.some((k) => k.startsWith("reduce|max|float16")), r.sg.keys.join(", "));
    for (const side of [r.sg, r.plain]) {
      assert.ok(Number.isNaN(side.out[0]![0]!) && Number.isNaN(side.out[1]![0]!), "NaN in a long row");
      if (!hasF16) continue;
      close(side.out[2]!, perRow(h32, 130, REDUCE_REFS.mean).map(roundF16), 1e-3, "float16 mean");
      close(side.out[3]!, perRow(h32, 130, REDUCE_REFS.max), 0, "float16 max");
      close(side.out[4]!, perRow(h32, 130, REDUCE_REFS.sum), 1e-5, "float16 sum (float32 result)");
    }
    long[4321] = 0.5;
    const r2 = await onBoth((ctx) => [wg.reduce("sum", wg.upload(ctx, long, [1, 5000]), [1])]);
    close(r2.sg.out[0]!, [REDUCE_REFS.sum(Array.from(long))], 1e-5, "two-pass sum");
  });

  test("softmax / log_softmax forward and backward (NaN row, rows not a multiple of the workgroup), float16", async () => {
    const n = 300;
    const x = values(3 * n, 3);
    x[n + 5] = NaN;
    const g = values(3 * n, 1);
    const xh = Uint16Array.from(values(2 * 50, 3), f32ToF16);
    const xh32 = Array.from(xh, f16ToF32);
    const r = await onBoth((ctx) => {
      const t = wg.upload(ctx, x, [3, n]), tg = wg.upload(ctx, g, [3, n]);
      const y = wg.softmax(t, 1), ly = wg.logSoftmax(t, 1);
      const out = [y, ly, wg.softmaxBackward(tg, y, 1), wg.softmaxBackward(tg, ly, 1, { log: true })];
      return hasF16 ? [...out, wg.softmax(wg.upload(ctx, xh, [2, 50], "float16"), 1)] : out;
    });
    assertVariants(r, "rows|", /\|sg\|/);
    const y = softmaxRows(x, n, false), ly = softmaxRows(x, n, true);
    const dy: number[] = [], dly: number[] = [];
    for (let i = 0; i < 3 * n; i += n) {
      let s = 0, sg = 0;
      for (let c = i; c < i + n; c++) { s += g[c]! * y[c]!; sg += g[c]!; }
      for (let c = i; c < i + n; c++) { dy.push(y[c]! * (g[c]! - s)); dly.push(g[c]! - Math.exp(ly[c]!) * sg); }
    }
    for (const [side, name] of [[r.sg, "subgroups"], [r.plain, "barriers"]] as const) {
      close(side.out[0]!, y, 1e-5, `${name} softmax`);
      close(side.out[1]!, ly, 1e-5, `${name} log_softmax`);
      close(side.out[2]!, dy, 1e-5, `${name} softmax backward`);
      close(side.out[3]!, dly, 1e-5, `${name} log_softmax backward`);
      if (hasF16) close(side.out[4]!, softmaxRows(xh32, 50, false).map(roundF16), 2e-3, `${name} float16 softmax`);
    }
    assert.ok(side0NaNRow(r.sg.out[0]!, n), "a NaN makes its whole row NaN");
  });

  test("layer norm forward and backward: rows shorter than a subgroup and longer than the workgroup", async () => {
    for (const D of [3, 300]) {
      const M = 3;
      const x = values(M * D, 2, 0.5), w = values(D, 1, 1), b = values(D, 1), g = values(M * D, 1);
      const r = await onBoth((ctx) => {
        const tx = wg.upload(ctx, x, [M, D]), tw = wg.upload(ctx, w, [D]), tb = wg.upload(ctx, b, [D]);
        const f = layerNormForward(tx, M, D, tw, tb, 1e-5);
        const dx = layerNormBackward(wg.upload(ctx, g, [M, D]), tx, f.mean, f.rstd, tw, M, D, { x: true, weight: false, bias: false }).dx!;
        return [f.y, f.mean, f.rstd, dx];
      });
      assertVariants(r, "layer_norm|", /\|sg$/);
      assertVariants(r, "layer_norm_bwd_x|", /\|sg$/);
      const y: number[] = [], mean: number[] = [], rstd: number[] = [], dx: number[] = [];
      for (let i = 0; i < M; i++) {
        const row = Array.from(x.subarray(i * D, (i + 1) * D));
        const m = row.reduce((a, v) => a + v, 0) / D;
        const rs = 1 / Math.sqrt(row.reduce((a, v) => a + (v - m) ** 2, 0) / D + 1e-5);
        mean.push(m); rstd.push(rs);
        const xh = row.map((v) => (v - m) * rs);
        xh.forEach((v, c) => y.push(v * w[c]! + b[c]!));
        const d = xh.map((_, c) => g[i * D + c]! * w[c]!);
        const md = d.reduce((a, v) => a + v, 0) / D, mdx = d.reduce((a, v, c) => a + v * xh[c]!, 0) / D;
        d.forEach((v, c) => dx.push(rs * (v - md - xh[c]! * mdx)));
      }
      for (const [side, name] of [[r.sg, "subgroups"], [r.plain, "barriers"]] as const) {
        close(side.out[0]!, y, 1e-4, `${name} D=${D} y`);
        close(side.out[1]!, mean, 1e-5, `${name} D=${D} mean`);
        close(side.out[2]!, rstd, 1e-4, `${name} D=${D} rstd`);
        close(side.out[3]!, dx, 1e-4, `${name} D=${D} dx`);
      }
    }
  });
});

/** Whether row 1 of a [3, n] result is all NaN and rows 0 and 2 have none. */
function side0NaNRow(out: readonly number[], n: number): boolean {
  return out.every((v, i) => Number.isNaN(v) === (i >= n && i < 2 * n));
}
